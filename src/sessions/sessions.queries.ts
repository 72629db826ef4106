import type { EntityManager } from 'typeorm';
import { queryRows } from '../database/sql.js';

export interface OpenSessionRow {
  id: string;
  created_at: Date;
  last_used_at: Date | null;
  absolute_expires_at: Date;
  user_agent: string | null;
  client_ip: string | null;
  second_factor: string | null;
}

/** The user's sessions still open (not revoked, not past their absolute lifetime), newest first. */
export function listOpenSessions(m: EntityManager, userId: string): Promise<OpenSessionRow[]> {
  return queryRows<OpenSessionRow>(
    m,
    `SELECT id, created_at, last_used_at, absolute_expires_at, user_agent, client_ip, second_factor
       FROM auth_session WHERE user_id = $1 AND revoked_at IS NULL AND absolute_expires_at > now()
      ORDER BY created_at DESC, id DESC LIMIT 200`,
    [userId],
  );
}

/**
 * Ends one open session of the user: its refresh tokens stop rotating and its access tokens fail the
 * per-request check. Whether there was such a session.
 */
export async function revokeOpenSession(
  m: EntityManager,
  userId: string,
  sessionId: string,
  reason: string,
): Promise<boolean> {
  const rows = await queryRows<{ id: string }>(
    m,
    `UPDATE auth_session SET revoked_at = now(), revoked_reason = $3
      WHERE id = $2 AND user_id = $1 AND revoked_at IS NULL AND absolute_expires_at > now() RETURNING id`,
    [userId, sessionId, reason],
  );
  return rows.length > 0;
}
