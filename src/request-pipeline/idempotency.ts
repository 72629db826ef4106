import type { Request, Response } from 'express';
import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { type Actor, currentRequest } from '../common/context/request-context.js';
import { DomainError } from '../common/errors/domain-error.js';
import { canonicalJson } from '../audit/audit-hash.js';
import type { FieldCipher } from '../crypto/field-cipher.js';
import type { ReplayedAccess } from '../audit/access-entry.js';
import { deleteExpiredKey, findClaimedKey, insertKeyClaim, storeKeyResult } from './idempotency.queries.js';

const KEY_PATTERN = /^[A-Za-z0-9_.:-]{8,200}$/;

export interface IdempotencyClaim {
  /**
   * A stored result to send again instead of running the request, with what the original's
   * access entry named (null for results stored before replays were audited like originals).
   */
  replay?: { status: number; body: unknown; access: ReplayedAccess | null };
  /** Stores the result and what its access entry names once the request succeeded (same transaction). */
  complete?: (status: number, body: unknown, access: ReplayedAccess) => Promise<void>;
  /**
   * A streamed (multipart) body cannot be hashed before the handler reads it: before a replay,
   * the caller reads the body, records its fingerprint and asks here whether it is the same
   * request (IDEMPOTENCY_KEY_REUSED otherwise).
   */
  verifyStreamedBody?: (fingerprint: Buffer | undefined) => void;
}

const MULTIPART = /^multipart\/form-data\s*(;|$)/i;

/** Whether the body is streamed to the handler rather than parsed first (multipart uploads). */
export function hasStreamedBody(req: Request): boolean {
  return MULTIPART.test(req.header('content-type') ?? '');
}

function requestHash(req: Request, route: string, body: unknown): Buffer {
  return createHash('sha256')
    .update(`${req.method} ${route}\n`)
    .update(canonicalJson(req.params ?? {}))
    .update('\n')
    .update(canonicalJson(body))
    .digest();
}

/** What a streamed body is hashed as: its fingerprint once read; a placeholder no retry matches before that. */
const streamedBody = (fingerprint: Buffer | undefined) => ({
  streamed: fingerprint ? fingerprint.toString('hex') : 'not read',
});

const reused = () =>
  new DomainError(
    'IDEMPOTENCY_KEY_REUSED',
    'This Idempotency-Key was already used with another request; use a new key',
  );

/**
 * Idempotency-Key on POST: the first request with a key runs and its result is stored in the
 * same transaction; a retry with the same key and body gets that result again (nothing new is
 * created); the same key with another body is refused. A concurrent duplicate waits on the
 * key's row until the first commits. Keys live in PostgreSQL, so every replica shares them.
 * A streamed body (a multipart upload) is matched on its fingerprint (the fields, the file's name
 * and the SHA-256 of its bytes), known only once it was read: the first request stores it with
 * its result; a retry reads its body first (`verifyStreamedBody`).
 */
export async function claimIdempotencyKey(
  m: EntityManager,
  req: Request,
  actor: Actor,
  route: string,
  ttlHours: number,
  cipher: FieldCipher,
): Promise<IdempotencyClaim> {
  const key = req.header('idempotency-key');
  if (!key || req.method !== 'POST') return {};
  if (!KEY_PATTERN.test(key)) {
    throw new DomainError('VALIDATION_FAILED', 'Invalid Idempotency-Key', {
      errors: [{ field: 'Idempotency-Key', messages: ['8–200 characters of A-Z a-z 0-9 _ . : -'] }],
    });
  }
  const streamed = hasStreamedBody(req);
  const hash = requestHash(req, route, streamed ? streamedBody(undefined) : (req.body ?? null));
  const ctx = { table: 'idempotency_key', column: 'response_enc', id: `${actor.userId}:${key}` };
  await deleteExpiredKey(m, actor.userId, key);
  const inserted = await insertKeyClaim(m, actor.userId, key, route, hash, ttlHours);
  if (inserted.length) {
    return {
      complete: async (status, body, access) => {
        await storeKeyResult(
          m,
          actor.userId,
          key,
          status,
          cipher.encryptJson(body ?? null, ctx),
          JSON.stringify(access),
          streamed ? requestHash(req, route, streamedBody(currentRequest()?.streamedBodyFingerprint)) : hash,
        );
      },
    };
  }
  const existing = await findClaimedKey(m, actor.userId, key);
  if (!existing || existing.route !== route || (!streamed && !Buffer.from(existing.request_hash).equals(hash)))
    throw reused();
  if (existing.status === null || !existing.response_enc)
    throw new DomainError('CONFLICT', 'The first request with this Idempotency-Key is still running; retry shortly');
  const stored = Buffer.from(existing.request_hash);
  const verifyStreamedBody = streamed
    ? (fingerprint: Buffer | undefined) => {
        if (!fingerprint || !requestHash(req, route, streamedBody(fingerprint)).equals(stored)) throw reused();
      }
    : undefined;
  return {
    replay: {
      status: existing.status,
      body: cipher.decryptJson(existing.response_enc, ctx),
      access: existing.access_notes,
    },
    verifyStreamedBody,
  };
}

export function markReplayed(res: Response, status: number): void {
  res.status(status);
  res.setHeader('idempotency-replayed', 'true');
}
