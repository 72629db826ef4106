import { daysAhead, setClock } from '../harness/clock.js';
import { localToday } from '../harness/dates.js';
import { given, type GivenAgency, type Session } from '../harness/given.js';
import { screeningBody, VICTIM_ANSWERS } from '../harness/screening-fixtures.js';
import { startTestApp, type TestApp } from '../harness/test-app.js';

describe('a case from screening to closure', () => {
  let t: TestApp;
  let g: ReturnType<typeof given>;
  let vtc: GivenAgency;
  let shelter: GivenAgency;
  let screener: Session;
  let caseworker: Session;
  let supervisor: Session;
  let outsider: Session;
  let personId: string;
  let caseId: string;
  let screeningId: string;
  let idOfficer: Session;
  let version: number;

  beforeAll(async () => {
    t = await startTestApp();
    g = given(t);
    vtc = await g.agency({ localType: 'transit_centre', provinceCode: 'LA-VT' });
    shelter = await g.agency({ localType: 'shelter', provinceCode: 'LA-CH' });
    screener = await g.session(await g.user(vtc, ['screener']));
    caseworker = await g.session(await g.user(vtc, ['caseworker']));
    supervisor = await g.session(await g.user(vtc, ['case_supervisor']));
    idOfficer = await g.session(await g.user(vtc, ['identification_officer']));
    outsider = await g.session(await g.user(shelter, ['case_supervisor', 'caseworker', 'facility_officer']));
    personId = (
      await t.http
        .post('/persons')
        .set(screener.auth)
        .send({
          names: { givenNameLatin: 'Chanthy', familyNameLatin: 'Souvannavong' },
          gender: 'Feminine',
          birth: { precision: 'year', birthYear: 1998 },
          homeProvinceCode: 'LA-SV',
        })
    ).body.id;
  });
  afterAll(() => t.close());

  const ifMatch = () => ({ 'if-match': `"${version}"` });
  const track = <R extends { status: number; body: { version?: number } }>(res: R): R => {
    if (res.body.version !== undefined) version = res.body.version;
    return res;
  };

  it("opens a case from a screening, with a readable unique number and the person's province", async () => {
    const screening = await t.http
      .post('/screenings')
      .set(screener.auth)
      .send(screeningBody({ personId, answers: VICTIM_ANSWERS }));
    const opened = track(
      await t.http
        .post(`/screenings/${screening.body.id}/open-case`)
        .set(screener.auth)
        .send({ assignedCaseworkerId: caseworker.user.id, supervisorId: supervisor.user.id }),
    );
    expect(opened.status).toBe(201);
    caseId = opened.body.id;
    screeningId = screening.body.id;
    expect(opened.body).toMatchObject({
      stage: 'screening',
      status: 'Active',
      personId,
      leadAgencyId: vtc.id,
      provinceCode: 'LA-SV',
      exploitationTypes: ['ForcedLabour'],
    });
    expect(opened.body.caseNumber).toMatch(new RegExp(`^VT-${localToday().slice(0, 4)}-\\d{6}$`));
    expect(opened.body.needs).toEqual(['medical', 'shelter']);
    expect(opened.headers.etag).toBe(`"${opened.body.version}"`);
    expect((await t.http.post(`/screenings/${screening.body.id}/open-case`).set(screener.auth).send({})).status).toBe(
      409,
    );
  });

  it('gives unique case numbers under concurrent creation', async () => {
    const people = await Promise.all(Array.from({ length: 8 }, () => g.person(vtc, caseworker.user)));
    const results = await Promise.all(
      people.map((p) => t.http.post('/cases').set(caseworker.auth).send({ personId: p })),
    );
    expect(results.map((r) => r.status)).toEqual(Array(8).fill(201));
    const numbers = results.map((r) => r.body.caseNumber);
    expect(new Set(numbers).size).toBe(8);
  });

  it('enforces the stage machine on the server', async () => {
    const illegal = await t.http
      .post(`/cases/${caseId}/transitions`)
      .set(caseworker.auth)
      .set(ifMatch())
      .send({ to: 'active' });
    expect(illegal.status).toBe(409);
    expect(illegal.body).toMatchObject({
      code: 'ILLEGAL_TRANSITION',
      from: 'screening',
      to: 'active',
      allowed: ['identified', 'not_identified'],
    });
    // Stages reflect facts: no identification decision yet, so no "identified".
    const early = await t.http
      .post(`/cases/${caseId}/transitions`)
      .set(caseworker.auth)
      .set(ifMatch())
      .send({ to: 'identified' });
    expect(early.status).toBe(422);
    expect(early.body).toMatchObject({ code: 'STAGE_FACT_MISSING', missingFact: 'identification_decision' });
    expect((await t.http.get(`/cases/${caseId}`).set(caseworker.auth)).body).toMatchObject({
      stage: 'screening',
      identificationStatus: null,
    });
    const decided = await t.http
      .post(`/screenings/${screeningId}/identification-decisions`)
      .set(idOfficer.auth)
      .send({ status: 'PossibleVictimOfTrafficking', decidedOn: localToday(), basis: 'Indicators D1, D4 and D6' });
    expect(decided.status).toBe(201);
    expect(
      (
        await t.http
          .post(`/cases/${caseId}/transitions`)
          .set(caseworker.auth)
          .set(ifMatch())
          .send({ to: 'not_identified' })
      ).body.code,
    ).toBe('STAGE_FACT_MISSING');
    const referredEarly = await t.http
      .post(`/cases/${caseId}/transitions`)
      .set(caseworker.auth)
      .set(ifMatch())
      .send({ to: 'identified' });
    expect(referredEarly.status).toBe(200);
    version = referredEarly.body.version;
    expect(
      (await t.http.post(`/cases/${caseId}/transitions`).set(caseworker.auth).set(ifMatch()).send({ to: 'referred' }))
        .body,
    ).toMatchObject({ code: 'STAGE_FACT_MISSING', missingFact: 'referral' });
    const timeline = await t.http.get(`/cases/${caseId}/timeline`).set(caseworker.auth);
    expect(timeline.body.find((e: { kind: string }) => e.kind === 'identification_decided')).toMatchObject({
      refId: decided.body.id,
      agencyId: vtc.id,
      summary: { status: 'PossibleVictimOfTrafficking', revision: 1, screeningId },
    });
    for (const to of ['assessment']) {
      const res = track(
        await t.http.post(`/cases/${caseId}/transitions`).set(caseworker.auth).set(ifMatch()).send({ to }),
      );
      expect({ to, status: res.status, stage: res.body.stage }).toEqual({ to, status: 200, stage: to });
    }
  });

  it('refuses a stale If-Match (412) and a missing one (428), changing nothing', async () => {
    const stale = await t.http
      .post(`/cases/${caseId}/transitions`)
      .set(caseworker.auth)
      .set('if-match', `"${version - 1}"`)
      .send({ to: 'planning' });
    expect(stale.status).toBe(412);
    expect(stale.body.code).toBe('PRECONDITION_FAILED');
    expect(stale.headers.etag).toBe(`"${version}"`);
    expect(
      (await t.http.post(`/cases/${caseId}/transitions`).set(caseworker.auth).send({ to: 'planning' })).status,
    ).toBe(428);
    expect((await t.http.get(`/cases/${caseId}`).set(caseworker.auth)).body.stage).toBe('assessment');
  });

  it('lets only one of two concurrent writers with the same version win', async () => {
    const [a, b] = await Promise.all([
      t.http
        .patch(`/cases/${caseId}`)
        .set(caseworker.auth)
        .set(ifMatch())
        .send({ exploitationTypes: ['ForcedLabour', 'ForcedCriminality'] }),
      t.http.patch(`/cases/${caseId}`).set(supervisor.auth).set(ifMatch()).send({ provinceCode: 'LA-CH' }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 412]);
    track(a.status === 200 ? a : b);
  });

  it('records consent as a versioned object', async () => {
    const first = await t.http
      .post(`/cases/${caseId}/consents`)
      .set(caseworker.auth)
      .send({
        purposes: ['assistance', 'sharing_for_referral'],
        coveredAgencyIds: [shelter.id],
        givenBy: 'person',
        method: 'written',
        givenOn: '2026-11-02',
        language: 'lao',
      });
    expect(first.status).toBe(201);
    const second = await t.http
      .post(`/cases/${caseId}/consents`)
      .set(caseworker.auth)
      .send({
        purposes: ['assistance'],
        coveredAgencyIds: [],
        givenBy: 'person',
        method: 'oral_certified',
        givenOn: '2026-11-03',
      });
    expect(second.body.version).toBe(2);
    const all = await t.http.get(`/cases/${caseId}/consents`).set(caseworker.auth);
    expect(all.body.map((c: { version: number; status: string }) => [c.version, c.status])).toEqual([
      [2, 'active'],
      [1, 'superseded'],
    ]);
    const future = await t.http
      .post(`/cases/${caseId}/consents`)
      .set(caseworker.auth)
      .send({
        purposes: ['assistance'],
        coveredAgencyIds: [],
        givenBy: 'person',
        method: 'written',
        givenOn: '2999-01-01',
      });
    expect(future.status).toBe(422);
  });

  it('records assessments, a support plan, services and notes, with encrypted free text', async () => {
    const assessment = await t.http
      .post(`/cases/${caseId}/assessments`)
      .set(caseworker.auth)
      .send({
        kind: 'household',
        assessedOn: localToday(),
        riskLevel: 'medium',
        risks: ['debt', 'stigma'],
        needs: ['livelihood', 'psychosocial'],
        findings: 'Family owes the broker 4 million kip.',
      });
    expect(assessment.status).toBe(201);
    expect(
      (
        await t.http
          .post(`/cases/${caseId}/assessments`)
          .set(caseworker.auth)
          .send({ kind: 'individual', assessedOn: localToday(), riskLevel: 'low' })
      ).status,
    ).toBe(201);
    expect((await t.http.get(`/cases/${caseId}/assessments`).set(caseworker.auth)).body).toHaveLength(2);

    const plan = await t.http
      .post(`/cases/${caseId}/support-plans`)
      .set(caseworker.auth)
      .send({
        type: 'Livelihood',
        objectives: 'Start a small weaving business',
        plannedEndDate: '2027-06-30',
        actions: [
          {
            description: 'Vocational training in Savannakhet',
            responsibleAgencyId: shelter.id,
            plannedDate: '2027-01-15',
          },
        ],
      });
    expect(plan.status).toBe(201);
    const planUpdate = await t.http
      .patch(`/cases/${caseId}/support-plans/${plan.body.id}`)
      .set(caseworker.auth)
      .set('if-match', `"${plan.body.version}"`)
      .send({ status: 'agreed' });
    expect(planUpdate.body).toMatchObject({ status: 'agreed', version: 2 });
    expect(
      (
        await t.http
          .patch(`/cases/${caseId}/support-plans/${plan.body.id}`)
          .set(caseworker.auth)
          .set('if-match', `"${plan.body.version}"`)
          .send({ status: 'completed' })
      ).status,
    ).toBe(412);

    const service = await t.http.post(`/cases/${caseId}/services`).set(caseworker.auth).send({
      serviceType: 'medical',
      deliveredOn: localToday(),
      quantity: 1,
      costLak: 150000,
      outcome: 'completed',
      notes: 'HIV test negative, with consent',
    });
    expect(service.status).toBe(201);
    expect(service.body).toMatchObject({
      serviceType: 'medical',
      providerAgencyId: vtc.id,
      costLak: 150000,
      notes: 'HIV test negative, with consent',
    });
    const early = await t.http
      .post(`/cases/${caseId}/services`)
      .set(caseworker.auth)
      .send({ serviceType: 'shelter', deliveredOn: '2020-01-01', outcome: 'completed' });
    expect(early.status).toBe(422);
    expect(early.body).toMatchObject({
      code: 'DATE_OUT_OF_RANGE',
      errors: [{ field: 'deliveredOn', messages: [expect.stringContaining('before the case was opened')] }],
    });
    expect(
      (
        await t.http
          .post(`/cases/${caseId}/services`)
          .set(caseworker.auth)
          .send({ serviceType: 'spa_day', deliveredOn: '2026-11-02', outcome: 'completed' })
      ).status,
    ).toBe(400);

    const note = await t.http
      .post(`/cases/${caseId}/notes`)
      .set(caseworker.auth)
      .send({ text: 'Spoke with the mother; she wants her daughter home.' });
    expect(note.status).toBe(201);
    const corrected = await t.http
      .post(`/cases/${caseId}/notes/${note.body.id}/corrections`)
      .set(caseworker.auth)
      .send({ text: 'Spoke with the aunt, not the mother; she wants her niece home.' });
    expect(corrected.body).toMatchObject({ threadId: note.body.id, revision: 2, current: true });
    const current = await t.http.get(`/cases/${caseId}/notes`).set(caseworker.auth);
    expect(current.body.map((n: { text: string }) => n.text)).toEqual([
      'Spoke with the aunt, not the mother; she wants her niece home.',
    ]);
    const history = await t.http.get(`/cases/${caseId}/notes?history=true`).set(caseworker.auth);
    expect(history.body).toHaveLength(2);
    await expect(
      t.ownerQuery(`UPDATE case_note SET author_id = author_id WHERE id = $1`, [note.body.id]),
    ).rejects.toThrow(/append-only/);

    const raw = JSON.stringify(
      (
        await t.ownerQuery(
          'SELECT * FROM case_assessment, case_support_plan, case_service_record, case_note WHERE case_assessment.case_id = $1',
          [caseId],
        )
      ).rows,
    );
    expect(raw).not.toMatch(/4 million|weaving|HIV test|aunt/);
  });

  it('schedules follow-ups from the return date and lists the overdue ones for the agency', async () => {
    const returned = localToday();
    const scheduled = await t.http
      .post(`/cases/${caseId}/follow-ups`)
      .set(caseworker.auth)
      .send({ fromDate: returned });
    expect(scheduled.status).toBe(201);
    expect(scheduled.body.map((f: { planMonth: number }) => f.planMonth)).toEqual([1, 3, 6, 12]);
    // A hundred days later, the 1- and 3-month visits are overdue.
    const restoreClock = setClock(t, daysAhead(100));
    try {
      const overdue = await t.http.get('/follow-ups/overdue').set(caseworker.auth);
      expect(
        overdue.body
          .filter((f: { caseId: string }) => f.caseId === caseId)
          .map((f: { planMonth: number }) => f.planMonth),
      ).toEqual([1, 3]);
      const first = scheduled.body[0];
      const done = await t.http
        .patch(`/cases/${caseId}/follow-ups/${first.id}`)
        .set(caseworker.auth)
        .set('if-match', `"${first.version}"`)
        .send({
          completedOn: localToday(),
          outcome: 'reached_stable',
          notes: 'Working on the family farm.',
        });
      expect(done.body).toMatchObject({ status: 'completed', overdue: false, outcome: 'reached_stable' });
      const list = await t.http.get('/cases?overdueFollowUp=true').set(caseworker.auth);
      expect(list.body.items.map((c: { id: string }) => c.id)).toContain(caseId);
      expect((await t.http.get('/follow-ups/overdue').set(outsider.auth)).body).toEqual([]);
    } finally {
      restoreClock();
    }
    version = (await t.http.get(`/cases/${caseId}`).set(caseworker.auth)).body.version;
  });

  it('needs a reason from the list and a supervisor to close, and a supervisor with a reason to reopen', async () => {
    for (const to of ['planning', 'active', 'follow_up'])
      track(await t.http.post(`/cases/${caseId}/transitions`).set(caseworker.auth).set(ifMatch()).send({ to }));
    expect(
      (
        await t.http
          .post(`/cases/${caseId}/close`)
          .set(caseworker.auth)
          .set(ifMatch())
          .send({ reason: 'goals_achieved' })
      ).status,
    ).toBe(403);
    expect((await t.http.post(`/cases/${caseId}/close`).set(supervisor.auth).set(ifMatch()).send({})).status).toBe(400);
    expect(
      (await t.http.post(`/cases/${caseId}/close`).set(supervisor.auth).set(ifMatch()).send({ reason: 'bored' }))
        .status,
    ).toBe(400);
    const requested = track(
      await t.http
        .post(`/cases/${caseId}/closure-request`)
        .set(caseworker.auth)
        .set(ifMatch())
        .send({ reason: 'goals_achieved' }),
    );
    expect(requested.body.closureRequest).toMatchObject({ reason: 'goals_achieved', requestedBy: caseworker.user.id });
    const referredWithoutAgency = await t.http
      .post(`/cases/${caseId}/close`)
      .set(supervisor.auth)
      .set(ifMatch())
      .send({ reason: 'transferred_or_referred' });
    expect(referredWithoutAgency.body.errors[0].field).toBe('transferredToAgencyId');
    const closed = track(
      await t.http
        .post(`/cases/${caseId}/close`)
        .set(supervisor.auth)
        .set(ifMatch())
        .send({ reason: 'goals_achieved' }),
    );
    expect(closed.body).toMatchObject({
      stage: 'closed',
      status: 'Closed',
      closureReason: 'goals_achieved',
      closureRequest: null,
    });
    expect(
      (await t.http.post(`/cases/${caseId}/transitions`).set(caseworker.auth).set(ifMatch()).send({ to: 'active' }))
        .status,
    ).toBe(409);
    expect(
      (await t.http.post(`/cases/${caseId}/reopen`).set(supervisor.auth).set(ifMatch()).send({ reason: 'short' }))
        .status,
    ).toBe(400);
    const reopened = track(
      await t.http
        .post(`/cases/${caseId}/reopen`)
        .set(supervisor.auth)
        .set(ifMatch())
        .send({ reason: 'Recruiter contacted her again in October', stage: 'assessment' }),
    );
    expect(reopened.body).toMatchObject({ stage: 'assessment', closureReason: null });
    const referred = track(
      await t.http
        .post(`/cases/${caseId}/close`)
        .set(supervisor.auth)
        .set(ifMatch())
        .send({ reason: 'transferred_or_referred', transferredToAgencyId: shelter.id }),
    );
    expect(referred.body).toMatchObject({
      stage: 'closed_referred',
      status: 'ClosedReferred',
      transferredToAgencyId: shelter.id,
    });
  });

  it('tells the whole story on the timeline, in order, without personal data', async () => {
    const res = await t.http.get(`/cases/${caseId}/timeline`).set(caseworker.auth);
    const kinds = res.body.map((e: { kind: string }) => e.kind);
    expect(kinds[0]).toBe('case_opened');
    for (const k of [
      'screening_linked',
      'stage_changed',
      'consent_recorded',
      'assessment_recorded',
      'support_plan_created',
      'service_recorded',
      'note_added',
      'note_corrected',
      'follow_ups_scheduled',
      'follow_up_recorded',
      'closure_requested',
      'closed',
      'reopened',
    ]) {
      expect(kinds).toContain(k);
    }
    const times = res.body.map((e: { occurredAt: string }) => e.occurredAt);
    expect([...times].sort()).toEqual(times);
    expect(JSON.stringify(res.body)).not.toMatch(/Chanthy|weaving|aunt|HIV/);
  });

  it('lists and filters cases with keyset pagination and an allowlist of sort keys', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { status: number; body: { items: { id: string; caseNumber: string }[]; nextCursor: string | null } } =
        await t.http.get(`/cases?limit=3&sort=caseNumber${cursor ? `&cursor=${cursor}` : ''}`).set(supervisor.auth);
      expect(res.status).toBe(200);
      seen.push(...res.body.items.map((c) => c.caseNumber));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...seen].sort());
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBe(9);
    expect((await t.http.get('/cases?sort=person_id').set(supervisor.auth)).status).toBe(400);
    expect((await t.http.get('/cases?limit=1000').set(supervisor.auth)).status).toBe(400);
    expect(
      (await t.http.get('/cases?stage=closed_referred').set(supervisor.auth)).body.items.map(
        (c: { id: string }) => c.id,
      ),
    ).toEqual([caseId]);
    const byNumber = (await t.http.get(`/cases?caseNumber=${seen[0]}`).set(supervisor.auth)).body.items;
    expect(byNumber).toHaveLength(1);
    expect(
      (await t.http.get('/cases?exploitationType=ForcedLabour').set(supervisor.auth)).body.items.map(
        (c: { id: string }) => c.id,
      ),
    ).toContain(caseId);
    // A caseworker sees the cases assigned to them, not the whole agency's.
    const mine = await t.http.get('/cases').set(caseworker.auth);
    expect(
      mine.body.items.every((c: { assignedCaseworkerId: string }) => c.assignedCaseworkerId === caseworker.user.id),
    ).toBe(true);
  });

  it('shows another agency none of it', async () => {
    for (const path of [
      '',
      '/timeline',
      '/consents',
      '/assessments',
      '/support-plans',
      '/services',
      '/follow-ups',
      '/notes',
    ]) {
      const res = await t.http.get(`/cases/${caseId}${path}`).set(outsider.auth);
      expect({ path, status: res.status }).toEqual({ path, status: 404 });
    }
    expect((await t.http.post(`/cases/${caseId}/notes`).set(outsider.auth).send({ text: 'x' })).status).toBe(404);
    expect(
      (
        await t.http
          .post(`/cases/${caseId}/services`)
          .set(outsider.auth)
          .send({ serviceType: 'medical', deliveredOn: '2026-11-02', outcome: 'completed' })
      ).status,
    ).toBe(404);
    expect((await t.http.get('/cases').set(outsider.auth)).body.items).toEqual([]);
    const rows = await t.appTransaction(async (c) => {
      await c.query(`SELECT set_config('app.agency_id', $1, true), set_config('app.user_id', $2, true)`, [
        shelter.id,
        outsider.user.id,
      ]);
      const tables = [
        'case_file',
        'case_consent',
        'case_assessment',
        'case_support_plan',
        'case_service_record',
        'case_follow_up',
        'case_note',
        'case_timeline_event',
      ];
      // One statement at a time on the connection (docs/one-query-per-connection.md).
      const counts: [string, number][] = [];
      for (const tb of tables) counts.push([tb, (await c.query(`SELECT count(*)::int AS n FROM ${tb}`)).rows[0].n]);
      return counts;
    });
    expect(rows.filter(([, n]) => n !== 0)).toEqual([]);
  });
});
