import { PUBLIC_PERMISSIONS, type Permission, ROLES, ROLE_PERMISSIONS, type Role } from '../../src/auth/permissions.js';
import { listRoutes, type RouteInfo } from '../../src/common/http/route-inventory.js';
import { given, type GivenAgency, type Session } from '../harness/given.js';
import { eventStreamPaths } from '../harness/event-streams.js';
import { startTestApp, type TestApp } from '../harness/test-app.js';

const STREAMS = eventStreamPaths();

const PLACEHOLDER_ID = '01a00000-0000-7000-8000-00000000abcd';
const concretePath = (route: RouteInfo) =>
  route.path.replace(/\{[A-Za-z]+\}/g, (p) => (p === '{category}' ? 'gender' : PLACEHOLDER_ID));
/** Public routes that check a credential of their own instead of a token (the KoboToolbox receiver's secret header): 401 without it. */
const OWN_CREDENTIAL = new Set(['/intake/kobo/{id}']);
/** Routes that end the caller's own session. */
const SESSION_ENDING = new Set(['/auth/logout', '/auth/logout-all', '/auth/password']);

describe('function-level access: every route × every role follows the role table', () => {
  let t: TestApp;
  let routes: RouteInfo[];
  let agency: GivenAgency;

  beforeAll(async () => {
    t = await startTestApp();
    routes = listRoutes(t.app);
    agency = await given(t).agency();
  });
  afterAll(() => t.close());

  const call = (route: RouteInfo, headers: Record<string, string>) => {
    const method = route.method.toLowerCase() as 'get' | 'post' | 'patch' | 'put' | 'delete';
    const req = t.http[method](concretePath(route)).set(headers);
    // A live stream never ends: its opening answer is what the permission decides.
    if (STREAMS.has(route.path))
      return req.buffer(true).parse((res, done) => {
        if (String(res.headers['content-type']).startsWith('text/event-stream')) {
          (res as unknown as { destroy(): void }).destroy();
          return done(null, {});
        }
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => done(null, text ? JSON.parse(text) : {}));
      });
    return method === 'get' || method === 'delete' ? req : req.send({});
  };

  it.each(ROLES.map((r) => [r]))(
    '%s gets 403 exactly on the routes its permissions do not cover',
    async (role: Role) => {
      const user = await given(t).user(agency, [role]);
      const session: Session = await given(t).quickSession(user);
      const mismatches: string[] = [];
      for (const route of routes) {
        const permitted =
          PUBLIC_PERMISSIONS.has(route.permission as Permission) ||
          ROLE_PERMISSIONS[role].includes(route.permission as Permission);
        // A route that ends sessions gets a user of its own.
        const auth = SESSION_ENDING.has(route.path)
          ? (await given(t).quickSession(await given(t).user(agency, [role]))).auth
          : session.auth;
        const res = await call(route, auth);
        const forbidden = res.status === 403 && res.body.code === 'FORBIDDEN';
        if (OWN_CREDENTIAL.has(route.path)) {
          if (res.status !== 401) mismatches.push(`${route.method} ${route.path}: ${res.status} without its secret`);
          continue;
        }
        if (permitted === forbidden || res.status === 401 || res.status >= 500) {
          mismatches.push(`${route.method} ${route.path} (${route.permission}): ${res.status} ${res.body?.code ?? ''}`);
        }
        // A refusal names what was missing, so the caller knows whom to ask.
        if (forbidden && !String(res.body.detail).includes(`permission ${route.permission},`))
          mismatches.push(`${route.method} ${route.path}: 403 without naming ${route.permission}`);
      }
      expect(mismatches).toEqual([]);
    },
  );

  it('answers 401 to an anonymous caller on every non-public route', async () => {
    const wrong: string[] = [];
    for (const route of routes) {
      const res = await call(route, {});
      const isPublic = PUBLIC_PERMISSIONS.has(route.permission as Permission) && !OWN_CREDENTIAL.has(route.path);
      if (isPublic ? res.status === 401 || res.status === 403 : res.status !== 401)
        wrong.push(`${route.method} ${route.path}: ${res.status}`);
    }
    expect(wrong).toEqual([]);
  });
});

describe('administration scope', () => {
  let t: TestApp;
  let g: ReturnType<typeof given>;
  let mine: GivenAgency;
  let theirs: GivenAgency;
  let agencyAdmin: Session;
  let systemAdmin: Session;

  beforeAll(async () => {
    t = await startTestApp();
    g = given(t);
    mine = await g.agency();
    theirs = await g.agency();
    agencyAdmin = await g.session(await g.user(mine, ['agency_admin']));
    systemAdmin = await g.session(await g.user(await g.agency({ code: 'SYSADMIN-TEST' }), ['system_admin']));
  });
  afterAll(() => t.close());

  it("lets an agency admin manage only their own agency's users", async () => {
    const foreign = await g.user(theirs, ['caseworker']);
    expect((await t.http.get(`/users/${foreign.id}`).set(agencyAdmin.auth)).status).toBe(404);
    expect((await t.http.post(`/users/${foreign.id}/deactivate`).set(agencyAdmin.auth)).status).toBe(404);
    const list = await t.http.get('/users').set(agencyAdmin.auth);
    expect(list.body.every((u: { agencyId: string }) => u.agencyId === mine.id)).toBe(true);
    const created = await t.http
      .post('/users')
      .set(agencyAdmin.auth)
      .send({ agencyId: theirs.id, email: 'x1@test.example', displayName: 'X One', roles: ['caseworker'] });
    expect(created.status).toBe(404);
  });

  it('never lets an agency admin grant system_admin', async () => {
    const res = await t.http
      .post('/users')
      .set(agencyAdmin.auth)
      .send({ agencyId: mine.id, email: 'x2@test.example', displayName: 'X Two', roles: ['system_admin'] });
    expect(res.status).toBe(403);
    const worker = await g.user(mine, ['caseworker']);
    const patched = await t.http
      .patch(`/users/${worker.id}`)
      .set(agencyAdmin.auth)
      .send({ roles: ['system_admin'] });
    expect(patched.status).toBe(403);
    expect((await t.ownerQuery('SELECT roles FROM app_user WHERE id = $1', [worker.id])).rows[0].roles).toEqual([
      'caseworker',
    ]);
  });

  it('creates a user with a one-time password that must be changed at first login', async () => {
    const res = await t.http
      .post('/users')
      .set(agencyAdmin.auth)
      .send({ agencyId: mine.id, email: 'New.Person@Test.Example', displayName: 'New Person', roles: ['screener'] });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ email: 'new.person@test.example', mustChangePassword: true, roles: ['screener'] });
    expect(res.body.oneTimePassword).toHaveLength(20);
    expect(res.body).not.toHaveProperty('passwordHash');
    const login = await t.http
      .post('/auth/login')
      .send({ email: 'new.person@test.example', password: res.body.oneTimePassword });
    expect(login.status).toBe(200);
    expect(login.body.mustChangePassword).toBe(true);
  });

  it("ends a user's sessions when their roles change, and audits the role change without personal values", async () => {
    const worker = await g.user(mine, ['caseworker']);
    const session = await g.session(worker);
    const res = await t.http
      .patch(`/users/${worker.id}`)
      .set(agencyAdmin.auth)
      .send({ roles: ['caseworker', 'screener'] });
    expect(res.status).toBe(200);
    expect(res.body.roles).toEqual(['caseworker', 'screener']);
    expect((await t.http.get('/auth/me').set(session.auth)).status).toBe(401);
    const audit = await t.ownerQuery(
      `SELECT action, changes FROM audit_event WHERE category = 'change' AND $1 = ANY(resource_ids) ORDER BY id DESC LIMIT 1`,
      [worker.id],
    );
    expect(audit.rows[0].action).toBe('role_change');
    expect(audit.rows[0].changes).toEqual([
      { field: 'roles', personal: false, old: ['caseworker'], new: ['caseworker', 'screener'] },
    ]);
  });

  it('refuses bodies that try to set ids, agencies of others, timestamps or unknown fields', async () => {
    const worker = await g.user(mine, ['caseworker']);
    const extras = [
      `"agencyId":"${theirs.id}"`,
      `"id":"${PLACEHOLDER_ID}"`,
      '"createdAt":"2020-01-01"',
      '"version":9',
      '"active":false',
      '"__proto__":{"roles":["system_admin"]}',
      '"constructor":{"prototype":{"x":1}}',
    ];
    for (const extra of extras) {
      const res = await t.http
        .patch(`/users/${worker.id}`)
        .set(agencyAdmin.auth)
        .set('content-type', 'application/json')
        .send(`{"displayName":"Renamed",${extra}}`);
      expect({ extra, status: res.status, code: res.body.code }).toEqual({
        extra,
        status: 400,
        code: 'VALIDATION_FAILED',
      });
    }
    expect(
      (await t.ownerQuery('SELECT display_name FROM app_user WHERE id = $1', [worker.id])).rows[0].display_name,
    ).not.toBe('Renamed');
  });

  it('lets a system admin register and deactivate agencies; the agency directory is readable by staff', async () => {
    const res = await t.http.post('/agencies').set(systemAdmin.auth).send({
      code: 'LWU-CPC-T',
      nameEn: 'LWU Counselling and Protection Centre',
      htcdsOrgType: 'NGO',
      localType: 'mass_organisation',
      provinceCode: 'LA-VT',
    });
    expect(res.status).toBe(201);
    const bad = await t.http
      .post('/agencies')
      .set(systemAdmin.auth)
      .send({ code: 'x', nameEn: 'Yes', htcdsOrgType: 'Nope', localType: 'shelter', provinceCode: 'LA-XX' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'code',
      'htcdsOrgType',
      'provinceCode',
    ]);
    const off = await t.http.patch(`/agencies/${res.body.id}`).set(systemAdmin.auth).send({ active: false });
    expect(off.body.active).toBe(false);
    const dir = await t.http.get('/agencies').set(agencyAdmin.auth);
    expect(dir.status).toBe(200);
    expect(dir.body.map((a: { code: string }) => a.code)).toContain('LWU-CPC-T');
  });
});
