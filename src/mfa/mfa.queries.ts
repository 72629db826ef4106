import type { EntityManager } from 'typeorm';
import { queryRows } from '../database/sql.js';

export interface SecondFactorRow {
  user_id: string;
  secret_enc: Buffer;
  confirmed_at: Date | null;
  last_used_step: string | null;
}

/** The user's second factor, if any (confirmed or still being enrolled). */
export function findSecondFactor(m: EntityManager, userId: string): Promise<SecondFactorRow[]> {
  return queryRows<SecondFactorRow>(
    m,
    'SELECT user_id, secret_enc, confirmed_at, last_used_step FROM user_second_factor WHERE user_id = $1',
    [userId],
  );
}

/** The user's second factor, locked: two verifications of one code never both pass. */
export function lockSecondFactor(m: EntityManager, userId: string): Promise<SecondFactorRow[]> {
  return queryRows<SecondFactorRow>(
    m,
    'SELECT user_id, secret_enc, confirmed_at, last_used_step FROM user_second_factor WHERE user_id = $1 FOR UPDATE',
    [userId],
  );
}

/** Starts (or restarts) an enrolment: a new unconfirmed secret replaces an unconfirmed one. */
export async function upsertPendingSecondFactor(m: EntityManager, userId: string, secretEnc: Buffer): Promise<void> {
  await m.query(
    `INSERT INTO user_second_factor (user_id, secret_enc) VALUES ($1, $2)
     ON CONFLICT (user_id) DO UPDATE SET secret_enc = EXCLUDED.secret_enc, created_at = now(), last_used_step = NULL
       WHERE user_second_factor.confirmed_at IS NULL`,
    [userId, secretEnc],
  );
}

/** Marks the factor confirmed, with the time step of the code that confirmed it. */
export async function confirmSecondFactor(m: EntityManager, userId: string, step: number): Promise<void> {
  await m.query(`UPDATE user_second_factor SET confirmed_at = now(), last_used_step = $2 WHERE user_id = $1`, [
    userId,
    step,
  ]);
}

/** Records the time step of an accepted code: that code, and every earlier one, is spent. */
export async function recordUsedStep(m: EntityManager, userId: string, step: number): Promise<void> {
  await m.query(`UPDATE user_second_factor SET last_used_step = $2 WHERE user_id = $1`, [userId, step]);
}

/** Removes the factor and its recovery codes (an administrator's reset); whether there was one. */
export async function deleteSecondFactor(m: EntityManager, userId: string): Promise<boolean> {
  await m.query('DELETE FROM user_recovery_code WHERE user_id = $1', [userId]);
  const rows = await queryRows<{ user_id: string }>(
    m,
    'DELETE FROM user_second_factor WHERE user_id = $1 RETURNING user_id',
    [userId],
  );
  return rows.length > 0;
}

/** Replaces the user's recovery codes with these hashes. */
export async function replaceRecoveryCodes(m: EntityManager, userId: string, hashes: Buffer[]): Promise<void> {
  await m.query('DELETE FROM user_recovery_code WHERE user_id = $1', [userId]);
  await m.query('INSERT INTO user_recovery_code (user_id, code_hash) SELECT $1, h FROM unnest($2::bytea[]) AS h', [
    userId,
    hashes,
  ]);
}

/** Spends one unused recovery code; whether it was there to spend. */
export async function useRecoveryCode(m: EntityManager, userId: string, hash: Buffer): Promise<boolean> {
  const rows = await queryRows<{ user_id: string }>(
    m,
    `UPDATE user_recovery_code SET used_at = now() WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL
     RETURNING user_id`,
    [userId, hash],
  );
  return rows.length > 0;
}

/** How many recovery codes the user has left. */
export async function countUnusedRecoveryCodes(m: EntityManager, userId: string): Promise<number> {
  const rows = await queryRows<{ n: number }>(
    m,
    'SELECT count(*)::int AS n FROM user_recovery_code WHERE user_id = $1 AND used_at IS NULL',
    [userId],
  );
  return rows[0]?.n ?? 0;
}

/** Whether the user has a confirmed second factor (asked at sign-in and refresh). */
export async function hasConfirmedSecondFactor(m: EntityManager, userId: string): Promise<boolean> {
  const rows = await queryRows<{ ok: boolean }>(
    m,
    'SELECT EXISTS (SELECT 1 FROM user_second_factor WHERE user_id = $1 AND confirmed_at IS NOT NULL) AS ok',
    [userId],
  );
  return rows[0]?.ok ?? false;
}

/** Opens a sign-in challenge (the password was right; a code is still owed). */
export async function insertChallenge(
  m: EntityManager,
  id: string,
  userId: string,
  tokenHash: Buffer,
  ttlSeconds: number,
): Promise<Date> {
  const rows = await queryRows<{ expires_at: Date }>(
    m,
    `INSERT INTO auth_mfa_challenge (id, user_id, token_hash, expires_at)
     VALUES ($1, $2, $3, now() + make_interval(secs => $4)) RETURNING expires_at`,
    [id, userId, tokenHash, ttlSeconds],
  );
  return rows[0]!.expires_at;
}

export interface ChallengeRow {
  id: string;
  user_id: string;
  expired: boolean;
  failed_attempts: number;
  consumed_at: Date | null;
}

/** The challenge with this token hash, locked for the verification. */
export function lockChallenge(m: EntityManager, tokenHash: Buffer): Promise<ChallengeRow[]> {
  return queryRows<ChallengeRow>(
    m,
    `SELECT id, user_id, expires_at <= now() AS expired, failed_attempts, consumed_at
       FROM auth_mfa_challenge WHERE token_hash = $1 FOR UPDATE`,
    [tokenHash],
  );
}

/** Counts a wrong code against the challenge. */
export async function countChallengeFailure(m: EntityManager, id: string): Promise<void> {
  await m.query('UPDATE auth_mfa_challenge SET failed_attempts = failed_attempts + 1 WHERE id = $1', [id]);
}

/** Spends the challenge: it gave its tokens once. */
export async function consumeChallenge(m: EntityManager, id: string): Promise<void> {
  await m.query('UPDATE auth_mfa_challenge SET consumed_at = now() WHERE id = $1', [id]);
}

/** Forgets the user's expired and spent challenges (each sign-in tidies its own). */
export async function deleteStaleChallenges(m: EntityManager, userId: string): Promise<void> {
  await m.query(
    `DELETE FROM auth_mfa_challenge WHERE user_id = $1 AND (consumed_at IS NOT NULL OR expires_at < now() - interval '1 hour')`,
    [userId],
  );
}
