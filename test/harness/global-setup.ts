import './resolve-ts.cjs';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { enableAppRoleLogin } from '../../src/start-up/database-bootstrap.js';
import { ensureDatabase, freeLocalPort, startEmbeddedCluster } from '../../src/start-up/embedded-postgres.js';
import { runPendingMigrations, withDataSource } from '../../src/start-up/migrator.js';
import { seedReferenceData } from '../../src/reference-data/reference-data.seeder.js';
import { installQueueSchema } from '../../src/queue/queue-schema.js';
import { appRoleUrl, superuserUrl, TEST_CLUSTER_ENV, type TestClusterInfo } from './test-cluster.js';

/**
 * One real PostgreSQL per test run, in a temporary folder: a migrated, seeded template
 * database that every test file clones (CREATE DATABASE … TEMPLATE), so files run in
 * parallel without cleaning up after each other.
 */
export default async function globalSetup(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ctcm-test-'));
  const info: TestClusterInfo = {
    dir,
    port: await freeLocalPort(),
    superuserPassword: 'test-superuser',
    appPassword: 'test-app-role',
    templateDatabase: 'ctcm_test_template',
    logDir: path.join(dir, 'logs'),
  };
  fs.mkdirSync(info.logDir, { recursive: true });
  const cluster = await startEmbeddedCluster({
    dir: path.join(dir, 'pg'),
    port: info.port,
    superuserPassword: info.superuserPassword,
    ephemeral: true,
  });
  (globalThis as Record<string, unknown>).__CTCM_TEST__ = { cluster, dir };

  await ensureDatabase(superuserUrl(info, 'postgres'), info.templateDatabase);
  const templateUrl = superuserUrl(info, info.templateDatabase);
  await runPendingMigrations(templateUrl);
  await withDataSource(templateUrl, seedReferenceData);
  await enableAppRoleLogin(templateUrl, info.appPassword);
  // The queue installs its tables on first start; in the template, every test database has them.
  await installQueueSchema(appRoleUrl(info, info.templateDatabase));
  process.env[TEST_CLUSTER_ENV] = JSON.stringify(info);
}
