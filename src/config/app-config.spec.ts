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
  ])('refuses %j with a message naming the variable', (env, message) => {
    expect(() => loadConfig(env as Record<string, string>)).toThrow(ConfigError);
    expect(() => loadConfig(env as Record<string, string>)).toThrow(message);
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
});
