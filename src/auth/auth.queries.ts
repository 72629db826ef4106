import type { EntityManager } from 'typeorm';
import { type Queryable, prepared, preparedRows, queryRows } from '../database/sql.js';

export interface ActorRow {
  id: string;
  agency_id: string;
  roles: string[];
  token_version: number;
  must_change_password: boolean;
  user_count: number;
  user_reset: number;
  ip_count: number;
  ip_reset: number;
}

/*
 * The user re-check and the request's rate-limit hits in one statement, so counting costs no extra
 * round trip. The counters (unlogged table: no WAL flush to wait for) are upserted by the CTE whether
 * or not the user still stands; the session's last use is noted at most every five minutes.
 */
const CURRENT_ACTOR = prepared(
  `WITH hit AS (
     INSERT INTO rate_limit_counter AS r (key, window_start, count) VALUES ($4, now(), 1), ($5, now(), 1)
     ON CONFLICT (key) DO UPDATE SET
       count = CASE WHEN r.window_start <= now() - interval '60 seconds' THEN 1 ELSE r.count + 1 END,
       window_start = CASE WHEN r.window_start <= now() - interval '60 seconds' THEN now() ELSE r.window_start END
     RETURNING key, count, ceil(extract(epoch FROM r.window_start + interval '60 seconds' - now()))::int AS reset
   ), used AS (
     UPDATE auth_session SET last_used_at = now()
      WHERE id = $2 AND user_id = $1 AND last_used_at < now() - interval '5 minutes' RETURNING id
   )
   SELECT u.id, u.agency_id, u.roles, u.token_version, u.must_change_password,
          hu.count AS user_count, hu.reset AS user_reset, hi.count AS ip_count, hi.reset AS ip_reset
     FROM app_user u
     JOIN agency a ON a.id = u.agency_id AND a.active
     JOIN auth_session s ON s.id = $2 AND s.user_id = u.id AND s.revoked_at IS NULL AND s.absolute_expires_at > now()
     JOIN hit hu ON hu.key = $4
     JOIN hit hi ON hi.key = $5
    WHERE u.id = $1 AND u.active AND u.locked_at IS NULL AND u.token_version = $3`,
);

/**
 * The user behind an access token, if the token still stands: active user and agency, session
 * open, token version current (prepared: every authenticated request runs it, before any RLS
 * context); with it, the request counted against the user's and the client address's budgets.
 */
/** The user re-check as a statement and its values, to be sent later (AccessGuard's deferred check). */
export function currentActorStatement(
  userId: string,
  sessionId: string,
  tokenVersion: number,
  userKey: string,
  ipKey: string,
): { statement: { name: string; text: string }; values: unknown[] } {
  return { statement: CURRENT_ACTOR, values: [userId, sessionId, tokenVersion, userKey, ipKey] };
}

export function findCurrentActor(
  m: EntityManager,
  userId: string,
  sessionId: string,
  tokenVersion: number,
  userKey: string,
  ipKey: string,
): Promise<ActorRow[]> {
  return preparedRows<ActorRow>(m, CURRENT_ACTOR, [userId, sessionId, tokenVersion, userKey, ipKey]);
}

/** Counts one failed login against the user, locking the account at `lockAfter` failures; the new counts. */
export function recordFailedLogin(
  m: EntityManager,
  userId: string,
  lockAfter: number,
): Promise<{ failed_login_count: number; locked_at: Date | null }[]> {
  return queryRows<{ failed_login_count: number; locked_at: Date | null }>(
    m,
    `UPDATE app_user SET failed_login_count = failed_login_count + 1,
            locked_at = CASE WHEN locked_at IS NULL AND failed_login_count + 1 >= $2 THEN now() ELSE locked_at END
      WHERE id = $1 RETURNING failed_login_count, locked_at`,
    [userId, lockAfter],
  );
}

export interface RefreshTokenRow {
  id: string;
  session_id: string;
  used_at: Date | null;
  expires_at: Date;
  revoked_at: Date | null;
  absolute_expires_at: Date;
  user_id: string;
}

/** The refresh token with this hash and its session, both locked for the rotation. */
export function lockRefreshToken(m: EntityManager, tokenHash: Buffer): Promise<RefreshTokenRow[]> {
  return m.query(
    `SELECT t.id, t.session_id, t.used_at, t.expires_at, s.revoked_at, s.absolute_expires_at, s.user_id
       FROM auth_refresh_token t JOIN auth_session s ON s.id = t.session_id
      WHERE t.token_hash = $1 FOR UPDATE OF t, s`,
    [tokenHash],
  );
}

/** Revokes one session because a used refresh token came back (a stolen token is the likely cause). */
export async function revokeSessionForTokenReuse(m: EntityManager, sessionId: string): Promise<void> {
  await m.query(
    `UPDATE auth_session SET revoked_at = now(), revoked_reason = 'refresh_token_reused' WHERE id = $1 AND revoked_at IS NULL`,
    [sessionId],
  );
}

/** Revokes one session at the user's logout. */
export async function revokeSessionAtLogout(m: EntityManager, sessionId: string | undefined): Promise<void> {
  await m.query(
    `UPDATE auth_session SET revoked_at = now(), revoked_reason = 'logout' WHERE id = $1 AND revoked_at IS NULL`,
    [sessionId],
  );
}

/** Stores the user's own new password hash; the token version moves on, so every access token ends. */
export async function setChangedPassword(m: EntityManager, userId: string, passwordHash: string): Promise<void> {
  await m.query(
    `UPDATE app_user SET password_hash = $2, must_change_password = false, password_changed_at = now(),
            token_version = token_version + 1, version = version + 1, updated_at = now() WHERE id = $1`,
    [userId, passwordHash],
  );
}

/** Notes a session's use (at each refresh: what the user sees as its last use). */
export async function touchSession(m: EntityManager, sessionId: string): Promise<void> {
  await m.query('UPDATE auth_session SET last_used_at = now() WHERE id = $1', [sessionId]);
}

/** Revokes every open session of the user, with the reason. */
export async function revokeAllSessionsOf(m: EntityManager, userId: string, reason: string): Promise<void> {
  await m.query(
    `UPDATE auth_session SET revoked_at = now(), revoked_reason = $2 WHERE user_id = $1 AND revoked_at IS NULL`,
    [userId, reason],
  );
}

type CounterRow = { count: number; window_start: Date };

/** Counts one hit in a fixed window of `windowSeconds` (a new window once it has passed). */
export function hitFixedWindow(db: Queryable, key: string, windowSeconds: number): Promise<CounterRow[]> {
  return db.query(
    `INSERT INTO rate_limit_counter AS r (key, window_start, count) VALUES ($1, now(), 1)
     ON CONFLICT (key) DO UPDATE SET
       count = CASE WHEN r.window_start <= now() - make_interval(secs => $2) THEN 1 ELSE r.count + 1 END,
       window_start = CASE WHEN r.window_start <= now() - make_interval(secs => $2) THEN now() ELSE r.window_start END
     RETURNING count, window_start`,
    [key, windowSeconds],
  );
}

/** Counts one event of a streak that restarts after `memorySeconds` of quiet. */
export function hitStreak(db: Queryable, key: string, memorySeconds: number): Promise<CounterRow[]> {
  return db.query(
    `INSERT INTO rate_limit_counter AS r (key, window_start, count) VALUES ($1, now(), 1)
     ON CONFLICT (key) DO UPDATE SET
       count = CASE WHEN r.window_start <= now() - make_interval(secs => $2) THEN 1 ELSE r.count + 1 END,
       window_start = now()
     RETURNING count, window_start`,
    [key, memorySeconds],
  );
}

/** Counts one hit in a 60-second window: the count and the seconds until the window restarts. */
export function hitMinuteWindow(db: Queryable, key: string): Promise<{ count: number; reset: number }[]> {
  return db.query(
    `INSERT INTO rate_limit_counter AS r (key, window_start, count) VALUES ($1, now(), 1)
     ON CONFLICT (key) DO UPDATE SET
       count = CASE WHEN r.window_start <= now() - interval '60 seconds' THEN 1 ELSE r.count + 1 END,
       window_start = CASE WHEN r.window_start <= now() - interval '60 seconds' THEN now() ELSE r.window_start END
     RETURNING count, ceil(extract(epoch FROM r.window_start + interval '60 seconds' - now()))::int AS reset`,
    [key],
  );
}

/** A counter as it stands, without counting. */
export function findCounter(db: Queryable, key: string): Promise<CounterRow[]> {
  return db.query('SELECT count, window_start FROM rate_limit_counter WHERE key = $1', [key]);
}

/** Forgets a counter. */
export async function deleteCounter(db: Queryable, key: string): Promise<void> {
  await db.query('DELETE FROM rate_limit_counter WHERE key = $1', [key]);
}

/** Forgets the failed-login streak of an e-mail address (the counter key the login path hashes). */
export async function deleteLoginFailuresOf(m: EntityManager, email: string): Promise<void> {
  await m.query(
    `DELETE FROM rate_limit_counter WHERE key = 'login-fail:' || encode(sha256(convert_to($1, 'UTF8')), 'hex')`,
    [email],
  );
}

/** Forgets a user's wrong second-factor codes (the `mfa-fail:` counter of auth.service.ts). */
export async function deleteSecondFactorFailuresOf(m: EntityManager, userId: string): Promise<void> {
  await m.query(`DELETE FROM rate_limit_counter WHERE key = 'mfa-fail:' || $1::text`, [userId]);
}
