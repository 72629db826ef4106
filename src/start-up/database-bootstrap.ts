import pg from 'pg';
import type { Logger } from 'pino';
import type { AppConfig } from '../config/app-config.js';
import { LocalSecrets } from '../config/local-secrets.js';
import { seedReferenceData } from '../reference-data/reference-data.seeder.js';
import { ensureBootstrapAdmin } from '../users/bootstrap-admin.js';
import type { FirstStartCredentials } from '../users/first-start-notice.js';
import { APP_DB_ROLE } from '../database/database-roles.js';
import type { EmbeddedCluster } from './embedded-postgres.js';
import { runPendingMigrations, withDataSource } from './migrator.js';
import path from 'node:path';
import { enableRoleLogin, findCurrentRolePowers } from './start-up.queries.js';

export const EMBEDDED_DATABASE_NAME = 'ctcm';

export interface DatabaseHandle {
  /** Connection URL of the application role (not the owner; row-level security applies). */
  appUrl: string;
  /** Connection URL of the schema owner, when known: migrations and seeding use it. */
  ownerUrl?: string;
  embedded?: EmbeddedCluster;
  /** Stops the embedded server, if this process started one. */
  close(): Promise<void>;
}

/** Embedded default: a real PostgreSQL in DATA_DIR, with generated passwords kept beside it. */
export async function openDatabase(config: AppConfig, logger: Logger): Promise<DatabaseHandle> {
  if (config.database.url) {
    return { appUrl: config.database.url, ownerUrl: config.database.ownerUrl, close: async () => undefined };
  }
  // Loaded only here: a production image has no embedded binaries, and needs none with DATABASE_URL.
  const { ensureDatabase, startEmbeddedCluster } = await import('./embedded-postgres.js');
  const secrets = new LocalSecrets(config.dataDir);
  const superuserPassword = secrets.getOrCreate('postgresSuperuserPassword').value;
  const appPassword = secrets.getOrCreate('postgresAppPassword').value;
  const cluster = await startEmbeddedCluster({
    dir: path.join(config.dataDir, 'pg'),
    port: config.database.embeddedPort,
    superuserPassword,
    logger,
  });
  try {
    await ensureDatabase(cluster.url('postgres'), EMBEDDED_DATABASE_NAME);
  } catch (err) {
    await cluster.stop();
    throw err;
  }
  return {
    appUrl: cluster.url(EMBEDDED_DATABASE_NAME, APP_DB_ROLE, appPassword),
    ownerUrl: cluster.url(EMBEDDED_DATABASE_NAME),
    embedded: cluster,
    close: () => cluster.stop(),
  };
}

/** Gives the application role its login on a database this process provisions (embedded, tests). */
export async function enableAppRoleLogin(ownerUrl: string, password: string): Promise<void> {
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    await enableRoleLogin(client, APP_DB_ROLE, password);
  } finally {
    await client.end();
  }
}

/**
 * Refuses to run as a role that would bypass row-level security: a superuser, a role
 * with BYPASSRLS, or the owner of the tables.
 */
export async function assertAppRoleIsRestricted(appUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: appUrl });
  await client.connect();
  try {
    const role = await findCurrentRolePowers(client);
    if (!role || role.rolsuper || role.rolbypassrls || role.owns > 0) {
      throw new Error(
        'DATABASE_URL must connect as the application role (ctcm_app): not a superuser, without BYPASSRLS, owning no table. ' +
          'Use DATABASE_OWNER_URL for the owner that runs migrations.',
      );
    }
  } finally {
    await client.end();
  }
}

/**
 * Migrates, seeds reference data and checks the application role, as configured. Returns the
 * one-time password of an administrator created on this first start, for the caller to show.
 */
export async function prepareDatabase(
  config: AppConfig,
  db: DatabaseHandle,
  logger: Logger,
): Promise<FirstStartCredentials | undefined> {
  if (db.ownerUrl && config.database.migrateOnStart) {
    const applied = await runPendingMigrations(db.ownerUrl);
    if (applied.length) logger.info({ migrations: applied }, 'applied database migrations');
    await withDataSource(db.ownerUrl, (ds) => seedReferenceData(ds));
  }
  if (db.embedded && db.ownerUrl) {
    const secrets = new LocalSecrets(config.dataDir);
    await enableAppRoleLogin(db.ownerUrl, secrets.getOrCreate('postgresAppPassword').value);
  }
  await assertAppRoleIsRestricted(db.appUrl);
  return ensureBootstrapAdmin(db.appUrl, config, logger);
}
