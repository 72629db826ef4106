import fs from 'node:fs';
import path from 'node:path';
import jwt from 'jsonwebtoken';
import { PasswordService } from '../../src/auth/password.service.js';
import { given, type GivenAgency, TEST_PASSWORD } from '../harness/given.js';
import { startTestApp, type TestApp } from '../harness/test-app.js';

/** RFC 6750 challenges that say why a token was refused, and a password change that says what to do next. */
describe('signing in from Swagger UI', () => {
  let t: TestApp;
  let g: ReturnType<typeof given>;
  let agency: GivenAgency;

  beforeAll(async () => {
    t = await startTestApp();
    g = given(t);
    agency = await g.agency();
  });
  afterAll(() => t.close());

  const me = (authorization?: string) => {
    const req = t.http.get('/auth/me');
    return authorization === undefined ? req : req.set('authorization', authorization);
  };
  const challenge = (error: string | undefined, description: RegExp) => ({
    header: error
      ? expect.stringMatching(new RegExp(`^Bearer realm="ctcm-api", error="${error}", error_description="[^"]+"$`))
      : 'Bearer realm="ctcm-api"',
    status: 401,
    code: 'UNAUTHENTICATED',
    detail: expect.stringMatching(description),
  });
  const answer = (res: {
    status: number;
    headers: Record<string, string>;
    body: { code: string; detail: string };
  }) => ({
    header: res.headers['www-authenticate'],
    status: res.status,
    code: res.body.code,
    detail: res.body.detail,
  });

  it('tells a missing token, a wrong scheme, a malformed, a foreign, an expired and a revoked token apart', async () => {
    const user = await g.user(agency, ['caseworker']);
    const session = await g.session(user);
    const secret = JSON.parse(fs.readFileSync(path.join(t.config.dataDir, 'secrets.json'), 'utf8')).jwtSecret as string;
    const { iat: _i, exp: _e, ...claims } = jwt.decode(session.token) as jwt.JwtPayload;
    const expired = jwt.sign({ ...claims, iat: Math.floor(Date.now() / 1000) - 3600 }, secret, {
      algorithm: 'HS256',
      expiresIn: -60,
    });
    const foreign = jwt.sign(claims, 'another-secret-another-secret-123456', { algorithm: 'HS256', expiresIn: 600 });

    expect(answer(await me())).toEqual(challenge(undefined, /No access token/));
    expect(answer(await me(`Basic ${Buffer.from('a:b').toString('base64')}`))).toEqual(
      challenge('invalid_token', /Bearer scheme/),
    );
    expect(answer(await me(session.token))).toEqual(challenge('invalid_token', /Bearer scheme/));
    expect(answer(await me('Bearer not-a-jwt'))).toEqual(challenge('invalid_token', /malformed/));
    expect(answer(await me(`Bearer ${foreign}`))).toEqual(challenge('invalid_token', /not issued by this API/));
    expect(answer(await me(`Bearer ${expired}`))).toEqual(challenge('invalid_token', /expired/));
    const reasons = new Set<string>();
    for (const a of [undefined, 'Basic x', 'Bearer x', `Bearer ${foreign}`, `Bearer ${expired}`])
      reasons.add((await me(a)).body.reason);
    expect(reasons.size).toBe(5);

    expect((await t.http.post('/auth/logout').set(session.auth)).status).toBe(204);
    const revoked = await me(session.auth.authorization);
    expect(answer(revoked)).toEqual(challenge('invalid_token', /no longer works/));
    expect(revoked.body.reason).toBe('revoked_token');
    expect(revoked.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('answers a wrong password with a challenge too', async () => {
    const res = await t.http.post('/auth/login').send({ email: 'nobody@ctcm.test', password: 'wrong password here' });
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('INVALID_CREDENTIALS');
    expect(res.headers['www-authenticate']).toBe('Bearer realm="ctcm-api"');
  });

  it('says to authorise again after a password change, with the new token that works', async () => {
    const user = await g.user(agency, ['caseworker']);
    const s = await g.session(user);
    const res = await t.http
      .post('/auth/password')
      .set(s.auth)
      .send({ currentPassword: TEST_PASSWORD, newPassword: 'sticky rice at Pha That Luang' });
    expect(res.status).toBe(200);
    expect(res.body.message).toMatch(/paste this accessToken into Authorize/);
    expect((await me(s.auth.authorization)).body.reason).toBe('revoked_token');
    expect((await me(`Bearer ${res.body.accessToken}`)).status).toBe(200);
  });

  it('refuses Swagger UI’s default "stringstring", other repetitions, sequences and common passwords', () => {
    const policy = new PasswordService();
    const refused = [
      'stringstring',
      'StringString',
      'string string',
      'abcabcabcabc',
      'passwordpassword',
      'abcdefghijklm',
      '098765432109',
      'qwertyuiopas',
      'aabbaabbccdd',
      'password1234',
      'iloveyou2026!',
    ];
    const accepted = ['sticky rice at Pha That Luang', 'river lantern copper 2026', 'Mekong-ferry-at-dawn-7'];
    const verdict = (p: string) => {
      try {
        policy.assertAcceptable(p);
        return 'accepted';
      } catch {
        return 'refused';
      }
    };
    expect(refused.map((p) => [p, verdict(p)])).toEqual(refused.map((p) => [p, 'refused']));
    expect(accepted.map((p) => [p, verdict(p)])).toEqual(accepted.map((p) => [p, 'accepted']));
  });

  it('refuses "stringstring" as a new password through the API', async () => {
    const user = await g.user(agency, ['caseworker']);
    const s = await g.session(user);
    const res = await t.http
      .post('/auth/password')
      .set(s.auth)
      .send({ currentPassword: TEST_PASSWORD, newPassword: 'stringstring' });
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([{ field: 'newPassword', messages: expect.arrayContaining([expect.any(String)]) }]);
  });
});
