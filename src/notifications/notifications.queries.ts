import type { EntityManager } from 'typeorm';
import { queryRows } from '../database/sql.js';

export interface PreferenceRow {
  language: string;
  channels: Record<string, string[]>;
  updated_at: Date;
}

/** The user's own preferences (row-level security: only the user's row is visible). */
export async function findPreference(m: EntityManager, userId: string): Promise<PreferenceRow | undefined> {
  const [row] = await queryRows<PreferenceRow>(
    m,
    'SELECT language, channels, updated_at FROM notification_preference WHERE user_id = $1',
    [userId],
  );
  return row;
}

export async function upsertPreference(
  m: EntityManager,
  userId: string,
  language: string,
  channels: Record<string, string[]>,
): Promise<PreferenceRow> {
  const [row] = await queryRows<PreferenceRow>(
    m,
    `INSERT INTO notification_preference (user_id, language, channels) VALUES ($1, $2, $3::jsonb)
     ON CONFLICT (user_id) DO UPDATE SET language = EXCLUDED.language, channels = EXCLUDED.channels,
            updated_at = now(), version = notification_preference.version + 1
     RETURNING language, channels, updated_at`,
    [userId, language, JSON.stringify(channels)],
  );
  return row!;
}

export interface DigestRecipientRow {
  user_id: string;
  agency_id: string;
  roles: string[];
  language: string;
}

/** Active users of active agencies who chose the digest for at least one kind. */
export function findDigestRecipients(m: EntityManager): Promise<DigestRecipientRow[]> {
  return queryRows(m, 'SELECT user_id, agency_id, roles, language FROM app_email_digest_recipients()');
}

/** Queues a message; with a dedupe key, a second one for the same key is not queued. Returns whether it was. */
export async function insertEmailJob(
  m: EntityManager,
  job: { id: string; userId: string; template: string; params: Record<string, unknown>; dedupeKey?: string },
): Promise<boolean> {
  const rows = await queryRows<{ id: string }>(
    m,
    `INSERT INTO email_job (id, user_id, template, params, dedupe_key) VALUES ($1, $2, $3, $4::jsonb, $5)
     ON CONFLICT (dedupe_key) DO NOTHING RETURNING id`,
    [job.id, job.userId, job.template, JSON.stringify(job.params), job.dedupeKey ?? null],
  );
  return rows.length > 0;
}

export interface EmailJobRow {
  id: string;
  user_id: string;
  template: string;
  params: Record<string, unknown>;
  attempts: number;
}

/**
 * Claims up to `limit` due messages for this replica: locked for `lockMs` (another replica takes
 * one over only once that lapses, e.g. after a crash), and the attempt counted.
 */
export function claimDueEmailJobs(m: EntityManager, limit: number, lockMs: number): Promise<EmailJobRow[]> {
  return queryRows(
    m,
    `UPDATE email_job SET attempts = attempts + 1, locked_until = now() + make_interval(secs => $2::double precision / 1000)
      WHERE id IN (SELECT id FROM email_job
                    WHERE status = 'pending' AND run_after <= now() AND (locked_until IS NULL OR locked_until < now())
                    ORDER BY run_after LIMIT $1 FOR UPDATE SKIP LOCKED)
      RETURNING id, user_id, template, params, attempts`,
    [limit, lockMs],
  );
}

export async function finishEmailJob(
  m: EntityManager,
  id: string,
  status: 'sent' | 'skipped' | 'failed',
  error?: string,
) {
  await m.query(
    `UPDATE email_job SET status = $2, finished_at = now(), locked_until = NULL, last_error = $3 WHERE id = $1`,
    [id, status, error ?? null],
  );
}

export async function retryEmailJobLater(m: EntityManager, id: string, delayMs: number, error: string) {
  await m.query(
    `UPDATE email_job SET run_after = now() + make_interval(secs => $2::double precision / 1000), locked_until = NULL,
            last_error = $3 WHERE id = $1`,
    [id, delayMs, error],
  );
}

export interface EmailRecipientRow {
  email: string;
  agency_id: string;
  roles: string[];
  active: boolean;
}

/** The address is read at send time, never stored with the message; an inactive user or agency gets none. */
export async function findEmailRecipient(m: EntityManager, userId: string): Promise<EmailRecipientRow | undefined> {
  const [row] = await queryRows<EmailRecipientRow>(
    m,
    `SELECT u.email, u.agency_id, u.roles, (u.active AND a.active) AS active
       FROM app_user u JOIN agency a ON a.id = u.agency_id WHERE u.id = $1`,
    [userId],
  );
  return row;
}
