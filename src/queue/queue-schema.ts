import { runMigrations } from 'graphile-worker';
import { QUEUE_SCHEMA } from './queue.queries.js';

/** Installs or upgrades graphile-worker's tables as the application role (the queue does it at start too). */
export async function installQueueSchema(appUrl: string): Promise<void> {
  await runMigrations({ connectionString: appUrl, schema: QUEUE_SCHEMA, maxPoolSize: 2 });
}

/**
 * After a restore with --no-owner, the queue's tables belong to the restoring role and the
 * application role, which owned them, has no right on them: give it every right back (the
 * queue only needs rows and sequences; it owns nothing it must alter until a queue upgrade).
 */
export async function restoreQueuePrivileges(client: { query(sql: string): Promise<unknown> }): Promise<void> {
  await client.query(`DO $$
    BEGIN
      IF to_regnamespace('${QUEUE_SCHEMA}') IS NULL THEN RETURN; END IF;
      GRANT USAGE, CREATE ON SCHEMA ${QUEUE_SCHEMA} TO ctcm_app;
      GRANT ALL ON ALL TABLES IN SCHEMA ${QUEUE_SCHEMA} TO ctcm_app;
      GRANT ALL ON ALL SEQUENCES IN SCHEMA ${QUEUE_SCHEMA} TO ctcm_app;
      GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA ${QUEUE_SCHEMA} TO ctcm_app;
    END $$`);
}
