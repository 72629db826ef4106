import { AGENCIES, type Actor, type Agency, Deployment, expectStatus, interview } from './journey-kit.js';

/**
 * Journey 2: an adult man exploited on a Thai fishing boat, returned through the VTC. The only
 * shelter nearby takes women: the referral is refused naming the rule, the unmet need is
 * recorded for planners, and he is served another way (a longer VTC stay, vocational training,
 * and a livelihood grant from his home province).
 */
describe('journey 2: an adult man from a fishing boat, refused by a women-only shelter, served another way', () => {
  let d: Deployment;
  let vtc: Agency;
  let lwu: Agency;
  let province: Agency;
  let vtcCaseworker: Actor;
  let vtcFacilityOfficer: Actor;
  let atdOfficer: Actor;
  let lwuOfficer: Actor;
  let provincialCaseworker: Actor;
  let auditor: Actor;
  let vtcDormitory: string;
  let womenShelter: string;
  let caseId: string;
  let personId: string;

  beforeAll(async () => {
    d = await Deployment.fresh();
    const dsw = await d.agency(AGENCIES.dsw);
    vtc = await d.agency(AGENCIES.vtc);
    const atd = await d.agency(AGENCIES.atd);
    lwu = await d.agency(AGENCIES.lwu);
    province = await d.agency(AGENCIES.plswSavannakhet);
    vtcCaseworker = await d.staff(vtc, ['caseworker', 'screener']);
    vtcFacilityOfficer = await d.staff(vtc, ['facility_officer']);
    atdOfficer = await d.staff(atd, ['identification_officer']);
    lwuOfficer = await d.staff(lwu, ['facility_officer', 'caseworker']);
    provincialCaseworker = await d.staff(province, ['caseworker']);
    auditor = await d.staff(dsw, ['auditor']);
    vtcDormitory = await d.facility(vtc, {
      code: 'VTC-DORM',
      nameEn: 'VTC dormitory',
      kind: 'transit_centre',
      provinceCode: 'LA-VT',
      acceptsGenders: ['Feminine', 'Masculine'],
      bedCapacity: 20,
    });
    womenShelter = await d.facility(lwu, {
      code: 'LWU-CPC-SHELTER',
      nameEn: 'LWU shelter for women and children',
      kind: 'shelter',
      provinceCode: 'LA-VT',
      acceptsGenders: ['Feminine'],
      bedCapacity: 12,
    });
  });
  afterAll(() => d.close());

  it('he arrives at the VTC, is admitted, interviewed and identified', async () => {
    ({ caseId, personId } = await d.receiveReturnee(vtcCaseworker, {
      names: { givenNameLatin: 'Bounmy', familyNameLatin: 'Sisouphanh' },
      gender: 'Masculine',
      birth: { precision: 'year', birthYear: 1994 },
      homeProvinceCode: 'LA-SV',
    }));
    expectStatus(
      await d.http
        .post(`/facilities/${vtcDormitory}/admissions`)
        .set(vtcFacilityOfficer.auth)
        .send({ caseId, admittedOn: d.today() }),
      201,
      'VTC admission',
    );
    const screening = await d.http
      .post('/screenings')
      .set(vtcCaseworker.auth)
      .send(
        interview({
          personId,
          exitMode: 'escape',
          victimContext: {
            exploitationTypes: ['ForcedLabour'],
            isicSections: ['A'],
            exploitationCountries: ['TH'],
            meansOfControl: ['DebtBondage', 'WithholdsDocuments'],
          },
          answers: [
            { indicatorCode: 'AL.D1.01', answer: 'yes' },
            { indicatorCode: 'AL.D1.02', answer: 'yes' },
            { indicatorCode: 'AL.D4.01', answer: 'yes' },
            { indicatorCode: 'AL.D4.02', answer: 'yes' },
            { indicatorCode: 'AL.D5.01', answer: 'yes' },
            { indicatorCode: 'AL.D5.02', answer: 'yes' },
          ],
        }),
      );
    expectStatus(screening, 201, 'screening');
    await d.http.post(`/screenings/${screening.body.id}/link-case`).set(vtcCaseworker.auth).send({ caseId });
    const atd = (await d.http.get('/agencies').set(vtcCaseworker.auth)).body.find(
      (a: { code: string }) => a.code === 'MOPS-ATD',
    );
    await d.http
      .post(`/screenings/${screening.body.id}/submit-for-identification`)
      .set(vtcCaseworker.auth)
      .send({ agencyId: atd.id });
    expectStatus(
      await d.http.post(`/screenings/${screening.body.id}/identification-decisions`).set(atdOfficer.auth).send({
        status: 'ActualVictimOfTrafficking',
        decidedOn: d.today(),
        basis: 'Eleven months at sea without pay; captain kept the seaman book.',
      }),
      201,
      'decision',
    );
    await d.moveCase(vtcCaseworker, caseId, ['screening', 'identified', 'assessment', 'planning']);
    expectStatus(
      await d.http
        .post(`/cases/${caseId}/consents`)
        .set(vtcCaseworker.auth)
        .send({
          purposes: ['assistance', 'sharing_for_referral'],
          coveredAgencyIds: [lwu.id, province.id],
          givenBy: 'person',
          method: 'oral_certified',
          givenOn: d.today(),
        }),
      201,
      'consent',
    );
  });

  it('the women-only shelter cannot take him: the referral is refused naming the rule, and the unmet need is kept', async () => {
    const eligible = await d.http
      .get(`/facilities?eligibleFor=${caseId}&includeIneligible=true`)
      .set(vtcCaseworker.auth);
    const shelter = eligible.body.find((f: { id: string }) => f.id === womenShelter);
    expect(shelter.ineligibleBecause.map((r: { rule: string }) => r.rule)).toEqual(['gender']);
    expect(
      (await d.http.get(`/facilities?eligibleFor=${caseId}`).set(vtcCaseworker.auth)).body.map(
        (f: { id: string }) => f.id,
      ),
    ).toEqual([vtcDormitory]);

    const refused = await d.http.post(`/cases/${caseId}/referrals`).set(vtcCaseworker.auth).send({
      toAgencyId: lwu.id,
      toFacilityId: womenShelter,
      purpose: 'shelter_placement',
      urgency: 'high',
    });
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ code: 'NOT_ELIGIBLE', rules: ['gender'], unmetNeedRecorded: true });
    // Nothing was sent: the LWU has nothing in its inbox and cannot see him.
    expect((await d.http.get('/referrals/inbox').set(lwuOfficer.auth)).body).toEqual([]);
    await d.expectViews(caseId, [
      [vtcCaseworker, 'full'],
      [lwuOfficer, 'none'],
      [provincialCaseworker, 'none'],
      [atdOfficer, 'none'],
    ]);
    const referred = await d.http
      .post(`/cases/${caseId}/transitions`)
      .set(vtcCaseworker.auth)
      .set('if-match', `"${(await d.http.get(`/cases/${caseId}`).set(vtcCaseworker.auth)).body.version}"`)
      .send({ to: 'referred' });
    expect(referred.body).toMatchObject({ code: 'STAGE_FACT_MISSING', missingFact: 'referral' });

    // Planners see the gap, counted by province, service and profile (small cells suppressed).
    const report = await d.http.get('/reports/unmet-needs').set(d.admin.auth);
    expect(report.body.rows).toEqual([
      expect.objectContaining({
        provinceCode: 'LA-SV',
        service: 'shelter_placement',
        gender: 'Masculine',
        ageGroup: 'adult',
        topRule: 'gender',
        suppressed: true,
        people: null,
      }),
    ]);
  });

  it('he is served another way: a longer VTC stay with training, then a livelihood grant from his province', async () => {
    expectStatus(
      await d.http
        .post(`/cases/${caseId}/services`)
        .set(vtcCaseworker.auth)
        .send({ serviceType: 'vocational_training', deliveredOn: d.today(), outcome: 'ongoing' }),
      201,
      'training',
    );
    const referral = await d.http
      .post(`/cases/${caseId}/referrals`)
      .set(vtcCaseworker.auth)
      .send({ toAgencyId: province.id, purpose: 'reintegration', urgency: 'normal' });
    expectStatus(referral, 201, 'reintegration referral');
    const accepted = await d.http
      .post(`/referrals/${referral.body.id}/accept`)
      .set(provincialCaseworker.auth)
      .set('if-match', `"${referral.body.version}"`);
    expectStatus(accepted, 200, 'accept');
    await d.expectViews(caseId, [
      [provincialCaseworker, 'limited'],
      [lwuOfficer, 'none'],
    ]);
    await d.moveCase(vtcCaseworker, caseId, ['referred', 'assessment', 'planning', 'active']);
    const [placement] = (await d.http.get(`/cases/${caseId}/placements`).set(vtcCaseworker.auth)).body;
    expectStatus(
      await d.http
        .post(`/placements/${placement.id}/discharge`)
        .set(vtcFacilityOfficer.auth)
        .set('if-match', `"${placement.version}"`)
        .send({
          dischargedOn: d.today(),
          destination: 'home',
          reason: 'returned_home',
          destinationProvinceCode: 'LA-SV',
          escorted: true,
        }),
      200,
      'discharge home',
    );
    await d.moveCase(vtcCaseworker, caseId, ['reintegration']);
    const grant = await d.http
      .post(`/cases/${caseId}/services`)
      .set(provincialCaseworker.auth)
      .send({ serviceType: 'reintegration_grant', deliveredOn: d.today(), outcome: 'completed', costLak: 2_500_000 });
    expectStatus(grant, 201, 'livelihood grant by the province');
    // The VTC sees every service; the province sees only its own.
    expect(
      (await d.http.get(`/cases/${caseId}/services`).set(vtcCaseworker.auth)).body
        .map((s: { serviceType: string }) => s.serviceType)
        .sort(),
    ).toEqual(['reintegration_grant', 'vocational_training']);
    expect(
      (await d.http.get(`/cases/${caseId}/services`).set(provincialCaseworker.auth)).body.map(
        (s: { serviceType: string }) => s.serviceType,
      ),
    ).toEqual(['reintegration_grant']);
  });

  it("the auditor's log shows each agency's reads and writes on his case", async () => {
    await d.expectLogged(auditor, caseId, [
      { actor: vtcCaseworker, route: '/cases/{id}/referrals' },
      { actor: vtcCaseworker, route: '/facilities' },
      { actor: vtcFacilityOfficer, route: '/facilities/{id}/admissions' },
      { actor: atdOfficer, route: '/screenings/{id}/identification-decisions' },
      { actor: provincialCaseworker, route: '/referrals/{id}/accept' },
      { actor: provincialCaseworker, route: '/cases/{id}/services' },
    ]);
    const log = await d.accessLog(auditor, caseId);
    // The LWU never touched his case successfully.
    expect(log.filter((r) => r.agencyId === lwu.id && r.outcome === 'allowed')).toEqual([]);
  });
});
