import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { enableAppRoleLogin } from './database-bootstrap.js';
import { ensureDatabase, freeLocalPort, startEmbeddedCluster } from './embedded-postgres.js';
import { runPendingMigrations } from './migrator.js';

export interface ScratchDatabase {
  ownerUrl: string;
  appUrl: string;
}

/**
 * A throwaway, fully migrated PostgreSQL in a temporary folder, for tools that need a
 * schema but must never touch real data (migration generation, OpenAPI export).
 */
export async function withScratchDatabase<T>(fn: (db: ScratchDatabase) => Promise<T>): Promise<T> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ctcm-scratch-'));
  const cluster = await startEmbeddedCluster({
    dir: path.join(dir, 'pg'),
    port: await freeLocalPort(),
    superuserPassword: 'scratch',
    ephemeral: true,
  });
  try {
    await ensureDatabase(cluster.url('postgres'), 'scratch');
    const ownerUrl = cluster.url('scratch');
    await runPendingMigrations(ownerUrl);
    await enableAppRoleLogin(ownerUrl, 'scratch-app');
    return await fn({ ownerUrl, appUrl: cluster.url('scratch', 'ctcm_app', 'scratch-app') });
  } finally {
    await cluster.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
