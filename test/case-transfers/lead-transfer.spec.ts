import type pg from 'pg';
import {
  auditEvents,
  caseAccessLog,
  createAgency,
  createStaff,
  type Deployment,
  emptyDeployment,
  ifMatch,
  type Staff,
  vientianeDate,
} from '../journeys/tracing-and-transfer.helpers.js';

/** Transfer of a case's lead: request, consent, accept/decline/cancel, and what the former lead keeps. */
describe('transfer of the lead of a case', () => {
  let d: Deployment;
  let vtc: { id: string };
  let province: { id: string };
  let shelter: { id: string };
  let vtcCaseworker: Staff;
  let vtcSupervisor: Staff;
  let provSupervisor: Staff;
  let provCaseworker: Staff;
  let shelterSupervisor: Staff;
  let auditor: Staff;
  let personId: string;
  let caseId: string;
  let caseNumber: string;
  let transfer: { id: string; version: number };

  const openCase = async (): Promise<{ caseId: string; personId: string; caseNumber: string }> => {
    const person = await d.t.http
      .post('/persons')
      .set(vtcCaseworker.auth)
      .send({
        names: { givenNameLatin: `Returnee ${Math.random().toString(36).slice(2, 8)}` },
        gender: 'Feminine',
        birth: { precision: 'year', birthYear: 1999 },
        homeProvinceCode: 'LA-SV',
        address: { district: 'Xayphouthong', village: 'Ban Nongboua' },
        // Distinct people who share a first word, birth year and province: a random suffix with
        // fewer than two consonants has no phonetic key, and they would read as one person.
        confirmNotDuplicate: true,
      });
    expect(person.status).toBe(201);
    const created = await d.t.http.post('/cases').set(vtcCaseworker.auth).send({ personId: person.body.id });
    expect(created.status).toBe(201);
    return { caseId: created.body.id, personId: person.body.id, caseNumber: created.body.caseNumber };
  };

  const consentFor = async (id: string, agencies: string[]) => {
    const res = await d.t.http
      .post(`/cases/${id}/consents`)
      .set(vtcCaseworker.auth)
      .send({
        purposes: ['assistance', 'sharing_for_referral'],
        coveredAgencyIds: agencies,
        givenBy: 'person',
        method: 'written',
        givenOn: vientianeDate(-1),
      });
    expect(res.status).toBe(201);
  };

  /** Runs SQL as the application role with an agency's row-level-security context. */
  const asAgency = <T>(agencyId: string, userId: string, work: (c: pg.PoolClient) => Promise<T>) =>
    d.t.appTransaction(async (c) => {
      await c.query(`SELECT set_config('app.user_id', $1, true), set_config('app.agency_id', $2, true)`, [
        userId,
        agencyId,
      ]);
      return work(c);
    });

  beforeAll(async () => {
    d = await emptyDeployment();
    vtc = await createAgency(d, {
      code: 'VTC',
      nameEn: 'Vientiane Transit Centre',
      localType: 'transit_centre',
      provinceCode: 'LA-VT',
    });
    province = await createAgency(d, {
      code: 'PSWO-SV',
      nameEn: 'Savannakhet social welfare office',
      localType: 'government_department',
      provinceCode: 'LA-SV',
    });
    shelter = await createAgency(d, { code: 'LWU', nameEn: 'LWU shelter', localType: 'shelter', htcdsOrgType: 'NGO' });
    vtcCaseworker = await createStaff(d, vtc.id, ['caseworker'], 'VTC caseworker');
    vtcSupervisor = await createStaff(d, vtc.id, ['case_supervisor'], 'VTC supervisor');
    provSupervisor = await createStaff(d, province.id, ['case_supervisor'], 'Provincial supervisor');
    provCaseworker = await createStaff(d, province.id, ['caseworker'], 'Provincial caseworker');
    shelterSupervisor = await createStaff(d, shelter.id, ['case_supervisor'], 'Shelter supervisor');
    auditor = await createStaff(d, d.admin.agencyId, ['auditor'], 'Auditor');
    ({ caseId, personId, caseNumber } = await openCase());
    const service = await d.t.http
      .post(`/cases/${caseId}/services`)
      .set(vtcCaseworker.auth)
      .send({ serviceType: 'transit_reception', deliveredOn: vientianeDate(0), outcome: 'completed' });
    expect(service.status).toBe(201);
    const note = await d.t.http.post(`/cases/${caseId}/notes`).set(vtcCaseworker.auth).send({ text: 'Escorted home.' });
    expect(note.status).toBe(201);
  });
  afterAll(() => d.close());

  it('is requested by the lead’s supervisor only, and only with consent covering the receiving agency', async () => {
    const body = { caseId, toAgencyId: province.id, note: 'Returned home; follow-up is provincial.' };
    expect((await d.t.http.post('/case-transfers').set(vtcCaseworker.auth).send(body)).status).toBe(403);
    const noConsent = await d.t.http.post('/case-transfers').set(vtcSupervisor.auth).send(body);
    expect(noConsent.status).toBe(422);
    expect(noConsent.body.code).toBe('CONSENT_REQUIRED');
    await consentFor(caseId, [province.id]);
    const toShelter = await d.t.http
      .post('/case-transfers')
      .set(vtcSupervisor.auth)
      .send({ ...body, toAgencyId: shelter.id });
    expect(toShelter.body.code).toBe('CONSENT_REQUIRED');
    const elsewhere = await d.t.http.post('/case-transfers').set(provSupervisor.auth).send(body);
    expect(elsewhere.status).toBe(404);

    const res = await d.t.http.post('/case-transfers').set(vtcSupervisor.auth).send(body);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      caseId,
      caseNumber,
      fromAgencyId: vtc.id,
      toAgencyId: province.id,
      status: 'pending',
      note: body.note,
      profile: { gender: 'Feminine', ageGroup: 'adult', provinceCode: 'LA-SV', stage: 'intake' },
    });
    transfer = { id: res.body.id, version: res.body.version };
    const again = await d.t.http.post('/case-transfers').set(vtcSupervisor.auth).send(body);
    expect(again.status).toBe(409);
  });

  it('shows the pending transfer to both agencies, but not the case to the receiver before it accepts', async () => {
    const incoming = await d.t.http.get('/case-transfers?direction=incoming').set(provSupervisor.auth);
    expect(incoming.body.map((t: { id: string }) => t.id)).toEqual([transfer.id]);
    expect((await d.t.http.get(`/case-transfers/${transfer.id}`).set(vtcCaseworker.auth)).status).toBe(200);
    expect((await d.t.http.get(`/cases/${caseId}`).set(provSupervisor.auth)).status).toBe(404);
    expect((await d.t.http.get(`/case-transfers/${transfer.id}`).set(shelterSupervisor.auth)).status).toBe(404);
    expect((await d.t.http.get('/case-transfers').set(shelterSupervisor.auth)).body).toEqual([]);
  });

  it('is accepted by the receiving agency’s supervisor only; the case keeps its number and history', async () => {
    const byLead = await d.t.http
      .post(`/case-transfers/${transfer.id}/accept`)
      .set(vtcSupervisor.auth)
      .set(ifMatch(transfer.version))
      .send({});
    expect(byLead.status).toBe(403);
    const byCaseworker = await d.t.http
      .post(`/case-transfers/${transfer.id}/accept`)
      .set(provCaseworker.auth)
      .set(ifMatch(transfer.version))
      .send({});
    expect(byCaseworker.status).toBe(403);
    const foreignStaff = await d.t.http
      .post(`/case-transfers/${transfer.id}/accept`)
      .set(provSupervisor.auth)
      .set(ifMatch(transfer.version))
      .send({ assignedCaseworkerId: vtcCaseworker.id });
    expect(foreignStaff.status).toBe(400);

    const accepted = await d.t.http
      .post(`/case-transfers/${transfer.id}/accept`)
      .set(provSupervisor.auth)
      .set(ifMatch(transfer.version))
      .send({ assignedCaseworkerId: provCaseworker.id });
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({
      status: 'accepted',
      respondedBy: provSupervisor.id,
      assignedCaseworkerId: provCaseworker.id,
    });

    const c = await d.t.http.get(`/cases/${caseId}`).set(provCaseworker.auth);
    expect(c.status).toBe(200);
    expect(c.body).toMatchObject({
      id: caseId,
      caseNumber,
      leadAgencyId: province.id,
      assignedCaseworkerId: provCaseworker.id,
      supervisorId: provSupervisor.id,
    });
    const timeline = await d.t.http.get(`/cases/${caseId}/timeline`).set(provCaseworker.auth);
    expect(timeline.body.map((e: { kind: string }) => e.kind)).toEqual(
      expect.arrayContaining(['case_opened', 'lead_transfer_requested', 'lead_transferred']),
    );
    const services = await d.t.http.get(`/cases/${caseId}/services`).set(provCaseworker.auth);
    expect(services.body).toHaveLength(1);
    const notes = await d.t.http.get(`/cases/${caseId}/notes`).set(provCaseworker.auth);
    expect(notes.body.map((n: { text: string }) => n.text)).toEqual(['Escorted home.']);
    const follow = await d.t.http
      .post(`/cases/${caseId}/notes`)
      .set(provCaseworker.auth)
      .send({ text: 'Home visit planned.' });
    expect(follow.status).toBe(201);
  });

  it('leaves the former lead the transfer record and the person it registered, not the case', async () => {
    for (const staff of [vtcCaseworker, vtcSupervisor]) {
      expect((await d.t.http.get(`/cases/${caseId}`).set(staff.auth)).status).toBe(404);
      expect((await d.t.http.get(`/cases/${caseId}/timeline`).set(staff.auth)).status).toBe(404);
      expect((await d.t.http.get(`/cases/${caseId}/notes`).set(staff.auth)).status).toBe(404);
      const list = await d.t.http.get('/cases').set(staff.auth);
      expect(list.body.items.map((i: { id: string }) => i.id)).not.toContain(caseId);
    }
    const write = await d.t.http.post(`/cases/${caseId}/notes`).set(vtcCaseworker.auth).send({ text: 'late note' });
    expect(write.status).toBe(404);
    const record = await d.t.http.get(`/case-transfers/${transfer.id}`).set(vtcSupervisor.auth);
    expect(record.body).toMatchObject({ status: 'accepted', caseNumber, toAgencyId: province.id });
    expect((await d.t.http.get(`/persons/${personId}`).set(vtcCaseworker.auth)).status).toBe(200);
  });

  it('is enforced by row-level security too: the former lead’s database context sees and writes nothing', async () => {
    const seen = await asAgency(vtc.id, vtcSupervisor.id, (c) =>
      c.query('SELECT id FROM case_file WHERE id = $1', [caseId]),
    );
    expect(seen.rowCount).toBe(0);
    const updated = await asAgency(vtc.id, vtcSupervisor.id, (c) =>
      c.query(`UPDATE case_file SET stage = 'closed' WHERE id = $1`, [caseId]),
    );
    expect(updated.rowCount).toBe(0);
    await expect(
      asAgency(vtc.id, vtcCaseworker.id, (c) =>
        c.query(
          `INSERT INTO case_note (id, case_id, thread_id, revision, author_id, author_agency_id, body_enc)
           VALUES (gen_random_uuid(), $1, gen_random_uuid(), 1, $2, $3, '\\x00')`,
          [caseId, vtcCaseworker.id, vtc.id],
        ),
      ),
    ).rejects.toThrow(/row-level security/);
    const lead = await asAgency(province.id, provSupervisor.id, (c) =>
      c.query('SELECT lead_agency_id FROM case_file WHERE id = $1', [caseId]),
    );
    expect(lead.rows).toEqual([{ lead_agency_id: province.id }]);
    // Nobody moves a lead by hand: the acceptance function only acts on a pending transfer to the caller.
    const forged = await asAgency(shelter.id, shelterSupervisor.id, (c) =>
      c.query('SELECT app_case_transfer_accept($1, NULL, NULL) AS case_id', [transfer.id]),
    );
    expect(forged.rows).toEqual([{ case_id: null }]);
  });

  it('can be declined by the receiver or withdrawn by the lead; the lead then stays', async () => {
    const second = await openCase();
    await consentFor(second.caseId, [province.id]);
    const asked = await d.t.http
      .post('/case-transfers')
      .set(vtcSupervisor.auth)
      .send({ caseId: second.caseId, toAgencyId: province.id });
    const declined = await d.t.http
      .post(`/case-transfers/${asked.body.id}/decline`)
      .set(provSupervisor.auth)
      .set(ifMatch(asked.body.version))
      .send({ reason: 'no_capacity' });
    expect(declined.status).toBe(200);
    expect(declined.body).toMatchObject({ status: 'declined', declineReason: 'no_capacity' });
    const again = await d.t.http
      .post(`/case-transfers/${asked.body.id}/accept`)
      .set(provSupervisor.auth)
      .set(ifMatch(declined.body.version))
      .send({});
    expect(again.status).toBe(409);
    expect((await d.t.http.get(`/cases/${second.caseId}`).set(vtcCaseworker.auth)).body.leadAgencyId).toBe(vtc.id);

    const retry = await d.t.http
      .post('/case-transfers')
      .set(vtcSupervisor.auth)
      .send({ caseId: second.caseId, toAgencyId: province.id });
    expect(retry.status).toBe(201);
    const byReceiver = await d.t.http
      .post(`/case-transfers/${retry.body.id}/cancel`)
      .set(provSupervisor.auth)
      .set(ifMatch(retry.body.version));
    expect(byReceiver.status).toBe(403);
    const cancelled = await d.t.http
      .post(`/case-transfers/${retry.body.id}/cancel`)
      .set(vtcSupervisor.auth)
      .set(ifMatch(retry.body.version));
    expect(cancelled.body.status).toBe('cancelled');
    expect((await d.t.http.get(`/cases/${second.caseId}`).set(provSupervisor.auth)).status).toBe(404);
  });

  it('is audited: the lead change on the case, and every read and refusal in the case access log', async () => {
    const changes = await auditEvents(d, auditor, { caseId, category: 'change' });
    const lead = changes.find((e) => e.resourceType === 'case' && e.action === 'transfer_lead');
    expect(lead?.changes).toEqual(
      expect.arrayContaining([{ field: 'leadAgencyId', personal: false, old: vtc.id, new: province.id }]),
    );
    expect(changes.some((e) => e.resourceType === 'case_transfer' && e.action === 'accept')).toBe(true);
    const log = await caseAccessLog(d, auditor, caseId);
    const row = (agencyId: string, route: string) => log.filter((l) => l.agencyId === agencyId && l.route === route);
    expect(row(province.id, '/cases/{id}').some((l) => l.outcome === 'allowed')).toBe(true);
    expect(row(province.id, '/case-transfers/{id}/accept').some((l) => l.outcome === 'allowed')).toBe(true);
    expect(row(vtc.id, '/case-transfers').some((l) => l.outcome === 'allowed')).toBe(true);
    const everything = JSON.stringify(await auditEvents(d, auditor, {}));
    for (const secret of ['Escorted home', 'Nongboua', 'Returned home; follow-up'])
      expect(everything).not.toContain(secret);
  });
});
