import { type ChildProcess, spawn } from 'node:child_process';
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { enableAppRoleLogin } from '../../src/start-up/database-bootstrap.js';
import {
  type EmbeddedCluster,
  ensureDatabase,
  freeLocalPort,
  startEmbeddedCluster,
} from '../../src/start-up/embedded-postgres.js';
import { runPendingMigrations, withDataSource } from '../../src/start-up/migrator.js';
import { seedReferenceData } from '../../src/reference-data/reference-data.seeder.js';
import { ADMIN, createStaff, STAFF_PASSWORD } from '../desk/desk-setup.js';
import { ownListeningPort } from './listening-port.js';
import { TEST_CLUSTER_ENV, type TestClusterInfo } from './test-cluster.js';

/**
 * Process-level harness: a PostgreSQL cluster this test owns (so it can stop it) and API
 * processes of the production build (`dist/src/main.js`) on it, all sharing one set of keys,
 * as replicas in production would.
 */
export interface Deployment {
  dir: string;
  cluster: EmbeddedCluster;
  dbPort: number;
  ownerUrl: string;
  appUrl: string;
  env: Record<string, string>;
  owner: pg.Pool;
  restartDatabase(): Promise<void>;
  stopDatabase(): Promise<void>;
  close(): Promise<void>;
}

export async function deploy(): Promise<Deployment> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ctcm-deploy-'));
  const dbPort = await freeLocalPort();
  const superuserPassword = 'deploy-superuser';
  const start = () =>
    startEmbeddedCluster({ dir: path.join(dir, 'pg'), port: dbPort, superuserPassword, ephemeral: true });
  let cluster = await start();
  const ownerUrl = cluster.url('ctcm');
  try {
    await ensureDatabase(cluster.url('postgres'), 'ctcm');
    await runPendingMigrations(ownerUrl);
    await withDataSource(ownerUrl, seedReferenceData);
    await enableAppRoleLogin(ownerUrl, 'deploy-app');
  } catch (err) {
    // The caller gets no Deployment to close: a cluster left running would keep the jest worker alive.
    await cluster.stop().catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const appUrl = cluster.url('ctcm', 'ctcm_app', 'deploy-app');
  const env = {
    NODE_ENV: 'test',
    HOST: '127.0.0.1',
    DATABASE_URL: appUrl,
    DATABASE_MIGRATE_ON_START: 'false',
    // Ten times what a quiet machine needs: a busy one must not turn slow answers into 503s.
    DATABASE_CONNECT_TIMEOUT_MS: '10000',
    DATABASE_STATEMENT_TIMEOUT_MS: '30000',
    DATA_DIR: path.join(dir, 'data'),
    LOG_LEVEL: 'info',
    AUTH_RATE_LIMIT_PER_MINUTE: '10000',
    MFA_REQUIRED_ROLES: 'none',
    RATE_LIMIT_USER_PER_MINUTE: '1000000',
    RATE_LIMIT_IP_PER_MINUTE: '10000000',
    RATE_LIMIT_HEAVY_USER_PER_MINUTE: '1000000',
    RATE_LIMIT_HEAVY_IP_PER_MINUTE: '10000000',
    AUDIT_SEAL_INTERVAL_MS: '200',
    REFERRAL_EXPIRY_INTERVAL_MS: '200',
    JWT_SECRET: randomBytes(32).toString('hex'),
    AUDIT_SIGNING_KEY: generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}`,
    BLIND_INDEX_KEY: randomBytes(32).toString('base64'),
    // Staff are created through the API by this administrator (seedStaff).
    BOOTSTRAP_ADMIN_EMAIL: ADMIN.email,
    BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password,
  };
  const owner = new pg.Pool({ connectionString: ownerUrl, max: 2 });
  owner.on('error', () => undefined);
  return {
    dir,
    cluster,
    dbPort,
    ownerUrl,
    appUrl,
    env,
    owner,
    async stopDatabase() {
      await cluster.stop();
    },
    async restartDatabase() {
      cluster = await start();
    },
    async close() {
      await owner.end().catch(() => undefined);
      await cluster.stop().catch(() => undefined);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Api {
  port: number;
  base: string;
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export async function startApi(d: Deployment, extraEnv: Record<string, string> = {}): Promise<Api> {
  let out = '';
  const child = spawn(process.execPath, ['dist/src/main.js'], {
    env: { PATH: process.env.PATH ?? '', ...d.env, ...extraEnv, PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      // The run's log canary scan reads these lines too.
      const info = process.env[TEST_CLUSTER_ENV]
        ? (JSON.parse(process.env[TEST_CLUSTER_ENV]) as TestClusterInfo)
        : undefined;
      if (info) fs.appendFileSync(path.join(info.logDir, `spawned-${child.pid}.log`), out || '\n');
      resolve(code);
    }),
  );
  let port: number;
  try {
    port = await ownListeningPort(child, () => out);
    await untilReady(`http://127.0.0.1:${port}`, child, () => out);
  } catch (err) {
    // No Api reaches the caller to stop: a process left running would keep the jest worker alive.
    if (child.exitCode === null) child.kill('SIGKILL');
    await exited;
    throw err;
  }
  const base = `http://127.0.0.1:${port}`;
  return {
    port,
    base,
    child,
    exited,
    output: () => out,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      child.kill(signal);
      return exited;
    },
  };
}

async function untilReady(base: string, child: ChildProcess, out: () => string): Promise<void> {
  const t0 = Date.now();
  for (;;) {
    try {
      if ((await fetch(`${base}/health/ready`)).status === 200) return;
    } catch {
      // not ready yet
    }
    if (Date.now() - t0 > 120_000) throw new Error(`API did not become ready:\n${out()}`);
    if (child.exitCode !== null) throw new Error(`API exited with ${child.exitCode} before it was ready:\n${out()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * An agency and its staff, created as an administrator would through the API (the bootstrap
 * administrator every deployment has); each user has chosen STAFF_PASSWORD.
 */
export async function seedStaff(
  api: Api,
  roles: string[][],
): Promise<{ agencyId: string; users: { id: string; email: string }[] }> {
  const staff = await createStaff(
    api.base,
    { nameEn: 'Deploy agency', localType: 'shelter', htcdsOrgType: 'NGO', provinceCode: 'LA-VT' },
    roles.map((r, i) => ({ name: `${r[0]!.replaceAll('_', '-')}-${i}`, roles: r })),
  );
  return { agencyId: staff.agencyId, users: staff.users.map(({ id, email }) => ({ id, email })) };
}

export async function login(api: Api, email: string): Promise<Record<string, string>> {
  const res = await fetch(`${api.base}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: STAFF_PASSWORD }),
  });
  const body = (await res.json()) as { accessToken: string };
  return { authorization: `Bearer ${body.accessToken}`, 'content-type': 'application/json' };
}

/**
 * A POST as a partner client makes it (docs/partners.md, safe retries): with an Idempotency-Key,
 * retried after Retry-After while the API answers 503 (a database too slow to answer, as on a
 * machine busy with other work); a retry after a write that did land is answered from the key.
 */
export async function postWithRetries(
  api: Api,
  p: string,
  headers: Record<string, string>,
  body: unknown,
  attempts = 10,
): ReturnType<typeof call> {
  const keyed = { ...headers, 'Idempotency-Key': randomUUID() };
  for (let attempt = 1; ; attempt++) {
    const res = await call(api, 'POST', p, keyed, body);
    if (res.status !== 503 || attempt === attempts) return res;
    const retryAfter = Number(res.headers?.['retry-after'] ?? 1);
    await new Promise((r) => setTimeout(r, Math.min(Math.max(retryAfter, 1), 10) * 1000));
  }
}

export async function call(
  api: Api,
  method: string,
  p: string,
  headers: Record<string, string>,
  body?: unknown,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- bodies are asserted field by field, as with supertest
): Promise<{ status: number; body: any; ms: number; headers: Record<string, string> }> {
  const t0 = Date.now();
  const res = await fetch(`${api.base}${p}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(60_000),
  }).catch((err: Error) => {
    // Say whether the process is gone and why, not only "fetch failed".
    const state = api.child.exitCode === null ? 'still running' : `exited with ${api.child.exitCode}`;
    throw new Error(`${method} ${p}: ${err.message} (API ${state}); its last output:\n${api.output().slice(-4000)}`, {
      cause: err,
    });
  });
  const text = await res.text();
  return {
    status: res.status,
    body: text ? JSON.parse(text) : null,
    ms: Date.now() - t0,
    headers: Object.fromEntries(res.headers),
  };
}
