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

/** Takes a queued message for one attempt (counted); none when it was sent or given up already. */
export async function claimEmailJob(m: EntityManager, id: string): Promise<EmailJobRow | undefined> {
  const [row] = await queryRows<EmailJobRow>(
    m,
    `UPDATE email_job SET attempts = attempts + 1 WHERE id = $1 AND status = 'pending'
      RETURNING id, user_id, template, params, attempts`,
    [id],
  );
  return row;
}

export async function finishEmailJob(
  m: EntityManager,
  id: string,
  status: 'sent' | 'skipped' | 'failed',
  error?: string,
): Promise<void> {
  await m.query(`UPDATE email_job SET status = $2, finished_at = now(), last_error = $3 WHERE id = $1`, [
    id,
    status,
    error ?? null,
  ]);
}

export async function noteEmailJobError(m: EntityManager, id: string, error: string): Promise<void> {
  await m.query(`UPDATE email_job SET last_error = $2 WHERE id = $1`, [id, error]);
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

// --- In-app notifications -------------------------------------------------------------

export interface RecipientRow {
  user_id: string;
  agency_id: string;
  language: string | null;
  /** The channels chosen for the kind; null: not chosen (the defaults apply). */
  channels: string[] | null;
}

/** Who an event concerns, with their language and channels for the kind (see app_notification_recipients). */
export function findNotificationRecipients(
  m: EntityManager,
  q: {
    kind: string;
    roles: readonly string[];
    agencyIds: readonly string[];
    caseId: string | null;
    includeLead: boolean;
    excludeUserId: string | null;
  },
): Promise<RecipientRow[]> {
  return queryRows(
    m,
    `SELECT user_id, agency_id, language, channels
       FROM app_notification_recipients($1, $2::text[], $3::uuid[], $4::uuid, $5, $6::uuid)`,
    [q.kind, q.roles, q.agencyIds, q.caseId, q.includeLead, q.excludeUserId],
  );
}

export interface NewNotification {
  id: string;
  userId: string;
  agencyId: string;
  eventId: string;
  eventType: string;
  kind: string;
  caseId: string | null;
  caseNumber: string | null;
  subjectType: string;
  subjectId: string;
  params: Record<string, unknown>;
}

/** States notifications; a user already told of the event is not told twice (events arrive at least once). */
export async function insertNotifications(m: EntityManager, rows: NewNotification[]): Promise<void> {
  if (!rows.length) return;
  await m.query(`SELECT app_insert_notifications($1::jsonb)`, [
    JSON.stringify(
      rows.map((r) => ({
        id: r.id,
        user_id: r.userId,
        agency_id: r.agencyId,
        event_id: r.eventId,
        event_type: r.eventType,
        kind: r.kind,
        case_id: r.caseId,
        case_number: r.caseNumber,
        subject_type: r.subjectType,
        subject_id: r.subjectId,
        params: r.params,
      })),
    ),
  ]);
}

export interface NotificationRow {
  id: string;
  event_id: string;
  event_type: string;
  kind: string;
  case_id: string | null;
  case_number: string | null;
  subject_type: string;
  subject_id: string;
  params: Record<string, unknown>;
  created_at: Date;
  read_at: Date | null;
}

const NOTIFICATION_COLUMNS = `id, event_id, event_type, kind, case_id, case_number, subject_type, subject_id, params, created_at, read_at`;

/** The user's notifications, newest first (ids are time-ordered), before the cursor id. */
export function findNotificationsPage(
  m: EntityManager,
  userId: string,
  q: { unreadOnly: boolean; before: string | null; limit: number },
): Promise<NotificationRow[]> {
  return queryRows(
    m,
    `SELECT ${NOTIFICATION_COLUMNS} FROM notification
      WHERE user_id = $1 AND ($2::boolean IS NOT TRUE OR read_at IS NULL) AND ($3::uuid IS NULL OR id < $3::uuid)
      ORDER BY id DESC LIMIT $4`,
    [userId, q.unreadOnly, q.before, q.limit],
  );
}

/** The user's notifications after an id, oldest first (what a stream has not sent yet). */
export function findNotificationsAfter(
  m: EntityManager,
  userId: string,
  after: string | null,
  limit: number,
): Promise<NotificationRow[]> {
  return queryRows(
    m,
    `SELECT ${NOTIFICATION_COLUMNS} FROM notification
      WHERE user_id = $1 AND ($2::uuid IS NULL OR id > $2::uuid) ORDER BY id LIMIT $3`,
    [userId, after, limit],
  );
}

/** The newest notification id of the user (where a new stream starts when the client names none). */
export async function findLatestNotificationId(m: EntityManager, userId: string): Promise<string | null> {
  const [row] = await queryRows<{ id: string }>(
    m,
    `SELECT id FROM notification WHERE user_id = $1 ORDER BY id DESC LIMIT 1`,
    [userId],
  );
  return row?.id ?? null;
}

export async function countUnreadNotifications(m: EntityManager, userId: string): Promise<number> {
  const [row] = await queryRows<{ n: number }>(
    m,
    `SELECT count(*)::int AS n FROM notification WHERE user_id = $1 AND read_at IS NULL`,
    [userId],
  );
  return row?.n ?? 0;
}

/** Marks one of the user's notifications read (kept as read once read); undefined when it is not theirs. */
export async function markNotificationRead(
  m: EntityManager,
  userId: string,
  id: string,
): Promise<NotificationRow | undefined> {
  const [row] = await queryRows<NotificationRow>(
    m,
    `UPDATE notification SET read_at = coalesce(read_at, now()) WHERE id = $1 AND user_id = $2 RETURNING ${NOTIFICATION_COLUMNS}`,
    [id, userId],
  );
  return row;
}

/** Marks every unread notification of the user read; returns their ids. */
export async function markAllNotificationsRead(m: EntityManager, userId: string): Promise<string[]> {
  const rows = await queryRows<{ id: string }>(
    m,
    `UPDATE notification SET read_at = now() WHERE user_id = $1 AND read_at IS NULL RETURNING id`,
    [userId],
  );
  return rows.map((r) => r.id);
}
