import { addDays } from '../../src/common/clock.js';
import { setClock } from '../harness/clock.js';
import { given, type GivenAgency, type Session } from '../harness/given.js';
import { screeningBody, VICTIM_ANSWERS } from '../harness/screening-fixtures.js';
import { startTestApp, type TestApp } from '../harness/test-app.js';

/**
 * "Today" is the deployment's date (TIME_ZONE, Asia/Vientiane by default), never UTC. At 23:30
 * UTC it is already 06:30 the next morning in Vientiane: a caseworker recording what she did
 * this morning must not be told the date is in the future.
 */
describe('dates follow the deployment time zone (23:30 UTC is 06:30 the next day in Vientiane)', () => {
  let t: TestApp;
  let vtc: GivenAgency;
  let province: GivenAgency;
  let caseworker: Session;
  let idOfficer: Session;
  let analyst: Session;
  let restore: () => void;
  const utcDate = new Date().toISOString().slice(0, 10);
  const lateEvening = `${utcDate}T23:30:00Z`;
  const vientianeDate = addDays(utcDate, 1);
  let caseId: string;

  beforeAll(async () => {
    t = await startTestApp();
    const g = given(t);
    vtc = await g.agency({ localType: 'transit_centre', provinceCode: 'LA-VT' });
    province = await g.agency({ localType: 'government_department', provinceCode: 'LA-SV' });
    caseworker = await g.session(await g.user(vtc, ['caseworker', 'screener']));
    idOfficer = await g.session(await g.user(vtc, ['identification_officer']));
    analyst = await g.session(await g.user(await g.agency(), ['analyst']));
    restore = setClock(t, new Date(lateEvening));
  });
  afterAll(async () => {
    restore();
    await t.close();
  });

  it('opens the case on the Vientiane date, numbered in the Vientiane year', async () => {
    const person = await t.http
      .post('/persons')
      .set(caseworker.auth)
      .send({ names: { givenNameLatin: 'Vanh' }, gender: 'Feminine', birth: { precision: 'year', birthYear: 1995 } });
    const screening = await t.http
      .post('/screenings')
      .set(caseworker.auth)
      .send(screeningBody({ personId: person.body.id, answers: VICTIM_ANSWERS }));
    const opened = await t.http.post(`/screenings/${screening.body.id}/open-case`).set(caseworker.auth).send({});
    expect(opened.status).toBe(201);
    caseId = opened.body.id;
    expect(opened.body.openedOn).toBe(vientianeDate);
    expect(opened.body.caseNumber.split('-')[1]).toBe(vientianeDate.slice(0, 4));

    // An identification decision dated this Vientiane morning is not "in the future"; tomorrow is.
    const tomorrow = await t.http
      .post(`/screenings/${screening.body.id}/identification-decisions`)
      .set(idOfficer.auth)
      .send({ status: 'PossibleVictimOfTrafficking', decidedOn: addDays(vientianeDate, 1), basis: 'Indicators' });
    expect(tomorrow.status).toBe(400);
    const decided = await t.http
      .post(`/screenings/${screening.body.id}/identification-decisions`)
      .set(idOfficer.auth)
      .send({ status: 'PossibleVictimOfTrafficking', decidedOn: vientianeDate, basis: 'Indicators' });
    expect(decided.status).toBe(201);
  });

  it('accepts a service delivered this Vientiane morning and refuses one dated tomorrow', async () => {
    const thisMorning = await t.http
      .post(`/cases/${caseId}/services`)
      .set(caseworker.auth)
      .send({ serviceType: 'medical', deliveredOn: vientianeDate, outcome: 'completed' });
    expect(thisMorning.status).toBe(201);
    const tomorrow = await t.http
      .post(`/cases/${caseId}/services`)
      .set(caseworker.auth)
      .send({ serviceType: 'medical', deliveredOn: addDays(vientianeDate, 1), outcome: 'completed' });
    expect(tomorrow.status).toBe(422);
    expect(tomorrow.body.errors[0]).toMatchObject({ field: 'deliveredOn' });
  });

  it('shows referral deadlines in Vientiane time', async () => {
    await t.http
      .post(`/cases/${caseId}/consents`)
      .set(caseworker.auth)
      .send({
        purposes: ['assistance', 'sharing_for_referral'],
        coveredAgencyIds: [province.id],
        givenBy: 'person',
        method: 'written',
        givenOn: vientianeDate,
      });
    const referral = await t.http
      .post(`/cases/${caseId}/referrals`)
      .set(caseworker.auth)
      .send({ toAgencyId: province.id, purpose: 'family_tracing', urgency: 'high' });
    expect(referral.status).toBe(201);
    // Sent at 06:30 Vientiane time with a 24-hour answer time.
    expect(referral.body.dueBy).toBe(new Date(Date.parse(lateEvening) + 24 * 3600_000).toISOString());
    expect(referral.body.dueByLocal).toBe(`${addDays(vientianeDate, 1)}T06:30:00+07:00`);
  });

  it('counts a visit overdue from the day after its due date in Vientiane, not in UTC', async () => {
    const scheduled = await t.http
      .post(`/cases/${caseId}/follow-ups`)
      .set(caseworker.auth)
      .send({ fromDate: vientianeDate, months: [1] });
    expect(scheduled.status).toBe(201);
    const dueOn: string = scheduled.body[0].dueOn;
    const overdueIds = async () =>
      (await t.http.get('/follow-ups/overdue').set(caseworker.auth)).body.map((f: { id: string }) => f.id);
    const upcomingIds = async (from: string, to: string) =>
      (await t.http.get('/follow-ups/upcoming').query({ from, to }).set(caseworker.auth)).body.map(
        (f: { id: string }) => f.id,
      );

    // 16:30 UTC on the due date is 23:30 in Vientiane: due today, not overdue.
    setClock(t, new Date(`${dueOn}T16:30:00Z`));
    expect(await overdueIds()).toEqual([]);
    expect(await upcomingIds(dueOn, dueOn)).toEqual([scheduled.body[0].id]);
    // 23:30 UTC on the due date is the next morning in Vientiane: overdue, though UTC still says the due date.
    setClock(t, new Date(`${dueOn}T23:30:00Z`));
    expect(await overdueIds()).toEqual([scheduled.body[0].id]);
    expect((await t.http.get(`/cases/${caseId}/follow-ups`).set(caseworker.auth)).body[0].overdue).toBe(true);
    expect((await t.http.get('/cases?overdueFollowUp=true').set(caseworker.auth)).body.items).toHaveLength(1);
    setClock(t, new Date(lateEvening));
  });

  it('ends reports on the Vientiane date by default', async () => {
    const report = await t.http.get('/reports/unmet-needs').set(analyst.auth);
    expect(report.status).toBe(200);
    expect(report.body.to).toBe(vientianeDate);
  });
});
