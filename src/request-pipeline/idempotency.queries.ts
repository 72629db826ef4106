import type { EntityManager } from 'typeorm';
import type { ReplayedAccess } from '../audit/access-entry.js';
import { queryRows } from '../database/sql.js';

/*
 * Idempotency keys, in the request's transaction. The table is the actor's own (keyed by user
 * id): row-level security limits a session to its user's keys.
 */

/** Forgets the actor's key if it has expired, so it can be claimed anew. */
export async function deleteExpiredKey(m: EntityManager, userId: string, key: string): Promise<void> {
  await m.query('DELETE FROM idempotency_key WHERE actor_user_id = $1 AND key = $2 AND expires_at < now()', [
    userId,
    key,
  ]);
}

/**
 * Claims the key for this request; one row back if it was free. A concurrent claim of the same
 * key waits on the row until the first transaction ends.
 */
export function insertKeyClaim(
  m: EntityManager,
  userId: string,
  key: string,
  route: string,
  requestHash: Buffer,
  ttlHours: number,
): Promise<{ key: string }[]> {
  return queryRows<{ key: string }>(
    m,
    `INSERT INTO idempotency_key (actor_user_id, key, route, request_hash, expires_at) VALUES ($1, $2, $3, $4, now() + make_interval(hours => $5))
     ON CONFLICT (actor_user_id, key) DO NOTHING RETURNING key`,
    [userId, key, route, requestHash, ttlHours],
  );
}

/**
 * Stores the result of the request that claimed the key (encrypted), what its access entry named,
 * and the request's hash (final only now for a streamed body).
 */
export async function storeKeyResult(
  m: EntityManager,
  userId: string,
  key: string,
  status: number,
  responseEnc: Buffer,
  accessNotes: string,
  requestHash: Buffer,
): Promise<void> {
  await m.query(
    `UPDATE idempotency_key SET status = $3, response_enc = $4, access_notes = $5, request_hash = $6
      WHERE actor_user_id = $1 AND key = $2`,
    [userId, key, status, responseEnc, accessNotes, requestHash],
  );
}

export interface StoredKeyRow {
  route: string;
  request_hash: Buffer;
  status: number | null;
  response_enc: Buffer | null;
  access_notes: ReplayedAccess | null;
}

/** The actor's claimed key: the request it was used with and, once that finished, its result. */
export async function findClaimedKey(m: EntityManager, userId: string, key: string): Promise<StoredKeyRow | undefined> {
  const [existing] = await queryRows<StoredKeyRow>(
    m,
    'SELECT route, request_hash, status, response_enc, access_notes FROM idempotency_key WHERE actor_user_id = $1 AND key = $2',
    [userId, key],
  );
  return existing;
}
