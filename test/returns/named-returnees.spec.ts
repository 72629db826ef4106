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

/** Pre-arrival notices that name the returnees, matched before the bus arrives; arrivals at their real time. */
describe('named expected returnees on pre-arrival notices', () => {
  let d: Deployment;
  let vtc: { id: string };
  let province: { id: string };
  let vtcCaseworker: Staff;
  let vtcFacilityOfficer: Staff;
  let provincialCaseworker: Staff;
  let auditor: Staff;
  let noticeId: string;
  let adultArrival: { id: string; version: number };
  let childArrival: { id: string; version: number };
  let knownPersonId: string;

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
    vtcCaseworker = await createStaff(d, vtc.id, ['caseworker'], 'VTC caseworker');
    vtcFacilityOfficer = await createStaff(d, vtc.id, ['facility_officer'], 'VTC facility officer');
    provincialCaseworker = await createStaff(d, province.id, ['caseworker'], 'Provincial caseworker');
    auditor = await createStaff(d, d.admin.agencyId, ['auditor'], 'Auditor');
  });
  afterAll(() => d.close());

  it('records a notice naming two of three returnees, in Lao, Latin and Thai script, encrypted at rest', async () => {
    const res = await d.t.http
      .post('/return-notices')
      .set(vtcCaseworker.auth)
      .send({
        hostCountry: 'TH',
        hostAgency: 'MSDHS Thailand',
        borderCrossingCode: 'FRIENDSHIP_BRIDGE_1',
        expectedOn: vientianeDate(1),
        peopleCount: 3,
        childrenCount: 1,
        returnees: [
          {
            names: { givenNameLatin: 'Somchai', familyNameLatin: 'Phommavong', givenNameTh: 'สมชาย' },
            gender: 'Masculine',
            birth: { precision: 'year', birthYear: 1996 },
            homeProvinceCode: 'LA-SV',
            homeAddress: { district: 'Kaysone Phomvihane', village: 'Ban Naxeng' },
            documents: [{ type: 'border_pass', number: 'BP-778812', issuingCountry: 'LA' }],
            vulnerabilities: ['injury'],
          },
          {
            names: { givenNameLo: 'ນ້ອຍ', givenNameTh: 'น้อย' },
            gender: 'Feminine',
            birth: { precision: 'estimated', estimatedAge: 15 },
            homeProvinceCode: 'LA-SV',
            vulnerabilities: ['unaccompanied_child', 'no_documents'],
          },
        ],
      });
    expect(res.status).toBe(201);
    noticeId = res.body.id;
    expect(res.body.arrivals).toHaveLength(3);
    const named = res.body.arrivals.filter((a: { returnee: unknown }) => a.returnee !== null);
    const counted = res.body.arrivals.filter((a: { returnee: unknown }) => a.returnee === null);
    expect(named).toHaveLength(2);
    expect(counted).toHaveLength(1);
    // The counted child is the named girl: the remaining person is expected as an adult.
    expect(counted[0].expectedChild).toBe(false);
    const adult = named.find((a: { returnee: { gender: string } }) => a.returnee.gender === 'Masculine');
    const child = named.find((a: { returnee: { gender: string } }) => a.returnee.gender === 'Feminine');
    expect(child.expectedChild).toBe(true);
    expect(adult.returnee).toMatchObject({
      names: { givenNameLatin: 'Somchai', familyNameLatin: 'Phommavong', givenNameTh: 'สมชาย' },
      birth: { precision: 'year', birthYear: 1996 },
      homeProvinceCode: 'LA-SV',
      homeAddress: { district: 'Kaysone Phomvihane', village: 'Ban Naxeng' },
      documents: [{ type: 'border_pass', number: 'BP-778812', issuingCountry: 'LA' }],
      vulnerabilities: ['injury'],
    });
    adultArrival = { id: adult.id, version: adult.version };
    childArrival = { id: child.id, version: child.version };

    const stored = await d.t.ownerQuery(
      `SELECT names_enc, address_enc, documents_enc, vulnerabilities_enc FROM expected_arrival WHERE notice_id = $1 AND names_enc IS NOT NULL`,
      [noticeId],
    );
    const raw = Buffer.concat(
      stored.rows.flatMap((r) => (Object.values(r) as (Buffer | null)[]).filter((b) => b !== null)),
    );
    for (const secret of ['Somchai', 'Phommavong', 'สมชาย', 'ນ້ອຍ', 'Naxeng', 'BP-778812', 'injury'])
      expect(raw.includes(Buffer.from(secret))).toBe(false);
  });

  it('refuses a notice that names more people than it counts, or a returnee without a name', async () => {
    const base = {
      hostCountry: 'TH',
      hostAgency: 'MSDHS Thailand',
      borderCrossingCode: 'FRIENDSHIP_BRIDGE_1',
      expectedOn: vientianeDate(1),
      childrenCount: 0,
    };
    const tooMany = await d.t.http
      .post('/return-notices')
      .set(vtcCaseworker.auth)
      .send({
        ...base,
        peopleCount: 1,
        returnees: [{ names: { givenNameLatin: 'A' } }, { names: { givenNameLatin: 'B' } }],
      });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.errors.map((e: { field: string }) => e.field)).toContain('returnees');
    const nameless = await d.t.http
      .post('/return-notices')
      .set(vtcCaseworker.auth)
      .send({ ...base, peopleCount: 1, returnees: [{ names: {}, gender: 'Masculine' }] });
    expect(nameless.status).toBe(400);
    expect(nameless.body.errors.map((e: { field: string }) => e.field)).toContain('returnees[0].names');
    const unborn = await d.t.http
      .post('/return-notices')
      .set(vtcCaseworker.auth)
      .send({
        ...base,
        peopleCount: 1,
        returnees: [{ names: { givenNameLatin: 'A' }, birth: { precision: 'year', birthYear: 2099 } }],
      });
    expect(unborn.status).toBe(400);
    expect(unborn.body.errors.map((e: { field: string }) => e.field)).toContain('returnees[0].birth');
  });

  it('shows candidates among the persons the caller may see, across scripts; never another agency’s', async () => {
    const known = await d.t.http
      .post('/persons')
      .set(vtcCaseworker.auth)
      .send({
        names: { givenNameLo: 'ສົມໃຈ', familyNameLo: 'ພົມມະວົງ' },
        gender: 'Masculine',
        birth: { precision: 'year', birthYear: 1996 },
        homeProvinceCode: 'LA-SV',
      });
    expect(known.status).toBe(201);
    knownPersonId = known.body.id;
    const elsewhere = await d.t.http
      .post('/persons')
      .set(provincialCaseworker.auth)
      .send({ names: { givenNameLatin: 'Somchai', familyNameLatin: 'Phommavong' }, gender: 'Masculine' });
    expect(elsewhere.status).toBe(201);

    const res = await d.t.http.get(`/expected-arrivals/${adultArrival.id}/candidates`).set(vtcCaseworker.auth);
    expect(res.status).toBe(200);
    const ids = res.body.persons.map((p: { personId: string }) => p.personId);
    expect(ids).toContain(knownPersonId);
    expect(ids).not.toContain(elsewhere.body.id);
    const top = res.body.persons.find((p: { personId: string }) => p.personId === knownPersonId);
    expect(top.reasons).toEqual(expect.arrayContaining(['name_phonetic', 'birth_year', 'home_province', 'gender']));
    expect(top.score).toBeGreaterThanOrEqual(0.8);
    expect(res.body.tracingRequests).toEqual([]);

    const counted = (await d.t.http.get(`/return-notices/${noticeId}`).set(vtcCaseworker.auth)).body.arrivals.find(
      (a: { returnee: unknown }) => a.returnee === null,
    );
    const unnamed = await d.t.http.get(`/expected-arrivals/${counted.id}/candidates`).set(vtcCaseworker.auth);
    expect(unnamed.status).toBe(422);
  });

  it('answers 404 to another agency for the notice, its arrivals and their candidates', async () => {
    for (const path of [
      `/return-notices/${noticeId}`,
      `/expected-arrivals/${adultArrival.id}`,
      `/expected-arrivals/${adultArrival.id}/candidates`,
    ]) {
      const res = await d.t.http.get(path).set(provincialCaseworker.auth);
      expect([path, res.status]).toEqual([path, 404]);
    }
    const arrive = await d.t.http
      .post(`/expected-arrivals/${adultArrival.id}/arrival`)
      .set(provincialCaseworker.auth)
      .set(ifMatch(adultArrival.version))
      .send({ personId: knownPersonId });
    expect(arrive.status).toBe(404);
    const list = await d.t.http.get('/return-notices').set(provincialCaseworker.auth);
    expect(list.body).toEqual([]);
  });

  it('is guarded by row-level security too: another agency’s database context sees no returnee nor index', async () => {
    const count = (agencyId: string, userId: string, table: string) =>
      d.t.appTransaction(async (c) => {
        await c.query(`SELECT set_config('app.user_id', $1, true), set_config('app.agency_id', $2, true)`, [
          userId,
          agencyId,
        ]);
        return (await c.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]!.n;
      });
    expect(await count(province.id, provincialCaseworker.id, 'expected_arrival')).toBe(0);
    expect(await count(province.id, provincialCaseworker.id, 'expected_arrival_name_index')).toBe(0);
    expect(await count(vtc.id, vtcCaseworker.id, 'expected_arrival')).toBe(3);
    expect(await count(vtc.id, vtcCaseworker.id, 'expected_arrival_name_index')).toBeGreaterThan(0);
  });

  it('records an arrival entered the next day at its real time; the case opens on the day of arrival', async () => {
    const future = await d.t.http
      .post(`/expected-arrivals/${adultArrival.id}/arrival`)
      .set(vtcCaseworker.auth)
      .set(ifMatch(adultArrival.version))
      .send({ personId: knownPersonId, arrivedAt: new Date(Date.now() + 3_600_000).toISOString() });
    expect(future.status).toBe(422);
    expect(future.body.code).toBe('DATE_OUT_OF_RANGE');

    // Registering from the notice finds the strong match first.
    const duplicate = await d.t.http
      .post(`/expected-arrivals/${adultArrival.id}/arrival`)
      .set(vtcCaseworker.auth)
      .set(ifMatch(adultArrival.version))
      .send({});
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.code).toBe('POSSIBLE_DUPLICATE');

    const yesterday = vientianeDate(-1);
    const arrivedAt = `${yesterday}T22:30:00+07:00`;
    const res = await d.t.http
      .post(`/expected-arrivals/${adultArrival.id}/arrival`)
      .set(vtcCaseworker.auth)
      .set(ifMatch(adultArrival.version))
      .send({ personId: knownPersonId, arrivedAt });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ leadAgencyId: vtc.id, personId: knownPersonId, openedOn: yesterday });
    const caseId = res.body.id;

    const arrival = await d.t.http.get(`/expected-arrivals/${adultArrival.id}`).set(vtcCaseworker.auth);
    expect(arrival.body).toMatchObject({ status: 'arrived', caseId, personId: knownPersonId });
    expect(new Date(arrival.body.arrivedAt).toISOString()).toBe(new Date(arrivedAt).toISOString());
    expect(new Date(arrival.body.arrivalRecordedAt).getTime()).toBeGreaterThan(new Date(arrivedAt).getTime());

    // What happened on the day of arrival can be dated on that day.
    const service = await d.t.http
      .post(`/cases/${caseId}/services`)
      .set(vtcCaseworker.auth)
      .send({ serviceType: 'transit_reception', deliveredOn: yesterday, outcome: 'completed' });
    expect(service.status).toBe(201);
    const timeline = await d.t.http.get(`/cases/${caseId}/timeline`).set(vtcCaseworker.auth);
    const arrived = timeline.body.find((e: { kind: string }) => e.kind === 'arrived');
    expect(new Date(arrived.summary.arrivedAt).toISOString()).toBe(new Date(arrivedAt).toISOString());
  });

  it('registers a named returnee from the notice when nobody matches (Thai-script names kept as aliases)', async () => {
    const res = await d.t.http
      .post(`/expected-arrivals/${childArrival.id}/arrival`)
      .set(vtcFacilityOfficer.auth)
      .set(ifMatch(childArrival.version))
      .send({});
    // A facility officer may receive people but not register them.
    expect(res.status).toBe(403);
    const byCaseworker = await d.t.http
      .post(`/expected-arrivals/${childArrival.id}/arrival`)
      .set(vtcCaseworker.auth)
      .set(ifMatch(childArrival.version))
      .send({});
    expect(byCaseworker.status).toBe(201);
    const person = await d.t.http.get(`/persons/${byCaseworker.body.personId}`).set(vtcCaseworker.auth);
    expect(person.body).toMatchObject({
      names: { givenNameLo: 'ນ້ອຍ', aliases: ['น้อย'] },
      gender: 'Feminine',
      isChild: true,
      homeProvinceCode: 'LA-SV',
    });
  });

  it('audits the notice and the arrivals with ids only, no names', async () => {
    const events = await auditEvents(d, auditor, { resourceType: 'return_notice', resourceId: noticeId });
    const created = events.find((e) => e.category === 'change' && e.action === 'create');
    expect(created?.changes).toEqual(
      expect.arrayContaining([
        { field: 'returnees', personal: true },
        expect.objectContaining({ field: 'namedReturnees', new: 2 }),
      ]),
    );
    const arrivals = await auditEvents(d, auditor, { resourceType: 'expected_arrival' });
    expect(arrivals.filter((e) => e.category === 'change' && e.action === 'arrive')).toHaveLength(2);
    const probes = await auditEvents(d, auditor, { userId: provincialCaseworker.id, category: 'access' });
    const refused = probes.filter((e) => e.status === 404).map((e) => e.route);
    expect(refused).toEqual(
      expect.arrayContaining([
        '/return-notices/{id}',
        '/expected-arrivals/{id}',
        '/expected-arrivals/{id}/candidates',
        '/expected-arrivals/{id}/arrival',
      ]),
    );
    const everything = JSON.stringify(await auditEvents(d, auditor, {}));
    for (const secret of ['Somchai', 'สมชาย', 'ນ້ອຍ', 'BP-778812', 'Naxeng']) expect(everything).not.toContain(secret);
  });
});
