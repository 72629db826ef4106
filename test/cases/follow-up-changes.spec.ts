import { addDays } from '../../src/common/clock.js';
import { localToday } from '../harness/dates.js';
import { given, type GivenAgency, type Session } from '../harness/given.js';
import { startTestApp, type TestApp } from '../harness/test-app.js';

/** Follow-up visits change only with a reason, only by who may, and only while scheduled. */
describe('cancelling and rescheduling follow-up visits', () => {
  let t: TestApp;
  let lead: GivenAgency;
  let province: GivenAgency;
  let caseworker: Session;
  let provincial: Session;
  let caseId: string;
  let visits: { id: string; version: number; dueOn: string; agencyId: string }[];

  beforeAll(async () => {
    t = await startTestApp();
    const g = given(t);
    lead = await g.agency({ localType: 'transit_centre' });
    province = await g.agency({ localType: 'government_department', provinceCode: 'LA-SV' });
    caseworker = await g.session(await g.user(lead, ['caseworker']));
    provincial = await g.session(await g.user(province, ['caseworker']));
    const person = await t.http
      .post('/persons')
      .set(caseworker.auth)
      .send({ names: { givenNameLatin: 'Phet' }, gender: 'Feminine' });
    caseId = (await t.http.post('/cases').set(caseworker.auth).send({ personId: person.body.id })).body.id;
    await t.http
      .post(`/cases/${caseId}/consents`)
      .set(caseworker.auth)
      .send({
        purposes: ['assistance', 'sharing_for_referral'],
        coveredAgencyIds: [province.id],
        givenBy: 'person',
        method: 'written',
        givenOn: localToday(),
      });
    const referral = await t.http
      .post(`/cases/${caseId}/referrals`)
      .set(caseworker.auth)
      .send({ toAgencyId: province.id, purpose: 'reintegration', urgency: 'normal' });
    await t.http
      .post(`/referrals/${referral.body.id}/accept`)
      .set(provincial.auth)
      .set('if-match', `"${referral.body.version}"`);
    const own = await t.http
      .post(`/cases/${caseId}/follow-ups`)
      .set(caseworker.auth)
      .send({ fromDate: localToday(), months: [1] });
    const theirs = await t.http
      .post(`/cases/${caseId}/follow-ups`)
      .set(caseworker.auth)
      .send({ fromDate: localToday(), months: [2, 3], agencyId: province.id });
    expect([own.status, theirs.status]).toEqual([201, 201]);
    visits = (await t.http.get(`/cases/${caseId}/follow-ups`).set(caseworker.auth)).body;
  });
  afterAll(() => t.close());

  const change = (who: Session, visit: { id: string; version: number }, action: string, body: object) =>
    t.http
      .post(`/cases/${caseId}/follow-ups/${visit.id}/${action}`)
      .set(who.auth)
      .set('if-match', `"${visit.version}"`)
      .send(body);

  it("lets the visiting agency change its own visits only: the lead agency's answer as missing", async () => {
    const leadsVisit = visits.find((v) => v.agencyId === lead.id)!;
    expect((await change(provincial, leadsVisit, 'cancel', { reason: 'person_moved' })).status).toBe(404);
    const provincesVisit = visits.find((v) => v.agencyId === province.id)!;
    const moved = await change(provincial, provincesVisit, 'reschedule', {
      dueOn: addDays(provincesVisit.dueOn, 7),
      reason: 'person_unreachable',
    });
    expect(moved.status).toBe(200);
    expect(moved.body).toMatchObject({ dueOn: addDays(provincesVisit.dueOn, 7), changeReason: 'person_unreachable' });
    expect((await change(provincial, provincesVisit, 'cancel', { reason: 'other' })).status).toBe(412);
  });

  it('needs a reason from the list, a date not in the past, and a visit still scheduled', async () => {
    const visit = visits.find((v) => v.agencyId === lead.id)!;
    expect((await change(caseworker, visit, 'cancel', {})).status).toBe(400);
    expect((await change(caseworker, visit, 'cancel', { reason: 'case_closed' })).status).toBe(400);
    expect((await change(caseworker, visit, 'cancel', { reason: 'The mother said so' })).status).toBe(400);
    const past = await change(caseworker, visit, 'reschedule', { dueOn: addDays(localToday(), -1), reason: 'other' });
    expect(past.status).toBe(422);
    expect(past.body.code).toBe('DATE_OUT_OF_RANGE');
    const cancelled = await change(caseworker, visit, 'cancel', { reason: 'visit_not_needed' });
    expect(cancelled.body).toMatchObject({ status: 'cancelled', changeReason: 'visit_not_needed' });
    const again = await change(caseworker, cancelled.body, 'reschedule', { dueOn: localToday(), reason: 'other' });
    expect(again.status).toBe(409);
    const timeline = (await t.http.get(`/cases/${caseId}/timeline`).set(caseworker.auth)).body.map(
      (e: { kind: string }) => e.kind,
    );
    expect(timeline).toEqual(expect.arrayContaining(['follow_up_cancelled', 'follow_up_rescheduled']));
  });

  it("lists an agency's upcoming visits in a date range of at most 366 days", async () => {
    const upcoming = await t.http
      .get('/follow-ups/upcoming')
      .query({ from: localToday(), to: addDays(localToday(), 200) })
      .set(provincial.auth);
    expect(upcoming.body.map((v: { caseId: string }) => v.caseId)).toEqual([caseId, caseId]);
    expect(
      (
        await t.http
          .get('/follow-ups/upcoming')
          .query({ from: localToday(), to: addDays(localToday(), 400) })
          .set(provincial.auth)
      ).status,
    ).toBe(422);
    expect((await t.http.get('/follow-ups/upcoming').set(caseworker.auth)).body).toEqual([]);
  });
});
