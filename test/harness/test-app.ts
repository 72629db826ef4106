import type { NestExpressApplication } from '@nestjs/platform-express';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import pg from 'pg';
import { pino } from 'pino';
import request from 'supertest';
import { createApp } from '../../src/app.factory.js';
import { type AppConfig, loadConfig } from '../../src/config/app-config.js';
import { baseLoggerOptions } from '../../src/common/logging/logger-options.js';
import { ensureDatabase } from '../../src/start-up/embedded-postgres.js';
import { appRoleUrl, superuserUrl, TEST_DATABASE_PREFIX, testClusterInfo } from './test-cluster.js';

export interface TestApp {
  app: NestExpressApplication;
  config: AppConfig;
  http: ReturnType<typeof request>;
  databaseName: string;
  /** Runs SQL as the schema owner (superuser), bypassing row-level security: for setup and assertions. */
  ownerQuery<T extends pg.QueryResultRow = pg.QueryResultRow>(
    sql: string,
    params?: unknown[],
  ): Promise<pg.QueryResult<T>>;
  /** Runs SQL as the application role, as the API does. */
  appQuery<T extends pg.QueryResultRow = pg.QueryResultRow>(
    sql: string,
    params?: unknown[],
  ): Promise<pg.QueryResult<T>>;
  /** Runs statements in one transaction as the application role (e.g. after set_config). */
  appTransaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T>;
  logFile: string;
  close(): Promise<void>;
}

export interface TestAppOptions {
  env?: Record<string, string>;
  /** Extra Nest modules, for tests that need a route production does not have. */
  extraModules?: unknown[];
  /**
   * A second app (another replica, other settings) on the database of a running one, with the
   * same keys: its close() stops the app and leaves the database to the first.
   */
  attachTo?: TestApp;
}

/**
 * Apps started in this worker and not closed yet. A start that outlives its beforeAll hook (a
 * busy machine) leaves the file's afterAll without an app to close, and its open pool would keep
 * the jest worker alive: closeLeftoverTestApps() (an afterAll of every file) closes those.
 */
const openApps = new Set<Promise<TestApp>>();

export async function closeLeftoverTestApps(): Promise<void> {
  const pending = [...openApps];
  openApps.clear();
  for (const started of pending) {
    const t = await started.catch(() => undefined);
    await t?.close().catch(() => undefined);
  }
}

/** A fresh database cloned from the migrated template, and the real app on top of it. */
export function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const started = createTestApp(options);
  openApps.add(started);
  return started;
}

async function createTestApp(options: TestAppOptions): Promise<TestApp> {
  const info = testClusterInfo();
  const databaseName = options.attachTo?.databaseName ?? `${TEST_DATABASE_PREFIX}${randomBytes(6).toString('hex')}`;
  if (!databaseName.startsWith(TEST_DATABASE_PREFIX))
    throw new Error('refusing to run tests on a database not named as a test database');
  if (!options.attachTo) await ensureDatabase(superuserUrl(info, 'postgres'), databaseName, info.templateDatabase);

  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    DATABASE_URL: appRoleUrl(info, databaseName),
    DATA_DIR: path.join(info.dir, 'data', databaseName),
    DATABASE_POOL_SIZE: '5',
    // Ten times what a quiet machine needs: a busy one must not turn a slow connect into a failure.
    DATABASE_CONNECT_TIMEOUT_MS: '30000',
    // Tests sign in many users from one address; the rate-limit test sets its own limit.
    AUTH_RATE_LIMIT_PER_MINUTE: '10000',
    // Second factors are optional here: test/identity/mfa.spec.ts runs the production default and
    // enrols through the API (given.enrolSecondFactor); every other file signs in with a password.
    MFA_REQUIRED_ROLES: 'none',
    // Budgets a test file's burst never reaches; rate-limits-everywhere.spec.ts sets small ones.
    RATE_LIMIT_USER_PER_MINUTE: '1000000',
    RATE_LIMIT_IP_PER_MINUTE: '10000000',
    RATE_LIMIT_HEAVY_USER_PER_MINUTE: '1000000',
    RATE_LIMIT_HEAVY_IP_PER_MINUTE: '10000000',
    // Tests seal the audit chain explicitly, so tamper checks are deterministic.
    AUDIT_SEAL_INTERVAL_MS: '0',
    REFERRAL_EXPIRY_INTERVAL_MS: '0',
    // Statistics from the raw rows; test/statistics/precomputed.spec.ts refreshes its counts explicitly.
    STATISTICS_REFRESH_INTERVAL_MS: '0',
    ...options.env,
  });
  const logFile = path.join(
    info.logDir,
    `${process.env.JEST_WORKER_ID ?? '0'}-${databaseName}${options.attachTo ? '-attached' : ''}.log`,
  );
  const logger = pino(baseLoggerOptions(config), pino.destination({ dest: logFile, sync: true, mkdir: true }));
  const app = await createApp(config, config.database.url!, logger, options.extraModules as never);

  const owner = new pg.Pool({ connectionString: superuserUrl(info, databaseName), max: 2 });
  const appRole = new pg.Pool({ connectionString: appRoleUrl(info, databaseName), max: 2 });
  const self: TestApp = {
    app,
    config,
    http: request(app.getHttpServer()),
    databaseName,
    ownerQuery: (sql, params) => owner.query(sql, params),
    appQuery: (sql, params) => appRole.query(sql, params),
    async appTransaction(work) {
      const client = await appRole.connect();
      try {
        await client.query('BEGIN');
        return await work(client);
      } finally {
        await client.query('ROLLBACK').catch(() => undefined);
        client.release();
      }
    },
    logFile,
    async close() {
      for (const started of openApps) if ((await started.catch(() => undefined)) === self) openApps.delete(started);
      await app.close();
      await owner.end();
      await appRole.end();
      if (options.attachTo) return;
      const admin = new pg.Client({ connectionString: superuserUrl(info, 'postgres') });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${admin.escapeIdentifier(databaseName)} WITH (FORCE)`);
      await admin.end();
    },
  };
  return self;
}
