import { startTestApp, type TestApp } from '../harness/test-app.js';

// Its own file: passport keeps one strategy registry per module graph, so one app per file.
describe('per-address rate limit on /auth', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { AUTH_RATE_LIMIT_PER_MINUTE: '3' } });
  });
  afterAll(() => t.close());

  it('refuses requests over the limit with 429, counting in the shared database', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await t.http.post('/auth/login').send({ email: 'x@test.example', password: 'whatever it is' })).status);
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
    const counter = await t.ownerQuery(`SELECT count FROM rate_limit_counter WHERE key LIKE 'auth-ip:%'`);
    expect(counter.rows[0].count).toBe(5);
    const refused = await t.http.post('/auth/refresh').send({ refreshToken: 'y'.repeat(43) });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
  });
});
