import fs from 'node:fs';
import { call, deploy, type Deployment, login, seedStaff, startApi, type Api } from '../harness/spawned-api.js';
import { given, type GivenAgency } from '../harness/given.js';
import { startTestApp, type TestApp } from '../harness/test-app.js';

/**
 * Every route but liveness is counted per signed-in user and per client address, in PostgreSQL:
 * the IETF RateLimit fields on every answer, 429 problem+json with Retry-After over budget, a
 * stricter budget for exports, matching and reports, and one budget shared by all replicas.
 * Budgets are small here; each test counts against keys of its own (a fresh user or address),
 * whose window starts with their first request.
 */
describe('rate limits on every route', () => {
  let t: TestApp;
  let g: ReturnType<typeof given>;
  let agency: GivenAgency;
  let address = 0;
  /** A client address of its own for each burst (one trusted proxy sets X-Forwarded-For). */
  const freshAddress = () => `198.51.100.${++address}`;

  beforeAll(async () => {
    t = await startTestApp({
      env: {
        TRUST_PROXY_HOPS: '1',
        RATE_LIMIT_USER_PER_MINUTE: '10',
        RATE_LIMIT_IP_PER_MINUTE: '15',
        RATE_LIMIT_HEAVY_USER_PER_MINUTE: '2',
        RATE_LIMIT_HEAVY_IP_PER_MINUTE: '100',
      },
    });
    g = given(t);
    agency = await g.agency();
  });
  afterAll(() => t.close());

  it("counts a signed-in user's requests: RateLimit fields on each answer, then 429 problem+json with Retry-After", async () => {
    const ip = freshAddress();
    const session = await g.quickSession(await g.user(agency, ['caseworker']));
    const first = await t.http.get('/cases').set(session.auth).set('x-forwarded-for', ip);
    expect(first.status).toBe(200);
    expect(first.headers['ratelimit-policy']).toBe('"user";q=10;w=60, "ip";q=15;w=60');
    expect(first.headers.ratelimit).toMatch(/^"user";r=9;t=\d+, "ip";r=14;t=\d+$/);
    const statuses = [first.status];
    for (let i = 0; i < 10; i++)
      statuses.push((await t.http.get('/agencies').set(session.auth).set('x-forwarded-for', ip)).status);
    expect(statuses).toEqual([...Array(10).fill(200), 429]);
    const refused = await t.http.get('/cases').set(session.auth).set('x-forwarded-for', ip);
    expect(refused.status).toBe(429);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.body).toMatchObject({ code: 'RATE_LIMITED', status: 429, requestId: expect.any(String) });
    const retryAfter = Number(refused.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.headers.ratelimit).toMatch(/^"user";r=0;t=\d+/);
    // Someone else at the same address still has their own budget (the address's is larger).
    const colleague = await g.quickSession(await g.user(agency, ['caseworker']));
    expect((await t.http.get('/cases').set(colleague.auth).set('x-forwarded-for', ip)).status).toBe(200);
    // The refusal is audited like any other.
    const audit = await t.ownerQuery(
      `SELECT outcome, status FROM audit_event WHERE actor_user_id = $1 AND status = 429`,
      [session.user.id],
    );
    expect(audit.rows.length).toBeGreaterThanOrEqual(2);
  });

  it("counts an address's requests to public routes and requests with a bad token", async () => {
    const ip = freshAddress();
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++)
      statuses.push((await t.http.get('/reference/provinces').set('x-forwarded-for', ip)).status);
    for (let i = 0; i < 6; i++)
      statuses.push(
        (await t.http.get('/cases').set('authorization', 'Bearer not.a.token').set('x-forwarded-for', ip)).status,
      );
    expect(statuses).toEqual([...Array(10).fill(200), ...Array(5).fill(401), 429]);
    const other = await t.http.get('/reference/provinces').set('x-forwarded-for', freshAddress());
    expect(other.status).toBe(200);
    expect(other.headers['ratelimit-policy']).toBe('"ip";q=15;w=60');
  });

  it('gives exports, matching and reports a stricter budget of their own', async () => {
    const ip = freshAddress();
    const analyst = await g.quickSession(await g.user(agency, ['analyst']));
    const report = () => t.http.get('/reports/unmet-needs').set(analyst.auth).set('x-forwarded-for', ip);
    const first = await report();
    expect(first.status).toBe(200);
    expect(first.headers['ratelimit-policy']).toBe('"heavy-user";q=2;w=60, "heavy-ip";q=100;w=60');
    expect((await report()).status).toBe(200);
    const third = await report();
    expect([third.status, third.body.code]).toEqual([429, 'RATE_LIMITED']);
    // The ordinary budget is untouched.
    expect((await t.http.get('/auth/me').set(analyst.auth).set('x-forwarded-for', ip)).status).toBe(200);
  });

  it('leaves liveness uncounted (it answers from memory)', async () => {
    const live = await t.http.get('/health/live');
    expect(live.status).toBe(200);
    expect(live.headers['ratelimit-policy']).toBeUndefined();
    expect((await t.http.get('/health/ready')).headers['ratelimit-policy']).toBe('"ip";q=15;w=60');
  });

  it('declares 429 and the RateLimit fields on every operation of openapi.json but liveness', () => {
    const doc = JSON.parse(fs.readFileSync('openapi.json', 'utf8')) as {
      paths: Record<
        string,
        Record<string, { operationId: string; responses: Record<string, { headers?: Record<string, unknown> }> }>
      >;
    };
    const missing: string[] = [];
    for (const [path, item] of Object.entries(doc.paths))
      for (const [method, op] of Object.entries(item)) {
        if (op.operationId === 'checkLiveness') continue;
        if (!op.responses['429']) missing.push(`${method} ${path}: 429`);
        for (const [status, response] of Object.entries(op.responses))
          if (status.startsWith('2') && !response.headers?.RateLimit)
            missing.push(`${method} ${path} ${status}: RateLimit`);
      }
    expect(missing).toEqual([]);
  });
});

describe('rate limits across two replicas', () => {
  let d: Deployment;
  let a: Api;
  let b: Api;

  beforeAll(async () => {
    d = await deploy();
    const budgets = { RATE_LIMIT_USER_PER_MINUTE: '10', RATE_LIMIT_IP_PER_MINUTE: '1000' };
    [a, b] = await Promise.all([startApi(d, budgets), startApi(d, budgets)]);
  }, 300_000);
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await d?.close();
  });

  it("shares one user's budget between the replicas through PostgreSQL", async () => {
    // Created through the API: the new user's own password change already spent part of the budget.
    const { users } = await seedStaff(a, [['caseworker']]);
    const auth = await login(a, users[0]!.email);
    const statuses: number[] = [];
    const remaining: string[] = [];
    for (let i = 0; i < 12; i++) {
      const res = await fetch(`${(i % 2 ? b : a).base}/cases`, { headers: auth });
      statuses.push(res.status);
      remaining.push(/"user";r=(\d+)/.exec(res.headers.get('ratelimit') ?? '')?.[1] ?? '-');
    }
    // Alternating replicas count down one budget: r, r-1, …, 0, then 429 on either.
    const left = Number(remaining[0]);
    expect(left).toBeGreaterThanOrEqual(5);
    expect(left).toBeLessThanOrEqual(9);
    const allowed = left + 1;
    expect(statuses).toEqual([...Array(allowed).fill(200), ...Array(12 - allowed).fill(429)]);
    expect(remaining).toEqual([
      ...Array.from({ length: allowed }, (_, i) => String(left - i)),
      ...Array(12 - allowed).fill('0'),
    ]);
    const refused = await call(b, 'GET', '/agencies', auth);
    expect([refused.status, refused.body.code]).toEqual([429, 'RATE_LIMITED']);
  });
});
