import { generateSync } from 'otplib';
import { DEFAULT_MFA_REQUIRED_ROLES, loadConfig } from '../../src/config/app-config.js';
import { setClock } from '../harness/clock.js';
import { given, type GivenAgency, type GivenUser, type Session, TEST_PASSWORD } from '../harness/given.js';
import { startTestApp, type TestApp } from '../harness/test-app.js';

/**
 * TOTP second factor with the production default of which roles need it: enrolment through the
 * API, sign-in through a challenge, ±1 step of clock drift, replay of a spent code, recovery codes,
 * guesses limited and audited, an administrator's reset. The API's clock (the Clock seam) is held
 * in the middle of a 30-second step, so a slow machine never pushes a code across a step edge.
 */
describe('multi-factor sign-in (TOTP)', () => {
  let t: TestApp;
  let g: ReturnType<typeof given>;
  let agency: GivenAgency;
  let restoreClock: () => void = () => undefined;
  /** The instant (seconds) the API's clock is held at: the middle of a step, moved on by each test. */
  let now: number;

  beforeAll(async () => {
    t = await startTestApp({ env: { MFA_REQUIRED_ROLES: DEFAULT_MFA_REQUIRED_ROLES.join(',') } });
    g = given(t);
    agency = await g.agency();
  });
  beforeEach(() => {
    now = Math.floor(Date.now() / 1000 / 30) * 30 + 15;
    restoreClock = setClock(t, () => new Date(now * 1000));
  });
  afterEach(() => restoreClock());
  afterAll(() => t.close());

  const login = (user: GivenUser) => t.http.post('/auth/login').send({ email: user.email, password: TEST_PASSWORD });
  const verify = (challengeToken: string, code: string) =>
    t.http.post('/auth/mfa/verify').send({ challengeToken, code });
  const codeAt = (secret: string, steps: number) => generateSync({ secret, epoch: now + steps * 30 });
  const authEvents = async (userId: string) =>
    (
      await t.ownerQuery<{ action: string; outcome: string }>(
        `SELECT action, outcome FROM audit_event WHERE category = 'auth' AND $1 = ANY(resource_ids) ORDER BY occurred_at, id`,
        [userId],
      )
    ).rows;
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  /** A supervisor (a role that needs the factor) who has set it up; the code confirming it was of `now`. */
  async function enrolledSupervisor(): Promise<{ user: GivenUser; secret: string; recoveryCodes: string[] }> {
    const user = await g.user(agency, ['case_supervisor']);
    const limited = await g.session(user);
    const { secret, recoveryCodes } = await g.enrolSecondFactor(limited, now);
    return { user, secret, recoveryCodes };
  }

  it('lets an optional role sign in with the password alone, and keeps a required role to enrolment until it enrols', async () => {
    const caseworker = await g.user(agency, ['caseworker']);
    const plain = await login(caseworker);
    expect(plain.status).toBe(200);
    expect(plain.body).toMatchObject({ mfaEnrolmentRequired: false });
    expect((await t.http.get('/cases').set(bearer(plain.body.accessToken))).status).toBe(200);

    const supervisor = await g.user(agency, ['case_supervisor']);
    const first = await login(supervisor);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ mfaEnrolmentRequired: true });
    const limited = bearer(first.body.accessToken);
    const refused = await t.http.get('/cases').set(limited);
    expect([refused.status, refused.body.code]).toEqual([403, 'MFA_ENROLMENT_REQUIRED']);
    expect((await t.http.get('/auth/me').set(limited)).body).toMatchObject({ mfaEnrolmentRequired: true });
    expect((await t.http.get('/auth/mfa').set(limited)).body).toEqual({
      enrolled: false,
      enrolledAt: null,
      required: true,
      recoveryCodesLeft: 0,
    });
    // A refresh keeps the limit while no factor is set up.
    const refreshed = await t.http.post('/auth/refresh').send({ refreshToken: first.body.refreshToken });
    expect(refreshed.body.mfaEnrolmentRequired).toBe(true);
    expect((await t.http.get('/cases').set(bearer(refreshed.body.accessToken))).status).toBe(403);
  });

  it('enrols with an otpauth:// URI and a first code, stores the secret encrypted, ends the password-only sessions and gives ten recovery codes once', async () => {
    const user = await g.user(agency, ['system_admin']);
    const limited = await g.session(user);
    const started = await t.http.post('/auth/mfa/enrolment').set(limited.auth);
    expect(started.status).toBe(200);
    const secret = started.body.secret as string;
    expect(secret).toMatch(/^[A-Z2-7]{26,}$/);
    const uri = new URL(started.body.otpauthUri);
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.host).toBe('totp');
    expect(uri.searchParams.get('secret')).toBe(secret);
    expect(uri.searchParams.get('issuer')).toBe(t.config.auth.mfaIssuer);
    expect(decodeURIComponent(uri.pathname)).toContain(user.email);

    const stored = await t.ownerQuery('SELECT secret_enc, confirmed_at FROM user_second_factor WHERE user_id = $1', [
      user.id,
    ]);
    expect(stored.rows[0].confirmed_at).toBeNull();
    expect(Buffer.from(stored.rows[0].secret_enc).includes(Buffer.from(secret))).toBe(false);

    const wrong = await t.http.post('/auth/mfa/enrolment/confirm').set(limited.auth).send({ code: '000000' });
    expect([wrong.status, wrong.body.code]).toEqual([401, 'INVALID_MFA_CODE']);

    const confirmed = await t.http
      .post('/auth/mfa/enrolment/confirm')
      .set(limited.auth)
      .send({ code: codeAt(secret, 0) });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toMatchObject({ mfaEnrolmentRequired: false });
    expect(confirmed.body.recoveryCodes).toHaveLength(10);
    expect(new Set(confirmed.body.recoveryCodes).size).toBe(10);
    const hashes = await t.ownerQuery('SELECT code_hash FROM user_recovery_code WHERE user_id = $1', [user.id]);
    expect(hashes.rows).toHaveLength(10);
    for (const row of hashes.rows)
      for (const code of confirmed.body.recoveryCodes)
        expect(Buffer.from(row.code_hash).toString()).not.toContain(code);

    // The password-only session has ended; the new one works everywhere the role reaches.
    expect((await t.http.get('/auth/me').set(limited.auth)).status).toBe(401);
    expect((await t.http.get('/agencies').set(bearer(confirmed.body.accessToken))).status).toBe(200);
    expect((await t.http.post('/auth/mfa/enrolment').set(bearer(confirmed.body.accessToken))).body.code).toBe(
      'MFA_ALREADY_ENROLLED',
    );
    expect((await authEvents(user.id)).map((e) => e.action)).toEqual(
      expect.arrayContaining(['mfa_enrolment_started', 'mfa_failed', 'mfa_enrolled']),
    );
  });

  it('answers a sign-in with a short-lived challenge, not tokens, and exchanges it once for tokens', async () => {
    const { user, secret } = await enrolledSupervisor();
    now += 30;
    const res = await login(user);
    expect(res.status).toBe(200);
    expect(res.body.accessToken).toBeUndefined();
    expect(res.body.refreshToken).toBeUndefined();
    expect(res.body.mfaRequired).toBe(true);
    const expiresIn = new Date(res.body.challengeExpiresAt).getTime() - Date.now();
    expect(expiresIn).toBeGreaterThan(0);
    expect(expiresIn).toBeLessThanOrEqual(300_000);

    const signedIn = await verify(res.body.challengeToken, codeAt(secret, 0));
    expect(signedIn.status).toBe(200);
    expect(signedIn.body).toMatchObject({ tokenType: 'Bearer', mfaEnrolmentRequired: false });
    expect((await t.http.get('/cases').set(bearer(signedIn.body.accessToken))).status).toBe(200);
    // The challenge is spent.
    now += 30;
    const again = await verify(res.body.challengeToken, codeAt(secret, 0));
    expect([again.status, again.body.code]).toEqual([401, 'INVALID_MFA_CHALLENGE']);
    const unknown = await verify('not-a-challenge-token-at-all-xxxx', codeAt(secret, 0));
    expect([unknown.status, unknown.body.code]).toEqual([401, 'INVALID_MFA_CHALLENGE']);
  });

  it('accepts a code one step behind or ahead of the server clock, and no further', async () => {
    const { user, secret } = await enrolledSupervisor();
    now += 5 * 30;
    const challenge = async () => (await login(user)).body.challengeToken as string;
    expect((await verify(await challenge(), codeAt(secret, -2))).status).toBe(401);
    expect((await verify(await challenge(), codeAt(secret, 2))).status).toBe(401);
    expect((await verify(await challenge(), codeAt(secret, -1))).status).toBe(200);
    expect((await verify(await challenge(), codeAt(secret, 1))).status).toBe(200);
  });

  it('refuses a used code (replay), and every code older than the last one used; the replay is audited as such', async () => {
    const { user, secret } = await enrolledSupervisor();
    now += 3 * 30;
    const code = codeAt(secret, 0);
    expect((await verify((await login(user)).body.challengeToken, code)).status).toBe(200);
    const replay = await verify((await login(user)).body.challengeToken, code);
    expect([replay.status, replay.body.code]).toEqual([401, 'INVALID_MFA_CODE']);
    // The previous step's code is within the drift window, but older than the one used.
    expect((await verify((await login(user)).body.challengeToken, codeAt(secret, -1))).status).toBe(401);
    const events = await authEvents(user.id);
    expect(events).toEqual(expect.arrayContaining([{ action: 'mfa_code_replayed', outcome: 'denied' }]));
  });

  it('signs in once with each recovery code', async () => {
    const { user, recoveryCodes } = await enrolledSupervisor();
    const first = await verify((await login(user)).body.challengeToken, recoveryCodes[0]!.toUpperCase());
    expect(first.status).toBe(200);
    const sessions = await t.http.get('/auth/sessions').set(bearer(first.body.accessToken));
    expect(sessions.body.find((s: { current: boolean }) => s.current)).toMatchObject({ secondFactor: 'recovery_code' });
    expect((await verify((await login(user)).body.challengeToken, recoveryCodes[0]!)).status).toBe(401);
    expect((await t.http.get('/auth/mfa').set(bearer(first.body.accessToken))).body.recoveryCodesLeft).toBe(9);
    expect((await authEvents(user.id)).map((e) => e.action)).toContain('recovery_code_used');
  });

  it('limits guesses: five wrong codes end a challenge, and then even the right code waits (429, audited)', async () => {
    const { user, secret } = await enrolledSupervisor();
    now += 30;
    const challenge = (await login(user)).body.challengeToken as string;
    for (let i = 0; i < 5; i++) {
      const wrong = await verify(challenge, i % 2 ? '111111' : '222222');
      expect([wrong.status, wrong.body.code]).toEqual([401, 'INVALID_MFA_CODE']);
    }
    const dead = await verify(challenge, codeAt(secret, 0));
    expect([dead.status, dead.body.code]).toEqual([401, 'INVALID_MFA_CHALLENGE']);
    const fresh = (await login(user)).body.challengeToken as string;
    const throttled = await verify(fresh, codeAt(secret, 0));
    expect([throttled.status, throttled.body.code]).toEqual([429, 'RATE_LIMITED']);
    expect(Number(throttled.headers['retry-after'])).toBeGreaterThan(60);
    // The RateLimit fields name the limit that refused, not the route's budget with requests left.
    expect(throttled.headers['ratelimit-policy']).toBe('"mfa-failures";q=5;w=900');
    expect(throttled.headers.ratelimit).toBe(`"mfa-failures";r=0;t=${throttled.headers['retry-after']}`);
    const events = await authEvents(user.id);
    expect(events.filter((e) => e.action === 'mfa_failed')).toHaveLength(5);
    expect(events.every((e) => e.action !== 'mfa_failed' || e.outcome === 'denied')).toBe(true);
    expect(events).toEqual(expect.arrayContaining([{ action: 'mfa_throttled', outcome: 'denied' }]));

    // A lost phone and a few guesses: the administrator's reset forgets the wrong codes, so the
    // user enrols again at once instead of waiting out the 15 minutes.
    const admin = (await g.enrolSecondFactor(await g.session(await g.user(agency, ['agency_admin'])), now)).session;
    expect((await t.http.post(`/users/${user.id}/reset-second-factor`).set(admin.auth)).status).toBe(204);
    const enrolledAgain = await g.enrolSecondFactor(await g.session(user), now);
    expect(enrolledAgain.recoveryCodes).toHaveLength(10);
  });

  it("lets an administrator reset a user's factor: audited, the user's sessions end, an event tells of it, and enrolment starts over", async () => {
    const { user, secret } = await enrolledSupervisor();
    now += 30;
    const userSession = await verify((await login(user)).body.challengeToken, codeAt(secret, 0));
    const admin: Session = (await g.enrolSecondFactor(await g.session(await g.user(agency, ['agency_admin'])), now))
      .session;
    const reset = await t.http.post(`/users/${user.id}/reset-second-factor`).set(admin.auth);
    expect(reset.status).toBe(204);
    expect((await t.http.get('/auth/me').set(bearer(userSession.body.accessToken))).status).toBe(401);
    const again = await t.http.post(`/users/${user.id}/reset-second-factor`).set(admin.auth);
    expect(again.status).toBe(422);

    const change = await t.ownerQuery(
      `SELECT actor_user_id, action FROM audit_event WHERE category = 'change' AND action = 'second_factor_reset' AND $1 = ANY(resource_ids)`,
      [user.id],
    );
    expect(change.rows).toEqual([{ actor_user_id: admin.user.id, action: 'second_factor_reset' }]);
    const event = await t.ownerQuery(`SELECT payload FROM domain_event WHERE type = 'account.second-factor-reset'`);
    expect(event.rows.map((r) => r.payload)).toContainEqual({ userId: user.id, resetByUserId: admin.user.id });

    // The next sign-in is password-only and limited to enrolling again.
    const next = await login(user);
    expect(next.body).toMatchObject({ mfaEnrolmentRequired: true });
    expect(next.body.mfaRequired).toBeUndefined();
    // Another agency's administrator cannot see the user at all.
    const other = await g.agency();
    const outsider = (await g.enrolSecondFactor(await g.session(await g.user(other, ['agency_admin'])), now)).session;
    expect((await t.http.post(`/users/${user.id}/reset-second-factor`).set(outsider.auth)).status).toBe(404);
  });

  it('reads MFA_REQUIRED_ROLES: the default roles, none, or a refusal of an unknown role', () => {
    const base = { NODE_ENV: 'test' };
    expect(loadConfig(base).auth.mfaRequiredRoles).toEqual(DEFAULT_MFA_REQUIRED_ROLES);
    expect(loadConfig({ ...base, MFA_REQUIRED_ROLES: 'none' }).auth.mfaRequiredRoles).toEqual([]);
    expect(loadConfig({ ...base, MFA_REQUIRED_ROLES: 'auditor,analyst' }).auth.mfaRequiredRoles).toEqual([
      'auditor',
      'analyst',
    ]);
    expect(() => loadConfig({ ...base, MFA_REQUIRED_ROLES: 'auditor,wizard' })).toThrow(/MFA_REQUIRED_ROLES/);
  });
});
