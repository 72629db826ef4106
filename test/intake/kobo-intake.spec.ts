import fs from 'node:fs';
import { randomUUID } from 'node:crypto';
import { CATALOGUE_V1 } from '../../src/screening/data/indicator-catalogue-v1.js';
import { EXPLOITATION_TYPES, MEANS_OF_CONTROL } from '../../src/reference-data/data/code-lists.js';
import { CANARIES } from '../harness/canaries.js';
import { given, type GivenAgency, type Session } from '../harness/given.js';
import { startTestApp, type TestApp } from '../harness/test-app.js';
import { asBuffer, consentAnswers, type FormLayout, koboSubmission, layoutOf, victimAnswers } from './kobo-fixtures.js';

const SECRET_HEADER = 'x-ctcm-intake-secret';

describe('field intake from KoboToolbox: form, receiver, review queue, quarantine', () => {
  let t: TestApp;
  let agency: GivenAgency;
  let other: GivenAgency;
  let admin: Session;
  let screener: Session;
  let otherAdmin: Session;
  let otherScreener: Session;
  let systemAdmin: Session;
  let layout: FormLayout;
  let xlsx: Buffer;
  let connection: { id: string; secret: string; receiverPath: string };

  const download = (s: Session, version: number) =>
    t.http.get(`/screening-catalogues/${version}/xlsform`).set(s.auth).buffer(true).parse(asBuffer);
  const post = (body: unknown, c = connection, secret = c.secret) =>
    t.http
      .post(`/intake/kobo/${c.id}`)
      .set(SECRET_HEADER, secret)
      .send(body as object);
  const connect = async (s: Session, catalogueVersion = 1) => {
    const res = await t.http
      .post('/intake/connections')
      .set(s.auth)
      .send({ name: 'Luang Namtha border screenings', catalogueVersion });
    expect(res.status).toBe(201);
    return res.body as { id: string; secret: string; receiverPath: string; status: string };
  };
  const draft = async (id: string, s = screener) => {
    const res = await t.http.get(`/intake/submissions/${id}`).set(s.auth);
    expect(res.status).toBe(200);
    return res.body;
  };
  const accessEntry = async (requestId: string) =>
    (
      await t.ownerQuery<{ outcome: string; status: number; route: string; resource_ids: string[] | null }>(
        `SELECT outcome, status, route, resource_ids FROM audit_event WHERE request_id = $1 AND category = 'access'`,
        [requestId],
      )
    ).rows;

  beforeAll(async () => {
    t = await startTestApp({ env: { EVENTS_SCHEDULE_INTERVAL_MS: '0' } });
    const g = given(t);
    agency = await g.agency({ localType: 'government_department', provinceCode: 'LA-LM' });
    other = await g.agency({ localType: 'shelter', provinceCode: 'LA-OU' });
    admin = await g.session(await g.user(agency, ['agency_admin']));
    screener = await g.session(await g.user(agency, ['screener']));
    otherAdmin = await g.session(await g.user(other, ['agency_admin']));
    otherScreener = await g.session(await g.user(other, ['screener']));
    systemAdmin = await g.systemAdmin();
    const res = await download(admin, 1);
    expect(res.status).toBe(200);
    xlsx = res.body as Buffer;
    layout = await layoutOf(xlsx);
    connection = await connect(admin);
  });

  afterAll(async () => {
    await t?.close();
  });

  describe('the XLSForm of a catalogue version', () => {
    it('has survey, choices and settings sheets, the version stamped, English and Lao labels', async () => {
      const res = await download(screener, 1);
      expect(res.headers['content-type']).toContain('spreadsheetml');
      expect(res.headers['content-disposition']).toContain('ctcm_screening_v1.xlsx');
      expect(layout.sheetNames).toEqual(['survey', 'choices', 'settings']);
      expect(layout.settings).toMatchObject({ form_id: 'ctcm_screening_v1', version: '1' });
      expect(layout.settings.default_language).toBe('English (en)');
      const columns = Object.keys(layout.survey[0]!);
      expect(columns).toEqual(expect.arrayContaining(['label::English (en)', 'label::Lao (lo)', 'relevant']));
      // The version travels in every submission (Kobo replaces form_id and version on deployment).
      expect(layout.survey.find((r) => r.name === 'catalogue_version')).toMatchObject({
        type: 'calculate',
        calculation: "'1'",
      });
      // Every label has a Lao column: the Lao text where it exists, else the English.
      for (const r of [...layout.survey, ...layout.choices].filter((r) => r['label::English (en)']))
        expect(r['label::Lao (lo)']).not.toBe('');
      expect(layout.choices.find((c) => c.list_name === 'province' && c.name === 'LA-VT')!['label::Lao (lo)']).toBe(
        'ນະຄອນຫຼວງວຽງຈັນ',
      );
    });

    it('asks consent first and skips the interview when it is refused', () => {
      const questions = layout.survey.filter((r) => !['start', 'end', 'calculate'].includes(r.type!));
      expect(questions[0]).toMatchObject({ type: 'begin_group', name: 'consent' });
      expect(questions[1]!.type).toBe('note');
      expect(questions[2]).toMatchObject({
        type: 'select_one consent_decision',
        name: 'consent_interview',
        required: 'yes',
      });
      expect(layout.survey.find((r) => r.name === 'interview' && r.type === 'begin_group')!.relevant).toBe(
        "${consent_interview} = 'given'",
      );
      for (const name of ['AL_D1_01', 'narrative', 'given_name_lo', 'exploitation_types'])
        expect(layout.paths.get(name)!.startsWith('interview/')).toBe(true);
    });

    it('holds every indicator of the version under its profile, and the HTCDS code lists', async () => {
      const catalogue = (await t.http.get('/screening-catalogues/1').set(screener.auth)).body as {
        indicators: { code: string; profile: string; textEn: string }[];
      };
      expect(catalogue.indicators.length).toBeGreaterThan(50);
      for (const i of catalogue.indicators) {
        const name = i.code.replace(/\./g, '_');
        const row = layout.survey.find((r) => r.name === name)!;
        expect(row).toMatchObject({ type: 'select_one answer', 'label::English (en)': i.textEn });
        expect(layout.paths.get(name)).toBe(`interview/indicators_${i.profile}/${name}`);
        expect(layout.survey.find((r) => r.name === `indicators_${i.profile}`)!.relevant).toBe(
          `\${profile} = '${i.profile}'`,
        );
      }
      const codes = (list: string) => layout.choices.filter((c) => c.list_name === list).map((c) => c.name);
      expect(codes('exploitation_type')).toEqual([...EXPLOITATION_TYPES]);
      expect(codes('means_of_control')).toEqual([...MEANS_OF_CONTROL]);
      expect(layout.survey.find((r) => r.name === 'means_of_control')!.type).toBe('select_multiple means_of_control');
      expect(layout.survey.find((r) => r.name === 'note_indicator')!.choice_filter).toBe('profile = ${profile}');
    });

    it('matches the example committed under docs/, and refuses a version that is not published', async () => {
      const committed = await layoutOf(fs.readFileSync('docs/xlsform/ctcm_screening_v1.xlsx'));
      expect(committed.survey).toEqual(layout.survey);
      expect(committed.choices).toEqual(layout.choices);
      expect(committed.settings).toEqual(layout.settings);
      expect(CATALOGUE_V1.indicators.length).toBe(layout.choices.filter((c) => c.list_name === 'indicator').length);
      const missing = await t.http.get('/screening-catalogues/9999/xlsform').set(admin.auth);
      expect(missing.status).toBe(404);
    });
  });

  describe('intake connections', () => {
    it('shows the secret once, keeps only a hash, and keeps connections to their agency', async () => {
      expect(connection.secret).toMatch(/^kobo_[A-Za-z0-9_-]{40,}$/);
      expect(connection.receiverPath).toBe(`/intake/kobo/${connection.id}`);
      const listed = await t.http.get('/intake/connections').set(admin.auth);
      expect(listed.status).toBe(200);
      expect(JSON.stringify(listed.body)).not.toContain(connection.secret);
      expect(listed.body.map((c: { id: string }) => c.id)).toContain(connection.id);
      const { rows } = await t.ownerQuery(`SELECT * FROM intake_connection WHERE id = $1`, [connection.id]);
      expect(JSON.stringify(rows[0])).not.toContain(connection.secret);
      expect((rows[0] as { secret_hash: Buffer }).secret_hash).toHaveLength(32);

      expect((await t.http.get(`/intake/connections/${connection.id}`).set(otherAdmin.auth)).status).toBe(404);
      expect((await t.http.get('/intake/connections').set(otherAdmin.auth)).body).toEqual([]);
      expect(
        (await t.http.post('/intake/connections').set(screener.auth).send({ name: 'x y z', catalogueVersion: 1 }))
          .status,
      ).toBe(403);
      const unpublished = await t.http
        .post('/intake/connections')
        .set(admin.auth)
        .send({ name: 'Future form', catalogueVersion: 9999 });
      expect(unpublished.status).toBe(400);
    });

    it('a rotated secret replaces the old one; a revoked connection refuses everything, 401 without detail, audited', async () => {
      const c = await connect(admin);
      const first = koboSubmission(layout, victimAnswers(layout));
      expect((await post(first, c)).status).toBe(200);
      const rotated = await t.http.post(`/intake/connections/${c.id}/rotate-secret`).set(admin.auth);
      expect(rotated.status).toBe(200);
      expect(rotated.body.secret).not.toBe(c.secret);
      const stale = await post(koboSubmission(layout, victimAnswers(layout)), c);
      expect(stale.status).toBe(401);
      expect((await post(koboSubmission(layout, victimAnswers(layout)), c, rotated.body.secret)).status).toBe(200);

      expect((await t.http.post(`/intake/connections/${c.id}/revoke`).set(admin.auth)).body.status).toBe('revoked');
      const requestId = `intake-revoked-${randomUUID()}`;
      const refused = await post(koboSubmission(layout, victimAnswers(layout)), c, rotated.body.secret).set(
        'x-request-id',
        requestId,
      );
      expect(refused.status).toBe(401);
      expect(refused.body.code).toBe('UNAUTHENTICATED');
      expect(refused.body.detail ?? '').not.toMatch(/revoked|secret|connection/i);
      const [entry] = await accessEntry(requestId);
      expect(entry).toMatchObject({ outcome: 'denied', status: 401, route: '/intake/kobo/{id}' });
      expect(entry!.resource_ids).toContain(c.id);
      expect((await t.http.post(`/intake/connections/${c.id}/rotate-secret`).set(admin.auth)).status).toBe(409);
    });
  });

  describe('receiving submissions', () => {
    it('stores a submission once, encrypted, and answers a retry (even concurrent ones) with the same id', async () => {
      const body = koboSubmission(
        layout,
        victimAnswers(layout, {
          given_name_latin: CANARIES.givenNameLatin,
          given_name_lo: CANARIES.givenNameLo,
          narrative: CANARIES.narrative,
        }),
      );
      const res = await post(body);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ status: 'pending_review', duplicate: false });
      const again = await post(body);
      expect(again.body).toEqual({ submissionId: res.body.submissionId, status: 'pending_review', duplicate: true });

      const racing = koboSubmission(layout, victimAnswers(layout));
      const answers = await Promise.all(Array.from({ length: 6 }, () => post(racing)));
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200, 200]);
      expect(new Set(answers.map((a) => a.body.submissionId)).size).toBe(1);
      expect(answers.filter((a) => !a.body.duplicate)).toHaveLength(1);
      const stored = await t.ownerQuery(`SELECT count(*)::int AS n FROM intake_submission WHERE instance_key = $1`, [
        String(racing._uuid),
      ]);
      expect(stored.rows[0]).toEqual({ n: 1 });

      const { rows } = await t.ownerQuery(`SELECT * FROM intake_submission WHERE id = $1`, [res.body.submissionId]);
      const columns = Object.values(rows[0] as Record<string, unknown>);
      const blobs = columns.filter((v): v is Buffer => Buffer.isBuffer(v));
      expect(blobs).toHaveLength(2); // payload_enc and draft_enc
      const text = JSON.stringify(columns.filter((v) => !Buffer.isBuffer(v)));
      for (const plain of [CANARIES.givenNameLatin, CANARIES.givenNameLo, CANARIES.narrative, 'Vongsavanh', 'ບອກວ່າ'])
        expect({ plain, found: text.includes(plain) || blobs.some((b) => b.includes(plain)) }).toEqual({
          plain,
          found: false,
        });
    });

    it('reads group prefixes, the repeat group, select_multiple codes, Lao script and markup as plain text', async () => {
      const res = await post(koboSubmission(layout, victimAnswers(layout)));
      const d = await draft(res.body.submissionId);
      expect(d.status).toBe('pending_review');
      expect(d.catalogueVersion).toBe(1);
      expect(d.screening.profile).toBe('adult_labour');
      expect(d.screening.place).toEqual({ type: 'border_crossing', borderCrossingCode: 'FRIENDSHIP_BRIDGE_1' });
      expect(d.screening.victimContext.meansOfControl).toEqual(['DebtBondage', 'WithholdsDocuments']);
      expect(d.screening.immediateNeeds).toEqual(['medical', 'shelter']);
      expect(d.screening.answers).toHaveLength(8);
      expect(d.screening.answers.find((a: { indicatorCode: string }) => a.indicatorCode === 'AL.D1.01').note).toContain(
        'ບອກວ່າ',
      );
      expect(d.screening.narrative).toContain('<script>alert("x")</script>');
      expect(d.person).toMatchObject({ names: { givenNameLo: 'ສົມໃຈ', givenNameLatin: 'Somchai' }, birthYear: 1996 });
      expect(d.suggestion.outcome).toBe(d.suggestedOutcome);
      expect(d.ignoredFields).toEqual([]);
    });

    it('accepts missing groups and extra fields, and reads an older catalogue version with its own form', async () => {
      const minimal = victimAnswers(layout);
      for (const name of [
        'exploitation_types',
        'isic_sections',
        'means_of_control',
        'exploitation_countries',
        'immediate_needs',
        'risks',
        'indicator_notes',
      ])
        delete minimal[name];
      const res = await post(
        koboSubmission(layout, minimal, {
          extra: { 'interview/gps_point': '17.9 102.6', 'added_later/phone_model': 'X' },
        }),
      );
      expect(res.body.status).toBe('pending_review');
      const d = await draft(res.body.submissionId);
      expect(d.screening.victimContext).toBeUndefined();
      expect(d.ignoredFields).toEqual(['interview/gps_point', 'added_later/phone_model']);

      // Version 2 published later: a form still filled in with version 1 is read against version 1.
      const v2 = await t.http
        .post('/screening-catalogues')
        .set(systemAdmin.auth)
        .send({
          title: 'Catalogue v2 (test)',
          source: 'test',
          notes: 'one indicator',
          indicators: [
            {
              code: 'AL.D1.90',
              profile: 'adult_labour',
              dimension: 'D1',
              weight: 'strong',
              textEn: 'A new indicator',
              source: 'test',
              verification: 'unverified',
            },
          ],
        });
      expect(v2.status).toBe(201);
      const older = await post(koboSubmission(layout, victimAnswers(layout)));
      const od = await draft(older.body.submissionId);
      expect(od.catalogueVersion).toBe(1);
      expect(od.screening.answers).toHaveLength(8);
      const v2Form = await layoutOf((await download(admin, v2.body.version)).body as Buffer);
      expect(v2Form.paths.get('AL_D1_90')).toBe('interview/indicators_adult_labour/AL_D1_90');
      expect(v2Form.paths.has('AL_D1_01')).toBe(false);
    });

    it('keeps only the minimum record when the interview is refused', async () => {
      const res = await post(
        koboSubmission(layout, {
          catalogue_version: '1',
          ...consentAnswers(layout, 'declined', { consent_purpose_explained: 'given' }),
          conducted_at: new Date(Date.now() - 3600_000).toISOString(),
          profile: 'adult_labour',
          place_type: 'province',
          province: 'LA-LM',
        }),
      );
      expect(res.body.status).toBe('pending_review');
      const d = await draft(res.body.submissionId);
      expect(d.suggestedOutcome).toBe('not_assessed');
      expect(d.person).toBeNull();
      const submitted = await t.http.post(`/intake/submissions/${d.id}/submit`).set(screener.auth).send({});
      expect(submitted.status).toBe(200);
      const screening = await t.http.get(`/screenings/${submitted.body.screeningId}`).set(screener.auth);
      expect(screening.body).toMatchObject({
        interviewConsent: false,
        answers: [],
        suggestion: { outcome: 'not_assessed' },
      });
    });

    it('quarantines answers outside the choice lists with reasons that never quote the answer', async () => {
      const res = await post(
        koboSubmission(layout, victimAnswers(layout, { consent_interview: 'maybe', exit_mode: '<script>x</script>' })),
      );
      expect(res.status).toBe(200);
      expect(res.body.status).toBe('quarantined');
      const q = await t.http.get('/intake/quarantine').set(admin.auth);
      const entry = q.body.find((s: { id: string }) => s.id === res.body.submissionId);
      expect(entry.problems).toEqual(
        expect.arrayContaining([
          { field: 'consent/consent_interview', message: 'an answer is not in the choice list consent_decision' },
          { field: 'interview/exit_mode', message: 'an answer is not in the choice list exit_mode' },
        ]),
      );
      expect(JSON.stringify(entry)).not.toMatch(/maybe|script/);
      expect((await t.http.get('/intake/quarantine').set(screener.auth)).status).toBe(403);
      const queue = await t.http.get('/intake/submissions?limit=200').set(screener.auth);
      expect(queue.body.map((s: { id: string }) => s.id)).not.toContain(res.body.submissionId);
      const submit = await t.http
        .post(`/intake/submissions/${res.body.submissionId}/submit`)
        .set(screener.auth)
        .send({});
      expect(submit.status).toBe(409);
    });

    it('quarantines a version that is not published, and reprocesses it once that version is published', async () => {
      const versions = (await t.http.get('/screening-catalogues').set(screener.auth)).body as { version: number }[];
      const next = Math.max(...versions.map((v) => v.version)) + 1;
      const res = await post(koboSubmission(layout, victimAnswers(layout, { catalogue_version: String(next) })));
      expect(res.body.status).toBe('quarantined');
      const q = (await t.http.get('/intake/quarantine').set(admin.auth)).body;
      expect(q.find((s: { id: string }) => s.id === res.body.submissionId).problems).toEqual([
        { field: 'catalogue_version', message: `catalogue version ${next} is not published` },
      ]);
      const early = await t.http.post(`/intake/submissions/${res.body.submissionId}/reprocess`).set(admin.auth);
      expect(early.body.status).toBe('quarantined');

      const v1 = (await t.http.get('/screening-catalogues/1').set(screener.auth)).body;
      const published = await t.http
        .post('/screening-catalogues')
        .set(systemAdmin.auth)
        .send({
          title: 'Catalogue (the fix)',
          source: v1.source,
          notes: 'republished',
          // `lo` is read-only (the Lao text with its verification state); the catalogue takes textLo.
          indicators: v1.indicators.map(({ lo: _lo, ...i }: Record<string, unknown>) => ({
            ...i,
            textLo: i.textLo ?? undefined,
          })),
        });
      expect(published.body.version).toBe(next);
      const fixed = await t.http.post(`/intake/submissions/${res.body.submissionId}/reprocess`).set(admin.auth);
      expect(fixed.status).toBe(200);
      expect(fixed.body).toMatchObject({ status: 'pending_review', catalogueVersion: next, problems: [] });
    });

    it('refuses what can never be stored: bad secret, another agency, malformed JSON, 10 MB, no instance id', async () => {
      const body = koboSubmission(layout, victimAnswers(layout));
      expect((await post(body, connection, 'kobo_wrong')).status).toBe(401);
      expect((await t.http.post(`/intake/kobo/${connection.id}`).send(body)).status).toBe(401);
      const theirs = await connect(otherAdmin);
      // Our secret on their connection, their secret on ours: neither is accepted.
      expect((await post(body, theirs, connection.secret)).status).toBe(401);
      expect((await post(body, connection, theirs.secret)).status).toBe(401);
      expect((await post(body, { ...connection, id: randomUUID() })).status).toBe(401);

      const malformed = await t.http
        .post(`/intake/kobo/${connection.id}`)
        .set(SECRET_HEADER, connection.secret)
        .set('content-type', 'application/json')
        .send('{"_uuid": "abc", ');
      expect(malformed.status).toBe(400);
      expect(malformed.body.code).toBe('MALFORMED_JSON');
      const huge = await post({ ...body, 'interview/narrative': 'x'.repeat(10 * 1024 * 1024) });
      expect(huge.status).toBe(413);
      const anonymous = await post(koboSubmission(layout, victimAnswers(layout), { withoutInstanceId: true }));
      expect(anonymous.status).toBe(400);
      expect(anonymous.body.errors[0].field).toBe('meta/instanceID');
      expect((await post([body])).status).toBe(400);
      const { rows } = await t.ownerQuery(`SELECT count(*)::int AS n FROM intake_submission WHERE instance_key = $1`, [
        String(body._uuid),
      ]);
      expect(rows[0]).toEqual({ n: 0 });
    });
  });

  describe('the review queue', () => {
    it('a screener reviews, sees the duplicate check, corrects (audited) and submits on the normal path', async () => {
      const existing = await t.http
        .post('/persons')
        .set(screener.auth)
        .send({
          names: {
            givenNameLo: 'ສົມໃຈ',
            familyNameLo: 'ວົງສະຫວັນ',
            givenNameLatin: 'Somchai',
            familyNameLatin: 'Vongsavanh',
          },
          gender: 'Masculine',
          birth: { precision: 'year', birthYear: 1996 },
        });
      expect(existing.status).toBe(201);
      const res = await post(koboSubmission(layout, victimAnswers(layout)));
      const queue = await t.http.get('/intake/submissions?limit=200').set(screener.auth);
      expect(queue.body.map((s: { id: string }) => s.id)).toContain(res.body.submissionId);
      expect((await t.http.get('/intake/submissions').set(otherScreener.auth)).body).toEqual([]);
      expect((await t.http.get(`/intake/submissions/${res.body.submissionId}`).set(otherScreener.auth)).status).toBe(
        404,
      );

      const d = await draft(res.body.submissionId);
      expect(d.possibleDuplicates.map((c: { personId: string }) => c.personId)).toContain(existing.body.id);

      const corrected = await t.http
        .post(`/intake/submissions/${d.id}/corrections`)
        .set(screener.auth)
        .send({ screening: { ...d.screening, exitMode: 'rescue' } });
      expect(corrected.status).toBe(200);
      expect(corrected.body).toMatchObject({ corrections: 1, screening: { exitMode: 'rescue' } });
      const audit = await t.ownerQuery<{ changes: { field: string; personal: boolean }[] }>(
        `SELECT changes FROM audit_event WHERE category = 'change' AND action = 'correct' AND $1 = ANY(resource_ids)`,
        [d.id],
      );
      expect(audit.rows).toHaveLength(1);
      expect(JSON.stringify(audit.rows[0])).not.toContain('rescue');

      const submitted = await t.http
        .post(`/intake/submissions/${d.id}/submit`)
        .set(screener.auth)
        .send({ personId: existing.body.id });
      expect(submitted.status).toBe(200);
      const screening = (await t.http.get(`/screenings/${submitted.body.screeningId}`).set(screener.auth)).body;
      expect(screening).toMatchObject({ personId: existing.body.id, exitMode: 'rescue', catalogueVersion: 1 });
      expect(screening.suggestion.outcome).toBe(d.suggestedOutcome);
      expect(screening.answers).toHaveLength(8);
      const after = await draft(d.id);
      expect(after).toMatchObject({ status: 'submitted', screeningId: submitted.body.screeningId });
      expect((await t.http.post(`/intake/submissions/${d.id}/submit`).set(screener.auth).send({})).status).toBe(409);
    });

    it('registers the person of the draft, refusing a likely duplicate unless confirmed', async () => {
      const res = await post(koboSubmission(layout, victimAnswers(layout)));
      const id = res.body.submissionId;
      const dup = await t.http
        .post(`/intake/submissions/${id}/submit`)
        .set(screener.auth)
        .send({ registerPerson: true });
      expect(dup.status).toBe(409);
      expect(dup.body.code).toBe('POSSIBLE_DUPLICATE');
      const ok = await t.http
        .post(`/intake/submissions/${id}/submit`)
        .set(screener.auth)
        .send({ registerPerson: true, confirmNotDuplicate: true });
      expect(ok.status).toBe(200);
      const person = await t.http.get(`/persons/${ok.body.personId}`).set(screener.auth);
      expect(person.body.names.givenNameLo).toBe('ສົມໃຈ');
    });

    it('states received, quarantined and submitted events without personal data', async () => {
      const events = await t.http.get('/events?limit=500').set(admin.auth);
      expect(events.status).toBe(200);
      const intake = (events.body.items as { type: string; payload: Record<string, unknown> }[]).filter((e) =>
        e.type.startsWith('intake.'),
      );
      expect(new Set(intake.map((e) => e.type))).toEqual(
        new Set(['intake.submission-received', 'intake.submission-quarantined', 'intake.submission-submitted']),
      );
      expect(JSON.stringify(intake)).not.toMatch(/Somchai|ສົມໃຈ|script|Vongsavanh/);
      expect(Object.keys(intake[0]!.payload).sort()).toEqual(
        ['catalogueVersion', 'connectionId', 'problemCount', 'screeningId', 'status', 'submissionId'].sort(),
      );
    });
  });
});
