import { AsyncLocalStorage } from 'node:async_hooks';
import type { EntityManager } from 'typeorm';

/** Who is acting: set by the authentication guard, read by access checks and the audit writer. */
export interface Actor {
  userId: string;
  agencyId: string;
  roles: string[];
  permissions: ReadonlySet<string>;
  tokenVersion: number;
  /** Session (refresh-token family) the access token belongs to. */
  sessionId?: string;
  /** The token serves only to set up the second factor the user's role requires (/auth routes). */
  mfaEnrolmentRequired?: boolean;
}

/**
 * Per-request context carried by AsyncLocalStorage: request id, actor, route template and
 * the ambient transaction. Business code still receives the actor explicitly; this store
 * serves the cross-cutting parts (transactions, row-level security, audit, logs).
 */
export interface RequestStore {
  requestId: string;
  actor?: Actor;
  routeTemplate?: string;
  /** The open transaction's manager, when one is open. */
  manager?: EntityManager;
  /** The open transaction is a read-only one on the standby (StandbyService.read), not the request's. */
  standbyRead?: boolean;
  /** Told whether the open transaction committed, once it ended (see TransactionService.afterTransaction). */
  afterTransaction?: ((committed: boolean) => void)[];
  /** For routes without a request transaction: told whether the access entry was written. */
  afterAccessEntry?: ((written: boolean) => void)[];
  /**
   * A statement sent ahead of the request transaction's opening, in the same exchange as its first
   * statement, and the check of its rows, which runs before anything the transaction read is
   * used (see TransactionService.run): the user re-check of a read (AccessGuard).
   */
  openingCheck?: OpeningCheck;
  /** Statements sent with the open transaction's COMMIT, in one exchange (see TransactionService.atCommit). */
  commitStatements?: [config: { name?: string; text: string }, values?: unknown[]][];
  /** What the request touched, for its access-log entry. */
  audit?: AuditNotes;
  /** The permission the route declares. */
  permission?: string;
  /**
   * The fingerprint of a body read as a stream (a multipart upload: see multipart-upload.ts),
   * recorded once the whole body was read; Idempotency-Key matches retries on it.
   */
  streamedBodyFingerprint?: Buffer;
  /** Request facts for the audit trail (id, client, method, start time). */
  facts?: { requestId: string; clientIp: string | null; userAgent: string | null; method: string; startedAt: number };
}

export interface OpeningCheck {
  statement: { name: string; text: string };
  values: unknown[];
  /** Throws to refuse the request; the transaction then rolls back and nothing it read is used. */
  verify(rows: unknown[]): Promise<void>;
}

export interface AuditNotes {
  resourceType?: string;
  resourceIds: Set<string>;
  caseIds: Set<string>;
  breakGlassGrantId?: string;
  /** Non-personal facts about the request's result (e.g. an export's range and hash). */
  details?: Record<string, unknown>;
  /** Set once the access entry is written, so it is never written twice. */
  written?: boolean;
}

export const requestContext = new AsyncLocalStorage<RequestStore>();

export function currentRequest(): RequestStore | undefined {
  return requestContext.getStore();
}
