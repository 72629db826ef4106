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
 * Journey 5. A mother in Savannakhet has had no news of her son since he went to work on a
 * Thai fishing boat. She asks the Vientiane Transit Centre's family tracing desk for help.
 * Days later Thailand's MSDHS announces a group return through the First Friendship Bridge
 * that names him; the desk sees the match before the bus arrives, confirms it, receives him,
 * and (with his agreement) tells his mother. Everything from an empty deployment, over HTTP.
 */
describe('journey 5: a family tracing request matched to a returnee announced by a pre-arrival notice', () => {
  let d: Deployment;
  let vtc: { id: string };
  let province: { id: string };
  let reception: Staff;
  let tracingDesk: Staff;
  let provincial: Staff;
  let auditor: Staff;
  let tracing: { id: string; version: number };
  let noticeId: string;
  let sonArrival: { id: string; version: number };
  let caseId: string;

  const mother = {
    name: 'Mrs Vanh Sihalath',
    relationship: 'mother',
    contacts: [{ type: 'phone', value: '+856 20 7777 4242' }],
    address: { district: 'Outhoumphone', village: 'Ban Phonsim' },
  };

  beforeAll(async () => {
    d = await emptyDeployment();
  });
  afterAll(() => d.close());

  it('1. the administrator sets up the VTC, the provincial office and their staff', async () => {
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
    reception = await createStaff(d, vtc.id, ['facility_officer'], 'VTC reception officer');
    tracingDesk = await createStaff(d, vtc.id, ['caseworker'], 'VTC family tracing officer');
    provincial = await createStaff(d, province.id, ['caseworker', 'case_supervisor'], 'Provincial officer');
    auditor = await createStaff(d, d.admin.agencyId, ['auditor'], 'National auditor');
    const me = await d.t.http.get('/auth/me').set(tracingDesk.auth);
    expect(me.body.permissions).toEqual(expect.arrayContaining(['tracing.read', 'tracing.manage']));
  });

  it('2. the mother reports her son missing; only the tracing desk of the VTC holds the request', async () => {
    const res = await d.t.http
      .post('/tracing-requests')
      .set(tracingDesk.auth)
      .send({
        receivedOn: vientianeDate(-3),
        inquirer: mother,
        missingPerson: {
          names: { givenNameLo: 'ສົມໃຈ', familyNameLo: 'ສີຫາລາດ' },
          gender: 'Masculine',
          birth: { precision: 'estimated', estimatedAge: 24 },
          homeProvinceCode: 'LA-SV',
          homeAddress: { district: 'Outhoumphone', village: 'Ban Phonsim' },
          lastKnownCountry: 'TH',
          lastKnownPlace: 'Fishing boat out of Samut Sakhon',
          lastContactOn: vientianeDate(-150),
          circumstances: 'Recruited by a neighbour for boat work; the phone has been off since the summer.',
        },
      });
    expect(res.status).toBe(201);
    tracing = { id: res.body.id, version: res.body.version };
    expect(res.body).toMatchObject({ status: 'open', inquirer: mother, match: null, outcome: null });

    expect((await d.t.http.get(`/tracing-requests/${tracing.id}`).set(provincial.auth)).status).toBe(404);
    expect((await d.t.http.get('/tracing-requests').set(provincial.auth)).body).toEqual([]);
    expect((await d.t.http.get(`/tracing-requests/${tracing.id}`).set(reception.auth)).status).toBe(403);
    const none = await d.t.http.get(`/tracing-requests/${tracing.id}/candidates`).set(tracingDesk.auth);
    expect(none.body).toEqual({ persons: [], expectedReturnees: [], cases: [] });
  });

  it('3. Thailand announces a return that names him; reception records the notice', async () => {
    const res = await d.t.http
      .post('/return-notices')
      .set(reception.auth)
      .send({
        hostCountry: 'TH',
        hostAgency: 'Ministry of Social Development and Human Security (MSDHS)',
        hostReference: 'MSDHS-SK-2026-117',
        borderCrossingCode: 'FRIENDSHIP_BRIDGE_1',
        expectedOn: vientianeDate(-1),
        peopleCount: 3,
        childrenCount: 0,
        returnees: [
          {
            names: {
              givenNameLatin: 'Somchay',
              familyNameLatin: 'Sihalath',
              givenNameTh: 'สมชาย',
              familyNameTh: 'สีหาราช',
            },
            gender: 'Masculine',
            birth: { precision: 'year', birthYear: new Date().getUTCFullYear() - 24 },
            homeProvinceCode: 'LA-SV',
            documents: [{ type: 'border_pass', number: 'TH-TD-5521907', issuingCountry: 'TH', inPossession: false }],
            vulnerabilities: ['injury', 'no_documents'],
          },
          {
            names: { givenNameLatin: 'Khamphoui', familyNameLatin: 'Vongsa' },
            gender: 'Masculine',
            birth: { precision: 'year', birthYear: 1990 },
            homeProvinceCode: 'LA-CH',
          },
        ],
      });
    expect(res.status).toBe(201);
    noticeId = res.body.id;
    const son = res.body.arrivals.find(
      (a: { returnee: { names: { familyNameLatin?: string } } | null }) =>
        a.returnee?.names.familyNameLatin === 'Sihalath',
    );
    sonArrival = { id: son.id, version: son.version };
    expect(son.returnee.vulnerabilities).toEqual(['injury', 'no_documents']);
    expect((await d.t.http.get(`/return-notices/${noticeId}`).set(provincial.auth)).status).toBe(404);

    // Reception sees who is expected, but family inquiries stay with the tracing desk.
    const forReception = await d.t.http.get(`/expected-arrivals/${sonArrival.id}/candidates`).set(reception.auth);
    expect(forReception.status).toBe(200);
    expect(forReception.body.tracingRequests).toEqual([]);
  });

  it('4. before the bus arrives, the tracing desk sees the announced returnee among the candidates and confirms him', async () => {
    const candidates = await d.t.http.get(`/tracing-requests/${tracing.id}/candidates`).set(tracingDesk.auth);
    expect(candidates.status).toBe(200);
    expect(candidates.body.expectedReturnees).toHaveLength(1);
    expect(candidates.body.expectedReturnees[0]).toMatchObject({
      expectedArrivalId: sonArrival.id,
      noticeId,
      displayName: 'Somchay Sihalath',
      status: 'expected',
      reasons: expect.arrayContaining(['name_phonetic', 'birth_year', 'home_province', 'gender']),
    });
    const fromTheNotice = await d.t.http.get(`/expected-arrivals/${sonArrival.id}/candidates`).set(tracingDesk.auth);
    expect(fromTheNotice.body.tracingRequests).toEqual([
      expect.objectContaining({ tracingRequestId: tracing.id, status: 'open' }),
    ]);

    const matched = await d.t.http
      .post(`/tracing-requests/${tracing.id}/match`)
      .set(tracingDesk.auth)
      .set(ifMatch(tracing.version))
      .send({ kind: 'expected_arrival', id: sonArrival.id });
    expect(matched.status).toBe(200);
    expect(matched.body.match).toMatchObject({
      kind: 'expected_arrival',
      id: sonArrival.id,
      confirmedBy: tracingDesk.id,
    });
    tracing.version = matched.body.version;
  });

  it('5. he arrived last night; the arrival is entered this morning at its real time and he is registered from the notice', async () => {
    const arrivedAt = `${vientianeDate(-1)}T20:15:00+07:00`;
    // Reception receives people but does not register identities.
    const byReception = await d.t.http
      .post(`/expected-arrivals/${sonArrival.id}/arrival`)
      .set(reception.auth)
      .set(ifMatch(sonArrival.version))
      .send({ arrivedAt });
    expect(byReception.status).toBe(403);
    const res = await d.t.http
      .post(`/expected-arrivals/${sonArrival.id}/arrival`)
      .set(tracingDesk.auth)
      .set(ifMatch(sonArrival.version))
      .send({ arrivedAt });
    expect(res.status).toBe(201);
    caseId = res.body.id;
    expect(res.body).toMatchObject({ leadAgencyId: vtc.id, openedOn: vientianeDate(-1), provinceCode: 'LA-SV' });
    const person = await d.t.http.get(`/persons/${res.body.personId}`).set(tracingDesk.auth);
    expect(person.body).toMatchObject({
      names: { givenNameLatin: 'Somchay', familyNameLatin: 'Sihalath', aliases: ['สมชาย', 'สีหาราช'] },
      documents: [{ type: 'border_pass', number: 'TH-TD-5521907', inPossession: false }],
    });
    const medical = await d.t.http
      .post(`/cases/${caseId}/services`)
      .set(tracingDesk.auth)
      .send({ serviceType: 'medical', deliveredOn: vientianeDate(-1), outcome: 'completed' });
    expect(medical.status).toBe(201);
    expect((await d.t.http.get(`/cases/${caseId}`).set(provincial.auth)).status).toBe(404);
    const tracingNow = await d.t.http.get(`/tracing-requests/${tracing.id}/candidates`).set(tracingDesk.auth);
    expect(tracingNow.body.cases.map((c: { caseId: string }) => c.caseId)).toEqual([caseId]);
  });

  it('6. he agrees that his mother be told; the desk records the outcome (the system itself tells her nothing)', async () => {
    const res = await d.t.http
      .post(`/tracing-requests/${tracing.id}/outcome`)
      .set(tracingDesk.auth)
      .set(ifMatch(tracing.version))
      .send({
        outcome: 'found_family_informed_with_consent',
        note: 'He asked us to call his mother; called the same day.',
      });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'closed', outcome: { outcome: 'found_family_informed_with_consent' } });
    expect((await d.t.http.get('/tracing-requests?status=open').set(tracingDesk.auth)).body).toEqual([]);
  });

  it('7. the auditor reads who saw and changed what, with ids and no personal data', async () => {
    const log = await caseAccessLog(d, auditor, caseId);
    const routes = (userId: string) => log.filter((l) => l.userId === userId).map((l) => `${l.route} ${l.outcome}`);
    expect(routes(tracingDesk.id)).toEqual(
      expect.arrayContaining([
        '/expected-arrivals/{id}/arrival allowed',
        '/cases/{id}/services allowed',
        '/tracing-requests/{id}/candidates allowed',
      ]),
    );
    const tracingTrail = await auditEvents(d, auditor, { resourceType: 'tracing_request', resourceId: tracing.id });
    expect(tracingTrail.filter((e) => e.category === 'change').map((e) => e.action)).toEqual(
      expect.arrayContaining(['create', 'confirm_match', 'record_outcome']),
    );
    const probes = await auditEvents(d, auditor, { userId: provincial.id, category: 'access' });
    expect(probes.filter((e) => e.status === 404).map((e) => e.route)).toEqual(
      expect.arrayContaining(['/tracing-requests/{id}', '/return-notices/{id}', '/cases/{id}']),
    );
    const denied = await auditEvents(d, auditor, { userId: reception.id, category: 'access', outcome: 'denied' });
    expect(denied.map((e) => e.route)).toEqual(
      expect.arrayContaining(['/tracing-requests/{id}', '/expected-arrivals/{id}/arrival']),
    );
    // Refusals name the ids they asked for: the provincial probe of his case is in the case's own access log
    // (the refusals that came before the case existed are found by the records they asked for).
    expect(log).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          userId: provincial.id,
          agencyId: province.id,
          route: '/cases/{id}',
          outcome: 'failed',
          statuses: [404],
        }),
      ]),
    );
    expect(log.filter((l) => l.outcome !== 'allowed').every((l) => l.userId === provincial.id)).toBe(true);
    const refusalsOf = async (resourceId: string) =>
      (await auditEvents(d, auditor, { resourceId, category: 'access' }))
        .filter((e) => e.outcome !== 'allowed')
        .map((e) => ({ user: e.actorUserId, route: e.route, status: e.status, requested: e.details?.requested }));
    expect(await refusalsOf(tracing.id)).toEqual(
      expect.arrayContaining([
        {
          user: provincial.id,
          route: '/tracing-requests/{id}',
          status: 404,
          requested: { tracingRequestId: [tracing.id] },
        },
        {
          user: reception.id,
          route: '/tracing-requests/{id}',
          status: 403,
          requested: { tracingRequestId: [tracing.id] },
        },
      ]),
    );
    expect(await refusalsOf(sonArrival.id)).toEqual([
      {
        user: reception.id,
        route: '/expected-arrivals/{id}/arrival',
        status: 403,
        requested: { expectedArrivalId: [sonArrival.id] },
      },
    ]);
    expect(await refusalsOf(noticeId)).toEqual([
      { user: provincial.id, route: '/return-notices/{id}', status: 404, requested: { returnNoticeId: [noticeId] } },
    ]);
    const everything = JSON.stringify(await auditEvents(d, auditor, {}));
    for (const secret of [
      'Vanh',
      '7777 4242',
      'ສົມໃຈ',
      'Sihalath',
      'สมชาย',
      'TH-TD-5521907',
      'Samut Sakhon',
      'MSDHS-SK',
    ])
      expect(everything).not.toContain(secret);
  });
});
