import { DEMO_AGENCIES } from '../../src/demo/demo-agencies.js';
import { localToday } from '../harness/dates.js';
import { given, type Session } from '../harness/given.js';
import { screeningBody, VICTIM_ANSWERS } from '../harness/screening-fixtures.js';
import { startTestApp, type TestApp } from '../harness/test-app.js';

/**
 * System administrators manage every agency attribute a rule depends on, over the API and
 * audited: here the formal identification authority, which alone may record an actual victim.
 */
describe('agency attributes that rules depend on', () => {
  let t: TestApp;
  let admin: Session;
  let agencyAdmin: Session;

  beforeAll(async () => {
    t = await startTestApp();
    const g = given(t);
    admin = await g.systemAdmin();
    agencyAdmin = await g.session(await g.user(await g.agency(), ['agency_admin']));
  });
  afterAll(() => t.close());

  it('lets a system administrator flag the identification authority, audited; the police then record an actual victim', async () => {
    const created = await t.http.post('/agencies').set(admin.auth).send({
      code: 'MOPS-ATD-TEST',
      nameEn: 'Anti-Trafficking Department',
      htcdsOrgType: 'LawEnforcement',
      localType: 'police_anti_trafficking_unit',
      provinceCode: 'LA-VT',
    });
    expect(created.status).toBe(201);
    expect(created.body.formalIdentificationAuthority).toBe(false);
    const atd = created.body.id as string;

    const g = given(t);
    const officer = await g.session(
      await g.user({ id: atd, code: 'MOPS-ATD-TEST' }, ['identification_officer', 'screener']),
    );
    const person = await t.http
      .post('/persons')
      .set(officer.auth)
      .send({ names: { givenNameLatin: 'Dao' }, gender: 'Feminine', birth: { precision: 'year', birthYear: 1997 } });
    const screening = await t.http
      .post('/screenings')
      .set(officer.auth)
      .send(screeningBody({ personId: person.body.id, answers: VICTIM_ANSWERS }));
    const decide = () =>
      t.http
        .post(`/screenings/${screening.body.id}/identification-decisions`)
        .set(officer.auth)
        .send({ status: 'ActualVictimOfTrafficking', decidedOn: localToday(), basis: 'ATD interview' });
    expect((await decide()).body.code).toBe('NOT_IDENTIFICATION_AUTHORITY');

    expect(
      (await t.http.patch(`/agencies/${atd}`).set(agencyAdmin.auth).send({ formalIdentificationAuthority: true }))
        .status,
    ).toBe(403);
    const flagged = await t.http
      .patch(`/agencies/${atd}`)
      .set(admin.auth)
      .send({ formalIdentificationAuthority: true });
    expect(flagged.status).toBe(200);
    expect(flagged.body).toMatchObject({ formalIdentificationAuthority: true, version: 2 });
    const audit = await t.ownerQuery(
      `SELECT changes FROM audit_event WHERE category = 'change' AND action = 'update' AND resource_ids @> ARRAY[$1]`,
      [atd],
    );
    expect(audit.rows.map((r) => r.changes)).toEqual([
      [{ field: 'formalIdentificationAuthority', personal: false, old: false, new: true }],
    ]);
    expect((await decide()).status).toBe(201);

    const born = await t.http.post('/agencies').set(admin.auth).send({
      code: 'MOPS-ATD-TWO',
      nameEn: 'Second authority',
      htcdsOrgType: 'LawEnforcement',
      localType: 'police_anti_trafficking_unit',
      formalIdentificationAuthority: true,
    });
    expect(born.body.formalIdentificationAuthority).toBe(true);
    expect((await t.http.get(`/agencies/${born.body.id}`).set(officer.auth)).body.formalIdentificationAuthority).toBe(
      true,
    );
  });

  it('the demo agencies include the central anti-trafficking department as the identification authority', () => {
    expect(DEMO_AGENCIES.filter((a) => a.formalIdentificationAuthority).map((a) => a.code)).toEqual(['MOPS-ATD']);
  });
});
