import { screeningBody, VICTIM_ANSWERS } from '../harness/screening-fixtures.js';
import { type Actor, type Agency, AGENCIES, Deployment, expectStatus } from '../journeys/journey-kit.js';

const LAO = /[\u0E80-\u0EFF]/;

/**
 * A person's requests about their data: access (export of exactly what the agency may see),
 * restriction (writes refused, reads go on) and erasure on request, each approved by another
 * supervisor of the same agency and audited. Set-up through the API only: the person has a case
 * at the VTC (agency A) and another whose lead was transferred to a provincial office (agency B),
 * which A no longer sees; a screening without a case submitted to the police; a tracing request
 * of each agency matched to her; a return notice naming her and another returnee, on which she
 * arrived (a third case, at A).
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
  let transferId: string;
  let arrivalCase: string;
  let arrivalId: string;
  let noticeId: string;
  let screeningId: string;
  let tracingId: string;
  let atd: Agency;
  let atdOfficer: Actor;
  const screeningNarrative = 'Keo told her story at the Friendship Bridge';
  const inquirer = 'Mrs Bua Subjectvong';
  const strangerInquirer = 'Mr Noy Strangervong';
  const provinceInquirer = 'Mr Provincial Inquirervong';
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
  const traceBody = (inquirerName: string, given: string, family: string) => ({
    receivedOn: d.today(),
    inquirer: { name: inquirerName, relationship: 'mother' },
    missingPerson: { names: { givenNameLatin: given, familyNameLatin: family }, gender: 'Feminine' },
  });
  const trace = async (by: Actor, body: Record<string, unknown>, matchTo?: string) => {
    const created = ok(await d.http.post('/tracing-requests').set(by.auth).send(body), 201, 'tracing request');
    if (matchTo)
      ok(
        await d.http
          .post(`/tracing-requests/${created.id as string}/match`)
          .set(by.auth)
          .set('if-match', `"${created.version as number}"`)
          .send({ kind: 'person', id: matchTo }),
        200,
        'match',
      );
    return created.id as string;
  };
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
    transferId = transfer.id as string;
    ok(
      await d.http.post(`/cases/${transferredCase}/notes`).set(provSupervisor.auth).send({ text: provinceNote }),
      201,
      'note at B',
    );

    // A screening that led to no case, submitted to the police for identification.
    atd = await d.agency({ ...AGENCIES.atd, code: 'ATD-S' });
    atdOfficer = await d.staff(atd, ['identification_officer']);
    screeningId = ok(
      await d.http
        .post('/screenings')
        .set(worker.auth)
        .send(screeningBody({ personId, answers: VICTIM_ANSWERS, narrative: screeningNarrative })),
      201,
      'screening',
    ).id as string;
    ok(
      await d.http
        .post(`/screenings/${screeningId}/submit-for-identification`)
        .set(worker.auth)
        .send({ agencyId: atd.id }),
      200,
      'submit for identification',
    );

    // Tracing: the VTC's request matched to her, the VTC's about somebody else, the province's matched to her.
    tracingId = await trace(worker, traceBody(inquirer, 'Keo', 'Subjectvong'), personId);
    await trace(worker, traceBody(strangerInquirer, 'Somebody', 'Elsevong'));
    await trace(provSupervisor, traceBody(provinceInquirer, 'Keo', 'Subjectvong'), personId);

    // A return notice naming her and another returnee; she arrives, which opens a case at the VTC.
    const notice = ok(
      await d.http
        .post('/return-notices')
        .set(worker.auth)
        .send({
          hostCountry: 'TH',
          hostAgency: 'MSDHS Thailand',
          hostReference: 'TH-RN-0042',
          borderCrossingCode: 'FRIENDSHIP_BRIDGE_1',
          expectedOn: d.today(),
          peopleCount: 2,
          childrenCount: 0,
          returnees: [
            { names: { givenNameLatin: 'Keo', familyNameLatin: 'Subjectvong' }, gender: 'Feminine' },
            { names: { givenNameLatin: 'Other', familyNameLatin: 'Returneevong' }, gender: 'Masculine' },
          ],
        }),
      201,
      'return notice',
    );
    noticeId = notice.id as string;
    const keo = (
      notice.arrivals as { id: string; version: number; returnee: { names: { givenNameLatin: string } } }[]
    ).find((a) => a.returnee.names.givenNameLatin === 'Keo')!;
    arrivalId = keo.id;
    arrivalCase = ok(
      await d.http
        .post(`/expected-arrivals/${arrivalId}/arrival`)
        .set(worker.auth)
        .set('if-match', `"${keo.version}"`)
        .send({ personId }),
      201,
      'arrival',
    ).id as string;
  }, 240_000);
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
      expect(cases.map((c) => c.caseId).sort()).toEqual([ownCase, arrivalCase].sort());
      const own = cases.find((c) => c.caseId === ownCase)!;
      const notes = own.sections.find((s) => s.section === 'notes')!.items.map((n) => n.text);
      expect(notes).toEqual([ownNote]);
      const whole = JSON.stringify(body);
      expect(whole).not.toContain(provinceNote);

      // The person's own sections: every record of the agency about her, decrypted, and nothing else.
      const sections = Object.fromEntries(
        (body.sections as { section: string; items: Record<string, unknown>[] }[]).map((s) => [s.section, s.items]),
      );
      expect(sections.screenings!.map((s) => [s.id, s.narrative])).toEqual([[screeningId, screeningNarrative]]);
      expect(sections.tracingRequests!.map((t) => t.id)).toEqual([tracingId]);
      expect(sections.tracingRequests![0]).toMatchObject({
        inquirer: { name: inquirer },
        match: { kind: 'person', id: personId },
      });
      expect(sections.expectedArrivals!.map((a) => [a.id, a.caseId])).toEqual([[arrivalId, arrivalCase]]);
      expect(sections.expectedArrivals![0]).toMatchObject({ returnee: { names: { givenNameLatin: 'Keo' } } });
      // The notice, with her arrival only: the other returnee it announced is not hers to see.
      expect(sections.returnNotices!.map((n) => n.id)).toEqual([noticeId]);
      expect(sections.returnNotices![0]).toMatchObject({ hostReference: 'TH-RN-0042' });
      expect((sections.returnNotices![0]!.arrivals as { id: string }[]).map((a) => a.id)).toEqual([arrivalId]);
      expect(whole).not.toContain('Returneevong');
      // The VTC's transfer of her second case is its record (note included); the case itself is B's now.
      expect(sections.caseTransfers!.map((t) => [t.id, t.caseId, t.note])).toEqual([
        [transferId, transferredCase, 'Going home to Savannakhet'],
      ]);
      const withoutTransfers = JSON.stringify({
        ...body,
        sections: (body.sections as { section: string }[]).filter((s) => s.section !== 'caseTransfers'),
      });
      expect(withoutTransfers).not.toContain(transferredCase);
      // Another agency's records, and the agency's records about somebody else, are absent.
      expect(whole).not.toContain(provinceInquirer);
      expect(whole).not.toContain(strangerInquirer);
      expect(whole).not.toContain('Elsevong');
      expect(body.notCovered).toEqual([expect.stringMatching(/files of documents/)]);

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
      expect(lo.text).toContain('ຄຳຮ້ອງຕິດຕາມຫາຄອບຄົວ');
      // Field labels in the page's language, not the API's keys.
      expect(lo.text).toContain('<dt>ນາມສະກຸນ (ອັກສອນລາແຕັງ)</dt>');
      expect(lo.text).not.toContain('<dt>familyNameLatin</dt>');
      expect(lo.text).toContain(inquirer);
      expect(lo.text).not.toContain(provinceInquirer);
      const en = await d.http
        .get(`/subject-requests/${requestId}/export`)
        .query({ format: 'html', lang: 'en' })
        .set(requester.auth);
      expect(en.text).toContain('Information held about you');
      expect(en.text).toContain('Family tracing requests');
      expect(en.text).toContain('<dt>Family name (Latin letters)</dt>');
      expect(en.text).not.toMatch(/<dt>[a-z]+[A-Z]\w*<\/dt>/);
      expect(en.text).toContain('Going home to Savannakhet');
      expect(en.text).not.toMatch(LAO);
    });

    it('audits every download with the person and the case ids returned', async () => {
      const downloads = (await auditEntries({ resourceId: requestId, category: 'access' })).filter(
        (e) => e.route === '/subject-requests/{id}/export' && e.details?.subjectAccessExport,
      );
      expect(downloads.length).toBe(3);
      for (const e of downloads) {
        expect(e.resourceIds).toEqual(expect.arrayContaining([requestId, personId]));
        // The cases returned, and the case the transfer record names.
        expect([...e.caseIds!].sort()).toEqual([ownCase, arrivalCase, transferredCase].sort());
        expect(e.resourceIds).toEqual(
          expect.arrayContaining([tracingId, arrivalId, noticeId, transferId, screeningId]),
        );
        expect([...(e.details!.caseIds as string[])].sort()).toEqual([ownCase, arrivalCase].sort());
        expect(e.details).toMatchObject({ personId });
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

    it('applies to writes that reach her through a screening, a tracing request or a document; reads go on', async () => {
      const expectRestricted = (res: { status: number; body: { code?: string } }, what: string) => {
        expect([what, res.status, res.body.code]).toEqual([what, 423, 'RECORD_RESTRICTED']);
      };
      expectRestricted(
        await d.http
          .post(`/screenings/${screeningId}/submit-for-identification`)
          .set(worker.auth)
          .send({ agencyId: atd.id }),
        'submit for identification',
      );
      expectRestricted(
        await d.http
          .post(`/screenings/${screeningId}/identification-decisions`)
          .set(atdOfficer.auth)
          .send({ status: 'PossibleVictimOfTrafficking', decidedOn: d.today(), basis: 'Police interview' }),
        'identification decision by the police',
      );
      expectRestricted(
        await d.http
          .post(`/screenings/${screeningId}/open-case`)
          .set(worker.auth)
          .send({ assignedCaseworkerId: worker.id }),
        'open a case from the screening',
      );
      expectRestricted(
        await d.http
          .post('/screenings')
          .set(worker.auth)
          .send(screeningBody({ personId, answers: VICTIM_ANSWERS })),
        'a new screening of her',
      );
      const traced = ok(await d.http.get(`/tracing-requests/${tracingId}`).set(worker.auth), 200, 'read tracing');
      expectRestricted(
        await d.http
          .post(`/tracing-requests/${tracingId}/outcome`)
          .set(worker.auth)
          .set('if-match', `"${traced.version as number}"`)
          .send({ outcome: 'found_declined_contact' }),
        'tracing outcome',
      );
      expectRestricted(
        await d.http
          .post('/documents')
          .set(worker.auth)
          .field('recordType', 'screening')
          .field('recordId', screeningId)
          .field('documentType', 'other')
          .attach('file', Buffer.from('%PDF-1.4\n%restricted\n'), {
            filename: 'statement.pdf',
            contentType: 'application/pdf',
          }),
        'a file on her screening',
      );
      // Reads go on, and say so in their access entry.
      const read = ok(await d.http.get(`/screenings/${screeningId}`).set(worker.auth), 200, 'read screening');
      expect(read.narrative).toBe(screeningNarrative);
      const reads = (await auditEntries({ resourceId: screeningId, category: 'access' })).filter(
        (e) => e.route === '/screenings/{id}' && e.details?.restricted,
      );
      expect(reads.length).toBeGreaterThan(0);
      expect(reads[0]!.details!.restricted).toEqual([personId]);
    });

    it('is lifted only through an approved request', async () => {
      expect((await open(requester, { kind: 'lift-restriction', caseId: ownCase })).status).toBe(409);
      const lift = ok(await open(requester, { kind: 'lift-restriction' }), 201, 'open lifting');
      expect((await addNote(ownCase, 'Still restricted')).status).toBe(423);
      expect((await approve(requester, lift.id as string)).status).toBe(403);
      ok(await approve(approver, lift.id as string), 200, 'approve lifting');
      ok(await addNote(ownCase, 'Writes work again'), 201, 'note after lifting');
      // The screening's writes refused under the restriction work again.
      ok(
        await d.http
          .post(`/screenings/${screeningId}/identification-decisions`)
          .set(atdOfficer.auth)
          .send({ status: 'PossibleVictimOfTrafficking', decidedOn: d.today(), basis: 'Police interview' }),
        201,
        'identification decision after lifting',
      );
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
      // Her screening without a case goes too: the agency's caseless records of her are in scope.
      const screening = ok(await d.http.get(`/screenings/${screeningId}`).set(requester.auth), 200, 'screening');
      expect(screening.narrative).toBeNull();
      const retention = ok(await d.http.get(`/cases/${ownCase}/retention`).set(requester.auth), 200, 'retention');
      expect(retention.facts).toMatchObject({ gender: 'Feminine', ageBand: expect.any(String) });
      // The case's retention view tells of the erasure on request (a retention run is not its only source).
      expect(retention.erasedOnRequest).toEqual([
        { requestId: opened.id, erasedAt: expect.any(String), records: approved.recordsErased },
      ]);
      const otherCase = ok(await d.http.get(`/cases/${transferredCase}/retention`).set(provSupervisor.auth), 200, 'B');
      expect(otherCase.erasedOnRequest).toEqual([]);

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
