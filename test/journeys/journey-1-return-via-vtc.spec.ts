import { AGENCIES, type Actor, type Agency, Deployment, expectStatus, interview } from './journey-kit.js';

/**
 * Journey 1: a woman returned from Thailand through the Vientiane Transit Centre, identified by
 * the police anti-trafficking department, sheltered by the Lao Women's Union, returned home to
 * Savannakhet with provincial follow-up, and closed after a supervisor approved. From an empty
 * deployment, over HTTP only. docs/walkthrough.md follows these steps with curl.
 */
describe('journey 1: returned via the VTC, LWU shelter, home with provincial follow-up, closed', () => {
  let d: Deployment;
  let vtc: Agency;
  let atd: Agency;
  let lwu: Agency;
  let province: Agency;
  let vtcCaseworker: Actor;
  let vtcSupervisor: Actor;
  let vtcFacilityOfficer: Actor;
  let atdOfficer: Actor;
  let lwuOfficer: Actor;
  let provincialCaseworker: Actor;
  let auditor: Actor;
  let vtcDormitory: string;
  let lwuShelter: string;
  let caseId: string;
  let personId: string;
  let screeningId: string;
  let shelterReferral: { id: string; version: number };
  let reintegrationReferral: { id: string; version: number };
  let restoreClock: (() => void) | undefined;

  beforeAll(async () => {
    d = await Deployment.fresh();
  });
  afterAll(async () => {
    restoreClock?.();
    await d.close();
  });

  const everyone = () => [
    vtcCaseworker,
    vtcSupervisor,
    vtcFacilityOfficer,
    atdOfficer,
    lwuOfficer,
    provincialCaseworker,
  ];

  it('the system administrator sets up the agencies, their staff and their beds over the API', async () => {
    const dsw = await d.agency(AGENCIES.dsw);
    vtc = await d.agency(AGENCIES.vtc);
    atd = await d.agency(AGENCIES.atd);
    lwu = await d.agency(AGENCIES.lwu);
    province = await d.agency(AGENCIES.plswSavannakhet);
    expect((await d.http.get(`/agencies/${atd.id}`).set(d.admin.auth)).body).toMatchObject({
      code: 'MOPS-ATD',
      formalIdentificationAuthority: true,
    });
    expect((await d.http.get(`/agencies/${lwu.id}`).set(d.admin.auth)).body.formalIdentificationAuthority).toBe(false);

    vtcCaseworker = await d.staff(vtc, ['caseworker', 'screener']);
    vtcSupervisor = await d.staff(vtc, ['case_supervisor']);
    vtcFacilityOfficer = await d.staff(vtc, ['facility_officer']);
    atdOfficer = await d.staff(atd, ['identification_officer']);
    lwuOfficer = await d.staff(lwu, ['facility_officer']);
    provincialCaseworker = await d.staff(province, ['caseworker']);
    auditor = await d.staff(dsw, ['auditor']);

    vtcDormitory = await d.facility(vtc, {
      code: 'VTC-DORM',
      nameEn: 'VTC dormitory',
      kind: 'transit_centre',
      provinceCode: 'LA-VT',
      acceptsGenders: ['Feminine', 'Masculine'],
      bedCapacity: 20,
      services: ['transit_reception', 'medical'],
    });
    lwuShelter = await d.facility(lwu, {
      code: 'LWU-CPC-SHELTER',
      nameEn: 'LWU Counselling and Protection Centre shelter',
      kind: 'shelter',
      provinceCode: 'LA-VT',
      acceptsGenders: ['Feminine'],
      bedCapacity: 12,
      services: ['shelter', 'psychosocial', 'vocational_training'],
    });
  });

  it('a pre-arrival notice announces her; at the VTC her arrival opens a case only the VTC sees', async () => {
    ({ caseId, personId } = await d.receiveReturnee(vtcCaseworker, {
      names: { givenNameLatin: 'Noy', familyNameLatin: 'Phommachanh', givenNameLo: 'ນ້ອຍ' },
      gender: 'Feminine',
      birth: { precision: 'year', birthYear: 1999 },
      homeProvinceCode: 'LA-SV',
    }));
    const opened = await d.http.get(`/cases/${caseId}`).set(vtcCaseworker.auth);
    expect(opened.body).toMatchObject({
      leadAgencyId: vtc.id,
      stage: 'intake',
      provinceCode: 'LA-SV',
      assignedCaseworkerId: vtcCaseworker.id,
    });
    expect(opened.body.caseNumber).toMatch(/^VT-\d{4}-\d{6}$/);
    await d.expectViews(caseId, [
      [vtcCaseworker, 'full'],
      [vtcSupervisor, 'full'],
      // The facility officer runs the beds, not the case: not assigned, so not shown the file.
      [vtcFacilityOfficer, 'none'],
      [atdOfficer, 'none'],
      [lwuOfficer, 'none'],
      [provincialCaseworker, 'none'],
    ]);
    const byPerson = await d.http.get(`/cases?personId=${personId}`).set(vtcCaseworker.auth);
    expect(byPerson.body.items.map((c: { id: string }) => c.id)).toEqual([caseId]);
    expect((await d.http.get(`/cases?personId=${personId}`).set(lwuOfficer.auth)).body.items).toEqual([]);
  });

  it("the VTC's facility officer admits her to a VTC bed: a case the VTC leads", async () => {
    const admitted = await d.http
      .post(`/facilities/${vtcDormitory}/admissions`)
      .set(vtcFacilityOfficer.auth)
      .send({ caseId, admittedOn: d.today() });
    expectStatus(admitted, 201, 'VTC admission');
    expect((await d.http.get(`/facilities/${vtcDormitory}`).set(vtcFacilityOfficer.auth)).body.occupied).toBe(1);
    // Another agency's beds are not for the VTC's cases without a referral (404, like a missing case).
    const elsewhere = await d.http
      .post(`/facilities/${lwuShelter}/admissions`)
      .set(lwuOfficer.auth)
      .send({ caseId, admittedOn: d.today() });
    expect(elsewhere.status).toBe(404);
  });

  it('the police interview her; the anti-trafficking department records her as an actual victim', async () => {
    const screening = await d.http
      .post('/screenings')
      .set(vtcCaseworker.auth)
      .send(
        interview({
          personId,
          victimContext: {
            exploitationTypes: ['ForcedLabour'],
            isicSections: ['C'],
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
    screeningId = screening.body.id;
    expect(screening.body.suggestion.outcome).toBe('likely_victim');
    const linked = await d.http.post(`/screenings/${screeningId}/link-case`).set(vtcCaseworker.auth).send({ caseId });
    expectStatus(linked, 200, 'link the screening');
    // The screening's victim context reaches the case: filters and eligibility work at once.
    expect(linked.body.exploitationTypes).toEqual(['ForcedLabour']);

    // No decision yet: the case cannot claim "identified".
    const version = await d.moveCase(vtcCaseworker, caseId, ['screening']);
    const tooEarly = await d.http
      .post(`/cases/${caseId}/transitions`)
      .set(vtcCaseworker.auth)
      .set('if-match', `"${version}"`)
      .send({ to: 'identified' });
    expect(tooEarly.body).toMatchObject({ code: 'STAGE_FACT_MISSING', missingFact: 'identification_decision' });

    expectStatus(
      await d.http
        .post(`/screenings/${screeningId}/submit-for-identification`)
        .set(vtcCaseworker.auth)
        .send({ agencyId: atd.id }),
      200,
      'submit for identification',
    );
    const awaiting = await d.http.get('/screenings?awaitingDecision=true').set(atdOfficer.auth);
    expect(awaiting.body.map((s: { id: string }) => s.id)).toContain(screeningId);
    const decision = await d.http
      .post(`/screenings/${screeningId}/identification-decisions`)
      .set(atdOfficer.auth)
      .send({
        status: 'ActualVictimOfTrafficking',
        decidedOn: d.today(),
        basis: 'ATD interview at the VTC: deceptive recruitment, debt bondage, passport withheld.',
      });
    expectStatus(decision, 201, 'identification decision');
    // The police decided on the screening, and still do not see the case file itself.
    await d.expectViews(caseId, [
      [vtcCaseworker, 'full'],
      [atdOfficer, 'none'],
    ]);

    await d.moveCase(vtcCaseworker, caseId, ['identified', 'assessment']);
    const read = await d.http.get(`/cases/${caseId}`).set(vtcCaseworker.auth);
    expect(read.body).toMatchObject({ stage: 'assessment', identificationStatus: 'ActualVictimOfTrafficking' });
    const timeline = await d.http.get(`/cases/${caseId}/timeline`).set(vtcCaseworker.auth);
    expect(timeline.body.find((e: { kind: string }) => e.kind === 'identification_decided')).toMatchObject({
      agencyId: atd.id,
      summary: { status: 'ActualVictimOfTrafficking', screeningId },
    });
  });

  it('with her consent and a plan, the VTC refers her to the LWU shelter, which sees only the limited view', async () => {
    expectStatus(
      await d.http
        .post(`/cases/${caseId}/consents`)
        .set(vtcCaseworker.auth)
        .send({
          purposes: ['assistance', 'sharing_for_referral', 'follow_up_contact'],
          coveredAgencyIds: [lwu.id, province.id],
          givenBy: 'person',
          method: 'written',
          givenOn: d.today(),
          language: 'lao',
        }),
      201,
      'consent',
    );
    expectStatus(
      await d.http.post(`/cases/${caseId}/services`).set(vtcCaseworker.auth).send({
        serviceType: 'medical',
        deliveredOn: d.today(),
        outcome: 'completed',
        notes: 'Health check at the VTC',
      }),
      201,
      'health check',
    );
    expectStatus(
      await d.http
        .post(`/cases/${caseId}/assessments`)
        .set(vtcCaseworker.auth)
        .send({ kind: 'individual', assessedOn: d.today(), riskLevel: 'medium', needs: ['shelter'] }),
      201,
      'assessment',
    );
    await d.moveCase(vtcCaseworker, caseId, ['planning']);
    expectStatus(
      await d.http
        .post(`/cases/${caseId}/support-plans`)
        .set(vtcCaseworker.auth)
        .send({ type: 'SocialCare', objectives: 'Safe shelter, counselling, then return to her family' }),
      201,
      'support plan',
    );
    const eligible = await d.http.get(`/facilities?eligibleFor=${caseId}`).set(vtcCaseworker.auth);
    expect(eligible.body.map((f: { id: string }) => f.id)).toContain(lwuShelter);

    const referral = await d.http.post(`/cases/${caseId}/referrals`).set(vtcCaseworker.auth).send({
      toAgencyId: lwu.id,
      toFacilityId: lwuShelter,
      purpose: 'shelter_placement',
      urgency: 'high',
    });
    expectStatus(referral, 201, 'shelter referral');
    shelterReferral = referral.body;
    await d.moveCase(vtcCaseworker, caseId, ['referred']);
    await d.expectViews(caseId, [
      [vtcCaseworker, 'full'],
      [lwuOfficer, 'limited'],
      [provincialCaseworker, 'none'],
      [atdOfficer, 'none'],
    ]);
    // The limited view: who she is and what she needs, not the interview, the timeline or other agencies' records.
    const limited = await d.http.get(`/cases/${caseId}`).set(lwuOfficer.auth);
    expect(limited.body).toMatchObject({ identificationStatus: null, needs: expect.arrayContaining(['shelter']) });
    expect((await d.http.get(`/cases/${caseId}/timeline`).set(lwuOfficer.auth)).status).toBe(404);
    // A facility officer holds no screening permission at all; the interview stays with the VTC.
    expect((await d.http.get(`/screenings/${screeningId}`).set(lwuOfficer.auth)).status).toBe(403);
    expect((await d.http.get(`/cases/${caseId}/services`).set(lwuOfficer.auth)).body).toEqual([]);
  });

  it('the LWU accepts; the VTC discharges her to the shelter, which admits her and records counselling', async () => {
    const accepted = await d.http
      .post(`/referrals/${shelterReferral.id}/accept`)
      .set(lwuOfficer.auth)
      .set('if-match', `"${shelterReferral.version}"`);
    expectStatus(accepted, 200, 'accept the shelter referral');
    shelterReferral = accepted.body;
    // She is still in the VTC dormitory: the shelter is told what has to happen first, not where she is.
    const tooEarly = await d.http
      .post(`/facilities/${lwuShelter}/admissions`)
      .set(lwuOfficer.auth)
      .send({ caseId, admittedOn: d.today(), referralId: shelterReferral.id });
    expect(tooEarly.status).toBe(409);
    expect(tooEarly.body).toMatchObject({ code: 'CONFLICT', detail: expect.stringContaining('discharges them first') });
    expect(tooEarly.body.detail).not.toContain('VTC');
    const [vtcPlacement] = (await d.http.get(`/cases/${caseId}/placements`).set(vtcCaseworker.auth)).body;
    expectStatus(
      await d.http
        .post(`/placements/${vtcPlacement.id}/discharge`)
        .set(vtcFacilityOfficer.auth)
        .set('if-match', `"${vtcPlacement.version}"`)
        .send({ dischargedOn: d.today(), destination: 'other_facility', reason: 'transferred', escorted: true }),
      200,
      'VTC discharge',
    );
    const admitted = await d.http
      .post(`/facilities/${lwuShelter}/admissions`)
      .set(lwuOfficer.auth)
      .send({ caseId, admittedOn: d.today(), referralId: shelterReferral.id });
    expectStatus(admitted, 201, 'shelter admission');
    expectStatus(
      await d.http
        .post(`/cases/${caseId}/services`)
        .set(lwuOfficer.auth)
        .send({ serviceType: 'psychosocial', deliveredOn: d.today(), outcome: 'ongoing' }),
      201,
      'counselling at the shelter',
    );
    // Where she shelters is told to those who need it: the province does not see it.
    expect((await d.http.get(`/cases/${caseId}/placements`).set(provincialCaseworker.auth)).status).toBe(404);
  });

  it('the home province traces the family; the shelter discharges her home; follow-up goes to the province', async () => {
    const tracing = await d.http
      .post(`/cases/${caseId}/referrals`)
      .set(vtcCaseworker.auth)
      .send({ toAgencyId: province.id, purpose: 'family_tracing', urgency: 'normal' });
    expectStatus(tracing, 201, 'family tracing referral');
    await d.expectViews(caseId, [[provincialCaseworker, 'limited']]);
    const accepted = await d.http
      .post(`/referrals/${tracing.body.id}/accept`)
      .set(provincialCaseworker.auth)
      .set('if-match', `"${tracing.body.version}"`);
    expectStatus(
      await d.http
        .post(`/referrals/${tracing.body.id}/family-assessment`)
        .set(provincialCaseworker.auth)
        .send({
          assessedOn: d.today(),
          familyFound: true,
          recommendation: 'return_home',
          householdRisks: ['debt'],
          findings: 'Her parents in Kaysone want her home; the recruiter is a neighbour.',
        }),
      201,
      'family assessment',
    );
    expectStatus(
      await d.http
        .post(`/referrals/${tracing.body.id}/complete`)
        .set(provincialCaseworker.auth)
        .set('if-match', `"${accepted.body.version}"`)
        .send({ reason: 'family_traced' }),
      200,
      'complete tracing',
    );
    await d.expectViews(caseId, [[provincialCaseworker, 'none']]);

    // Still in the shelter: "reintegration" waits for the discharge.
    let version = await d.moveCase(vtcCaseworker, caseId, ['assessment', 'planning', 'active']);
    const notYet = await d.http
      .post(`/cases/${caseId}/transitions`)
      .set(vtcCaseworker.auth)
      .set('if-match', `"${version}"`)
      .send({ to: 'reintegration' });
    expect(notYet.body).toMatchObject({ code: 'STAGE_FACT_MISSING', missingFact: 'discharge' });
    const [, shelterPlacement] = (await d.http.get(`/cases/${caseId}/placements`).set(vtcCaseworker.auth)).body;
    expectStatus(
      await d.http
        .post(`/placements/${shelterPlacement.id}/discharge`)
        .set(lwuOfficer.auth)
        .set('if-match', `"${shelterPlacement.version}"`)
        .send({
          dischargedOn: d.today(),
          destination: 'home',
          reason: 'returned_home',
          destinationProvinceCode: 'LA-SV',
          escorted: true,
        }),
      200,
      'shelter discharge home',
    );
    expectStatus(
      await d.http
        .post(`/referrals/${shelterReferral.id}/complete`)
        .set(lwuOfficer.auth)
        .set('if-match', `"${shelterReferral.version}"`)
        .send({ reason: 'service_delivered' }),
      200,
      'complete the shelter referral',
    );
    await d.expectViews(caseId, [[lwuOfficer, 'none']]);
    version = await d.moveCase(vtcCaseworker, caseId, ['reintegration']);

    const handover = await d.http
      .post(`/cases/${caseId}/referrals`)
      .set(vtcCaseworker.auth)
      .send({ toAgencyId: province.id, purpose: 'reintegration', urgency: 'normal' });
    const accepted2 = await d.http
      .post(`/referrals/${handover.body.id}/accept`)
      .set(provincialCaseworker.auth)
      .set('if-match', `"${handover.body.version}"`);
    reintegrationReferral = accepted2.body;
    const scheduled = await d.http
      .post(`/cases/${caseId}/follow-ups`)
      .set(vtcCaseworker.auth)
      .send({ fromDate: d.today(), agencyId: province.id });
    expectStatus(scheduled, 201, 'schedule follow-ups');
    expect(scheduled.body.map((f: { planMonth: number }) => f.planMonth)).toEqual([1, 3, 6, 12]);
    await d.moveCase(vtcCaseworker, caseId, ['follow_up']);
    await d.expectViews(caseId, [
      [vtcCaseworker, 'full'],
      [provincialCaseworker, 'limited'],
      [lwuOfficer, 'none'],
      [atdOfficer, 'none'],
    ]);
    const upcoming = await d.http
      .get('/follow-ups/upcoming')
      .query({ from: d.today(), to: addDaysTo(d.today(), 100) })
      .set(provincialCaseworker.auth);
    expect(upcoming.body.map((f: { caseId: string; planMonth: number }) => [f.caseId, f.planMonth])).toEqual([
      [caseId, 1],
      [caseId, 3],
    ]);
    expect(version).toBeGreaterThan(0);
  });

  it('forty days later the province visits her, and moves the next visit', async () => {
    restoreClock = d.advanceClock(40);
    const overdue = await d.http.get('/follow-ups/overdue').set(provincialCaseworker.auth);
    expect(overdue.body.map((f: { caseId: string; planMonth: number }) => [f.caseId, f.planMonth])).toEqual([
      [caseId, 1],
    ]);
    const visits = (await d.http.get(`/cases/${caseId}/follow-ups`).set(provincialCaseworker.auth)).body;
    expectStatus(
      await d.http
        .patch(`/cases/${caseId}/follow-ups/${visits[0].id}`)
        .set(provincialCaseworker.auth)
        .set('if-match', `"${visits[0].version}"`)
        .send({ completedOn: d.today(), outcome: 'reached_stable', notes: 'Working at the family rice mill.' }),
      200,
      'record the first visit',
    );
    const moved = await d.http
      .post(`/cases/${caseId}/follow-ups/${visits[1].id}/reschedule`)
      .set(provincialCaseworker.auth)
      .set('if-match', `"${visits[1].version}"`)
      .send({ dueOn: addDaysTo(visits[1].dueOn, 14), reason: 'schedule_conflict' });
    expectStatus(moved, 200, 'reschedule');
    expect(moved.body).toMatchObject({ status: 'scheduled', changeReason: 'schedule_conflict' });
  });

  it('the caseworker asks to close; the supervisor finds the request and closes; remaining visits are cancelled', async () => {
    let version = (await d.http.get(`/cases/${caseId}`).set(vtcCaseworker.auth)).body.version;
    const refused = await d.http
      .post(`/cases/${caseId}/close`)
      .set(vtcCaseworker.auth)
      .set('if-match', `"${version}"`)
      .send({ reason: 'goals_achieved' });
    expect(refused.status).toBe(403);
    const requested = await d.http
      .post(`/cases/${caseId}/closure-request`)
      .set(vtcCaseworker.auth)
      .set('if-match', `"${version}"`)
      .send({ reason: 'goals_achieved' });
    expectStatus(requested, 200, 'closure request');
    version = requested.body.version;

    const pending = await d.http.get('/cases?closureRequested=true').set(vtcSupervisor.auth);
    expect(
      pending.body.items.map((c: { id: string; closureRequested: boolean }) => [c.id, c.closureRequested]),
    ).toEqual([[caseId, true]]);
    expect((await d.http.get('/cases/counts').set(vtcSupervisor.auth)).body.closureRequested).toBe(1);

    expectStatus(
      await d.http
        .post(`/referrals/${reintegrationReferral.id}/complete`)
        .set(provincialCaseworker.auth)
        .set('if-match', `"${reintegrationReferral.version}"`)
        .send({ reason: 'service_delivered' }),
      200,
      'complete the reintegration referral',
    );
    const closed = await d.http
      .post(`/cases/${caseId}/close`)
      .set(vtcSupervisor.auth)
      .set('if-match', `"${version}"`)
      .send({ reason: 'goals_achieved' });
    expectStatus(closed, 200, 'close');
    expect(closed.body).toMatchObject({ stage: 'closed', status: 'Closed', closureRequest: null });
    expect((await d.http.get('/cases?closureRequested=true').set(vtcSupervisor.auth)).body.items).toEqual([]);
    const visits = (await d.http.get(`/cases/${caseId}/follow-ups`).set(vtcCaseworker.auth)).body;
    expect(
      visits.map((f: { planMonth: number; status: string; changeReason: string | null }) => [
        f.planMonth,
        f.status,
        f.changeReason,
      ]),
    ).toEqual([
      [1, 'completed', null],
      [3, 'cancelled', 'case_closed'],
      [6, 'cancelled', 'case_closed'],
      [12, 'cancelled', 'case_closed'],
    ]);
    for (const actor of everyone()) {
      const expected = actor === vtcCaseworker || actor === vtcSupervisor ? 'full' : 'none';
      expect([actor.email, await d.viewOf(actor, caseId)]).toEqual([actor.email, expected]);
    }
  });

  it("the auditor's case access log shows who read and changed the case, through which route", async () => {
    await d.expectLogged(auditor, caseId, [
      { actor: vtcCaseworker, route: '/expected-arrivals/{id}/arrival' },
      { actor: vtcCaseworker, route: '/cases/{id}' },
      { actor: vtcCaseworker, route: '/cases/{id}/transitions' },
      { actor: vtcCaseworker, route: '/cases/{id}/referrals' },
      { actor: vtcFacilityOfficer, route: '/facilities/{id}/admissions' },
      { actor: vtcFacilityOfficer, route: '/placements/{id}/discharge' },
      { actor: atdOfficer, route: '/screenings/{id}/identification-decisions' },
      { actor: lwuOfficer, route: '/cases/{id}' },
      { actor: lwuOfficer, route: '/referrals/{id}/accept' },
      { actor: lwuOfficer, route: '/facilities/{id}/admissions' },
      { actor: provincialCaseworker, route: '/referrals/{id}/family-assessment' },
      { actor: provincialCaseworker, route: '/cases/{id}/follow-ups/{recordId}' },
      { actor: vtcSupervisor, route: '/cases' },
      { actor: vtcSupervisor, route: '/cases/{id}/close' },
    ]);
    // Reading the log is itself audited, and nobody but an auditor may read it.
    expect((await d.http.get(`/audit/cases/${caseId}/access`).set(vtcSupervisor.auth)).status).toBe(403);
  });
});

function addDaysTo(date: string, days: number): string {
  const at = new Date(`${date}T00:00:00Z`);
  at.setUTCDate(at.getUTCDate() + days);
  return at.toISOString().slice(0, 10);
}
