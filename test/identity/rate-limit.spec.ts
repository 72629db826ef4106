import { PasswordService } from '../../src/auth/password.service.js';
import { given } from '../harness/given.js';
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
    for (let i = 0; i < 5; i++)
      statuses.push(
        (await t.http.post('/auth/login').send({ email: 'x@test.example', password: 'whatever it is' })).status,
      );
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
    const counter = await t.ownerQuery(`SELECT count FROM rate_limit_counter WHERE key LIKE 'auth-ip:%'`);
    expect(counter.rows[0].count).toBe(5);
    const refused = await t.http.post('/auth/refresh').send({ refreshToken: 'y'.repeat(43) });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    // The RateLimit fields describe the /auth limit that refused, with nothing left.
    expect(refused.headers['ratelimit-policy']).toBe('"auth-ip";q=3;w=60');
    expect(refused.headers.ratelimit).toBe(`"auth-ip";r=0;t=${refused.headers['retry-after']}`);
  });

  it('holds a login flood at the door while signed-in users keep working', async () => {
    const session = await given(t).quickSession(await given(t).user(await given(t).agency(), ['caseworker']));
    // Held at the door means refused before any password is checked (argon2 is the expensive
    // part): count the checks rather than time them, which a busy machine would make flaky.
    const passwords = t.app.get(PasswordService);
    const verify = passwords.verify.bind(passwords);
    let checked = 0;
    passwords.verify = (hash, password) => {
      checked += 1;
      return verify(hash, password);
    };
    try {
      const flood = Promise.all(
        Array.from({ length: 200 }, (_, i) =>
          t.http.post('/auth/login').send({ email: `flood${i}@test.example`, password: 'guessing at random' }),
        ),
      );
      const [work, ready] = await Promise.all([t.http.get('/agencies').set(session.auth), t.http.get('/health/ready')]);
      const statuses = (await flood).map((r) => r.status);
      expect(statuses.every((s) => s === 429)).toBe(true);
      expect([work.status, ready.status]).toEqual([200, 200]);
      expect(checked).toBe(0);
    } finally {
      passwords.verify = verify;
    }
    // The counting itself works: a password checked after the door is counted.
    passwords.verify = (hash, password) => {
      checked += 1;
      return verify(hash, password);
    };
    try {
      const wrong = await t.http
        .post('/auth/password')
        .set(session.auth)
        .send({ currentPassword: 'not the password at all', newPassword: 'a fresh passphrase 2026' });
      expect(wrong.status).not.toBe(429);
      expect(checked).toBe(1);
    } finally {
      passwords.verify = verify;
    }
  });
});
