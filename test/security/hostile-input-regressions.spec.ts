import jwt from 'jsonwebtoken';
import { KEY_MATERIAL, type KeyMaterial } from '../../src/config/key-material.js';
import { mapError } from '../../src/common/errors/problem.js';
import { given, type GivenAgency, type Session } from '../harness/given.js';
import { screeningBody } from '../harness/screening-fixtures.js';
import { startTestApp, type TestApp } from '../harness/test-app.js';
import { localToday } from '../harness/dates.js';

/**
 * Each example of issue 15 ("Hostile input: no 500, nothing malformed stored") and of issue 14
 * item 10 (validation wording), as found by a black-box run. The generated walk over every
 * operation is test/security/hostile-input.spec.ts.
 */
const today = localToday;
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('hostile input regressions (issue 15)', () => {
  let t: TestApp;
  let agency: GivenAgency;
  let worker: Session;
  let admin: Session;
  let agencyAdmin: Session;
  let facilityId: string;
  let caseId: string;
  let planId: string;
  let followUpId: string;

  beforeAll(async () => {
    t = await startTestApp();
    const g = given(t);
    agency = await g.agency({ localType: 'shelter' });
    worker = await g.session(await g.user(agency, ['caseworker', 'screener', 'case_supervisor', 'facility_officer']));
    agencyAdmin = await g.session(await g.user(agency, ['agency_admin']));
    admin = await g.session(await g.user(await g.agency(), ['system_admin']));
    const person = await t.http
      .post('/persons')
      .set(worker.auth)
      .send({ names: { givenNameLatin: 'Anchor' }, gender: 'Feminine', birth: { precision: 'year', birthYear: 1990 } });
    caseId = (await t.http.post('/cases').set(worker.auth).send({ personId: person.body.id })).body.id;
    planId = (
      await t.http
        .post(`/cases/${caseId}/support-plans`)
        .set(worker.auth)
        .send({ type: 'Health', objectives: 'Safe housing and health care' })
    ).body.id;
    const followUps = await t.http.post(`/cases/${caseId}/follow-ups`).set(worker.auth).send({ fromDate: today() });
    followUpId = followUps.body[0].id;
    facilityId = (
      await t.http
        .post('/facilities')
        .set(agencyAdmin.auth)
        .send({
          agencyId: agency.id,
          code: 'HOSTILE-1',
          nameEn: 'Shelter',
          kind: 'shelter',
          provinceCode: 'LA-VT',
          acceptsGenders: ['Feminine'],
          bedCapacity: 5,
        })
    ).body.id;
  });
  afterAll(() => t.close());

  const expectProblem = (res: { status: number; type: string; body: { code?: string } }, status: number) => {
    expect({ status: res.status, type: res.type }).toEqual({ status, type: 'application/problem+json' });
    expect(typeof res.body.code).toBe('string');
  };
  const fieldsOf = (res: { body: { errors?: { field: string; messages: string[] }[] } }) =>
    Object.fromEntries((res.body.errors ?? []).map((e) => [e.field, e.messages]));

  describe('500s', () => {
    it('a lone surrogate in the e-mail of POST /auth/login and POST /users answers 400, not 500', async () => {
      const login = await t.http
        .post('/auth/login')
        .set('content-type', 'application/json')
        .send('{"email":"\\ud800@example.org","password":"correct horse battery staple"}');
      expectProblem(login, 400);
      const user = await t.http
        .post('/users')
        .set(admin.auth)
        .set('content-type', 'application/json')
        .send(`{"agencyId":"${agency.id}","email":"\\udc00x@example.org","displayName":"X","roles":["caseworker"]}`);
      expectProblem(user, 400);
    });

    it('lone surrogates in plain text fields (PATCH /agencies nameEn/nameLo, POST /facilities nameEn) answer 400', async () => {
      const current = await t.http.get(`/agencies/${agency.id}`).set(admin.auth);
      for (const field of ['nameEn', 'nameLo']) {
        const res = await t.http
          .patch(`/agencies/${agency.id}`)
          .set(admin.auth)
          .set('if-match', `"${current.body.version}"`)
          .set('content-type', 'application/json')
          .send(`{"${field}":"Agency \\ud83d"}`);
        expectProblem(res, 400);
      }
      const facility = await t.http
        .post('/facilities')
        .set(agencyAdmin.auth)
        .set('content-type', 'application/json')
        .send(
          `{"agencyId":"${agency.id}","code":"SURR-1","nameEn":"\\ude00 shelter","kind":"shelter","provinceCode":"LA-VT","acceptsGenders":["Feminine"],"bedCapacity":2}`,
        );
      expectProblem(facility, 400);
    });

    it('null on optional fields backed by NOT NULL columns answers 400 (persons, agencies, facilities, users)', async () => {
      const person = await t.http
        .post('/persons')
        .set(worker.auth)
        .send({ names: { givenNameLatin: 'Null' }, gender: null });
      expectProblem(person, 400);
      expect(fieldsOf(person).gender).toEqual(['gender must not be null']);

      // A required field stays required in a class that inherits an optional one (it reached NOT NULL).
      const missing = await t.http
        .post('/persons')
        .set(worker.auth)
        .send({ names: { familyNameLatin: 'Nogender' } });
      expectProblem(missing, 400);
      expect(fieldsOf(missing).gender).toBeDefined();

      for (const field of ['nameEn', 'htcdsOrgType', 'localType', 'active']) {
        const current = await t.http.get(`/agencies/${agency.id}`).set(admin.auth);
        const res = await t.http
          .patch(`/agencies/${agency.id}`)
          .set(admin.auth)
          .set('if-match', `"${current.body.version}"`)
          .send({ [field]: null });
        expectProblem(res, 400);
      }
      // Documented nullable (clearable): still accepted.
      const current = await t.http.get(`/agencies/${agency.id}`).set(admin.auth);
      const cleared = await t.http
        .patch(`/agencies/${agency.id}`)
        .set(admin.auth)
        .set('if-match', `"${current.body.version}"`)
        .send({ nameLo: null });
      expect(cleared.status).toBe(200);
      expect(cleared.body.nameLo).toBeNull();

      for (const field of [
        'acceptsGenders',
        'acceptsMinAge',
        'acceptsMaxAge',
        'acceptsExploitationTypes',
        'services',
        'bedCapacity',
        'active',
      ]) {
        const f = await t.http.get(`/facilities/${facilityId}`).set(agencyAdmin.auth);
        const res = await t.http
          .patch(`/facilities/${facilityId}`)
          .set(agencyAdmin.auth)
          .set('if-match', `"${f.body.version}"`)
          .send({ [field]: null });
        expectProblem(res, 400);
      }
      const u = await t.http.get(`/users/${worker.user.id}`).set(admin.auth);
      const roles = await t.http
        .patch(`/users/${worker.user.id}`)
        .set(admin.auth)
        .set('if-match', `"${u.body.version}"`)
        .send({ roles: null });
      expectProblem(roles, 400);
    });

    it('quantity 1e-308 on POST /cases/{id}/services answers 400', async () => {
      const res = await t.http
        .post(`/cases/${caseId}/services`)
        .set(worker.auth)
        .send({ serviceType: 'medical', deliveredOn: today(), quantity: 1e-308, outcome: 'completed' });
      expectProblem(res, 400);
      expect(Object.keys(fieldsOf(res))).toEqual(['quantity']);
    });

    it('fromDate 9999-12-31 on POST /cases/{id}/follow-ups answers 400, not 22009', async () => {
      const res = await t.http.post(`/cases/${caseId}/follow-ups`).set(worker.auth).send({ fromDate: '9999-12-31' });
      expectProblem(res, 400);
      expect(Object.keys(fieldsOf(res))).toEqual(['fromDate']);
    });

    it('indicators [[]] on POST /screening-catalogues answers 400', async () => {
      const res = await t.http
        .post('/screening-catalogues')
        .set(admin.auth)
        .send({ title: 'Hostile', source: 'Nowhere', notes: '', indicators: [[]] });
      expectProblem(res, 400);
      expect(fieldsOf(res)['indicators[0]']).toEqual(['indicators[0] must be an object']);
    });

    it('a cursor decoding to values of the wrong type answers 400 VALIDATION_FAILED, not 22007', async () => {
      const id = '0193b0a0-0000-7000-8000-000000000001';
      for (const cursor of [
        b64(["' OR 1=1 --", id]),
        b64(['2026-13-45', id]),
        b64([1, id]),
        b64(['2026-01-01', 'x']),
      ]) {
        const res = await t.http.get('/cases').query({ cursor }).set(worker.auth);
        expectProblem(res, 400);
        expect(res.body.code).toBe('VALIDATION_FAILED');
        expect(fieldsOf(res).cursor).toBeDefined();
      }
      const auditor = await given(t).session(await given(t).user(agency, ['auditor']));
      for (const cursor of [
        Buffer.from('1|5').toString('base64url'),
        Buffer.from('2026-02-31T00:00:00.000000Z|5').toString('base64url'),
      ]) {
        const res = await t.http.get('/audit/events').query({ cursor }).set(auditor.auth);
        expectProblem(res, 400);
        expect(res.body.code).toBe('VALIDATION_FAILED');
      }
    });

    it('upper-case record ids are the same record everywhere: case, its sub-routes, persons, support plans, follow-ups', async () => {
      const upper = caseId.toUpperCase();
      const read = await t.http.get(`/cases/${upper}`).set(worker.auth);
      expect(read.status).toBe(200);
      expect(read.body.id).toBe(caseId);
      expect((await t.http.get(`/cases/${upper}/notes`).set(worker.auth)).status).toBe(200);
      expect((await t.http.get(`/cases/${upper}/timeline`).set(worker.auth)).status).toBe(200);
      expect((await t.http.get(`/persons/${read.body.personId.toUpperCase()}`).set(worker.auth)).status).toBe(200);

      const plans = await t.http.get(`/cases/${caseId}/support-plans`).set(worker.auth);
      const plan = plans.body.find((p: { id: string }) => p.id === planId);
      const patched = await t.http
        .patch(`/cases/${upper}/support-plans/${planId.toUpperCase()}`)
        .set(worker.auth)
        .set('if-match', `"${plan.version}"`)
        .send({ objectives: 'Updated through an upper-case id' });
      expect(patched.status).toBe(200);
      expect(patched.body.id).toBe(planId);
      const reread = await t.http.get(`/cases/${caseId}/support-plans`).set(worker.auth);
      expect(reread.status).toBe(200);
      expect(reread.body.find((p: { id: string }) => p.id === planId).objectives).toBe(
        'Updated through an upper-case id',
      );

      const followUps = await t.http.get(`/cases/${caseId}/follow-ups`).set(worker.auth);
      const visit = followUps.body.find((f: { id: string }) => f.id === followUpId);
      const done = await t.http
        .patch(`/cases/${upper}/follow-ups/${followUpId.toUpperCase()}`)
        .set(worker.auth)
        .set('if-match', `"${visit.version}"`)
        .send({ completedOn: today(), outcome: 'reached_stable', notes: 'Visited at home' });
      expect(done.status).toBeLessThan(500);
      expect([200, 409, 422]).toContain(done.status);
      expect((await t.http.get(`/cases/${caseId}/follow-ups`).set(worker.auth)).status).toBe(200);
    });
  });

  describe('accepted and stored', () => {
    it('POST /persons with birth [], address [], guardian [] answers 400 and stores nothing', async () => {
      const before = await t.ownerQuery('SELECT count(*)::int AS n FROM person');
      const res = await t.http
        .post('/persons')
        .set(worker.auth)
        .send({ names: { givenNameLatin: 'Adult' }, gender: 'Masculine', birth: [], address: [], guardian: [] });
      expectProblem(res, 400);
      expect(fieldsOf(res)).toEqual({
        birth: ['birth must be an object'],
        address: ['address must be an object'],
        guardian: ['guardian must be an object'],
      });
      expect((await t.ownerQuery('SELECT count(*)::int AS n FROM person')).rows[0].n).toBe(before.rows[0].n);
    });

    it('contacts [[]] and documents [[]] on persons, POST and PATCH, answer 400', async () => {
      const created = await t.http
        .post('/persons')
        .set(worker.auth)
        .send({ names: { givenNameLatin: 'Shape' }, gender: 'Feminine', contacts: [[]], documents: [[]] });
      expectProblem(created, 400);
      const person = await t.http
        .post('/persons')
        .set(worker.auth)
        .send({ names: { givenNameLatin: 'Shape' }, gender: 'Feminine' });
      for (const body of [{ contacts: [[]] }, { documents: [[]] }, { birth: [] }, { names: [] }]) {
        const res = await t.http
          .patch(`/persons/${person.body.id}`)
          .set(worker.auth)
          .set('if-match', `"${person.body.version}"`)
          .send(body);
        expectProblem(res, 400);
      }
    });

    it('support plan actions [[]] (POST and PATCH) and screening victimContext [] / interpreter [] answer 400', async () => {
      const created = await t.http
        .post(`/cases/${caseId}/support-plans`)
        .set(worker.auth)
        .send({ type: 'Health', objectives: 'Plan with a malformed action', actions: [[]] });
      expectProblem(created, 400);
      const plans = await t.http.get(`/cases/${caseId}/support-plans`).set(worker.auth);
      const plan = plans.body.find((p: { id: string }) => p.id === planId);
      const patched = await t.http
        .patch(`/cases/${caseId}/support-plans/${planId}`)
        .set(worker.auth)
        .set('if-match', `"${plan.version}"`)
        .send({ actions: [[]] });
      expectProblem(patched, 400);
      for (const overrides of [{ victimContext: [] }, { interpreter: [] }]) {
        const res = await t.http.post('/screenings').set(worker.auth).send(screeningBody(overrides));
        expectProblem(res, 400);
      }
    });
  });

  describe('smaller', () => {
    it('If-Match with a weak tag answers 412 (RFC 9110 strong comparison)', async () => {
      const current = await t.http.get(`/facilities/${facilityId}`).set(agencyAdmin.auth);
      const res = await t.http
        .patch(`/facilities/${facilityId}`)
        .set(agencyAdmin.auth)
        .set('if-match', `W/"${current.body.version}"`)
        .send({ bedCapacity: 6 });
      expectProblem(res, 412);
      expect(res.body.code).toBe('PRECONDITION_FAILED');
      const strong = await t.http
        .patch(`/facilities/${facilityId}`)
        .set(agencyAdmin.auth)
        .set('if-match', `"${current.body.version}"`)
        .send({ bedCapacity: 7 });
      expect(strong.status).toBe(200);
    });

    it('POST /facilities/{id}/admissions refuses a referralId that does not exist or is not to this facility', async () => {
      const missing = await t.http
        .post(`/facilities/${facilityId}/admissions`)
        .set(worker.auth)
        .send({ caseId, admittedOn: today(), referralId: '0193b0a0-0000-7000-8000-00000000abcd' });
      expectProblem(missing, 422);
      // A real referral of this case, but to another agency: answered exactly like a missing one.
      const other = await given(t).agency({ localType: 'government_department' });
      await t.http
        .post(`/cases/${caseId}/consents`)
        .set(worker.auth)
        .send({
          purposes: ['assistance', 'sharing_for_referral'],
          coveredAgencyIds: [other.id],
          givenBy: 'person',
          method: 'written',
          givenOn: today(),
        })
        .expect(201);
      const referral = await t.http
        .post(`/cases/${caseId}/referrals`)
        .set(worker.auth)
        .send({ toAgencyId: other.id, purpose: 'medical', urgency: 'normal' })
        .expect(201);
      const elsewhere = await t.http
        .post(`/facilities/${facilityId}/admissions`)
        .set(worker.auth)
        .send({ caseId, admittedOn: today(), referralId: referral.body.id });
      expectProblem(elsewhere, 422);
      expect({ ...elsewhere.body, requestId: undefined }).toEqual({ ...missing.body, requestId: undefined });
      expect(
        (await t.ownerQuery('SELECT count(*)::int AS n FROM placement WHERE case_id = $1', [caseId])).rows[0].n,
      ).toBe(0);
    });

    it('a token signed with the right key but without exp, or with iat in the future, answers 401', async () => {
      const claims = jwt.decode(worker.token) as Record<string, unknown>;
      const key = t.app.get<symbol, KeyMaterial>(KEY_MATERIAL).jwtSecret;
      const { exp: _exp, iat: _iat, ...rest } = claims;
      const noExp = jwt.sign({ ...rest, iat: Math.floor(Date.now() / 1000) }, key, { algorithm: 'HS256' });
      const future = jwt.sign({ ...rest, iat: Math.floor(Date.now() / 1000) + 3600 }, key, {
        algorithm: 'HS256',
        expiresIn: 7200,
      });
      const valid = jwt.sign({ ...rest, iat: Math.floor(Date.now() / 1000) }, key, {
        algorithm: 'HS256',
        expiresIn: 600,
      });
      expect((await t.http.get('/auth/me').set('authorization', `Bearer ${valid}`)).status).toBe(200);
      for (const token of [noExp, future]) {
        const res = await t.http.get('/auth/me').set('authorization', `Bearer ${token}`);
        expectProblem(res, 401);
      }
    });

    it('openapi.json declares the EndReferralRequest reason pattern, and patterns flow from validators', async () => {
      const document = (await t.http.get('/docs-json')).body;
      expect(document.components.schemas.EndReferralRequest.properties.reason.pattern).toBe('^[a-z_]{2,40}$');
    });
  });

  describe('the rules behind the fixes', () => {
    it('an upper-case id in a JSON body is lower-cased before it is used or stored', async () => {
      const person = await t.http
        .post('/persons')
        .set(worker.auth)
        .send({ names: { givenNameLatin: 'Upper' }, gender: 'Masculine' });
      const opened = await t.http.post('/cases').set(worker.auth).send({ personId: person.body.id.toUpperCase() });
      expect(opened.status).toBe(201);
      expect(opened.body.personId).toBe(person.body.id);
      const stored = await t.ownerQuery('SELECT person_id::text AS p FROM case_file WHERE id = $1', [opened.body.id]);
      expect(stored.rows[0].p).toBe(person.body.id);
    });

    it('line breaks and tabs only in fields documented multiline (x-multiline), never in names', async () => {
      const name = await t.http
        .post('/persons')
        .set(worker.auth)
        .send({ names: { givenNameLatin: 'Two\nlines' }, gender: 'Feminine' });
      expectProblem(name, 400);
      expect(Object.keys(fieldsOf(name))).toEqual(['names.givenNameLatin']);
      const note = await t.http
        .post(`/cases/${caseId}/notes`)
        .set(worker.auth)
        .send({ text: 'First line\n\tsecond line' });
      expect(note.status).toBe(201);
      const document = (await t.http.get('/docs-json')).body;
      expect(document.components.schemas.CreateNoteRequest.properties.text['x-multiline']).toBe(true);
    });

    it('a PostgreSQL data exception that still reaches the database answers 400, never 500 (last safety net)', () => {
      for (const code of ['22007', '22008', '22P02', '22003']) {
        const mapped = mapError(Object.assign(new Error('db'), { driverError: { code } }), 'req-1');
        expect({ status: mapped.problem.status, code: mapped.problem.code, unexpected: mapped.unexpected }).toEqual({
          status: 400,
          code: 'VALIDATION_FAILED',
          unexpected: false,
        });
      }
      expect(mapError(Object.assign(new Error('db'), { driverError: { code: '42P01' } }), 'req-1').problem.status).toBe(
        500,
      );
    });
  });

  describe('validation wording (issue 14, item 10)', () => {
    it('citizenships "LA" answers "must be an array", type before bounds', async () => {
      const res = await t.http
        .post('/persons')
        .set(worker.auth)
        .send({ names: { givenNameLatin: 'Type' }, gender: 'Feminine', citizenships: 'LA' });
      expectProblem(res, 400);
      expect(fieldsOf(res)).toEqual({ citizenships: ['citizenships must be an array'] });
    });

    it('MALFORMED_JSON gives the position', async () => {
      const res = await t.http
        .post('/persons')
        .set(worker.auth)
        .set('content-type', 'application/json')
        .send('{"names": {"givenNameLatin": "x"},, "gender": "Feminine"}');
      expectProblem(res, 400);
      expect(res.body.code).toBe('MALFORMED_JSON');
      expect(res.body.position).toBe(34);
      expect(res.body.detail).toContain('position 34');
    });

    it('a body of [] says the body must be a JSON object', async () => {
      const res = await t.http.post('/persons').set(worker.auth).set('content-type', 'application/json').send('[]');
      expectProblem(res, 400);
      expect(fieldsOf(res)).toEqual({ '(body)': ['the body must be a JSON object'] });
    });
  });
});
