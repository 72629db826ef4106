import { AGENCIES, type Actor, type Agency, Deployment, expectStatus, interview } from './journey-kit.js';

/**
 * Journey 4: internal trafficking. A young woman exploited in a Savannakhet karaoke bar is
 * found by the provincial police. No border, no return notice, no VTC: the provincial division
 * (not the formal identification authority) records her as a possible victim, opens and leads
 * the case, and the provincial social welfare office supports her at home.
 */
describe('journey 4: internal trafficking identified by provincial police, no return involved', () => {
  let d: Deployment;
  let police: Agency;
  let province: Agency;
  let vtc: Agency;
  let policeScreener: Actor;
  let policeOfficer: Actor;
  let policeCaseworker: Actor;
  let policeSupervisor: Actor;
  let provincialCaseworker: Actor;
  let vtcSupervisor: Actor;
  let centralAtdOfficer: Actor;
  let auditor: Actor;
  let personId: string;
  let screeningId: string;
  let caseId: string;

  beforeAll(async () => {
    d = await Deployment.fresh();
    const dsw = await d.agency(AGENCIES.dsw);
    const atd = await d.agency(AGENCIES.atd);
    police = await d.agency(AGENCIES.atdSavannakhet);
    province = await d.agency(AGENCIES.plswSavannakhet);
    vtc = await d.agency(AGENCIES.vtc);
    policeScreener = await d.staff(police, ['screener']);
    policeOfficer = await d.staff(police, ['identification_officer']);
    policeCaseworker = await d.staff(police, ['caseworker']);
    policeSupervisor = await d.staff(police, ['case_supervisor']);
    provincialCaseworker = await d.staff(province, ['caseworker']);
    vtcSupervisor = await d.staff(vtc, ['case_supervisor']);
    centralAtdOfficer = await d.staff(atd, ['identification_officer']);
    auditor = await d.staff(dsw, ['auditor']);
  });
  afterAll(() => d.close());

  const everyoneElse = () => [provincialCaseworker, vtcSupervisor, centralAtdOfficer];

  it('the provincial police interview her where she was found', async () => {
    personId = (
      await d.http
        .post('/persons')
        .set(policeScreener.auth)
        .send({
          names: { givenNameLatin: 'Khanthaly', familyNameLatin: 'Vongsa' },
          gender: 'Feminine',
          birth: { precision: 'year', birthYear: 2004 },
          homeProvinceCode: 'LA-SV',
        })
    ).body.id;
    const screening = await d.http
      .post('/screenings')
      .set(policeScreener.auth)
      .send(
        interview({
          personId,
          profile: 'adult_labour',
          place: { type: 'province', provinceCode: 'LA-SV' },
          exitMode: 'rescue',
          victimContext: {
            exploitationTypes: ['ForcedLabour'],
            exploitationCountries: ['LA'],
            meansOfControl: ['DebtBondage'],
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
    // Nobody outside the provincial division sees the interview.
    for (const other of [provincialCaseworker, centralAtdOfficer, vtcSupervisor]) {
      const res = await d.http.get(`/screenings/${screeningId}`).set(other.auth);
      expect([other.email, res.status]).toEqual([other.email, 404]);
    }
  });

  it('the provincial division records a possible victim; an actual victim is for the central authority only', async () => {
    const actual = await d.http
      .post(`/screenings/${screeningId}/identification-decisions`)
      .set(policeOfficer.auth)
      .send({
        status: 'ActualVictimOfTrafficking',
        decidedOn: d.today(),
        basis: 'Debt bondage in a karaoke bar in Kaysone.',
      });
    expect(actual.status).toBe(422);
    expect(actual.body.code).toBe('NOT_IDENTIFICATION_AUTHORITY');
    expectStatus(
      await d.http.post(`/screenings/${screeningId}/identification-decisions`).set(policeOfficer.auth).send({
        status: 'PossibleVictimOfTrafficking',
        decidedOn: d.today(),
        basis: 'Debt bondage in a karaoke bar in Kaysone.',
      }),
      201,
      'possible victim',
    );
  });

  it('the police open the case from the screening: identified, numbered in Savannakhet, led by the division', async () => {
    const opened = await d.http
      .post(`/screenings/${screeningId}/open-case`)
      .set(policeScreener.auth)
      .send({ assignedCaseworkerId: policeCaseworker.id, supervisorId: policeSupervisor.id });
    expectStatus(opened, 201, 'open the case');
    caseId = opened.body.id;
    expect(opened.body).toMatchObject({
      stage: 'identified',
      identificationStatus: 'PossibleVictimOfTrafficking',
      leadAgencyId: police.id,
      exploitationTypes: ['ForcedLabour'],
    });
    expect(opened.body.caseNumber).toMatch(/^SV-\d{4}-\d{6}$/);
    await d.expectViews(caseId, [
      [policeCaseworker, 'full'],
      [policeSupervisor, 'full'],
      [policeOfficer, 'full'],
      ...everyoneElse().map((a): [Actor, 'none'] => [a, 'none']),
    ]);
    const theirCases = await d.http.get(`/cases?personId=${personId}`).set(policeSupervisor.auth);
    expect(theirCases.body.items.map((c: { id: string }) => c.id)).toEqual([caseId]);
    expect((await d.http.get(`/cases?personId=${personId}`).set(vtcSupervisor.auth)).body.items).toEqual([]);
  });

  it('with consent, the provincial social welfare office supports her at home; no placement, no return', async () => {
    expectStatus(
      await d.http
        .post(`/cases/${caseId}/consents`)
        .set(policeCaseworker.auth)
        .send({
          purposes: ['assistance', 'sharing_for_referral', 'follow_up_contact'],
          coveredAgencyIds: [province.id],
          givenBy: 'person',
          method: 'written',
          givenOn: d.today(),
        }),
      201,
      'consent',
    );
    const referral = await d.http
      .post(`/cases/${caseId}/referrals`)
      .set(policeCaseworker.auth)
      .send({ toAgencyId: province.id, purpose: 'reintegration', urgency: 'high' });
    expectStatus(referral, 201, 'referral to the province');
    await d.moveCase(policeCaseworker, caseId, ['referred']);
    await d.expectViews(caseId, [
      [provincialCaseworker, 'limited'],
      [vtcSupervisor, 'none'],
      [centralAtdOfficer, 'none'],
    ]);
    expectStatus(
      await d.http
        .post(`/referrals/${referral.body.id}/accept`)
        .set(provincialCaseworker.auth)
        .set('if-match', `"${referral.body.version}"`),
      200,
      'accept',
    );
    expectStatus(
      await d.http
        .post(`/cases/${caseId}/services`)
        .set(provincialCaseworker.auth)
        .send({ serviceType: 'psychosocial', deliveredOn: d.today(), outcome: 'ongoing' }),
      201,
      'counselling by the province',
    );
    // She never left home: reintegration needs no discharge.
    await d.moveCase(policeCaseworker, caseId, ['assessment', 'planning', 'active', 'reintegration']);
    expect((await d.http.get(`/cases/${caseId}/placements`).set(policeCaseworker.auth)).body).toEqual([]);
    const visits = await d.http
      .post(`/cases/${caseId}/follow-ups`)
      .set(policeCaseworker.auth)
      .send({ fromDate: d.today(), agencyId: province.id, months: [1, 3] });
    expectStatus(visits, 201, 'follow-ups for the province');
    const cancelled = await d.http
      .post(`/cases/${caseId}/follow-ups/${visits.body[1].id}/cancel`)
      .set(provincialCaseworker.auth)
      .set('if-match', `"${visits.body[1].version}"`)
      .send({ reason: 'person_moved' });
    expectStatus(cancelled, 200, 'cancel a visit');
    expect(cancelled.body).toMatchObject({ status: 'cancelled', changeReason: 'person_moved' });
    // The VTC, never involved, has no case of hers in any list.
    expect((await d.http.get('/cases').set(vtcSupervisor.auth)).body.items).toEqual([]);
  });

  it("the auditor's log shows the police's and the province's work, and nobody else's", async () => {
    const log = await d.expectLogged(auditor, caseId, [
      { actor: policeScreener, route: '/screenings/{id}/open-case' },
      { actor: policeCaseworker, route: '/cases/{id}/transitions' },
      { actor: policeCaseworker, route: '/cases/{id}/referrals' },
      { actor: provincialCaseworker, route: '/cases/{id}/services' },
      { actor: provincialCaseworker, route: '/cases/{id}/follow-ups/{recordId}/cancel' },
    ]);
    expect(
      log.filter(
        (r) => (r.agencyId === vtc.id || r.agencyId === centralAtdOfficer.agencyId) && r.outcome === 'allowed',
      ),
    ).toEqual([]);
  });
});
