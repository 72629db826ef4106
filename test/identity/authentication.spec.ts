import jwt from 'jsonwebtoken';
import { given, type GivenAgency, type GivenUser, TEST_PASSWORD } from '../harness/given.js';
import { startTestApp, type TestApp } from '../harness/test-app.js';

describe('authentication', () => {
  let t: TestApp;
  let g: ReturnType<typeof given>;
  let agency: GivenAgency;
  let caseworker: GivenUser;

  beforeAll(async () => {
    t = await startTestApp();
    g = given(t);
    agency = await g.agency();
    caseworker = await g.user(agency, ['caseworker']);
  });
  afterAll(() => t.close());

  const login = (email: string, password: string) => t.http.post('/auth/login').send({ email, password });

  it('issues a short-lived HS256 access token with the pinned claims and an opaque refresh token', async () => {
    const res = await login(caseworker.email.toUpperCase(), TEST_PASSWORD);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ tokenType: 'Bearer', mustChangePassword: false });
    expect(res.body.expiresIn).toBeLessThanOrEqual(900);
    const decoded = jwt.decode(res.body.accessToken, { complete: true }) as jwt.Jwt & { payload: jwt.JwtPayload };
    expect(decoded.header.alg).toBe('HS256');
    expect(decoded.payload).toMatchObject({
      sub: caseworker.id,
      agency: agency.id,
      roles: ['caseworker'],
      iss: 'ctcm-api',
      aud: 'ctcm-api',
      tv: 1,
    });
    expect(decoded.payload.exp! - decoded.payload.iat!).toBeLessThanOrEqual(900);
    expect(res.body.refreshToken).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect(new Date(res.body.sessionExpiresAt).getTime() - Date.now()).toBeLessThanOrEqual(12 * 3600_000);
    const stored = await t.ownerQuery(
      'SELECT token_hash FROM auth_refresh_token t JOIN auth_session s ON s.id = t.session_id WHERE s.user_id = $1',
      [caseworker.id],
    );
    for (const row of stored.rows)
      expect(Buffer.from(row.token_hash).toString('base64url')).not.toBe(res.body.refreshToken);
  });

  it('answers an unknown email and a wrong password identically, in similar time', async () => {
    const timed = async (email: string) => {
      const t0 = performance.now();
      const res = await login(email, 'wrong password 123');
      return { res, ms: performance.now() - t0 };
    };
    await timed('warmup@test.example');
    await timed(caseworker.email);
    const unknown = [
      await timed('nobody@test.example'),
      await timed('nobody@test.example'),
      await timed('nobody@test.example'),
    ];
    const wrong = [await timed(caseworker.email), await timed(caseworker.email), await timed(caseworker.email)];
    for (const { res } of [...unknown, ...wrong]) {
      expect(res.status).toBe(401);
      const { requestId: _r, ...body } = res.body;
      expect(body).toEqual({
        type: 'urn:ctcm:problem:invalid-credentials',
        title: 'Invalid email or password',
        status: 401,
        code: 'INVALID_CREDENTIALS',
      });
    }
    // Both paths run one argon2id verification; compare medians, loosely (shared CI cores).
    const median = (xs: { ms: number }[]) => xs.map((x) => x.ms).sort((a, b) => a - b)[1]!;
    const ratio = median(unknown) / median(wrong);
    expect(ratio).toBeGreaterThan(0.33);
    expect(ratio).toBeLessThan(3);
    await t.ownerQuery("DELETE FROM rate_limit_counter WHERE key LIKE 'login-fail:%'");
    await t.ownerQuery('UPDATE app_user SET failed_login_count = 0 WHERE id = $1', [caseworker.id]);
  });

  it('returns the signed-in user from /auth/me', async () => {
    const s = await g.session(caseworker);
    const res = await t.http.get('/auth/me').set(s.auth);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: caseworker.id,
      email: caseworker.email,
      roles: ['caseworker'],
      agency: { id: agency.id },
    });
    expect(res.body.permissions).toContain('case.read');
    expect(res.body.permissions).not.toContain('user.manage');
  });

  describe('refresh tokens', () => {
    it('rotates on every use and revokes the whole session when a used token comes back', async () => {
      const s = await g.session(caseworker);
      const first = await t.http.post('/auth/refresh').send({ refreshToken: s.refreshToken });
      expect(first.status).toBe(200);
      expect(first.body.refreshToken).not.toBe(s.refreshToken);
      const second = await t.http.post('/auth/refresh').send({ refreshToken: first.body.refreshToken });
      expect(second.status).toBe(200);

      const replay = await t.http.post('/auth/refresh').send({ refreshToken: s.refreshToken });
      expect(replay.status).toBe(401);
      expect(replay.body.code).toBe('INVALID_REFRESH_TOKEN');
      // The family is gone: the newest refresh token and the newest access token stop working.
      const afterReuse = await t.http.post('/auth/refresh').send({ refreshToken: second.body.refreshToken });
      expect(afterReuse.status).toBe(401);
      const me = await t.http.get('/auth/me').set({ authorization: `Bearer ${second.body.accessToken}` });
      expect(me.status).toBe(401);
    });

    it('refuses an unknown refresh token', async () => {
      const res = await t.http.post('/auth/refresh').send({ refreshToken: 'x'.repeat(43) });
      expect(res.status).toBe(401);
    });
  });

  it('ends the session on logout, and every session on logout-all', async () => {
    const a = await g.session(caseworker);
    const b = await g.session(caseworker);
    expect((await t.http.post('/auth/logout').set(a.auth)).status).toBe(204);
    expect((await t.http.get('/auth/me').set(a.auth)).status).toBe(401);
    expect((await t.http.get('/auth/me').set(b.auth)).status).toBe(200);
    expect((await t.http.post('/auth/refresh').send({ refreshToken: a.refreshToken })).status).toBe(401);

    expect((await t.http.post('/auth/logout-all').set(b.auth)).status).toBe(204);
    expect((await t.http.get('/auth/me').set(b.auth)).status).toBe(401);
  });

  describe('tokens that must be refused', () => {
    let valid: string;
    beforeAll(async () => {
      valid = (await g.session(caseworker)).token;
    });
    const secretOf = async () => {
      // The test app's generated secret lives in its data folder.
      const fs = await import('node:fs');
      const path = await import('node:path');
      return JSON.parse(fs.readFileSync(path.join(t.config.dataDir, 'secrets.json'), 'utf8')).jwtSecret as string;
    };
    const claims = () => jwt.decode(valid) as jwt.JwtPayload;

    it.each([
      ['no token', () => undefined],
      ['garbage', () => 'not.a.jwt'],
      ['alg none', () => jwt.sign({ ...claims() }, '', { algorithm: 'none' })],
    ])('refuses %s with 401', async (_label, make) => {
      const token = make();
      const req = t.http.get('/auth/me');
      const res = await (token ? req.set('authorization', `Bearer ${token}`) : req);
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('UNAUTHENTICATED');
    });

    it('refuses a token signed with another key, another algorithm, expired, for another issuer or audience, or tampered', async () => {
      const secret = await secretOf();
      const { iat: _i, exp: _e, ...base } = claims();
      const variants = {
        wrongKey: jwt.sign(base, 'another-secret-another-secret-123456', { algorithm: 'HS256', expiresIn: 600 }),
        wrongAlg: jwt.sign(base, secret, { algorithm: 'HS512', expiresIn: 600 }),
        expired: jwt.sign(
          { ...base, iat: Math.floor(Date.now() / 1000) - 3600, exp: Math.floor(Date.now() / 1000) - 60 },
          secret,
          { algorithm: 'HS256' },
        ),
        wrongIssuer: jwt.sign({ ...base, iss: 'someone-else' }, secret, { algorithm: 'HS256', expiresIn: 600 }),
        wrongAudience: jwt.sign({ ...base, aud: 'other-api' }, secret, { algorithm: 'HS256', expiresIn: 600 }),
        tampered: (() => {
          const [h, p, sig] = valid.split('.');
          const payload = JSON.parse(Buffer.from(p!, 'base64url').toString());
          payload.roles = ['system_admin'];
          return `${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${sig}`;
        })(),
        staleTokenVersion: jwt.sign({ ...base, tv: 0 }, secret, { algorithm: 'HS256', expiresIn: 600 }),
      };
      // Sanity: the same secret with the right claims is accepted.
      const control = jwt.sign(base, secret, { algorithm: 'HS256', expiresIn: 600 });
      expect((await t.http.get('/auth/me').set('authorization', `Bearer ${control}`)).status).toBe(200);
      for (const [label, token] of Object.entries(variants)) {
        const res = await t.http.get('/auth/me').set('authorization', `Bearer ${token}`);
        expect({ label, status: res.status }).toEqual({ label, status: 401 });
      }
    });
  });

  describe('passwords', () => {
    it('refuses short and common new passwords and ones equal to the current one', async () => {
      const user = await g.user(agency, ['caseworker']);
      const s = await g.session(user);
      for (const newPassword of ['short', 'password1234', 'qwertyuiop123', TEST_PASSWORD, 'a'.repeat(12)]) {
        const res = await t.http
          .post('/auth/password')
          .set(s.auth)
          .send({ currentPassword: TEST_PASSWORD, newPassword });
        expect({ newPassword, status: res.status, code: res.body.code }).toEqual({
          newPassword,
          status: 400,
          code: 'VALIDATION_FAILED',
        });
        expect(res.body.errors[0].field).toBe('newPassword');
      }
      const wrongCurrent = await t.http
        .post('/auth/password')
        .set(s.auth)
        .send({ currentPassword: 'not it at all', newPassword: 'a long unusual passphrase' });
      expect(wrongCurrent.status).toBe(400);
    });

    it('changing the password ends every session and gives a new one', async () => {
      const user = await g.user(agency, ['caseworker']);
      const s = await g.session(user);
      const res = await t.http
        .post('/auth/password')
        .set(s.auth)
        .send({ currentPassword: TEST_PASSWORD, newPassword: 'river lantern copper 2026' });
      expect(res.status).toBe(200);
      expect((await t.http.get('/auth/me').set(s.auth)).status).toBe(401);
      expect((await t.http.get('/auth/me').set('authorization', `Bearer ${res.body.accessToken}`)).status).toBe(200);
      expect((await login(user.email, TEST_PASSWORD)).status).toBe(401);
      expect((await login(user.email, 'river lantern copper 2026')).status).toBe(200);
    });

    it('a forced change blocks everything but the /auth routes until done', async () => {
      const user = await g.user(agency, ['caseworker'], { mustChangePassword: true });
      const s = await g.session(user);
      const blocked = await t.http.get('/agencies').set(s.auth);
      expect(blocked.status).toBe(403);
      expect(blocked.body.code).toBe('PASSWORD_CHANGE_REQUIRED');
      expect((await t.http.get('/auth/me').set(s.auth)).body.mustChangePassword).toBe(true);
      const changed = await t.http
        .post('/auth/password')
        .set(s.auth)
        .send({ currentPassword: TEST_PASSWORD, newPassword: 'mango terrace violin 88' });
      expect(changed.status).toBe(200);
      expect((await t.http.get('/agencies').set('authorization', `Bearer ${changed.body.accessToken}`)).status).toBe(
        200,
      );
    });
  });

  describe('brute force', () => {
    const ageFailures = (email: string) =>
      t.ownerQuery(
        `UPDATE rate_limit_counter SET window_start = now() - interval '20 minutes' WHERE key = 'login-fail:' || encode(sha256(convert_to($1, 'UTF8')), 'hex')`,
        [email],
      );

    it('backs off after 5 failures (429 with Retry-After, even with the right password), the same for unknown accounts', async () => {
      for (const email of [(await g.user(agency, ['caseworker'])).email, 'ghost@test.example']) {
        for (let i = 0; i < 5; i++) expect((await login(email, 'wrong password!!')).status).toBe(401);
        const blocked = await login(email, TEST_PASSWORD);
        expect(blocked.status).toBe(429);
        expect(blocked.body.code).toBe('RATE_LIMITED');
        expect(Number(blocked.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      }
    });

    it('locks the account after 10 failures until an administrator unlocks it', async () => {
      const victim = await g.user(agency, ['caseworker']);
      for (let i = 0; i < 10; i++) {
        await ageFailures(victim.email);
        expect((await login(victim.email, `wrong password ${i}`)).status).toBe(401);
      }
      await ageFailures(victim.email);
      const locked = await login(victim.email, TEST_PASSWORD);
      expect(locked.status).toBe(401);
      expect(locked.body.code).toBe('INVALID_CREDENTIALS');

      const admin = await g.session(await g.user(agency, ['agency_admin']));
      const shown = await t.http.get(`/users/${victim.id}`).set(admin.auth);
      expect(shown.body.locked).toBe(true);
      expect((await t.http.post(`/users/${victim.id}/unlock`).set(admin.auth)).status).toBe(200);
      expect((await login(victim.email, TEST_PASSWORD)).status).toBe(200);
      const events = await t.ownerQuery(
        `SELECT action FROM audit_event WHERE category = 'auth' AND $1 = ANY(resource_ids) ORDER BY id`,
        [victim.id],
      );
      expect(events.rows.map((r) => r.action)).toEqual(
        expect.arrayContaining(['login_failed', 'account_locked', 'login_succeeded']),
      );
    });
  });

  describe('cutting access', () => {
    it('deactivating a user cuts their access on the next request', async () => {
      const user = await g.user(agency, ['caseworker']);
      const s = await g.session(user);
      expect((await t.http.get('/auth/me').set(s.auth)).status).toBe(200);
      const admin = await g.session(await g.user(agency, ['agency_admin']));
      expect((await t.http.post(`/users/${user.id}/deactivate`).set(admin.auth)).status).toBe(200);
      expect((await t.http.get('/auth/me').set(s.auth)).status).toBe(401);
      expect((await t.http.post('/auth/refresh').send({ refreshToken: s.refreshToken })).status).toBe(401);
      expect((await login(user.email, TEST_PASSWORD)).status).toBe(401);
    });

    it('deactivating an agency cuts its users off', async () => {
      const other = await g.agency();
      const s = await g.session(await g.user(other, ['caseworker']));
      const admin = await g.systemAdmin();
      expect((await t.http.patch(`/agencies/${other.id}`).set(admin.auth).send({ active: false })).status).toBe(200);
      expect((await t.http.get('/auth/me').set(s.auth)).status).toBe(401);
    });
  });
});
