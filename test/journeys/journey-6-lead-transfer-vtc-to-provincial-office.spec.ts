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
} from './tracing-and-transfer.helpers.js';

/**
 * Journey 6. A woman returned from Thailand is received at the Vientiane Transit Centre, which
 * opens her case. When she goes home to Savannakhet, the provincial social welfare office takes
 * over the lead: the VTC asks, her consent covers that office, the office accepts. The case keeps
 * its number and history; from then on the VTC sees only the transfer record and its own
 * reception records, and an LWU shelter that was never involved sees nothing throughout.
 */
describe('journey 6: the lead of a case moves from the VTC to the provincial office', () => {
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
  let arrival: { id: string; version: number };
  let caseId: string;
  let caseNumber: string;
  let personId: string;
  let transfer: { id: string; version: number };

  /** What each agency's staff get for the case, by route: the visibility matrix of the step. */
  const statuses = async (staff: Staff[]) =>
    Promise.all(staff.map(async (s) => (await d.t.http.get(`/cases/${caseId}`).set(s.auth)).status));

  beforeAll(async () => {
    d = await emptyDeployment();
  });
  afterAll(() => d.close());

  it('1. the administrator sets up the VTC, the provincial office, an LWU shelter and their staff', async () => {
    vtc = await createAgency(d, {
      code: 'MLSW-VTC',
      nameEn: 'Vientiane Transit Centre',
      localType: 'transit_centre',
      provinceCode: 'LA-VT',
    });
    province = await createAgency(d, {
      code: 'PSWO-SV',
      nameEn: 'Savannakhet Provincial Social Welfare Office',
      localType: 'government_department',
      provinceCode: 'LA-SV',
    });
    shelter = await createAgency(d, {
      code: 'LWU-SH',
      nameEn: "Lao Women's Union shelter",
      localType: 'mass_organisation',
      htcdsOrgType: 'NGO',
      provinceCode: 'LA-VT',
    });
    vtcCaseworker = await createStaff(d, vtc.id, ['caseworker', 'facility_officer'], 'VTC caseworker');
    vtcSupervisor = await createStaff(d, vtc.id, ['case_supervisor'], 'VTC supervisor');
    provSupervisor = await createStaff(d, province.id, ['case_supervisor'], 'Provincial supervisor');
    provCaseworker = await createStaff(d, province.id, ['caseworker'], 'Provincial caseworker');
    shelterSupervisor = await createStaff(d, shelter.id, ['case_supervisor'], 'Shelter supervisor');
    auditor = await createStaff(d, d.admin.agencyId, ['auditor'], 'National auditor');
  });

  it('2. she is announced, arrives two days ago and the VTC opens her case on that day', async () => {
    const notice = await d.t.http
      .post('/return-notices')
      .set(vtcCaseworker.auth)
      .send({
        hostCountry: 'TH',
        hostAgency: 'MSDHS Thailand',
        borderCrossingCode: 'FRIENDSHIP_BRIDGE_1',
        expectedOn: vientianeDate(-2),
        peopleCount: 1,
        childrenCount: 0,
        returnees: [
          {
            names: { givenNameLatin: 'Phetsamone', familyNameLatin: 'Inthavong', givenNameLo: 'ເພັດສະໝອນ' },
            gender: 'Feminine',
            birth: { precision: 'year', birthYear: 2000 },
            homeProvinceCode: 'LA-SV',
            homeAddress: { district: 'Songkhone', village: 'Ban Dongkhamxang' },
          },
        ],
      });
    expect(notice.status).toBe(201);
    arrival = { id: notice.body.arrivals[0].id, version: notice.body.arrivals[0].version };
    const opened = await d.t.http
      .post(`/expected-arrivals/${arrival.id}/arrival`)
      .set(vtcCaseworker.auth)
      .set(ifMatch(arrival.version))
      .send({ arrivedAt: `${vientianeDate(-2)}T16:40:00+07:00` });
    expect(opened.status).toBe(201);
    caseId = opened.body.id;
    caseNumber = opened.body.caseNumber;
    personId = opened.body.personId;
    expect(opened.body).toMatchObject({ leadAgencyId: vtc.id, openedOn: vientianeDate(-2) });
    expect(await statuses([vtcCaseworker, vtcSupervisor, provSupervisor, provCaseworker, shelterSupervisor])).toEqual([
      200, 200, 404, 404, 404,
    ]);
  });

  it('3. the VTC works the case: consent covering the provincial office, reception services, a note', async () => {
    const consent = await d.t.http
      .post(`/cases/${caseId}/consents`)
      .set(vtcCaseworker.auth)
      .send({
        purposes: ['assistance', 'sharing_for_referral', 'follow_up_contact'],
        coveredAgencyIds: [province.id],
        givenBy: 'person',
        method: 'written',
        givenOn: vientianeDate(-2),
        language: 'lao',
      });
    expect(consent.status).toBe(201);
    for (const serviceType of ['transit_reception', 'medical']) {
      const res = await d.t.http
        .post(`/cases/${caseId}/services`)
        .set(vtcCaseworker.auth)
        .send({ serviceType, deliveredOn: vientianeDate(-2), outcome: 'completed' });
      expect(res.status).toBe(201);
    }
    const note = await d.t.http
      .post(`/cases/${caseId}/notes`)
      .set(vtcCaseworker.auth)
      .send({ text: 'Wants to go home to her parents; escorted to the bus station.' });
    expect(note.status).toBe(201);
  });

  it('4. the VTC supervisor asks the provincial office to take over; it decides on a profile, not the case', async () => {
    const shelterAsk = await d.t.http
      .post('/case-transfers')
      .set(vtcSupervisor.auth)
      .send({ caseId, toAgencyId: shelter.id });
    expect(shelterAsk.body.code).toBe('CONSENT_REQUIRED');
    const res = await d.t.http
      .post('/case-transfers')
      .set(vtcSupervisor.auth)
      .send({ caseId, toAgencyId: province.id, note: 'Home in Songkhone district; please take over follow-up.' });
    expect(res.status).toBe(201);
    transfer = { id: res.body.id, version: res.body.version };

    const inbox = await d.t.http.get('/case-transfers?direction=incoming&status=pending').set(provSupervisor.auth);
    expect(inbox.body).toEqual([
      expect.objectContaining({
        id: transfer.id,
        caseNumber,
        fromAgencyId: vtc.id,
        profile: { gender: 'Feminine', ageGroup: 'adult', provinceCode: 'LA-SV', stage: 'intake' },
      }),
    ]);
    expect(await statuses([vtcCaseworker, vtcSupervisor, provSupervisor, provCaseworker, shelterSupervisor])).toEqual([
      200, 200, 404, 404, 404,
    ]);
    expect((await d.t.http.get(`/case-transfers/${transfer.id}`).set(shelterSupervisor.auth)).status).toBe(404);
  });

  it('5. the provincial supervisor accepts and assigns a caseworker; number and history stay', async () => {
    const res = await d.t.http
      .post(`/case-transfers/${transfer.id}/accept`)
      .set(provSupervisor.auth)
      .set(ifMatch(transfer.version))
      .send({ assignedCaseworkerId: provCaseworker.id });
    expect(res.status).toBe(200);
    expect(await statuses([vtcCaseworker, vtcSupervisor, provSupervisor, provCaseworker, shelterSupervisor])).toEqual([
      404, 404, 200, 200, 404,
    ]);
    const c = await d.t.http.get(`/cases/${caseId}`).set(provCaseworker.auth);
    expect(c.body).toMatchObject({ caseNumber, personId, leadAgencyId: province.id, openedOn: vientianeDate(-2) });
    const kinds = (await d.t.http.get(`/cases/${caseId}/timeline`).set(provCaseworker.auth)).body.map(
      (e: { kind: string }) => e.kind,
    );
    expect(kinds).toEqual(
      expect.arrayContaining(['case_opened', 'arrived', 'lead_transfer_requested', 'lead_transferred']),
    );
    const services = await d.t.http.get(`/cases/${caseId}/services`).set(provCaseworker.auth);
    expect(services.body.map((s: { serviceType: string }) => s.serviceType).sort()).toEqual([
      'medical',
      'transit_reception',
    ]);
    const person = await d.t.http.get(`/persons/${personId}`).set(provCaseworker.auth);
    expect(person.body).toMatchObject({ view: 'full', address: { district: 'Songkhone' } });
  });

  it('6. the provincial office plans the follow-up visits; the VTC can no longer write', async () => {
    const visits = await d.t.http
      .post(`/cases/${caseId}/follow-ups`)
      .set(provCaseworker.auth)
      .send({ fromDate: vientianeDate(-1), months: [1, 3, 6] });
    expect(visits.status).toBe(201);
    const late = await d.t.http
      .post(`/cases/${caseId}/notes`)
      .set(vtcCaseworker.auth)
      .send({ text: 'A late note from the VTC' });
    expect(late.status).toBe(404);
    const lateService = await d.t.http
      .post(`/cases/${caseId}/services`)
      .set(vtcCaseworker.auth)
      .send({ serviceType: 'medical', deliveredOn: vientianeDate(0), outcome: 'completed' });
    expect(lateService.status).toBe(404);
  });

  it('7. the VTC keeps the transfer record and its reception records, not the case', async () => {
    const record = await d.t.http.get(`/case-transfers/${transfer.id}`).set(vtcSupervisor.auth);
    expect(record.body).toMatchObject({ status: 'accepted', caseNumber, toAgencyId: province.id });
    const received = await d.t.http.get(`/expected-arrivals/${arrival.id}`).set(vtcCaseworker.auth);
    expect(received.body).toMatchObject({ status: 'arrived', caseId, personId });
    expect((await d.t.http.get(`/cases/${caseId}/timeline`).set(vtcSupervisor.auth)).status).toBe(404);
    const list = await d.t.http.get('/cases').set(vtcSupervisor.auth);
    expect(list.body.items.map((i: { id: string }) => i.id)).not.toContain(caseId);
  });

  it('8. the auditor sees the lead change and every agency’s reads and refusals', async () => {
    const log = await caseAccessLog(d, auditor, caseId);
    const allowed = (userId: string, route: string) =>
      log.some((l) => l.userId === userId && l.route === route && l.outcome === 'allowed');
    expect(allowed(vtcCaseworker.id, '/cases/{id}/notes')).toBe(true);
    expect(allowed(vtcSupervisor.id, '/case-transfers')).toBe(true);
    expect(allowed(provSupervisor.id, '/case-transfers/{id}/accept')).toBe(true);
    expect(allowed(provCaseworker.id, '/cases/{id}/follow-ups')).toBe(true);
    const change = (await auditEvents(d, auditor, { caseId, category: 'change', resourceType: 'case' })).find(
      (e) => e.action === 'transfer_lead',
    );
    expect(change?.actorUserId).toBe(provSupervisor.id);
    expect(change?.changes).toEqual(
      expect.arrayContaining([{ field: 'leadAgencyId', personal: false, old: vtc.id, new: province.id }]),
    );
    const refused = await auditEvents(d, auditor, { agencyId: vtc.id, category: 'access' });
    const afterTransfer = refused.filter((e) => e.status === 404).map((e) => e.route);
    expect(afterTransfer).toEqual(expect.arrayContaining(['/cases/{id}', '/cases/{id}/notes', '/cases/{id}/services']));
    const shelterProbes = await auditEvents(d, auditor, { userId: shelterSupervisor.id, category: 'access' });
    const onTheCase = shelterProbes.filter(
      (e) => e.route?.startsWith('/cases') || e.route?.startsWith('/case-transfers'),
    );
    expect(onTheCase.length).toBeGreaterThanOrEqual(4);
    expect(onTheCase.every((e) => e.status === 404)).toBe(true);
    // Refusals name the case they concern, so every one is in the case's own access log too, the shelter's
    // probe of the transfer included.
    const names = new Map<string | null, string>([
      [vtcCaseworker.id, 'vtcCaseworker'],
      [vtcSupervisor.id, 'vtcSupervisor'],
      [provSupervisor.id, 'provSupervisor'],
      [provCaseworker.id, 'provCaseworker'],
      [shelterSupervisor.id, 'shelterSupervisor'],
    ]);
    const agencyNames = new Map<string | null, string>([
      [vtc.id, 'vtc'],
      [province.id, 'province'],
      [shelter.id, 'shelter'],
    ]);
    const refusals = log
      .filter((l) => l.outcome !== 'allowed')
      .map(
        (l) => `${names.get(l.userId)}@${agencyNames.get(l.agencyId)} ${l.route} ${l.outcome} ${l.statuses.join(',')}`,
      );
    expect(refusals).toEqual(
      expect.arrayContaining([
        'provSupervisor@province /cases/{id} failed 404',
        'provCaseworker@province /cases/{id} failed 404',
        'shelterSupervisor@shelter /cases/{id} failed 404',
        'vtcSupervisor@vtc /case-transfers failed 422',
        'vtcCaseworker@vtc /cases/{id} failed 404',
        'vtcCaseworker@vtc /cases/{id}/notes failed 404',
        'vtcCaseworker@vtc /cases/{id}/services failed 404',
        'vtcSupervisor@vtc /cases/{id}/timeline failed 404',
      ]),
    );
    // The shelter's probe of the transfer names the transfer it asked for (row-level security hides the transfer,
    // and so its case, from the shelter's own request).
    const transferProbes = (await auditEvents(d, auditor, { resourceId: transfer.id, category: 'access' }))
      .filter((e) => e.outcome !== 'allowed')
      .map((e) => ({ user: e.actorUserId, route: e.route, status: e.status, requested: e.details?.requested }));
    expect(transferProbes).toEqual([
      {
        user: shelterSupervisor.id,
        route: '/case-transfers/{id}',
        status: 404,
        requested: { caseTransferId: [transfer.id] },
      },
    ]);
    const everything = JSON.stringify(await auditEvents(d, auditor, {}));
    for (const secret of ['Phetsamone', 'ເພັດສະໝອນ', 'Dongkhamxang', 'bus station', 'Songkhone district'])
      expect(everything).not.toContain(secret);
  });
});
