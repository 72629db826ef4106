import { given, type GivenAgency, type GivenUser, TEST_PASSWORD } from '../harness/given.js';
import { startTestApp, type TestApp } from '../harness/test-app.js';

/** A user's sessions: listed with device, address and last use; one ended without the others; administrators too. */
describe('sessions', () => {
  let t: TestApp;
  let g: ReturnType<typeof given>;
  let agency: GivenAgency;
  let user: GivenUser;

  beforeAll(async () => {
    // One trusted proxy: the client address comes from X-Forwarded-For, as behind a load balancer.
    t = await startTestApp({ env: { TRUST_PROXY_HOPS: '1' } });
    g = given(t);
    agency = await g.agency();
    user = await g.user(agency, ['caseworker']);
  });
  afterAll(() => t.close());

  const signIn = (userAgent: string, ip: string) =>
    t.http
      .post('/auth/login')
      .set('user-agent', userAgent)
      .set('x-forwarded-for', ip)
      .send({ email: user.email, password: TEST_PASSWORD });
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  it('lists my open sessions with device, address, sign-in and last use, and marks the current one', async () => {
    const phone = await signIn('Mozilla/5.0 (Linux; Android 14) phone', '203.0.113.7');
    const laptop = await signIn('Mozilla/5.0 (X11; Linux x86_64) laptop', '198.51.100.9');
    const list = await t.http.get('/auth/sessions').set(bearer(laptop.body.accessToken));
    expect(list.status).toBe(200);
    const mine = list.body as { id: string; current: boolean; userAgent: string; createdAt: string }[];
    expect(mine.filter((s) => s.current)).toHaveLength(1);
    expect(mine.find((s) => s.current)).toMatchObject({
      userAgent: 'Mozilla/5.0 (X11; Linux x86_64) laptop',
      clientIp: '198.51.100.9',
    });
    expect(mine.map((s) => s.userAgent)).toEqual(
      expect.arrayContaining(['Mozilla/5.0 (Linux; Android 14) phone', 'Mozilla/5.0 (X11; Linux x86_64) laptop']),
    );
    for (const s of list.body) {
      expect(s).toEqual({
        id: expect.any(String),
        current: expect.any(Boolean),
        userAgent: expect.any(String),
        clientIp: expect.any(String),
        createdAt: expect.any(String),
        lastUsedAt: expect.any(String),
        expiresAt: expect.any(String),
        secondFactor: null,
      });
    }
    // A refresh is a use.
    const phoneRow = mine.find((s) => s.userAgent.includes('phone'))!;
    await new Promise((r) => setTimeout(r, 20));
    await t.http.post('/auth/refresh').send({ refreshToken: phone.body.refreshToken });
    const after = (await t.http.get('/auth/sessions').set(bearer(laptop.body.accessToken))).body as {
      id: string;
      lastUsedAt: string;
    }[];
    expect(new Date(after.find((s) => s.id === phoneRow.id)!.lastUsedAt).getTime()).toBeGreaterThan(
      new Date(phoneRow.createdAt).getTime(),
    );
  });

  it('ends one session: its access token and refresh token stop working, the others go on', async () => {
    const phone = await signIn('phone to lose', '203.0.113.8');
    const desk = await signIn('desk', '203.0.113.9');
    const list = (await t.http.get('/auth/sessions').set(bearer(desk.body.accessToken))).body as {
      id: string;
      userAgent: string;
    }[];
    const lost = list.find((s) => s.userAgent === 'phone to lose')!;
    const ended = await t.http.delete(`/auth/sessions/${lost.id}`).set(bearer(desk.body.accessToken));
    expect(ended.status).toBe(204);
    expect((await t.http.get('/auth/me').set(bearer(phone.body.accessToken))).status).toBe(401);
    const refresh = await t.http.post('/auth/refresh').send({ refreshToken: phone.body.refreshToken });
    expect([refresh.status, refresh.body.code]).toEqual([401, 'INVALID_REFRESH_TOKEN']);
    expect((await t.http.get('/auth/me').set(bearer(desk.body.accessToken))).status).toBe(200);
    const remaining = (await t.http.get('/auth/sessions').set(bearer(desk.body.accessToken))).body as { id: string }[];
    expect(remaining.map((s) => s.id)).not.toContain(lost.id);
    // Ending it again, or someone else's session, answers 404 alike.
    expect((await t.http.delete(`/auth/sessions/${lost.id}`).set(bearer(desk.body.accessToken))).status).toBe(404);
    const other = await g.session(await g.user(agency, ['caseworker']));
    expect((await t.http.delete(`/auth/sessions/${remaining[0]!.id}`).set(other.auth)).status).toBe(404);
    const audit = await t.ownerQuery(
      `SELECT action, reason FROM audit_event WHERE category = 'auth' AND action = 'session_ended' AND $1 = ANY(resource_ids)`,
      [user.id],
    );
    expect(audit.rows).toEqual([{ action: 'session_ended', reason: 'ended_by_user' }]);
  });

  it("lets an administrator list and end a user's sessions, within their agency only", async () => {
    const admin = await g.session(await g.user(agency, ['agency_admin']));
    const target = await g.session(await g.user(agency, ['caseworker']));
    const listed = await t.http.get(`/users/${target.user.id}/sessions`).set(admin.auth);
    expect(listed.status).toBe(200);
    expect(listed.body).toHaveLength(1);
    expect(listed.body[0].current).toBe(false);
    const ended = await t.http.delete(`/users/${target.user.id}/sessions/${listed.body[0].id}`).set(admin.auth);
    expect(ended.status).toBe(204);
    expect((await t.http.get('/auth/me').set(target.auth)).status).toBe(401);

    const outsider = await g.session(await g.user(await g.agency(), ['agency_admin']));
    expect((await t.http.get(`/users/${target.user.id}/sessions`).set(outsider.auth)).status).toBe(404);
    const caseworker = await g.session(await g.user(agency, ['caseworker']));
    expect((await t.http.get(`/users/${target.user.id}/sessions`).set(caseworker.auth)).status).toBe(403);
  });
});
