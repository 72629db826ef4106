import { ConfigError, loadConfig } from './app-config.js';

describe('loadConfig', () => {
  it('applies the documented defaults', () => {
    const config = loadConfig({});
    expect(config.http.port).toBe(3000);
    expect(config.http.bodyLimitBytes).toBe(256 * 1024);
    expect(config.http.corsOrigins).toEqual([]);
    expect(config.database.url).toBeUndefined();
    expect(config.dataDir).toMatch(/\.data$/);
    expect(config.timeZone).toBe('Asia/Vientiane');
  });

  it('takes an IANA time zone and refuses an unknown one, naming TIME_ZONE', () => {
    expect(loadConfig({ TIME_ZONE: 'Asia/Bangkok' }).timeZone).toBe('Asia/Bangkok');
    expect(() => loadConfig({ TIME_ZONE: 'Mars/Olympus_Mons' })).toThrow(/TIME_ZONE: unknown time zone/);
    expect(() => loadConfig({ TIME_ZONE: 'Asia/Vientiane; DROP' })).toThrow(/TIME_ZONE/);
  });

  it.each([
    [{ PORT: 'abc' }, /PORT/],
    [{ PORT: '70000' }, /PORT/],
    [{ NODE_ENV: 'staging' }, /NODE_ENV/],
    [{ DATABASE_URL: 'mysql://x' }, /DATABASE_URL must be a postgres/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL/],
    [{ DATABASE_MIGRATE_ON_START: 'maybe' }, /DATABASE_MIGRATE_ON_START/],
    [{ BOOTSTRAP_ADMIN_EMAIL: 'admin@example.org' }, /BOOTSTRAP_ADMIN_EMAIL and BOOTSTRAP_ADMIN_PASSWORD/],
    [
      { BOOTSTRAP_ADMIN_EMAIL: 'admin@example.org', BOOTSTRAP_ADMIN_PASSWORD: 'short' },
      /BOOTSTRAP_ADMIN_PASSWORD must be at least 12/,
    ],
    [{ NODE_ENV: 'production' }, /DATABASE_URL: required in production/],
    [{ DATABASE_OWNER_URL: 'postgres://o@h/db' }, /DATABASE_OWNER_URL/],
    [{ DATABASE_PASSWORD: 'pw-without-url' }, /DATABASE_PASSWORD: set DATABASE_URL/],
    [
      { DATABASE_URL: 'postgres://ctcm_app:inline@db/ctcm', DATABASE_PASSWORD: 'second' },
      /DATABASE_PASSWORD: DATABASE_URL has a password already/,
    ],
    [{ DATABASE_REPLICA_URL: 'postgres://ctcm_app@standby/ctcm' }, /DATABASE_REPLICA_URL: set DATABASE_URL/],
    [{ DATABASE_REPLICA_URL: 'mysql://standby/ctcm' }, /DATABASE_REPLICA_URL must be a postgres:\/\/ connection URL/],
    [{ DATABASE_URL: 'postgres://ctcm_app@db/ctcm', DATABASE_REPLICA_MAX_LAG_MS: '-1' }, /DATABASE_REPLICA_MAX_LAG_MS/],
    [{ DEMO_DATA: 'true', NODE_ENV: 'production' }, /DEMO_DATA: demo data and demo accounts are refused in production/],
    [{ DEMO_PASSWORD: 'short' }, /DEMO_PASSWORD must be at least 12/],
  ])('refuses %j with a message naming the variable', (env, message) => {
    expect(() => loadConfig(env as Record<string, string>)).toThrow(ConfigError);
    expect(() => loadConfig(env as Record<string, string>)).toThrow(message);
  });

  it('reads retention schedules and a backup key of its own, refusing a data key as backup key', () => {
    const key = Buffer.alloc(32, 7).toString('base64');
    const other = Buffer.alloc(32, 9).toString('base64');
    const config = loadConfig({ RETENTION_SCHEDULES: 'persons:96,cases:36', BACKUP_KEYS: `b1:${other}` });
    expect(config.retention).toEqual({ schedules: { persons: 96, cases: 36 }, intervalMs: 86_400_000 });
    expect(config.backup.keys).toBe(`b1:${other}`);
    expect(() => loadConfig({ RETENTION_SCHEDULES: 'persons:ten' })).toThrow(/RETENTION_SCHEDULES/);
    expect(() => loadConfig({ BACKUP_KEYS: 'b1:short' })).toThrow(/BACKUP_KEYS/);
    expect(() => loadConfig({ ENCRYPTION_KEYS: `k1:${key}`, BACKUP_KEYS: `b1:${key}` })).toThrow(
      /BACKUP_KEYS: must differ from every ENCRYPTION_KEYS key/,
    );
  });

  it('names every bad variable at once', () => {
    try {
      loadConfig({ PORT: 'x', LOG_LEVEL: 'y' });
      throw new Error('expected a ConfigError');
    } catch (err) {
      expect((err as ConfigError).problems.join('\n')).toMatch(/PORT[\s\S]*LOG_LEVEL|LOG_LEVEL[\s\S]*PORT/);
    }
  });

  it('parses lists and booleans', () => {
    const config = loadConfig({ CORS_ORIGINS: 'https://a.example, https://b.example', SWAGGER_ENABLED: 'false' });
    expect(config.http.corsOrigins).toEqual(['https://a.example', 'https://b.example']);
    expect(config.http.swaggerEnabled).toBe(false);
  });

  it('puts separately given database passwords into the URLs, percent-encoded', async () => {
    const password = `p@ss:w/rd%?#'"\\ $x`;
    const config = loadConfig({
      DATABASE_URL: 'postgres://ctcm_app@db:5432/ctcm',
      DATABASE_PASSWORD: password,
      DATABASE_OWNER_URL: 'postgres://ctcm_owner@db:5432/ctcm',
      DATABASE_OWNER_PASSWORD: 'owner secret',
    });
    const { parse } = await import('pg-connection-string');
    expect(parse(config.database.url!)).toMatchObject({ user: 'ctcm_app', password, host: 'db', database: 'ctcm' });
    expect(parse(config.database.ownerUrl!)).toMatchObject({ user: 'ctcm_owner', password: 'owner secret' });
  });

  it('reads the standby as the same role: DATABASE_PASSWORD goes into DATABASE_REPLICA_URL too', async () => {
    const { parse } = await import('pg-connection-string');
    const config = loadConfig({
      DATABASE_URL: 'postgres://ctcm_app@db:5432/ctcm',
      DATABASE_REPLICA_URL: 'postgres://ctcm_app@standby:5432/ctcm',
      DATABASE_PASSWORD: 'app secret',
    });
    expect(parse(config.database.replica!.url)).toMatchObject({
      user: 'ctcm_app',
      password: 'app secret',
      host: 'standby',
    });
    expect(config.database.replica).toMatchObject({ maxLagMs: 10_000, checkIntervalMs: 1_000 });
    expect(loadConfig({ DATABASE_URL: 'postgres://ctcm_app:x@db/ctcm' }).database.replica).toBeUndefined();
  });

  it('loads demo data only when asked', () => {
    expect(loadConfig({}).demo).toEqual({ enabled: false, password: undefined });
    expect(loadConfig({ DEMO_DATA: 'true', DEMO_PASSWORD: 'a demo passphrase' }).demo).toEqual({
      enabled: true,
      password: 'a demo passphrase',
    });
  });
});
