import { CANARIES, CANARY_VALUES } from '../harness/canaries.js';
import { AGENCIES, type Actor, type Agency, Deployment, expectStatus, interview } from '../journeys/journey-kit.js';

/**
 * GET /me/tasks from an empty deployment, through HTTP only: each role sees the kinds of work
 * it acts on, over exactly the records its own lists show; ids, case numbers and codes only.
 */
describe('work list (GET /me/tasks)', () => {
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
  let provincialSupervisor: Actor;
  let auditor: Actor;
  let caseA: string;
  let caseB: string;
  let caseNumberA: string;
  let screeningId: string;
  let pendingNoticeId: string;
  const referralIds: Record<string, string> = {};

  const tasks = async (actor: Actor) => {
    const res = await d.http.get('/me/tasks').set(actor.auth);
    expectStatus(res, 200, `tasks of ${actor.email}`);
    return res.body;
  };

  const returnee = (n: number) => ({
    names: { givenNameLatin: `${CANARIES.givenNameLatin}${n}`, familyNameLatin: CANARIES.familyNameLatin },
    gender: 'Feminine',
    birth: { precision: 'year', birthYear: 1990 + n },
    homeProvinceCode: 'LA-SV',
    confirmNotDuplicate: true,
  });

  beforeAll(async () => {
    d = await Deployment.fresh();
    const dsw = await d.agency(AGENCIES.dsw);
    vtc = await d.agency(AGENCIES.vtc);
    atd = await d.agency(AGENCIES.atd);
    lwu = await d.agency(AGENCIES.lwu);
    province = await d.agency(AGENCIES.plswSavannakhet);
    vtcCaseworker = await d.staff(vtc, ['caseworker', 'screener']);
    vtcSupervisor = await d.staff(vtc, ['case_supervisor']);
    vtcFacilityOfficer = await d.staff(vtc, ['facility_officer']);
    atdOfficer = await d.staff(atd, ['identification_officer']);
    lwuOfficer = await d.staff(lwu, ['facility_officer']);
    provincialSupervisor = await d.staff(province, ['case_supervisor']);
    auditor = await d.staff(dsw, ['auditor']);

    ({ caseId: caseA } = await d.receiveReturnee(vtcCaseworker, returnee(1)));
    ({ caseId: caseB } = await d.receiveReturnee(vtcCaseworker, returnee(2)));
    caseNumberA = (await d.http.get(`/cases/${caseA}`).set(vtcCaseworker.auth)).body.caseNumber;
    for (const caseId of [caseA, caseB]) {
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
          }),
        201,
        'consent',
      );
    }
  });
  afterAll(() => d.close());

  it('answers 401 without a token', async () => {
    expect((await d.http.get('/me/tasks')).status).toBe(401);
  });

  it('an empty work list names the kinds of work each role takes on', async () => {
    const supervisor = await tasks(vtcSupervisor);
    expect(supervisor.kinds).toEqual([
      'referrals_to_answer',
      'closures_to_approve',
      'follow_ups_overdue',
      'follow_ups_due_this_week',
      'returnees_expected',
    ]);
    expect((await tasks(atdOfficer)).kinds).toEqual(['identifications_to_decide']);
    expect((await tasks(auditor)).kinds).toEqual([]);
    expect((await tasks(auditor)).counts).toEqual({
      referralsToAnswer: 0,
      referralsOverdue: 0,
      referralsEmergency: 0,
      closuresToApprove: 0,
      identificationsToDecide: 0,
      followUpsOverdue: 0,
      followUpsDueThisWeek: 0,
      returneesExpected: 0,
    });
  });

  it('returnees still expected on a pre-arrival notice, for the receiving agency only', async () => {
    const notice = await d.http.post('/return-notices').set(vtcCaseworker.auth).send({
      hostCountry: 'TH',
      hostAgency: 'MSDHS Thailand',
      borderCrossingCode: 'FRIENDSHIP_BRIDGE_1',
      expectedOn: d.today(),
      peopleCount: 3,
      childrenCount: 1,
    });
    expectStatus(notice, 201, 'notice');
    pendingNoticeId = notice.body.id;
    const mine = await tasks(vtcCaseworker);
    // The two notices whose returnees arrived are done; the new one is listed.
    expect(mine.returneesExpected).toEqual([
      {
        id: pendingNoticeId,
        hostCountry: 'TH',
        borderCrossingCode: 'FRIENDSHIP_BRIDGE_1',
        expectedOn: d.today(),
        peopleCount: 3,
        childrenCount: 1,
        arrivalsExpected: 3,
      },
    ]);
    expect(mine.counts.returneesExpected).toBe(1);
    expect((await tasks(lwuOfficer)).returneesExpected).toEqual([]);
  });

  it("referrals to answer: the receiving agency's, emergencies first, with due times", async () => {
    for (const [caseId, urgency] of [
      [caseA, 'normal'],
      [caseB, 'emergency'],
    ] as const) {
      const res = await d.http
        .post(`/cases/${caseId}/referrals`)
        .set(vtcCaseworker.auth)
        .send({ toAgencyId: lwu.id, purpose: 'shelter_placement', urgency });
      expectStatus(res, 201, `${urgency} referral`);
      referralIds[urgency] = res.body.id;
    }
    const lwuTasks = await tasks(lwuOfficer);
    expect(lwuTasks.kinds).toEqual([
      'referrals_to_answer',
      'follow_ups_overdue',
      'follow_ups_due_this_week',
      'returnees_expected',
    ]);
    expect(lwuTasks.referralsToAnswer.map((r: { id: string; urgency: string }) => [r.id, r.urgency])).toEqual([
      [referralIds.emergency, 'emergency'],
      [referralIds.normal, 'normal'],
    ]);
    expect(lwuTasks.referralsToAnswer[1]).toMatchObject({
      caseId: caseA,
      caseNumber: caseNumberA,
      fromAgencyId: vtc.id,
      purpose: 'shelter_placement',
      overdue: false,
    });
    expect(Date.parse(lwuTasks.referralsToAnswer[0].dueBy)).toBeGreaterThan(Date.now());
    expect(lwuTasks.counts).toMatchObject({ referralsToAnswer: 2, referralsEmergency: 1, referralsOverdue: 0 });
    // The sender is not asked to answer its own referrals; an uninvolved agency sees none.
    expect((await tasks(vtcSupervisor)).referralsToAnswer).toEqual([]);
    expect((await tasks(provincialSupervisor)).referralsToAnswer).toEqual([]);

    // Answered: gone from the list.
    const emergency = (await d.http.get(`/referrals/${referralIds.emergency}`).set(lwuOfficer.auth)).body;
    expectStatus(
      await d.http
        .post(`/referrals/${referralIds.emergency}/accept`)
        .set(lwuOfficer.auth)
        .set('if-match', `"${emergency.version}"`),
      200,
      'accept',
    );
    expect((await tasks(lwuOfficer)).referralsToAnswer.map((r: { id: string }) => r.id)).toEqual([referralIds.normal]);
  });

  it('identifications to decide: screenings submitted to the police, for their identification officers', async () => {
    const personId = (await d.http.get(`/cases/${caseA}`).set(vtcCaseworker.auth)).body.person.id;
    const screening = await d.http
      .post('/screenings')
      .set(vtcCaseworker.auth)
      .send(interview({ personId, answers: [{ indicatorCode: 'AL.D1.01', answer: 'yes' }] }));
    expectStatus(screening, 201, 'screening');
    screeningId = screening.body.id;
    expectStatus(
      await d.http.post(`/screenings/${screeningId}/link-case`).set(vtcCaseworker.auth).send({ caseId: caseA }),
      200,
      'link',
    );
    expect((await tasks(atdOfficer)).identificationsToDecide).toEqual([]);
    expectStatus(
      await d.http
        .post(`/screenings/${screeningId}/submit-for-identification`)
        .set(vtcCaseworker.auth)
        .send({ agencyId: atd.id }),
      200,
      'submit',
    );
    const police = await tasks(atdOfficer);
    expect(police.identificationsToDecide).toEqual([
      {
        id: screeningId,
        caseId: caseA,
        // The police decide on the screening without seeing the case file (row-level security too).
        caseNumber: null,
        agencyId: vtc.id,
        profile: 'adult_labour',
        suggestedOutcome: screening.body.suggestedOutcome ?? screening.body.suggestion.outcome,
        conductedAt: expect.any(String),
      },
    ]);
    expect(police.counts.identificationsToDecide).toBe(1);
    expect((await tasks(vtcSupervisor)).identificationsToDecide).toEqual([]);

    expectStatus(
      await d.http.post(`/screenings/${screeningId}/identification-decisions`).set(atdOfficer.auth).send({
        status: 'PossibleVictimOfTrafficking',
        decidedOn: d.today(),
        basis: CANARIES.basis,
      }),
      201,
      'decision',
    );
    expect((await tasks(atdOfficer)).identificationsToDecide).toEqual([]);
  });

  it('closures to approve: for the supervisors who see the case in full, not the caseworker who asked', async () => {
    const version = (await d.http.get(`/cases/${caseA}`).set(vtcCaseworker.auth)).body.version;
    expectStatus(
      await d.http
        .post(`/cases/${caseA}/closure-request`)
        .set(vtcCaseworker.auth)
        .set('if-match', `"${version}"`)
        .send({ reason: 'goals_achieved' }),
      200,
      'closure request',
    );
    const supervisor = await tasks(vtcSupervisor);
    expect(supervisor.closuresToApprove).toEqual([
      {
        caseId: caseA,
        caseNumber: caseNumberA,
        reason: 'goals_achieved',
        requestedBy: vtcCaseworker.id,
        requestedAt: expect.any(String),
      },
    ]);
    expect(supervisor.counts.closuresToApprove).toBe(1);
    expect((await tasks(vtcCaseworker)).kinds).not.toContain('closures_to_approve');
    expect((await tasks(provincialSupervisor)).closuresToApprove).toEqual([]);
  });

  it('follow-up visits due this week, then overdue, on cases the caller may see', async () => {
    const scheduled = await d.http
      .post(`/cases/${caseB}/follow-ups`)
      .set(vtcCaseworker.auth)
      .send({ fromDate: d.today(), months: [1] });
    expectStatus(scheduled, 201, 'schedule');
    const visit = scheduled.body[0];
    expect((await tasks(vtcCaseworker)).followUpsDueThisWeek).toEqual([]);

    let restore = d.advanceClock(27);
    try {
      const soon = await tasks(vtcCaseworker);
      expect(soon.followUpsDueThisWeek).toEqual([
        {
          id: visit.id,
          caseId: caseB,
          caseNumber: expect.any(String),
          dueOn: visit.dueOn,
          planMonth: 1,
          daysOverdue: 0,
        },
      ]);
      expect(soon.followUpsOverdue).toEqual([]);
      // The VTC's facility officer reads follow-ups, but is not assigned to the case: not listed,
      // exactly as in GET /follow-ups/upcoming.
      expect((await tasks(vtcFacilityOfficer)).followUpsDueThisWeek).toEqual([]);
    } finally {
      restore();
    }
    restore = d.advanceClock(45);
    try {
      const late = await tasks(vtcSupervisor);
      expect(late.followUpsOverdue).toEqual([
        {
          id: visit.id,
          caseId: caseB,
          caseNumber: expect.any(String),
          dueOn: visit.dueOn,
          planMonth: 1,
          daysOverdue: expect.any(Number),
        },
      ]);
      expect(late.followUpsOverdue[0].daysOverdue).toBeGreaterThan(10);
      expect(late.counts).toMatchObject({ followUpsOverdue: 1, followUpsDueThisWeek: 0 });
    } finally {
      restore();
    }
  });

  it('carries no personal value, and the read is audited with the ids it returned', async () => {
    for (const actor of [vtcCaseworker, vtcSupervisor, atdOfficer, lwuOfficer]) {
      const text = JSON.stringify(await tasks(actor));
      for (const canary of CANARY_VALUES) expect(text).not.toContain(canary);
      expect(text).not.toMatch(/"(names|person|birth|note|basis)"/);
    }
    const log = await d.accessLog(auditor, caseA);
    expect(log.some((r) => r.userId === vtcSupervisor.id && r.route === '/me/tasks' && r.outcome === 'allowed')).toBe(
      true,
    );
    // The pre-arrival notice is no case: found by its id among the entry's returned ids.
    const byId = await d.http
      .get('/audit/events')
      .query({ resourceId: pendingNoticeId, userId: vtcCaseworker.id, category: 'access' })
      .set(auditor.auth);
    expectStatus(byId, 200, 'audit events by id');
    const entry = (byId.body.items as { route: string | null; resourceType: string | null }[]).find(
      (e) => e.route === '/me/tasks',
    );
    expect(entry).toMatchObject({ resourceType: 'work_list' });
  });
});
