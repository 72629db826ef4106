import { daysAhead, setClock } from '../harness/clock.js';
import { screeningBody, VICTIM_ANSWERS } from '../harness/screening-fixtures.js';
import { type Actor, type Agency, Deployment, expectStatus } from '../journeys/journey-kit.js';

/** Days that surely cover `months` calendar months. */
const monthsAhead = (months: number) => daysAhead(Math.ceil(months * 30.5) + 2);

/**
 * Retention by rule against a clock set forward: a closed case's narratives go after five
 * years, the person's identity after ten, a legal hold stops both, and every erased record is
 * audited. Set-up through the API only.
 */
describe('retention by rule', () => {
  let d: Deployment;
  let vtc: Agency;
  let worker: Actor;
  let supervisor: Actor;
  let restoreClock: (() => void) | undefined;

  interface Story {
    personId: string;
    caseId: string;
    screeningId: string;
    noteId: string;
  }
  let expired: Story;
  let held: Story;
  let open: Story;

  async function story(name: string, close: boolean): Promise<Story> {
    const person = await d.http
      .post('/persons')
      .set(worker.auth)
      .send({
        names: { givenNameLatin: name, familyNameLatin: 'Retentionvong' },
        gender: 'Feminine',
        birth: { precision: 'year', birthYear: 2004 },
        contacts: [{ type: 'phone', value: '+856 20 5555 7777' }],
        homeProvinceCode: 'LA-SV',
      });
    expectStatus(person, 201, 'register person');
    const screening = await d.http
      .post('/screenings')
      .set(worker.auth)
      .send(screeningBody({ personId: person.body.id, answers: VICTIM_ANSWERS, narrative: `Story of ${name}` }));
    expectStatus(screening, 201, 'screening');
    const opened = await d.http
      .post(`/screenings/${screening.body.id}/open-case`)
      .set(worker.auth)
      .send({ assignedCaseworkerId: worker.id, supervisorId: supervisor.id });
    expectStatus(opened, 201, 'open case');
    const note = await d.http
      .post(`/cases/${opened.body.id}/notes`)
      .set(worker.auth)
      .send({ text: `Visited ${name} at home` });
    expectStatus(note, 201, 'note');
    if (close) {
      const version = (await d.http.get(`/cases/${opened.body.id}`).set(supervisor.auth)).body.version;
      const closed = await d.http
        .post(`/cases/${opened.body.id}/close`)
        .set(supervisor.auth)
        .set('if-match', `"${version}"`)
        .send({ reason: 'goals_achieved' });
      expectStatus(closed, 200, 'close');
    }
    return { personId: person.body.id, caseId: opened.body.id, screeningId: screening.body.id, noteId: note.body.id };
  }

  const noteTexts = async (s: Story) =>
    ((await d.http.get(`/cases/${s.caseId}/notes`).set(supervisor.auth)).body as { text: string }[]).map((n) => n.text);
  const personOf = async (s: Story) => (await d.http.get(`/persons/${s.personId}`).set(supervisor.auth)).body;
  const runNow = async () => {
    const res = await d.http.post('/retention/runs').set(d.admin.auth);
    expectStatus(res, 201, 'retention run');
    return res.body;
  };

  beforeAll(async () => {
    d = await Deployment.fresh();
    vtc = await d.agency({
      code: 'VTC-R',
      nameEn: 'Transit centre',
      htcdsOrgType: 'LocalGovernmentOrganisation',
      localType: 'transit_centre',
      provinceCode: 'LA-VT',
    });
    worker = await d.staff(vtc, ['caseworker', 'screener']);
    supervisor = await d.staff(vtc, ['case_supervisor']);
    expired = await story('Expired', true);
    held = await story('Held', true);
    open = await story('Open', false);
  }, 120_000);
  afterEach(() => restoreClock?.());
  afterAll(() => d.close());

  it('documents its schedules, with the defaults of every registered eraser', async () => {
    const res = await d.http.get('/retention/schedules').set(d.admin.auth);
    expect(res.status).toBe(200);
    expect(
      Object.fromEntries(res.body.map((s: { recordType: string; months: number }) => [s.recordType, s.months])),
    ).toEqual({
      cases: 60,
      referrals: 60,
      'case-transfers': 60,
      returns: 60,
      tracing: 60,
      screenings: 84,
      'screenings-without-case': 36,
      'tracing-without-case': 36,
      persons: 120,
      'persons-without-case': 36,
      documents: 60,
      'documents-without-case': 36,
      'intake-submissions': 12,
    });
    const counted = Object.fromEntries(
      res.body.map((s: { recordType: string; countedFrom: string }) => [s.recordType, s.countedFrom]),
    );
    expect(counted.cases).toBe('case closure');
    expect(counted['screenings-without-case']).toMatch(/last activity/);
    expect(counted['tracing-without-case']).toMatch(/closure of the tracing request/);
    expect((await d.http.get('/retention/schedules').set(worker.auth)).status).toBe(403);
    expect((await d.http.post('/retention/runs').set(supervisor.auth)).status).toBe(403);
  });

  it('lets the lead supervisor place a legal hold (audited), once', async () => {
    const placed = await d.http
      .post(`/cases/${held.caseId}/legal-hold`)
      .set(supervisor.auth)
      .send({ reason: 'court_proceedings' });
    expect(placed.status).toBe(201);
    expect(placed.body).toMatchObject({ caseId: held.caseId, reason: 'court_proceedings', active: true });
    const again = await d.http
      .post(`/cases/${held.caseId}/legal-hold`)
      .set(supervisor.auth)
      .send({ reason: 'complaint' });
    expect(again.status).toBe(409);
    expect(
      (await d.http.post(`/cases/${held.caseId}/legal-hold`).set(worker.auth).send({ reason: 'other' })).status,
    ).toBe(403);
    expect(
      (await d.http.post(`/cases/${held.caseId}/legal-hold`).set(supervisor.auth).send({ reason: 'because' })).status,
    ).toBe(400);
    const audited = await d.t.ownerQuery(
      `SELECT action FROM audit_event WHERE category = 'change' AND resource_type = 'case_legal_hold' AND $1 = ANY (resource_ids)`,
      [placed.body.id],
    );
    expect(audited.rows.map((r) => r.action)).toEqual(['create']);
  });

  it('has nothing due today, and a dry run five years on changes nothing', async () => {
    const today = await d.http.get('/retention/dry-run').set(d.admin.auth);
    expect(today.status).toBe(200);
    expect(today.body).toMatchObject({ dryRun: true, runId: null, cases: 0, records: 0 });

    restoreClock = setClock(d.t, monthsAhead(61));
    const later = await d.http.get('/retention/dry-run').set(d.admin.auth);
    expect(later.status).toBe(200);
    expect(later.body.caseList.map((c: { caseId: string }) => c.caseId)).toEqual([expired.caseId]);
    expect(later.body.onLegalHold.map((c: { caseId: string }) => c.caseId)).toEqual([held.caseId]);
    const byType = Object.fromEntries(
      later.body.recordTypes.map((t: { recordType: string }) => [t.recordType, t] as const),
    );
    expect(byType.cases).toMatchObject({ cases: 1, byResourceType: { case_note: 1 } });
    expect(byType.persons).toMatchObject({ cases: 0, records: 0 });
    expect(byType.screenings).toMatchObject({ cases: 0 });
    expect(await noteTexts(expired)).toEqual(['Visited Expired at home']);
    expect((await d.http.get('/retention/runs').set(d.admin.auth)).body).toEqual([]);
  });

  it('five years after closure erases the case narratives, keeps the identity, and audits every record', async () => {
    restoreClock = setClock(d.t, monthsAhead(61));
    const run = await runNow();
    expect(run).toMatchObject({ dryRun: false, cases: 1 });
    // Every record type due at five years was processed; only the case notes held anything.
    expect(run.caseList).toEqual([
      {
        caseId: expired.caseId,
        caseNumber: expect.any(String),
        recordTypes: expect.any(Array),
      },
    ]);
    expect([...run.caseList[0].recordTypes].sort()).toEqual([
      'case-transfers',
      'cases',
      'documents',
      'referrals',
      'returns',
      'tracing',
    ]);
    expect(run.records).toBe(1);
    expect(await noteTexts(expired)).toEqual(['[erased]']);
    expect(await noteTexts(held)).toEqual(['Visited Held at home']);
    expect(await noteTexts(open)).toEqual(['Visited Open at home']);
    expect((await personOf(expired)).names).toMatchObject({ givenNameLatin: 'Expired' });

    const audited = await d.t.ownerQuery(
      `SELECT action, resource_type, case_ids, changes, details FROM audit_event
        WHERE action = 'retention-erase' AND $1 = ANY (resource_ids)`,
      [expired.noteId],
    );
    expect(audited.rows).toEqual([
      {
        action: 'retention-erase',
        resource_type: 'case_note',
        case_ids: [expired.caseId],
        changes: [{ field: 'text', personal: true }],
        details: { runId: run.runId, recordType: 'cases' },
      },
    ]);
    const runAudit = await d.t.ownerQuery(
      `SELECT details FROM audit_event WHERE action = 'retention-run' AND $1 = ANY (resource_ids)`,
      [run.runId],
    );
    expect(runAudit.rows[0].details).toMatchObject({ trigger: 'manual', cases: 1, records: run.records });

    const retention = await d.http.get(`/cases/${expired.caseId}/retention`).set(supervisor.auth);
    expect(retention.status).toBe(200);
    expect(
      retention.body.erased.map((e: { recordType: string; records: number; runId: string }) => [
        e.recordType,
        e.records,
        e.runId,
      ]),
    ).toEqual(
      ['case-transfers', 'cases', 'documents', 'referrals', 'returns', 'tracing'].map((type) => [
        type,
        type === 'cases' ? 1 : 0,
        run.runId,
      ]),
    );
    expect(retention.body.facts).toMatchObject({
      gender: 'Feminine',
      ageBand: '18-24',
      exploitationTypes: ['ForcedLabour'],
      closureReason: 'goals_achieved',
    });
    expect(retention.body.facts.openedMonth).toMatch(/^\d{4}-\d{2}-01$/);
    expect(retention.body.facts.closedMonth).toMatch(/^\d{4}-\d{2}-01$/);

    // Ids and counts only in the events: no name, note or narrative.
    const events = await d.t.ownerQuery(
      `SELECT type, case_id, payload FROM domain_event WHERE type LIKE 'retention.%' ORDER BY occurred_at, id`,
    );
    expect(events.rows.map((e) => e.type)).toEqual(['retention.case-erased', 'retention.run-completed']);
    expect(events.rows[0]).toMatchObject({
      case_id: expired.caseId,
      payload: { runId: run.runId, records: 1 },
    });
    expect(JSON.stringify(events.rows)).not.toMatch(/Expired|Visited|Story of/);

    // A second run the same day has nothing left to do.
    expect(await runNow()).toMatchObject({ cases: 0, records: 0 });
    const runs = (await d.http.get('/retention/runs').set(d.admin.auth)).body;
    expect(runs.map((r: { trigger: string; cases: number }) => [r.trigger, r.cases])).toEqual([
      ['manual', 0],
      ['manual', 1],
    ]);
  });

  it('ten years after closure erases the identity and the screening but keeps sex and coarse facts', async () => {
    restoreClock = setClock(d.t, monthsAhead(121));
    const run = await runNow();
    expect(run.caseList.map((c: { caseId: string }) => c.caseId)).toEqual([expired.caseId]);
    const person = await personOf(expired);
    expect(person.gender).toBe('Feminine');
    expect(person.homeProvinceCode).toBe('LA-SV');
    expect(JSON.stringify(person)).not.toMatch(/Expired|Retentionvong|5555 7777|2004/);
    const screening = (await d.http.get(`/screenings/${expired.screeningId}`).set(supervisor.auth)).body;
    expect(JSON.stringify(screening)).not.toContain('Story of Expired');
    // Matching by name no longer finds the erased person; the kept one still is found.
    const matches = await d.http
      .post('/persons/matches')
      .set(worker.auth)
      .send({ names: { givenNameLatin: 'Expired', familyNameLatin: 'Retentionvong' } });
    expect(JSON.stringify(matches.body)).not.toContain(expired.personId);
    expect((await personOf(held)).names).toMatchObject({ givenNameLatin: 'Held' });
    expect(await noteTexts(held)).toEqual(['Visited Held at home']);
    const audited = await d.t.ownerQuery(
      `SELECT resource_type, changes FROM audit_event WHERE action = 'retention-erase' AND $1 = ANY (resource_ids)`,
      [expired.personId],
    );
    expect(audited.rows).toEqual([
      {
        resource_type: 'person',
        changes: ['names', 'birth', 'contacts'].map((field) => ({ field, personal: true })),
      },
    ]);
  });

  it('leaves case notes append-only for everything but retention overwriting a body', async () => {
    const asLead = (statements: string[]) =>
      d.t.appTransaction(async (c) => {
        await c.query(`SELECT set_config('app.agency_id', $1, true), set_config('app.user_id', $2, true)`, [
          vtc.id,
          supervisor.id,
        ]);
        for (const sql of statements) await c.query(sql, sql.includes('$1') ? [open.noteId] : []);
      });
    await expect(asLead([`UPDATE case_note SET body_enc = body_enc WHERE id = $1`])).rejects.toThrow(/append-only/);
    const retention = `SELECT set_config('ctcm.retention', 'on', true)`;
    await expect(asLead([retention, `UPDATE case_note SET author_id = author_id WHERE id = $1`])).rejects.toThrow(
      /permission denied/,
    );
    await expect(asLead([retention, `DELETE FROM case_note WHERE id = $1`])).rejects.toThrow(/permission denied/);
    await expect(
      asLead([retention, `UPDATE case_note SET body_enc = body_enc WHERE id = $1`]),
    ).resolves.toBeUndefined();
  });

  it('erases a held case once its hold is lifted (audited), at the next run', async () => {
    restoreClock = setClock(d.t, monthsAhead(121));
    const lifted = await d.http
      .post(`/cases/${held.caseId}/legal-hold/lift`)
      .set(supervisor.auth)
      .send({ reason: 'proceedings_ended' });
    expect(lifted.status).toBe(200);
    expect(lifted.body).toMatchObject({ active: false, liftReason: 'proceedings_ended' });
    expect(
      (await d.http.post(`/cases/${held.caseId}/legal-hold/lift`).set(supervisor.auth).send({ reason: 'other' }))
        .status,
    ).toBe(409);
    const run = await runNow();
    expect(run.caseList).toEqual([
      {
        caseId: held.caseId,
        caseNumber: expect.any(String),
        recordTypes: expect.arrayContaining(['cases', 'screenings', 'persons']),
      },
    ]);
    expect(await noteTexts(held)).toEqual(['[erased]']);
    expect(JSON.stringify(await personOf(held))).not.toContain('Held');
    // The open case is never touched, however late.
    expect(await noteTexts(open)).toEqual(['Visited Open at home']);
    expect((await personOf(open)).names).toMatchObject({ givenNameLatin: 'Open' });
  });
});

/**
 * Records that never had a case: a screening counted from its last activity (36 months by
 * default), a tracing request from its closure (set to 24 months here through
 * RETENTION_SCHEDULES, as any schedule). Each waits while a case of the same person is kept.
 */
describe('retention of screenings and tracing requests without a case', () => {
  let d: Deployment;
  let worker: Actor;
  let supervisor: Actor;
  let other: Actor;
  let restoreClock: (() => void) | undefined;
  let lonelyScreening: string;
  let anonymousScreening: string;
  let keptScreening: string;
  let caseScreening: string;
  let closedTracing: string;
  let keptTracing: string;
  let otherAgencyScreening: string;

  const ok = (res: { status: number; body: Record<string, unknown> }, status: number, what: string) => {
    expectStatus(res, status, what);
    return res.body;
  };
  const person = async (name: string) =>
    ok(
      await d.http
        .post('/persons')
        .set(worker.auth)
        .send({ names: { givenNameLatin: name, familyNameLatin: 'Caselessvong' }, gender: 'Masculine' }),
      201,
      'person',
    ).id as string;
  const screen = async (by: Actor, narrative: string, personId?: string) =>
    ok(
      await d.http
        .post('/screenings')
        .set(by.auth)
        .send(screeningBody({ ...(personId ? { personId } : {}), answers: VICTIM_ANSWERS, narrative })),
      201,
      'screening',
    ).id as string;
  const trace = async (name: string) =>
    ok(
      await d.http
        .post('/tracing-requests')
        .set(worker.auth)
        .send({
          receivedOn: d.today(),
          inquirer: { name: `Mother of ${name}`, relationship: 'mother' },
          missingPerson: { names: { givenNameLatin: name, familyNameLatin: 'Caselessvong' }, gender: 'Masculine' },
        }),
      201,
      'tracing request',
    );
  const narrativeOf = async (id: string) =>
    ok(await d.http.get(`/screenings/${id}`).set(supervisor.auth), 200, 'screening').narrative;
  const tracingOf = async (id: string) => ok(await d.http.get(`/tracing-requests/${id}`).set(worker.auth), 200, 'tr');
  const byType = (report: { recordTypes: { recordType: string }[] }) =>
    Object.fromEntries(report.recordTypes.map((t) => [t.recordType, t] as const)) as unknown as Record<
      string,
      { cases: number; records: number; waitingForOtherCases: number; byResourceType: Record<string, number> }
    >;

  beforeAll(async () => {
    d = await Deployment.fresh({ env: { RETENTION_SCHEDULES: 'tracing-without-case:24' } });
    const vtc = await d.agency({
      code: 'VTC-C',
      nameEn: 'Transit centre',
      htcdsOrgType: 'LocalGovernmentOrganisation',
      localType: 'transit_centre',
      provinceCode: 'LA-VT',
    });
    const shelter = await d.agency({
      code: 'NGO-C',
      nameEn: 'Shelter',
      htcdsOrgType: 'NGO',
      localType: 'mass_organisation',
      provinceCode: 'LA-VT',
    });
    worker = await d.staff(vtc, ['caseworker', 'screener']);
    supervisor = await d.staff(vtc, ['case_supervisor']);
    other = await d.staff(shelter, ['caseworker', 'screener']);

    // Screened, never a case.
    lonelyScreening = await screen(worker, 'Story of Lonely', await person('Lonely'));
    // Screened before anyone was registered.
    anonymousScreening = await screen(worker, 'Story of Nobody');
    // The person has an open case (opened on its own): the caseless screening waits for it.
    const keptPerson = await person('Kept');
    keptScreening = await screen(worker, 'Story of Kept', keptPerson);
    ok(await d.http.post('/cases').set(worker.auth).send({ personId: keptPerson }), 201, 'open case');
    // A screening that led to a case is the case schedules' business, never this one's.
    caseScreening = await screen(worker, 'Story of Cased', await person('Cased'));
    ok(
      await d.http
        .post(`/screenings/${caseScreening}/open-case`)
        .set(worker.auth)
        .send({ assignedCaseworkerId: worker.id, supervisorId: supervisor.id }),
      201,
      'open case from screening',
    );
    otherAgencyScreening = await screen(other, 'Story of Elsewhere');

    // A tracing request closed without a match, and one matched to the kept person.
    const closed = await trace('Gone');
    closedTracing = closed.id as string;
    ok(
      await d.http
        .post(`/tracing-requests/${closedTracing}/outcome`)
        .set(worker.auth)
        .set('if-match', `"${closed.version as number}"`)
        .send({ outcome: 'not_found', note: 'No trace of Gone at the port' }),
      200,
      'outcome',
    );
    const matched = await trace('Kept');
    keptTracing = matched.id as string;
    ok(
      await d.http
        .post(`/tracing-requests/${keptTracing}/match`)
        .set(worker.auth)
        .set('if-match', `"${matched.version as number}"`)
        .send({ kind: 'person', id: keptPerson }),
      200,
      'match',
    );
  }, 180_000);
  afterEach(() => restoreClock?.());
  afterAll(() => d.close());

  it('counts each from its own clock, configurable like every schedule, in the dry run', async () => {
    const schedules = ok(await d.http.get('/retention/schedules').set(d.admin.auth), 200, 'schedules') as unknown as {
      recordType: string;
      months: number;
      defaultMonths: number;
    }[];
    expect(schedules.find((s) => s.recordType === 'tracing-without-case')).toMatchObject({
      months: 24,
      defaultMonths: 36,
    });

    restoreClock = setClock(d.t, monthsAhead(25));
    const early = byType(ok(await d.http.get('/retention/dry-run').set(d.admin.auth), 200, 'dry run') as never);
    expect(early['tracing-without-case']).toMatchObject({
      cases: 0,
      records: 1,
      byResourceType: { tracing_request: 1 },
      waitingForOtherCases: 1,
    });
    expect(early['screenings-without-case']).toMatchObject({ records: 0 });
    expect(early['persons-without-case']).toMatchObject({ records: 0 });
    restoreClock();

    restoreClock = setClock(d.t, monthsAhead(37));
    const report = ok(await d.http.get('/retention/dry-run').set(d.admin.auth), 200, 'dry run');
    expect(report).toMatchObject({ dryRun: true, cases: 0, caseList: [] });
    const due = byType(report as never);
    // Lonely, Nobody and the other agency's; Kept waits for its open case; Cased is not caseless.
    expect(due['screenings-without-case']).toMatchObject({
      cases: 0,
      records: 3,
      byResourceType: { screening: 3 },
      waitingForOtherCases: 1,
    });
    // Lonely's identity too: registered, screened, never a case (persons-without-case).
    expect(due['persons-without-case']).toMatchObject({ cases: 0, records: 1, byResourceType: { person: 1 } });
    expect(report.records).toBe(5);
    // A dry run changes nothing.
    expect(await narrativeOf(lonelyScreening)).toBe('Story of Lonely');
    expect((await tracingOf(closedTracing)).inquirer).toMatchObject({ name: 'Mother of Gone' });
  });

  it('erases them at the run, each agency its own, audited without values, once', async () => {
    restoreClock = setClock(d.t, monthsAhead(37));
    const run = ok(await d.http.post('/retention/runs').set(d.admin.auth), 201, 'run');
    expect(run).toMatchObject({ cases: 0, records: 5 });
    expect(await narrativeOf(lonelyScreening)).toBeNull();
    expect(await narrativeOf(anonymousScreening)).toBeNull();
    const elsewhere = ok(await d.http.get(`/screenings/${otherAgencyScreening}`).set(other.auth), 200, 'other');
    expect(elsewhere.narrative).toBeNull();
    const lonely = ok(await d.http.get(`/screenings/${lonelyScreening}`).set(supervisor.auth), 200, 'screening');
    // Codes stay for statistics: profile, exploitation types, the suggested outcome's code.
    expect(lonely).toMatchObject({
      profile: 'adult_labour',
      victimContext: { exploitationTypes: ['ForcedLabour'] },
      suggestion: { outcome: expect.any(String) },
    });
    expect(lonely.answers).toEqual([]);

    const gone = await tracingOf(closedTracing);
    expect(gone).toMatchObject({ status: 'closed', inquirer: { name: '[erased]' } });
    expect(JSON.stringify(gone)).not.toMatch(/Gone|No trace/);
    // Matching by name no longer finds the erased tracing request.
    const indexes = await d.t.ownerQuery(
      'SELECT count(*)::int AS n FROM tracing_request_name_index WHERE tracing_request_id = $1',
      [closedTracing],
    );
    expect(indexes.rows[0].n).toBe(0);

    // Kept while the person's case is open; a case's screening waits for the case's schedule.
    expect(await narrativeOf(keptScreening)).toBe('Story of Kept');
    expect((await tracingOf(keptTracing)).inquirer).toMatchObject({ name: 'Mother of Kept' });
    expect(await narrativeOf(caseScreening)).toBe('Story of Cased');

    const audited = await d.t.ownerQuery(
      `SELECT resource_type, case_ids, changes, details FROM audit_event
        WHERE action = 'retention-erase' AND $1 = ANY (resource_ids)`,
      [lonelyScreening],
    );
    expect(audited.rows).toEqual([
      {
        resource_type: 'screening',
        case_ids: null,
        changes: ['answers', 'results', 'narrative'].map((field) => ({ field, personal: true })),
        details: { runId: run.runId, recordType: 'screenings-without-case' },
      },
    ]);
    expect(JSON.stringify(audited.rows)).not.toContain('Lonely');

    const again = ok(await d.http.post('/retention/runs').set(d.admin.auth), 201, 'second run');
    expect(again).toMatchObject({ cases: 0, records: 0 });
  });
});

describe('retention as a scheduled job', () => {
  let d: Deployment;
  beforeAll(async () => {
    d = await Deployment.fresh({ env: { RETENTION_INTERVAL_MS: '500' } });
  }, 120_000);
  afterAll(() => d.close());

  it('runs on the job queue by itself, recorded as a scheduled run', async () => {
    const deadline = Date.now() + 60_000;
    let runs: { trigger: string; triggeredBy: string | null; finishedAt: string | null }[] = [];
    while (Date.now() < deadline) {
      runs = (await d.http.get('/retention/runs').set(d.admin.auth)).body;
      if (runs.some((r) => r.finishedAt)) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(runs.find((r) => r.finishedAt)).toMatchObject({ trigger: 'schedule', triggeredBy: null });
  }, 90_000);
});
