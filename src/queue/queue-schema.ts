import { runMigrations } from 'graphile-worker';
import { QUEUE_SCHEMA } from './queue.queries.js';

/** Installs or upgrades graphile-worker's tables as the application role (the queue does it at start too). */
export async function installQueueSchema(appUrl: string): Promise<void> {
  await runMigrations({ connectionString: appUrl, schema: QUEUE_SCHEMA, maxPoolSize: 2 });
}

/**
 * After a restore with --no-owner, the queue's tables belong to the restoring role, and
 * graphile-worker's private tables (row-level security, owner only) shut the application role
 * out: give it back what it owned. The restoring role must be a superuser or able to act as
 * the application role (e.g. the owner that created it).
 */
export async function restoreQueuePrivileges(client: { query(sql: string): Promise<unknown> }): Promise<void> {
  await client.query(`DO $$
    DECLARE r record;
    BEGIN
      IF to_regnamespace('${QUEUE_SCHEMA}') IS NULL THEN RETURN; END IF;
      GRANT USAGE, CREATE ON SCHEMA ${QUEUE_SCHEMA} TO ctcm_app;
      FOR r IN SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = '${QUEUE_SCHEMA}' AND c.relkind IN ('r', 'p', 'v') AND c.relname <> 'migrations' LOOP
        EXECUTE format('ALTER TABLE ${QUEUE_SCHEMA}.%I OWNER TO ctcm_app', r.relname);
      END LOOP;
      FOR r IN SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = '${QUEUE_SCHEMA}' AND c.relkind = 'S' AND pg_get_userbyid(c.relowner) <> 'ctcm_app'
                  AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('a', 'i')) LOOP
        EXECUTE format('ALTER SEQUENCE ${QUEUE_SCHEMA}.%I OWNER TO ctcm_app', r.relname);
      END LOOP;
      FOR r IN SELECT p.oid::regprocedure AS fn FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                WHERE n.nspname = '${QUEUE_SCHEMA}' LOOP
        EXECUTE format('ALTER ROUTINE %s OWNER TO ctcm_app', r.fn);
      END LOOP;
      FOR r IN SELECT t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
                WHERE n.nspname = '${QUEUE_SCHEMA}' AND (t.typtype IN ('e', 'd')
                  OR (t.typtype = 'c' AND (SELECT c.relkind FROM pg_class c WHERE c.oid = t.typrelid) = 'c')) LOOP
        EXECUTE format('ALTER TYPE ${QUEUE_SCHEMA}.%I OWNER TO ctcm_app', r.typname);
      END LOOP;
      GRANT ALL ON ALL TABLES IN SCHEMA ${QUEUE_SCHEMA} TO ctcm_app;
      GRANT ALL ON ALL SEQUENCES IN SCHEMA ${QUEUE_SCHEMA} TO ctcm_app;
    END $$`);
}
