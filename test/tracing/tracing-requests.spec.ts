import fs from 'node:fs';
import {
  auditEvents,
  createAgency,
  createStaff,
  type Deployment,
  emptyDeployment,
  ifMatch,
  type Staff,
  vientianeDate,
} from '../journeys/tracing-and-transfer.helpers.js';

/** Family tracing requests: encrypted, matched by blind index, confirmed by a person, never told to the inquirer. */
describe('tracing requests', () => {
  let d: Deployment;
  let vtc: { id: string };
  let province: { id: string };
  let tracer: Staff;
  let facilityOfficer: Staff;
  let provincialCaseworker: Staff;
  let auditor: Staff;
  let requestId: string;
  let version: number;
  let announcedId: string;
  let knownCaseId: string;
  let knownPersonId: string;
  let foreignCaseId: string;

  const family = {
    receivedOn: vientianeDate(0),
    inquirer: {
      name: 'Mrs Chanthala Keomany',
      relationship: 'mother',
      contacts: [{ type: 'phone', value: '+856 20 5555 0199' }],
    },
    missingPerson: {
      names: { givenNameLo: 'ບຸນມີ', familyNameLo: 'ພົມມະວົງ' },
      gender: 'Masculine',
      birth: { precision: 'year', birthYear: 2001 },
      homeProvinceCode: 'LA-SV',
      lastKnownCountry: 'TH',
      lastKnownPlace: 'Fishing port, Samut Sakhon',
      circumstances: 'Left with a broker in March; no news since June.',
    },
  };

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
    tracer = await createStaff(d, vtc.id, ['caseworker'], 'VTC family tracing officer');
    facilityOfficer = await createStaff(d, vtc.id, ['facility_officer'], 'VTC facility officer');
    provincialCaseworker = await createStaff(d, province.id, ['caseworker'], 'Provincial caseworker');
    auditor = await createStaff(d, d.admin.agencyId, ['auditor'], 'Auditor');

    const notice = await d.t.http
      .post('/return-notices')
      .set(tracer.auth)
      .send({
        hostCountry: 'TH',
        hostAgency: 'MSDHS Thailand',
        borderCrossingCode: 'FRIENDSHIP_BRIDGE_1',
        expectedOn: vientianeDate(2),
        peopleCount: 1,
        childrenCount: 0,
        returnees: [
          {
            names: { givenNameLatin: 'Bounmy', familyNameLatin: 'Phommavong', givenNameTh: 'บุญมี' },
            gender: 'Masculine',
            birth: { precision: 'year', birthYear: 2001 },
            homeProvinceCode: 'LA-SV',
          },
        ],
      });
    expect(notice.status).toBe(201);
    announcedId = notice.body.arrivals[0].id;

    const person = await d.t.http
      .post('/persons')
      .set(tracer.auth)
      .send({ names: { givenNameLatin: 'Bounmi', familyNameLatin: 'Phommavongsa' }, gender: 'Masculine' });
    knownPersonId = person.body.id;
    knownCaseId = (await d.t.http.post('/cases').set(tracer.auth).send({ personId: knownPersonId })).body.id;

    const foreign = await d.t.http
      .post('/persons')
      .set(provincialCaseworker.auth)
      .send({ names: { givenNameLatin: 'Bounmy', familyNameLatin: 'Phommavong' }, gender: 'Masculine' });
    foreignCaseId = (await d.t.http.post('/cases').set(provincialCaseworker.auth).send({ personId: foreign.body.id }))
      .body.id;
  });
  afterAll(() => d.close());

  it("records the family's request with the inquirer and the missing person encrypted", async () => {
    expect((await d.t.http.post('/tracing-requests').set(facilityOfficer.auth).send(family)).status).toBe(403);
    const future = await d.t.http
      .post('/tracing-requests')
      .set(tracer.auth)
      .send({ ...family, receivedOn: vientianeDate(3) });
    expect(future.status).toBe(400);
    const nameless = await d.t.http
      .post('/tracing-requests')
      .set(tracer.auth)
      .send({ ...family, missingPerson: { ...family.missingPerson, names: {} } });
    expect(nameless.status).toBe(400);
    const yearless = await d.t.http
      .post('/tracing-requests')
      .set(tracer.auth)
      .send({ ...family, missingPerson: { ...family.missingPerson, birth: { precision: 'year' } } });
    expect(yearless.status).toBe(400);
    expect(yearless.body.errors[0].field).toBe('missingPerson.birth.birthYear');

    const res = await d.t.http.post('/tracing-requests').set(tracer.auth).send(family);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      agencyId: vtc.id,
      status: 'open',
      inquirer: family.inquirer,
      missingPerson: {
        names: family.missingPerson.names,
        birth: { precision: 'year', birthYear: 2001 },
        lastKnownPlace: 'Fishing port, Samut Sakhon',
      },
      match: null,
      outcome: null,
    });
    requestId = res.body.id;
    version = res.body.version;
    const stored = await d.t.ownerQuery(
      'SELECT inquirer_enc, names_enc, details_enc FROM tracing_request WHERE id = $1',
      [requestId],
    );
    const raw = Buffer.concat(Object.values(stored.rows[0]) as Buffer[]);
    for (const secret of ['Chanthala', '5555 0199', 'ບຸນມີ', 'Samut Sakhon', 'broker'])
      expect(raw.includes(Buffer.from(secret))).toBe(false);
  });

  it('shows candidates among persons, expected returnees and cases the caller may see, across scripts', async () => {
    const res = await d.t.http.get(`/tracing-requests/${requestId}/candidates`).set(tracer.auth);
    expect(res.status).toBe(200);
    expect(res.body.expectedReturnees).toEqual([
      expect.objectContaining({
        expectedArrivalId: announcedId,
        displayName: 'Bounmy Phommavong',
        status: 'expected',
        reasons: expect.arrayContaining(['name_phonetic', 'birth_year', 'home_province', 'gender']),
      }),
    ]);
    expect(res.body.expectedReturnees[0].score).toBeGreaterThanOrEqual(0.8);
    expect(res.body.persons.map((p: { personId: string }) => p.personId)).toEqual([knownPersonId]);
    expect(res.body.cases.map((c: { caseId: string }) => c.caseId)).toEqual([knownCaseId]);
    expect(JSON.stringify(res.body)).not.toContain(foreignCaseId);
  });

  it('is its agency’s alone: 404 to others, and hidden from staff without tracing permissions', async () => {
    for (const path of [`/tracing-requests/${requestId}`, `/tracing-requests/${requestId}/candidates`])
      expect((await d.t.http.get(path).set(provincialCaseworker.auth)).status).toBe(404);
    expect((await d.t.http.get('/tracing-requests').set(provincialCaseworker.auth)).body).toEqual([]);
    const forged = await d.t.http
      .post(`/tracing-requests/${requestId}/match`)
      .set(provincialCaseworker.auth)
      .set(ifMatch(version))
      .send({ kind: 'case', id: foreignCaseId });
    expect(forged.status).toBe(404);
    expect((await d.t.http.get(`/tracing-requests/${requestId}`).set(facilityOfficer.auth)).status).toBe(403);

    // From the other side: the returnee's candidates name the family's request to tracing staff only.
    const forTracer = await d.t.http.get(`/expected-arrivals/${announcedId}/candidates`).set(tracer.auth);
    expect(forTracer.body.tracingRequests.map((t: { tracingRequestId: string }) => t.tracingRequestId)).toEqual([
      requestId,
    ]);
    const forReception = await d.t.http.get(`/expected-arrivals/${announcedId}/candidates`).set(facilityOfficer.auth);
    expect(forReception.body.tracingRequests).toEqual([]);
  });

  it('is guarded by row-level security too: another agency’s database context sees no request nor its index', async () => {
    const count = (agencyId: string, userId: string, table: string) =>
      d.t.appTransaction(async (c) => {
        await c.query(`SELECT set_config('app.user_id', $1, true), set_config('app.agency_id', $2, true)`, [
          userId,
          agencyId,
        ]);
        return (await c.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]!.n;
      });
    expect(await count(province.id, provincialCaseworker.id, 'tracing_request')).toBe(0);
    expect(await count(province.id, provincialCaseworker.id, 'tracing_request_name_index')).toBe(0);
    expect(await count(vtc.id, tracer.id, 'tracing_request')).toBe(1);
    expect(await count(vtc.id, tracer.id, 'tracing_request_name_index')).toBeGreaterThan(0);
  });

  it('records the match a person confirms (only records the confirmer may see), then the outcome', async () => {
    const invisible = await d.t.http
      .post(`/tracing-requests/${requestId}/match`)
      .set(tracer.auth)
      .set(ifMatch(version))
      .send({ kind: 'case', id: foreignCaseId });
    expect(invisible.status).toBe(404);
    const early = await d.t.http
      .post(`/tracing-requests/${requestId}/outcome`)
      .set(tracer.auth)
      .set(ifMatch(version))
      .send({ outcome: 'found_family_informed_with_consent' });
    expect(early.status).toBe(422);

    const matched = await d.t.http
      .post(`/tracing-requests/${requestId}/match`)
      .set(tracer.auth)
      .set(ifMatch(version))
      .send({ kind: 'expected_arrival', id: announcedId });
    expect(matched.status).toBe(200);
    expect(matched.body).toMatchObject({
      status: 'matched',
      match: { kind: 'expected_arrival', id: announcedId, confirmedBy: tracer.id },
    });
    const twice = await d.t.http
      .post(`/tracing-requests/${requestId}/match`)
      .set(tracer.auth)
      .set(ifMatch(matched.body.version))
      .send({ kind: 'person', id: knownPersonId });
    expect(twice.status).toBe(409);

    const closed = await d.t.http
      .post(`/tracing-requests/${requestId}/outcome`)
      .set(tracer.auth)
      .set(ifMatch(matched.body.version))
      .send({ outcome: 'found_family_informed_with_consent', note: 'He agreed that his mother be told.' });
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({
      status: 'closed',
      outcome: { outcome: 'found_family_informed_with_consent', recordedBy: tracer.id },
    });
    const open = await d.t.http.get('/tracing-requests?status=open').set(tracer.auth);
    expect(open.body).toEqual([]);
  });

  it('has no route that answers an inquirer: every tracing operation needs a staff permission', () => {
    const spec = JSON.parse(fs.readFileSync('openapi.json', 'utf8')) as {
      paths: Record<string, Record<string, { 'x-permission'?: string }>>;
    };
    const operations = Object.entries(spec.paths)
      .filter(([path]) => path.startsWith('/tracing-requests'))
      .flatMap(([, ops]) => Object.values(ops));
    expect(operations.length).toBe(6);
    expect(operations.every((op) => ['tracing.read', 'tracing.manage'].includes(op['x-permission'] ?? ''))).toBe(true);
  });

  it('is audited with ids only: creation, candidates seen, the confirmed match and the outcome', async () => {
    const events = await auditEvents(d, auditor, { resourceType: 'tracing_request', resourceId: requestId });
    const actions = events.filter((e) => e.category === 'change').map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['create', 'confirm_match', 'record_outcome']));
    const candidates = events.find((e) => e.route === '/tracing-requests/{id}/candidates' && e.outcome === 'allowed');
    expect(candidates?.caseIds).toEqual([knownCaseId]);
    expect(candidates?.details).toMatchObject({ candidateExpectedArrivalIds: [announcedId] });
    const everything = JSON.stringify(await auditEvents(d, auditor, {}));
    for (const secret of ['Chanthala', '5555 0199', 'ບຸນມີ', 'Samut Sakhon', 'agreed that his mother'])
      expect(everything).not.toContain(secret);
  });
});
