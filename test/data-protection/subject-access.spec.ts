import { type Actor, type Agency, Deployment, expectStatus } from '../journeys/journey-kit.js';

const LAO = /[\u0E80-\u0EFF]/;

/**
 * A person's requests about their data: access (export of exactly what the agency may see),
 * restriction (writes refused, reads go on) and erasure on request, each approved by another
 * supervisor of the same agency and audited. Set-up through the API only: the person has a case
 * at the VTC (agency A) and another whose lead was transferred to a provincial office (agency B),
 * which A no longer sees.
 */
describe('subject access, restriction and erasure on request', () => {
  let d: Deployment;
  let vtc: Agency;
  let province: Agency;
  let worker: Actor;
  let requester: Actor;
  let approver: Actor;
  let provSupervisor: Actor;
  let strangerSupervisor: Actor;
  let auditor: Actor;
  let personId: string;
  let ownCase: string;
  let transferredCase: string;
  const ownNote = 'Keo asked for help with her papers at the VTC';
  const provinceNote = 'Provincial visit: Keo lives with her aunt now';

  const ok = (res: { status: number; body: unknown }, status: number, what: string) => {
    expectStatus(res, status, what);
    return res.body as Record<string, unknown>;
  };
  const open = async (by: Actor, body: Record<string, unknown>) =>
    d.http
      .post('/subject-requests')
      .set(by.auth)
      .send({ personId, reason: 'own_information', channel: 'in_person', ...body });
  const approve = (by: Actor, id: string) => d.http.post(`/subject-requests/${id}/approve`).set(by.auth);
  const addNote = (caseId: string, text: string) =>
    d.http.post(`/cases/${caseId}/notes`).set(worker.auth).send({ text });
  const auditEntries = async (query: Record<string, string>) =>
    ok(await d.http.get('/audit/events').query(query).set(auditor.auth), 200, 'audit search').items as {
      route: string | null;
      category: string;
      action: string;
      resourceIds: string[] | null;
      caseIds: string[] | null;
      details: Record<string, unknown> | null;
      changes: { field: string }[] | null;
    }[];

  beforeAll(async () => {
    d = await Deployment.fresh();
    vtc = await d.agency({
      code: 'VTC-S',
      nameEn: 'Transit centre',
      htcdsOrgType: 'LocalGovernmentOrganisation',
      localType: 'transit_centre',
      provinceCode: 'LA-VT',
    });
    province = await d.agency({
      code: 'PSWO-S',
      nameEn: 'Provincial social welfare office',
      htcdsOrgType: 'LocalGovernmentOrganisation',
      localType: 'government_department',
      provinceCode: 'LA-SV',
    });
    worker = await d.staff(vtc, ['caseworker', 'screener']);
    requester = await d.staff(vtc, ['case_supervisor']);
    approver = await d.staff(vtc, ['case_supervisor']);
    provSupervisor = await d.staff(province, ['case_supervisor']);
    strangerSupervisor = await d.staff(
      await d.agency({
        code: 'LWU-S',
        nameEn: 'Shelter',
        htcdsOrgType: 'NGO',
        localType: 'mass_organisation',
        provinceCode: 'LA-VT',
      }),
      ['case_supervisor'],
    );
    auditor = await d.staff({ id: d.admin.agencyId, code: 'SYS' }, ['auditor']);

    const person = ok(
      await d.http
        .post('/persons')
        .set(worker.auth)
        .send({
          names: { givenNameLatin: 'Keo', familyNameLatin: 'Subjectvong' },
          gender: 'Feminine',
          birth: { precision: 'year', birthYear: 2001 },
          contacts: [{ type: 'phone', value: '+856 20 5555 1212' }],
          homeProvinceCode: 'LA-SV',
        }),
      201,
      'register person',
    );
    personId = person.id as string;
    ownCase = ok(await d.http.post('/cases').set(worker.auth).send({ personId }), 201, 'own case').id as string;
    ok(await addNote(ownCase, ownNote), 201, 'note at A');
    transferredCase = ok(await d.http.post('/cases').set(worker.auth).send({ personId }), 201, 'second case')
      .id as string;
    ok(
      await d.http
        .post(`/cases/${transferredCase}/consents`)
        .set(worker.auth)
        .send({
          purposes: ['assistance', 'sharing_for_referral'],
          coveredAgencyIds: [province.id],
          givenBy: 'person',
          method: 'written',
          givenOn: d.today(),
        }),
      201,
      'consent covering B',
    );
    const transfer = ok(
      await d.http
        .post('/case-transfers')
        .set(requester.auth)
        .send({ caseId: transferredCase, toAgencyId: province.id, note: 'Going home to Savannakhet' }),
      201,
      'transfer',
    );
    ok(
      await d.http
        .post(`/case-transfers/${transfer.id as string}/accept`)
        .set(provSupervisor.auth)
        .set('if-match', `"${transfer.version as number}"`)
        .send({}),
      200,
      'accept transfer',
    );
    ok(
      await d.http.post(`/cases/${transferredCase}/notes`).set(provSupervisor.auth).send({ text: provinceNote }),
      201,
      'note at B',
    );
  }, 180_000);
  afterAll(() => d.close());

  describe('access', () => {
    let requestId: string;

    it('is opened by a supervisor and approved by another supervisor of the agency only', async () => {
      const opened = ok(await open(requester, { kind: 'access' }), 201, 'open access request');
      requestId = opened.id as string;
      expect(opened).toMatchObject({ personId, kind: 'access', status: 'pending', agencyId: vtc.id, caseId: null });
      expect((await open(worker, { kind: 'access' })).status).toBe(403);
      expect((await open(requester, { kind: 'access', reason: 'because she said so' })).status).toBe(400);
      // An agency that holds nothing about the person cannot ask about them (404 like a missing person).
      expect((await open(strangerSupervisor, { kind: 'access' })).status).toBe(404);

      expect((await d.http.get(`/subject-requests/${requestId}/export`).set(requester.auth)).status).toBe(409);
      expect((await approve(requester, requestId)).status).toBe(403);
      expect((await approve(worker, requestId)).status).toBe(403);
      expect((await approve(provSupervisor, requestId)).status).toBe(404);
      expect((await d.http.get(`/subject-requests/${requestId}`).set(provSupervisor.auth)).status).toBe(404);

      const approved = ok(await approve(approver, requestId), 200, 'approve');
      expect(approved).toMatchObject({ status: 'approved', decidedBy: approver.id, requestedBy: requester.id });
      expect((await approve(approver, requestId)).status).toBe(409);
    });

    it("exports exactly what the agency may see: its case decrypted, the other agency's case absent", async () => {
      const res = await d.http.get(`/subject-requests/${requestId}/export`).set(requester.auth);
      const body = ok(res, 200, 'export');
      expect(res.headers['cache-control']).toBe('no-store');
      expect(body.person).toMatchObject({
        id: personId,
        names: { givenNameLatin: 'Keo', familyNameLatin: 'Subjectvong' },
        contacts: [{ type: 'phone', value: '+856 20 5555 1212' }],
      });
      const cases = body.cases as { caseId: string; sections: { section: string; items: { text?: string }[] }[] }[];
      expect(cases.map((c) => c.caseId)).toEqual([ownCase]);
      const notes = cases[0]!.sections.find((s) => s.section === 'notes')!.items.map((n) => n.text);
      expect(notes).toEqual([ownNote]);
      const whole = JSON.stringify(body);
      expect(whole).not.toContain(provinceNote);
      expect(whole).not.toContain(transferredCase);
      expect(whole).not.toContain('Going home to Savannakhet');

      // The provincial office still sees its own case, note included: the export left it out, it exists.
      const theirs = ok(await d.http.get(`/cases/${transferredCase}/notes`).set(provSupervisor.auth), 200, 'B notes');
      expect(JSON.stringify(theirs)).toContain(provinceNote);

      expect((await d.http.get(`/subject-requests/${requestId}/export`).set(provSupervisor.auth)).status).toBe(404);
      expect((await d.http.get(`/subject-requests/${requestId}/export`).set(approver.auth)).status).toBe(403);
    });

    it('renders a readable page in Lao or English', async () => {
      const lo = await d.http
        .get(`/subject-requests/${requestId}/export`)
        .query({ format: 'html', lang: 'lo' })
        .set(requester.auth);
      expect(lo.status).toBe(200);
      expect(lo.headers['content-type']).toMatch(/^text\/html/);
      expect(lo.text).toContain('<html lang="lo">');
      expect(lo.text).toContain('ຂໍ້ມູນທີ່ເກັບຮັກສາກ່ຽວກັບທ່ານ');
      expect(lo.text).toMatch(LAO);
      expect(lo.text).toContain('Subjectvong');
      expect(lo.text).toContain(ownNote);
      expect(lo.text).not.toContain(provinceNote);
      const en = await d.http
        .get(`/subject-requests/${requestId}/export`)
        .query({ format: 'html', lang: 'en' })
        .set(requester.auth);
      expect(en.text).toContain('Information held about you');
      expect(en.text).not.toMatch(LAO);
    });

    it('audits every download with the person and the case ids returned', async () => {
      const downloads = (await auditEntries({ resourceId: requestId, category: 'access' })).filter(
        (e) => e.route === '/subject-requests/{id}/export' && e.details?.subjectAccessExport,
      );
      expect(downloads.length).toBe(3);
      for (const e of downloads) {
        expect(e.resourceIds).toEqual(expect.arrayContaining([requestId, personId]));
        expect(e.caseIds).toEqual([ownCase]);
        expect(e.details).toMatchObject({ personId, caseIds: [ownCase] });
      }
      const decision = (await auditEntries({ resourceId: requestId, category: 'change' })).map((e) => e.action);
      expect(decision).toEqual(expect.arrayContaining(['create', 'approve']));
    });
  });

  describe('restriction', () => {
    it('freezes writes to the person and their cases with 423 RECORD_RESTRICTED, in English and Lao; reads go on', async () => {
      const opened = ok(await open(requester, { kind: 'restriction', reason: 'objection_to_processing' }), 201, 'open');
      // Nothing changes before the approval.
      ok(await addNote(ownCase, 'Before the restriction'), 201, 'note before approval');
      ok(await approve(approver, opened.id as string), 200, 'approve restriction');
      expect((await open(requester, { kind: 'restriction' })).status).toBe(409);

      const refused = await addNote(ownCase, 'After the restriction');
      expect(refused.status).toBe(423);
      expect(refused.body.code).toBe('RECORD_RESTRICTED');
      const inLao = await d.http
        .post(`/cases/${ownCase}/notes`)
        .set(worker.auth)
        .set('accept-language', 'lo')
        .send({ text: 'After the restriction' });
      expect(inLao.status).toBe(423);
      expect(inLao.body.code).toBe('RECORD_RESTRICTED');
      expect(inLao.body.title).toMatch(LAO);

      // The record is frozen for every agency: the provincial office's own case of the person too.
      const elsewhere = await d.http
        .post(`/cases/${transferredCase}/notes`)
        .set(provSupervisor.auth)
        .send({ text: 'Refused' });
      expect(elsewhere.status).toBe(423);
      expect(elsewhere.body.code).toBe('RECORD_RESTRICTED');

      const person = ok(await d.http.get(`/persons/${personId}`).set(worker.auth), 200, 'read person');
      const update = await d.http
        .patch(`/persons/${personId}`)
        .set(worker.auth)
        .set('if-match', `"${person.version as number}"`)
        .send({ address: { district: 'Kaysone', village: 'Ban Naxeng' } });
      expect(update.status).toBe(423);
      expect(update.body.code).toBe('RECORD_RESTRICTED');

      const read = await d.http.get(`/cases/${ownCase}/notes`).set(worker.auth);
      expect(read.status).toBe(200);
      const reads = (await auditEntries({ caseId: ownCase, category: 'access' })).filter(
        (e) => e.route === '/cases/{id}/notes' && e.details?.restricted,
      );
      expect(reads.length).toBeGreaterThan(0);
      expect(reads[0]!.details!.restricted).toEqual([ownCase]);
    });

    it('is lifted only through an approved request', async () => {
      expect((await open(requester, { kind: 'lift-restriction', caseId: ownCase })).status).toBe(409);
      const lift = ok(await open(requester, { kind: 'lift-restriction' }), 201, 'open lifting');
      expect((await addNote(ownCase, 'Still restricted')).status).toBe(423);
      expect((await approve(requester, lift.id as string)).status).toBe(403);
      ok(await approve(approver, lift.id as string), 200, 'approve lifting');
      ok(await addNote(ownCase, 'Writes work again'), 201, 'note after lifting');
    });

    it('can freeze one case only', async () => {
      const one = ok(await open(requester, { kind: 'restriction', caseId: ownCase }), 201, 'open case restriction');
      ok(await approve(approver, one.id as string), 200, 'approve');
      expect((await addNote(ownCase, 'Refused')).status).toBe(423);
      // Keeping is not processing: a legal hold is still placed and lifted on a restricted case.
      ok(
        await d.http
          .post(`/cases/${ownCase}/legal-hold`)
          .set(requester.auth)
          .send({ reason: 'criminal_investigation' }),
        201,
        'hold on a restricted case',
      );
      ok(
        await d.http
          .post(`/cases/${ownCase}/legal-hold/lift`)
          .set(requester.auth)
          .send({ reason: 'proceedings_ended' }),
        200,
        'lift it',
      );
      const person = ok(await d.http.get(`/persons/${personId}`).set(worker.auth), 200, 'read person');
      ok(
        await d.http
          .patch(`/persons/${personId}`)
          .set(worker.auth)
          .set('if-match', `"${person.version as number}"`)
          .send({ address: { district: 'Kaysone', village: 'Ban Naxeng' } }),
        200,
        'the person itself is not restricted',
      );
      const lift = ok(await open(requester, { kind: 'lift-restriction', caseId: ownCase }), 201, 'open lifting');
      ok(await approve(approver, lift.id as string), 200, 'approve lifting');
      ok(await addNote(ownCase, 'Open again'), 201, 'note after lifting');
    });
  });

  describe('erasure on request', () => {
    it('is refused while a legal hold is active', async () => {
      ok(
        await d.http.post(`/cases/${ownCase}/legal-hold`).set(requester.auth).send({ reason: 'court_proceedings' }),
        201,
        'hold',
      );
      const refused = await open(requester, { kind: 'erasure', reason: 'consent_withdrawn' });
      expect(refused.status).toBe(409);
      expect(refused.body.code).toBe('LEGAL_HOLD_ACTIVE');
      ok(
        await d.http
          .post(`/cases/${ownCase}/legal-hold/lift`)
          .set(requester.auth)
          .send({ reason: 'proceedings_ended' }),
        200,
        'lift hold',
      );
    });

    it("erases the person's values held by the agency with the registered erasers, keeping the facts", async () => {
      const opened = ok(await open(requester, { kind: 'erasure', reason: 'consent_withdrawn' }), 201, 'open erasure');
      const refusedFirst = ok(await open(requester, { kind: 'access' }), 201, 'another request');
      ok(
        await d.http
          .post(`/subject-requests/${refusedFirst.id as string}/refuse`)
          .set(approver.auth)
          .send({ reason: 'manifestly_unfounded' }),
        200,
        'refuse',
      );
      const approved = ok(await approve(approver, opened.id as string), 200, 'approve erasure');
      expect(approved.recordsErased).toBeGreaterThanOrEqual(2);

      const person = ok(await d.http.get(`/persons/${personId}`).set(requester.auth), 200, 'read person');
      expect(JSON.stringify(person)).not.toContain('Keo');
      expect(JSON.stringify(person)).not.toContain('5555 1212');
      expect(person.gender).toBe('Feminine');
      const notes = ok(await d.http.get(`/cases/${ownCase}/notes`).set(requester.auth), 200, 'notes') as unknown as {
        text: string;
      }[];
      expect(notes.map((n) => n.text).every((t) => t === '[erased]')).toBe(true);
      const retention = ok(await d.http.get(`/cases/${ownCase}/retention`).set(requester.auth), 200, 'retention');
      expect(retention.facts).toMatchObject({ gender: 'Feminine', ageBand: expect.any(String) });

      // The other agency's records of its own case stay: the request was made to the VTC.
      const theirs = ok(await d.http.get(`/cases/${transferredCase}/notes`).set(provSupervisor.auth), 200, 'B notes');
      expect(JSON.stringify(theirs)).toContain(provinceNote);

      const erased = await auditEntries({ action: 'request-erase', category: 'change' });
      expect(erased.map((e) => e.resourceIds![0])).toEqual(expect.arrayContaining([personId]));
      expect(JSON.stringify(erased)).not.toContain('Keo');

      const events = ok(await d.http.get('/events').set(requester.auth), 200, 'events').items as {
        type: string;
        payload: Record<string, unknown>;
      }[];
      const stated = events.find((e) => e.type === 'person.erased-on-request');
      expect(stated?.payload).toMatchObject({ requestId: opened.id, records: approved.recordsErased });
      expect(JSON.stringify(events)).not.toContain('Keo');
      expect(events.map((e) => e.type)).toEqual(
        expect.arrayContaining(['subject-request.decided', 'record.restricted', 'record.restriction-lifted']),
      );
    });
  });
});
