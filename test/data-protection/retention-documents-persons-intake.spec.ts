import { asBuffer, koboSubmission, layoutOf, victimAnswers, type FormLayout } from '../intake/kobo-fixtures.js';
import { pdf } from '../documents/fixtures.js';
import { Clock } from '../../src/common/clock.js';
import { daysAhead, setClock } from '../harness/clock.js';
import { screeningBody, VICTIM_ANSWERS } from '../harness/screening-fixtures.js';
import { type Actor, type Agency, Deployment, expectStatus } from '../journeys/journey-kit.js';

/** Days that surely cover `months` calendar months. */
const monthsAhead = (months: number) => daysAhead(Math.ceil(months * 30.5) + 2);

interface TypeReport {
  cases: number;
  records: number;
  waitingForOtherCases: number;
  byResourceType: Record<string, number>;
}

/**
 * The three erasers that closed issue 22's last retention gaps, against a clock set forward:
 * documents (their files, names and descriptions: with the case's schedule, or on their own
 * clock without a case), persons registered but never given a case (from their last activity),
 * and KoboToolbox submissions (from receipt). Each erases what it must and keeps the codes
 * statistics need, waits under a legal hold, shows in the dry run and audits every record; the
 * subject-access export holds the intake submissions about the person. Set-up through the API;
 * SQL only to assert.
 */
describe('retention of documents, persons without a case and intake submissions', () => {
  let d: Deployment;
  let vtc: Agency;
  let worker: Actor;
  let supervisor: Actor;
  let approver: Actor;
  let agencyAdmin: Actor;
  let restoreClock: (() => void) | undefined;
  let layout: FormLayout;

  // Cases: one closed (its file goes after five years), one closed and on legal hold.
  let closedCase: string;
  let closedDoc: string;
  let heldCase: string;
  let heldPerson: string;
  let heldDoc: string;
  let heldPersonDoc: string;
  // Screened or registered only.
  let lonelyPerson: string;
  let lonelyDoc: string;
  let somchaiPerson: string;
  let returningPerson: string;
  let returningDoc: string;
  let openCasePerson: string;
  // Intake.
  let attributedDraft: string;
  let otherDraft: string;
  let quarantinedDraft: string;
  let submittedDraft: string;

  const ok = (res: { status: number; body: unknown }, status: number, what: string) => {
    expectStatus(res, status, what);
    return res.body as Record<string, unknown>;
  };
  const person = async (names: Record<string, string>, extra: Record<string, unknown> = {}) =>
    ok(
      await d.http
        .post('/persons')
        .set(worker.auth)
        .send({ names, gender: 'Feminine', homeProvinceCode: 'LA-SV', ...extra }),
      201,
      'person',
    ).id as string;
  const screen = async (personId: string, narrative: string, conductedAt?: string) =>
    ok(
      await d.http
        .post('/screenings')
        .set(worker.auth)
        .send(screeningBody({ personId, answers: VICTIM_ANSWERS, narrative, ...(conductedAt ? { conductedAt } : {}) })),
      201,
      'screening',
    ).id as string;
  const openCase = async (screeningId: string) =>
    ok(
      await d.http
        .post(`/screenings/${screeningId}/open-case`)
        .set(worker.auth)
        .send({ assignedCaseworkerId: worker.id, supervisorId: supervisor.id }),
      201,
      'open case',
    ).id as string;
  const closeCase = async (caseId: string) => {
    const version = (await d.http.get(`/cases/${caseId}`).set(supervisor.auth)).body.version;
    ok(
      await d.http
        .post(`/cases/${caseId}/close`)
        .set(supervisor.auth)
        .set('if-match', `"${version}"`)
        .send({ reason: 'goals_achieved' }),
      200,
      'close',
    );
  };
  const upload = async (recordType: string, recordId: string, description: string, fileName: string) =>
    ok(
      await d.http
        .post('/documents')
        .set(worker.auth)
        .field('recordType', recordType)
        .field('recordId', recordId)
        .field('documentType', 'id_card')
        .field('description', description)
        .attach('file', pdf(`content of ${fileName}`), { filename: fileName, contentType: 'application/pdf' }),
      201,
      'upload',
    ).id as string;
  const documentOf = async (id: string) => ok(await d.http.get(`/documents/${id}`).set(supervisor.auth), 200, 'doc');
  const contentStatus = async (id: string) =>
    (await d.http.get(`/documents/${id}/content`).set(supervisor.auth)).status;
  const chunksOf = async (documentId: string) =>
    (
      await d.t.ownerQuery<{ n: number }>(
        `SELECT count(*)::int AS n FROM document_chunk c JOIN document_version v ON v.id = c.version_id
          WHERE v.document_id = $1`,
        [documentId],
      )
    ).rows[0]!.n;
  const personOf = async (id: string) => ok(await d.http.get(`/persons/${id}`).set(supervisor.auth), 200, 'person');
  const dryRun = async () => ok(await d.http.get('/retention/dry-run').set(d.admin.auth), 200, 'dry run');
  const runNow = async () => ok(await d.http.post('/retention/runs').set(d.admin.auth), 201, 'run');
  const byType = (report: Record<string, unknown>) =>
    Object.fromEntries(
      (report.recordTypes as ({ recordType: string } & TypeReport)[]).map((t) => [t.recordType, t] as const),
    ) as Record<string, TypeReport>;
  const erasures = async (resourceId: string) =>
    (
      await d.t.ownerQuery<{ resource_type: string; case_ids: string[] | null; changes: unknown; details: unknown }>(
        `SELECT resource_type, case_ids, changes, details FROM audit_event
          WHERE action = 'retention-erase' AND $1 = ANY (resource_ids)`,
        [resourceId],
      )
    ).rows;

  beforeAll(async () => {
    d = await Deployment.fresh();
    vtc = await d.agency({
      code: 'VTC-D',
      nameEn: 'Transit centre',
      htcdsOrgType: 'LocalGovernmentOrganisation',
      localType: 'transit_centre',
      provinceCode: 'LA-VT',
    });
    worker = await d.staff(vtc, ['caseworker', 'screener']);
    supervisor = await d.staff(vtc, ['case_supervisor']);
    approver = await d.staff(vtc, ['case_supervisor']);
    agencyAdmin = await d.staff(vtc, ['agency_admin']);

    // A closed case with a file on it.
    const closedPerson = await person({ givenNameLatin: 'Closed', familyNameLatin: 'Filevong' });
    closedCase = await openCase(await screen(closedPerson, 'Story of Closed'));
    closedDoc = await upload('case', closedCase, 'ID card of Closed Filevong', 'closed-filevong-id.pdf');
    await closeCase(closedCase);
    // A closed case on legal hold, with a file on the case and one on the person.
    heldPerson = await person({ givenNameLatin: 'Held', familyNameLatin: 'Filevong' });
    heldCase = await openCase(await screen(heldPerson, 'Story of Held'));
    heldDoc = await upload('case', heldCase, 'ID card of Held Filevong', 'held-filevong-id.pdf');
    heldPersonDoc = await upload('person', heldPerson, 'Passport photo of Held', 'held-photo.pdf');
    await closeCase(heldCase);
    ok(
      await d.http.post(`/cases/${heldCase}/legal-hold`).set(supervisor.auth).send({ reason: 'court_proceedings' }),
      201,
      'hold',
    );
    // Screened, never a case, with a file on the person.
    lonelyPerson = await person(
      { givenNameLatin: 'Lonely', familyNameLatin: 'Screenvong' },
      { birth: { precision: 'year', birthYear: 2001 }, contacts: [{ type: 'phone', value: '+856 20 5555 3131' }] },
    );
    await screen(lonelyPerson, 'Story of Lonely');
    lonelyDoc = await upload('person', lonelyPerson, 'Family book of Lonely', 'lonely-family-book.pdf');
    // Screened now, and again three years on (below): the clock counts from the last screening.
    returningPerson = await person({ givenNameLatin: 'Returning', familyNameLatin: 'Screenvong' });
    await screen(returningPerson, 'Story of Returning');
    returningDoc = await upload('person', returningPerson, 'ID card of Returning', 'returning-id.pdf');
    // A person with an open case is never this schedule's, however old.
    openCasePerson = await person({ givenNameLatin: 'Opencase', familyNameLatin: 'Screenvong' });
    await openCase(await screen(openCasePerson, 'Story of Opencase'));

    // KoboToolbox: a connection, and four submissions.
    const xlsx = await d.http.get('/screening-catalogues/1/xlsform').set(worker.auth).buffer(true).parse(asBuffer);
    layout = await layoutOf(xlsx.body as Buffer);
    const connection = ok(
      await d.http
        .post('/intake/connections')
        .set(agencyAdmin.auth)
        .send({ name: 'Border (Kobo)', catalogueVersion: 1 }),
      201,
      'connection',
    ) as { id: string; secret: string };
    const receive = async (answers: Record<string, unknown>) =>
      ok(
        await d.http
          .post(`/intake/kobo/${connection.id}`)
          .set('x-ctcm-intake-secret', connection.secret)
          .send(koboSubmission(layout, victimAnswers(layout, answers as never))),
        200,
        'receive',
      ).submissionId as string;
    // Somchai is registered but the draft about him was never submitted: attributed by name.
    somchaiPerson = await person(
      { givenNameLo: 'ສົມໃຈ', familyNameLo: 'ວົງສະຫວັນ', givenNameLatin: 'Somchai', familyNameLatin: 'Vongsavanh' },
      { birth: { precision: 'year', birthYear: 1996 } },
    );
    attributedDraft = await receive({ narrative: 'Kobo story of Somchai' });
    otherDraft = await receive({
      given_name_lo: 'ບຸນມີ',
      given_name_latin: 'Bounmy',
      narrative: 'Kobo story of Bounmy',
    });
    quarantinedDraft = await receive({ catalogue_version: '99' });
    // Submitted as a screening of the held person: it waits while her case is held.
    submittedDraft = await receive({ narrative: 'Kobo story of Held' });
    ok(
      await d.http.post(`/intake/submissions/${submittedDraft}/submit`).set(worker.auth).send({ personId: heldPerson }),
      200,
      'submit',
    );
  }, 240_000);
  afterEach(() => restoreClock?.());
  afterAll(() => d.close());

  it('documents the new schedules with their defaults and what they count from', async () => {
    const schedules = (await d.http.get('/retention/schedules').set(d.admin.auth)).body as {
      recordType: string;
      months: number;
      countedFrom: string;
    }[];
    const of = (type: string) => schedules.find((s) => s.recordType === type);
    expect(of('documents')).toMatchObject({ months: 60, countedFrom: 'case closure' });
    expect(of('documents-without-case')).toMatchObject({
      months: 36,
      countedFrom: expect.stringMatching(/last change/),
    });
    expect(of('persons-without-case')).toMatchObject({
      months: 36,
      countedFrom: expect.stringMatching(/last activity/),
    });
    expect(of('intake-submissions')).toMatchObject({ months: 12, countedFrom: expect.stringMatching(/receipt/) });
  });

  it('exports the intake submissions about the person: submitted as her screening, or attributed by name', async () => {
    const exportOf = async (personId: string) => {
      const opened = ok(
        await d.http
          .post('/subject-requests')
          .set(supervisor.auth)
          .send({ personId, kind: 'access', reason: 'own_information', channel: 'in_person' }),
        201,
        'open request',
      );
      ok(await d.http.post(`/subject-requests/${opened.id as string}/approve`).set(approver.auth), 200, 'approve');
      const res = await d.http.get(`/subject-requests/${opened.id as string}/export`).set(supervisor.auth);
      const body = ok(res, 200, 'export');
      const section = (body.sections as { section: string; items: Record<string, unknown>[] }[]).find(
        (s) => s.section === 'intakeSubmissions',
      )!;
      return { section, requestId: opened.id as string };
    };
    const somchai = await exportOf(somchaiPerson);
    expect(somchai.section.items).toEqual([
      expect.objectContaining({
        id: attributedDraft,
        linkedBy: 'name',
        status: 'pending_review',
        person: expect.objectContaining({ names: expect.objectContaining({ givenNameLatin: 'Somchai' }) }),
        screening: expect.objectContaining({ narrative: 'Kobo story of Somchai' }),
      }),
    ]);
    // Never the other person's draft, nor the duplicate check's candidates (other persons).
    expect(JSON.stringify(somchai.section)).not.toMatch(/Bounmy|possibleDuplicates/);
    const held = await exportOf(heldPerson);
    expect(held.section.items).toEqual([
      expect.objectContaining({ id: submittedDraft, linkedBy: 'screening', status: 'submitted' }),
    ]);
    // The download's access entry names the submissions returned.
    const entry = await d.t.ownerQuery<{ resource_ids: string[] }>(
      `SELECT resource_ids FROM audit_event
        WHERE category = 'access' AND route = '/subject-requests/{id}/export' AND $1 = ANY (resource_ids)`,
      [somchai.requestId],
    );
    expect(entry.rows[0]!.resource_ids).toEqual(expect.arrayContaining([attributedDraft]));
  });

  it('erases intake submissions a year after receipt, keeping their codes; a held person’s waits', async () => {
    restoreClock = setClock(d.t, monthsAhead(13));
    const due = byType(await dryRun());
    expect(due['intake-submissions']).toMatchObject({
      cases: 0,
      records: 3,
      byResourceType: { intake_submission: 3 },
      waitingForOtherCases: 1,
    });
    expect(due['persons-without-case']).toMatchObject({ records: 0 });
    expect((await d.http.get(`/intake/submissions/${attributedDraft}`).set(worker.auth)).body.erasedAt).toBeNull();

    const run = await runNow();
    expect(byType(run)['intake-submissions']).toMatchObject({ records: 3 });
    const erased = ok(await d.http.get(`/intake/submissions/${attributedDraft}`).set(worker.auth), 200, 'draft');
    expect(erased).toMatchObject({
      status: 'pending_review',
      catalogueVersion: 1,
      suggestedOutcome: expect.any(String),
      erasedAt: expect.any(String),
      person: null,
      screening: null,
    });
    expect(JSON.stringify(erased)).not.toMatch(/Somchai|ສົມໃຈ|Kobo story/);
    // Out of the queues; nothing left to submit, correct or reprocess.
    const queue = ok(await d.http.get('/intake/submissions').set(worker.auth), 200, 'queue') as unknown as {
      id: string;
    }[];
    expect(queue.map((s) => s.id)).not.toContain(attributedDraft);
    expect((await d.http.post(`/intake/submissions/${attributedDraft}/submit`).set(worker.auth).send({})).status).toBe(
      409,
    );
    expect((await d.http.post(`/intake/submissions/${quarantinedDraft}/reprocess`).set(agencyAdmin.auth)).status).toBe(
      409,
    );
    const rows = await d.t.ownerQuery<{ id: string; draft_enc: Buffer | null; erased: boolean; status: string }>(
      `SELECT id, draft_enc, retention_erased_at IS NOT NULL AS erased, status FROM intake_submission ORDER BY id`,
    );
    const byId = new Map(rows.rows.map((r) => [r.id, r]));
    for (const id of [attributedDraft, otherDraft, quarantinedDraft])
      expect(byId.get(id)).toMatchObject({ draft_enc: null, erased: true });
    expect(byId.get(submittedDraft)).toMatchObject({ erased: false, status: 'submitted' });

    expect(await erasures(otherDraft)).toEqual([
      {
        resource_type: 'intake_submission',
        case_ids: null,
        changes: ['payload', 'draft'].map((field) => ({ field, personal: true })),
        details: { runId: run.runId, recordType: 'intake-submissions' },
      },
    ]);
    expect(byType(await runNow())['intake-submissions']).toMatchObject({ records: 0, waitingForOtherCases: 1 });
  });

  it('erases persons never given a case three years after their last activity, keeping sex and province', async () => {
    restoreClock = setClock(d.t, monthsAhead(37));
    // Returning is screened again three years on: her clock starts again.
    await screen(
      returningPerson,
      'Second story of Returning',
      new Date(d.t.app.get(Clock).now().getTime() - 3600_000).toISOString(),
    );
    const due = byType(await dryRun());
    expect(due['persons-without-case']).toMatchObject({
      cases: 0,
      records: 2,
      byResourceType: { person: 2 },
    });
    // Lonely's file is due; the held person's waits for her case, Returning's for her new screening.
    expect(due['documents-without-case']).toMatchObject({
      records: 1,
      byResourceType: { document: 1 },
      waitingForOtherCases: 2,
    });
    expect((await personOf(lonelyPerson)).names).toMatchObject({ givenNameLatin: 'Lonely' });

    const run = await runNow();
    expect(byType(run)['persons-without-case']).toMatchObject({ records: 2 });
    const lonely = await personOf(lonelyPerson);
    expect(lonely).toMatchObject({ gender: 'Feminine', homeProvinceCode: 'LA-SV' });
    expect(JSON.stringify(lonely)).not.toMatch(/Lonely|Screenvong|5555 3131|2001/);
    expect(JSON.stringify(await personOf(somchaiPerson))).not.toMatch(/Somchai|ສົມໃຈ/);
    // Matching by name no longer finds her.
    const matches = await d.http
      .post('/persons/matches')
      .set(worker.auth)
      .send({ names: { givenNameLatin: 'Lonely', familyNameLatin: 'Screenvong' } });
    expect(JSON.stringify(matches.body)).not.toContain(lonelyPerson);
    // Kept: a recent screening, an open case, a held case, a closed case within its schedule.
    expect((await personOf(returningPerson)).names).toMatchObject({ givenNameLatin: 'Returning' });
    expect((await personOf(openCasePerson)).names).toMatchObject({ givenNameLatin: 'Opencase' });
    expect((await personOf(heldPerson)).names).toMatchObject({ givenNameLatin: 'Held' });
    expect(await erasures(lonelyPerson)).toEqual([
      {
        resource_type: 'person',
        case_ids: null,
        changes: ['names', 'birth', 'contacts'].map((field) => ({ field, personal: true })),
        details: { runId: run.runId, recordType: 'persons-without-case' },
      },
    ]);

    // The file on her goes too (its own clock); the one on the held person waits.
    const doc = await documentOf(lonelyDoc);
    expect(doc).toMatchObject({
      documentType: 'id_card',
      recordType: 'person',
      description: null,
      erasedAt: expect.any(String),
      current: { fileName: '[erased]', contentType: 'application/pdf', sizeBytes: expect.any(Number) },
    });
    expect(await chunksOf(lonelyDoc)).toBe(0);
    expect(await contentStatus(lonelyDoc)).toBe(404);
    expect((await documentOf(heldPersonDoc)).description).toBe('Passport photo of Held');
    expect(await chunksOf(heldPersonDoc)).toBeGreaterThan(0);
    expect((await documentOf(returningDoc)).description).toBe('ID card of Returning');
    expect(await contentStatus(returningDoc)).toBe(200);
    expect(await erasures(lonelyDoc)).toEqual([
      {
        resource_type: 'document',
        case_ids: null,
        changes: ['file', 'fileName', 'description'].map((field) => ({ field, personal: true })),
        details: { runId: run.runId, recordType: 'documents-without-case' },
      },
    ]);
    expect(byType(await runNow())['persons-without-case']).toMatchObject({ records: 0 });
  });

  it('erases the files of a closed case with its schedule, keeps the row’s codes, and never a held case’s', async () => {
    restoreClock = setClock(d.t, monthsAhead(61));
    const due = byType(await dryRun());
    expect(due.documents).toMatchObject({ cases: 1, records: 1, byResourceType: { document: 1 } });
    expect(await chunksOf(closedDoc)).toBeGreaterThan(0);

    const run = await runNow();
    expect(run.caseList).toEqual([
      expect.objectContaining({ caseId: closedCase, recordTypes: expect.arrayContaining(['documents']) }),
    ]);
    const doc = await documentOf(closedDoc);
    expect(doc).toMatchObject({
      caseId: closedCase,
      documentType: 'id_card',
      status: 'active',
      description: null,
      erasedAt: expect.any(String),
      current: { fileName: '[erased]', contentType: 'application/pdf' },
    });
    expect(JSON.stringify(doc)).not.toMatch(/Closed Filevong|closed-filevong/);
    expect(await chunksOf(closedDoc)).toBe(0);
    expect(await contentStatus(closedDoc)).toBe(404);
    const version = await d.t.ownerQuery<{ size_bytes: string; document_type: string }>(
      `SELECT v.size_bytes, d.document_type FROM document d JOIN document_version v ON v.document_id = d.id WHERE d.id = $1`,
      [closedDoc],
    );
    expect(Number(version.rows[0]!.size_bytes)).toBeGreaterThan(0);
    // A new version of an erased document is refused.
    const again = await d.http
      .post(`/documents/${closedDoc}/versions`)
      .set(worker.auth)
      .attach('file', pdf('again'), { filename: 'again.pdf', contentType: 'application/pdf' });
    expect(again.status).toBe(409);
    expect(await erasures(closedDoc)).toEqual([
      {
        resource_type: 'document',
        case_ids: [closedCase],
        changes: ['file', 'fileName', 'description'].map((field) => ({ field, personal: true })),
        details: { runId: run.runId, recordType: 'documents' },
      },
    ]);
    // The held case keeps its file.
    expect((await documentOf(heldDoc)).description).toBe('ID card of Held Filevong');
    expect(await contentStatus(heldDoc)).toBe(200);
  });

  it('erases what a hold kept once it is lifted: the case file, the person’s file, the submitted intake', async () => {
    restoreClock = setClock(d.t, monthsAhead(61));
    ok(
      await d.http
        .post(`/cases/${heldCase}/legal-hold/lift`)
        .set(supervisor.auth)
        .send({ reason: 'proceedings_ended' }),
      200,
      'lift',
    );
    const run = byType(await runNow());
    expect(run.documents).toMatchObject({ records: 1 });
    expect(run['documents-without-case']).toMatchObject({ records: 1 });
    expect(run['intake-submissions']).toMatchObject({ records: 1 });
    expect(await chunksOf(heldDoc)).toBe(0);
    expect(await chunksOf(heldPersonDoc)).toBe(0);
    expect((await d.http.get(`/intake/submissions/${submittedDraft}`).set(worker.auth)).body.erasedAt).toEqual(
      expect.any(String),
    );
  });
});
