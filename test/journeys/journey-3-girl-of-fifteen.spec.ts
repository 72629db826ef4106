import {
  AGENCIES,
  type Actor,
  type Agency,
  CONSENT_ALL_GIVEN,
  Deployment,
  expectStatus,
  interview,
} from './journey-kit.js';

/**
 * Journey 3: a girl of 15, met by the Lao Women's Union. The screening applies the child rule
 * (no means required), her guardian consents, and only a child-appropriate facility may take
 * her: the adult women's shelter is refused on age.
 */
describe('journey 3: a girl of 15 — child rules, guardian consent, a child-appropriate facility', () => {
  let d: Deployment;
  let lwu: Agency;
  let adultShelterAgency: Agency;
  let lwuScreener: Actor;
  let lwuCaseworker: Actor;
  let lwuSupervisor: Actor;
  let lwuFacilityOfficer: Actor;
  let atdOfficer: Actor;
  let adultShelterOfficer: Actor;
  let auditor: Actor;
  let childShelter: string;
  let adultShelter: string;
  let personId: string;
  let screeningId: string;
  let caseId: string;

  beforeAll(async () => {
    d = await Deployment.fresh();
    const dsw = await d.agency(AGENCIES.dsw);
    lwu = await d.agency(AGENCIES.lwu);
    const atd = await d.agency(AGENCIES.atd);
    adultShelterAgency = await d.agency({
      code: 'SENGSAVANG',
      nameEn: 'Sengsavang rehabilitation centre',
      htcdsOrgType: 'NGO',
      localType: 'shelter',
      provinceCode: 'LA-SV',
    });
    lwuScreener = await d.staff(lwu, ['screener']);
    lwuCaseworker = await d.staff(lwu, ['caseworker']);
    lwuSupervisor = await d.staff(lwu, ['case_supervisor']);
    lwuFacilityOfficer = await d.staff(lwu, ['facility_officer']);
    atdOfficer = await d.staff(atd, ['identification_officer']);
    adultShelterOfficer = await d.staff(adultShelterAgency, ['facility_officer', 'caseworker']);
    auditor = await d.staff(dsw, ['auditor']);
    childShelter = await d.facility(lwu, {
      code: 'LWU-CHILD',
      nameEn: 'LWU shelter for girls',
      kind: 'shelter',
      provinceCode: 'LA-VT',
      acceptsGenders: ['Feminine'],
      acceptsMinAge: 0,
      acceptsMaxAge: 17,
      bedCapacity: 8,
    });
    adultShelter = await d.facility(adultShelterAgency, {
      code: 'SENGSAVANG-W',
      nameEn: "Sengsavang women's shelter",
      kind: 'shelter',
      provinceCode: 'LA-SV',
      acceptsGenders: ['Feminine'],
      acceptsMinAge: 18,
      acceptsMaxAge: 120,
      bedCapacity: 10,
    });
  });
  afterAll(() => d.close());

  it('the LWU registers her with her guardian; a screening with the adult profile is refused', async () => {
    const registered = await d.http
      .post('/persons')
      .set(lwuScreener.auth)
      .send({
        names: { givenNameLatin: 'Mali', familyNameLatin: 'Keomanivong' },
        gender: 'Feminine',
        birth: { precision: 'year', birthYear: Number(d.today().slice(0, 4)) - 15 },
        homeProvinceCode: 'LA-SV',
        guardian: { name: 'Mrs Vanh Keomanivong', relationship: 'mother' },
      });
    expectStatus(registered, 201, 'register');
    personId = registered.body.id;
    expect(registered.body.age).toBe(15);
    const adultProfile = await d.http
      .post('/screenings')
      .set(lwuScreener.auth)
      .send(interview({ personId, consent: CONSENT_ALL_GIVEN('guardian') }));
    expect(adultProfile.status).toBe(422);
    expect(adultProfile.body.code).toBe('PROFILE_MISMATCH');
  });

  it('the child profile applies the child rule, with the guardian consenting; the police identify her', async () => {
    const screening = await d.http
      .post('/screenings')
      .set(lwuScreener.auth)
      .send(
        interview({
          personId,
          profile: 'child_labour',
          place: { type: 'province', provinceCode: 'LA-SV' },
          exitMode: 'rescue',
          consent: CONSENT_ALL_GIVEN('guardian'),
          immediateNeeds: ['shelter', 'child_protection'],
          victimContext: { exploitationTypes: ['ForcedLabour'], exploitationCountries: ['TH'] },
          answers: [
            { indicatorCode: 'CL.D1.01', answer: 'yes' },
            { indicatorCode: 'CL.D1.02', answer: 'yes' },
            { indicatorCode: 'CL.D4.01', answer: 'yes' },
            { indicatorCode: 'CL.D4.02', answer: 'yes' },
          ],
        }),
      );
    expectStatus(screening, 201, 'child screening');
    screeningId = screening.body.id;
    expect(screening.body.suggestion.outcome).toBe('likely_victim');
    expect(screening.body.suggestion.explanation[0]).toMatch(/Child rule/);
    const atd = (await d.http.get('/agencies').set(lwuScreener.auth)).body.find(
      (a: { code: string }) => a.code === 'MOPS-ATD',
    );
    await d.http
      .post(`/screenings/${screeningId}/submit-for-identification`)
      .set(lwuScreener.auth)
      .send({ agencyId: atd.id });
    expectStatus(
      await d.http.post(`/screenings/${screeningId}/identification-decisions`).set(atdOfficer.auth).send({
        status: 'ActualVictimOfTrafficking',
        decidedOn: d.today(),
        basis: 'Child recruited for factory work across the border; the means are not required.',
      }),
      201,
      'decision',
    );
  });

  it('opening the case from the decided screening starts it identified, with her exploitation types', async () => {
    const opened = await d.http
      .post(`/screenings/${screeningId}/open-case`)
      .set(lwuScreener.auth)
      .send({ assignedCaseworkerId: lwuCaseworker.id, supervisorId: lwuSupervisor.id });
    expectStatus(opened, 201, 'open case');
    caseId = opened.body.id;
    expect(opened.body).toMatchObject({
      stage: 'identified',
      identificationStatus: 'ActualVictimOfTrafficking',
      exploitationTypes: ['ForcedLabour'],
      leadAgencyId: lwu.id,
    });
    await d.expectViews(caseId, [
      [lwuScreener, 'full'],
      [lwuCaseworker, 'full'],
      [lwuSupervisor, 'full'],
      [lwuFacilityOfficer, 'none'],
      [atdOfficer, 'none'],
      [adultShelterOfficer, 'none'],
    ]);
  });

  it('she cannot consent alone; her guardian does', async () => {
    const byHerself = await d.http
      .post(`/cases/${caseId}/consents`)
      .set(lwuCaseworker.auth)
      .send({
        purposes: ['assistance', 'sharing_for_referral'],
        coveredAgencyIds: [adultShelterAgency.id],
        givenBy: 'person',
        method: 'written',
        givenOn: d.today(),
      });
    expect(byHerself.status).toBe(422);
    expect(byHerself.body).toMatchObject({ code: 'CONSENT_REQUIRED' });
    expect(byHerself.body.errors[0].field).toBe('givenBy');
    const byGuardian = await d.http
      .post(`/cases/${caseId}/consents`)
      .set(lwuCaseworker.auth)
      .send({
        purposes: ['assistance', 'sharing_for_referral'],
        coveredAgencyIds: [adultShelterAgency.id],
        givenBy: 'guardian',
        method: 'written',
        givenOn: d.today(),
      });
    expectStatus(byGuardian, 201, 'guardian consent');
  });

  it('only a child-appropriate facility may take her: the adult shelter is refused on age', async () => {
    const facilities = await d.http
      .get(`/facilities?eligibleFor=${caseId}&includeIneligible=true`)
      .set(lwuCaseworker.auth);
    const byId = new Map(
      facilities.body.map((f: { id: string; ineligibleBecause?: { rule: string }[] }) => [
        f.id,
        (f.ineligibleBecause ?? []).map((r) => r.rule),
      ]),
    );
    expect(byId.get(childShelter)).toEqual([]);
    expect(byId.get(adultShelter)).toEqual(['age']);
    const refused = await d.http.post(`/cases/${caseId}/referrals`).set(lwuCaseworker.auth).send({
      toAgencyId: adultShelterAgency.id,
      toFacilityId: adultShelter,
      purpose: 'shelter_placement',
      urgency: 'high',
    });
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ code: 'NOT_ELIGIBLE', rules: ['age'] });
    await d.expectViews(caseId, [[adultShelterOfficer, 'none']]);

    // The LWU's own girls' shelter admits her: a case the LWU leads.
    const admitted = await d.http
      .post(`/facilities/${childShelter}/admissions`)
      .set(lwuFacilityOfficer.auth)
      .send({ caseId, admittedOn: d.today() });
    expectStatus(admitted, 201, 'admission to the girls shelter');
    const adultRefused = await d.http
      .post(`/facilities/${adultShelter}/admissions`)
      .set(adultShelterOfficer.auth)
      .send({ caseId, admittedOn: d.today() });
    expect(adultRefused.status).toBe(404);
  });

  it("the auditor's log shows the LWU's and the police's work on her case", async () => {
    await d.expectLogged(auditor, caseId, [
      { actor: lwuScreener, route: '/screenings/{id}/open-case' },
      { actor: lwuCaseworker, route: '/cases/{id}/consents' },
      { actor: lwuFacilityOfficer, route: '/facilities/{id}/admissions' },
      { actor: lwuSupervisor, route: '/cases/{id}' },
    ]);
    const log = await d.accessLog(auditor, caseId);
    expect(log.filter((r) => r.agencyId === adultShelterAgency.id && r.outcome === 'allowed')).toEqual([]);
  });
});
