import type { EntityManager } from 'typeorm';
import { queryRows } from '../database/sql.js';

/** graphile-worker's schema (created by migration, owned by the application role). */
export const QUEUE_SCHEMA = 'job_queue';

export interface JobSpec {
  task: string;
  payload: object;
  /** Jobs of one queue run one at a time (e.g. one receiver's deliveries). */
  queueName?: string | null;
  runAt?: Date | null;
  maxAttempts?: number | null;
  /** At most one waiting job per key: a second add replaces it (or keeps its time, 'preserve_run_at'). */
  jobKey?: string | null;
  jobKeyMode?: 'replace' | 'preserve_run_at';
}

/** Adds jobs in the caller's transaction: they exist exactly when the transaction commits. */
export async function addJobs(m: EntityManager, jobs: JobSpec[]): Promise<void> {
  if (!jobs.length) return;
  await m.query(
    `SELECT ${QUEUE_SCHEMA}.add_job(j.task, j.payload::json, queue_name => j.queue_name, run_at => j.run_at,
            max_attempts => j.max_attempts, job_key => j.job_key, job_key_mode => coalesce(j.job_key_mode, 'replace'))
       FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::int[], $6::text[], $7::text[])
            AS j(task, payload, queue_name, run_at, max_attempts, job_key, job_key_mode)`,
    [
      jobs.map((j) => j.task),
      jobs.map((j) => JSON.stringify(j.payload)),
      jobs.map((j) => j.queueName ?? null),
      jobs.map((j) => j.runAt ?? null),
      jobs.map((j) => j.maxAttempts ?? null),
      jobs.map((j) => j.jobKey ?? null),
      jobs.map((j) => j.jobKeyMode ?? null),
    ],
  );
}

/** Keeps this process's queue workers marked alive. */
export async function beatHeart(m: EntityManager, workerIds: string[]): Promise<void> {
  if (!workerIds.length) return;
  await m.query(
    `INSERT INTO job_queue_heartbeat (worker_id, seen_at) SELECT unnest($1::text[]), now()
     ON CONFLICT (worker_id) DO UPDATE SET seen_at = now()`,
    [workerIds],
  );
}

export async function forgetWorkers(m: EntityManager, workerIds: string[]): Promise<void> {
  await m.query('DELETE FROM job_queue_heartbeat WHERE worker_id = ANY($1::text[])', [workerIds]);
}

/**
 * Unlocks the jobs of workers whose process stopped beating (killed, crashed, cut off), so
 * other replicas run them now rather than after graphile-worker's 4-hour lock expiry.
 */
export async function unlockJobsOfDeadWorkers(m: EntityManager, silentForSeconds: number): Promise<string[]> {
  const dead = await queryRows<{ worker_id: string }>(
    m,
    `DELETE FROM job_queue_heartbeat WHERE seen_at < now() - make_interval(secs => $1) RETURNING worker_id`,
    [silentForSeconds],
  );
  const ids = dead.map((d) => d.worker_id);
  await forceUnlock(m, ids);
  return ids;
}

/** Unlocks the jobs and queues held by these workers (their pool has stopped) and forgets them. */
export async function unlockJobsOf(m: EntityManager, workerIds: string[]): Promise<void> {
  if (!workerIds.length) return;
  await forceUnlock(m, workerIds);
  await forgetWorkers(m, workerIds);
}

function forceUnlock(m: EntityManager, workerIds: string[]): Promise<unknown> {
  if (!workerIds.length) return Promise.resolve();
  return m.query(`SELECT ${QUEUE_SCHEMA}.force_unlock_workers($1::text[])`, [workerIds]);
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
