import { pino } from 'pino';
import { ConfigError } from '../../src/config/app-config.js';
import { ensureBootstrapAdmin } from '../../src/users/bootstrap-admin.js';
import { startTestApp, type TestApp } from '../harness/test-app.js';

describe('the bootstrap administrator', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const bootstrap = (email: string, password: string) =>
    ensureBootstrapAdmin(
      t.config.database.url!,
      { ...t.config, bootstrapAdmin: { email, password } },
      pino({ enabled: false }),
    );

  it.each([
    ['a common password', 'admin@ctcm.example', 'password1234567', /BOOTSTRAP_ADMIN_PASSWORD is too common/],
    ['the email name', 'vientiane.admin@ctcm.example', 'vientiane.admin 2026!', /must not contain your email name/],
    ['one repeated character', 'admin@ctcm.example', 'zzzzzzzzzzzzzzzz', /must not repeat one character/],
  ])(
    'refuses %s at start-up, naming the rule that failed (never the password)',
    async (_what, email, password, rule) => {
      const refused = bootstrap(email, password);
      await expect(refused).rejects.toThrow(ConfigError);
      await expect(bootstrap(email, password)).rejects.toThrow(rule);
      await expect(bootstrap(email, password)).rejects.not.toThrow(password);
      expect((await t.ownerQuery('SELECT count(*)::int AS n FROM app_user')).rows[0].n).toBe(0);
    },
  );

  it('creates the administrator from an acceptable password', async () => {
    await bootstrap('admin@ctcm.example', 'a long and unusual passphrase');
    const login = await t.http
      .post('/auth/login')
      .send({ email: 'admin@ctcm.example', password: 'a long and unusual passphrase' });
    expect(login.status).toBe(200);
  });
});
