import { Inject, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { type AuditNotes, currentRequest, type RequestStore } from '../common/context/request-context.js';
import { TransactionService } from '../database/transaction.service.js';
import { type AuthEvent, type AuthEventSink, DENIED_AUTH_EVENTS } from '../auth/auth.service.js';
import { accessEntryIds, type ReplayedAccess, requestedIdsOf, returnedIdsOf } from './access-entry.js';
import type { AuditCategory, AuditOutcome, FieldChange } from './audit.types.js';
import { AUDIT_ENTRY_INSERT, insertAuditEntry } from './audit.queries.js';

type AuditRequest = Request & { id?: string; startedAt?: number };

export interface AuditWrite {
  category: AuditCategory;
  action: string;
  outcome: AuditOutcome;
  resourceType?: string | null;
  resourceIds?: string[] | null;
  caseIds?: string[] | null;
  status?: number | null;
  reason?: string | null;
  durationMs?: number | null;
  breakGlassGrantId?: string | null;
  changes?: FieldChange[] | null;
  details?: Record<string, unknown> | null;
  /** Overrides the actor of the request context (e.g. the user a login is for). */
  actor?: { userId?: string | null; agencyId?: string | null; roles?: string[] | null };
}

/** The request facts every entry carries, captured once per request by the context middleware. */
export interface RequestFacts {
  requestId: string;
  clientIp: string | null;
  userAgent: string | null;
  method: string;
  startedAt: number;
}

const factsKey = Symbol('auditFacts');
export function captureRequestFacts(request: Request): RequestFacts {
  const req = request as AuditRequest;
  const facts: RequestFacts = {
    requestId: req.id ?? 'unknown',
    clientIp: req.ip ?? req.socket?.remoteAddress ?? null,
    userAgent: req.header('user-agent')?.slice(0, 300) || null,
    method: req.method,
    startedAt: req.startedAt ?? Date.now(),
  };
  (req as unknown as Record<symbol, RequestFacts>)[factsKey] = facts;
  return facts;
}
export const requestFactsOf = (req: Request): RequestFacts | undefined =>
  (req as unknown as Record<symbol, RequestFacts>)[factsKey];

/**
 * Writes the audit trail: one access entry per request (allowed, denied or failed), change
 * entries for every create/update/delete, and authentication events. Entries go through the
 * ambient transaction, so they commit or roll back with the change they describe.
 * Never pass personal data: field changes of personal fields carry no values.
 */
@Injectable()
export class AuditService implements AuthEventSink {
  constructor(@Inject(TransactionService) private readonly tx: TransactionService) {}

  /** Notes what the current request read or changed, for its access entry. */
  touch(resourceType: string, ids: Iterable<string>, caseIds: Iterable<string> = []): void {
    const notes = this.notes();
    if (!notes) return;
    notes.resourceType ??= resourceType;
    for (const id of ids) notes.resourceIds.add(id);
    for (const id of caseIds) notes.caseIds.add(id);
  }

  /** A replayed answer names what its original named: the stored type, ids and case ids. */
  noteReplay(original: ReplayedAccess | null): void {
    const notes = this.notes();
    if (!notes) return;
    if (original) {
      if (original.resourceType) notes.resourceType = original.resourceType;
      for (const id of original.resourceIds) notes.resourceIds.add(id);
      for (const id of original.caseIds) notes.caseIds.add(id);
    }
    notes.details = { ...notes.details, idempotentReplay: true };
  }

  noteDetails(details: Record<string, unknown>): void {
    const notes = this.notes();
    if (notes) notes.details = { ...notes.details, ...details };
  }

  noteBreakGlass(grantId: string): void {
    const notes = this.notes();
    if (notes) notes.breakGlassGrantId = grantId;
  }

  /** A create, update or delete of a domain record, in the current transaction. */
  async change(
    action: 'create' | 'update' | 'delete' | string,
    resourceType: string,
    id: string,
    changes: FieldChange[],
    caseId?: string | null,
    details?: Record<string, unknown>,
  ): Promise<void> {
    this.touch(resourceType, [id], caseId ? [caseId] : []);
    await this.write({
      category: 'change',
      action,
      outcome: 'allowed',
      resourceType,
      resourceIds: [id],
      caseIds: caseId ? [caseId] : null,
      changes,
      details: details ?? null,
    });
  }

  async authEvent(event: AuthEvent, details: { userId?: string; agencyId?: string; reason?: string }): Promise<void> {
    await this.write({
      category: 'auth',
      action: event,
      outcome: DENIED_AUTH_EVENTS.has(event) ? 'denied' : 'allowed',
      reason: details.reason ?? null,
      resourceType: details.userId ? 'user' : null,
      resourceIds: details.userId ? [details.userId] : null,
      actor: details.userId ? { userId: details.userId, agencyId: details.agencyId ?? null, roles: null } : undefined,
    });
  }

  /**
   * The access entry of a request; written once, inside its transaction when it has one. What
   * it names (ids asked for and returned, case ids) follows one rule: accessEntryIds().
   */
  async access(
    req: Request,
    store: RequestStore | undefined,
    facts: RequestFacts,
    route: string | undefined,
    permission: string | undefined,
    outcome: AuditOutcome,
    status: number,
    reason?: string,
    responseBody?: unknown,
    options: { atCommit?: boolean } = {},
  ): Promise<void> {
    const notes = store?.audit;
    if (notes?.written) return;
    if (notes) notes.written = true;
    await this.write(
      {
        category: 'access',
        action: permission?.split('.')[1] ?? facts.method.toLowerCase(),
        outcome,
        status,
        reason: reason ?? null,
        ...accessEntryIds(notes, requestedIdsOf(req), returnedIdsOf(responseBody), permission?.split('.')[0] ?? null),
        durationMs: Date.now() - facts.startedAt,
        breakGlassGrantId: notes?.breakGlassGrantId ?? null,
      },
      { store, facts, route, permission, atCommit: options.atCommit },
    );
  }

  private notes(): AuditNotes | undefined {
    const store = currentRequest();
    if (!store) return undefined;
    store.audit ??= { resourceIds: new Set(), caseIds: new Set() };
    return store.audit;
  }

  private async write(
    w: AuditWrite,
    ctx: { store?: RequestStore; facts?: RequestFacts; route?: string; permission?: string; atCommit?: boolean } = {},
  ): Promise<void> {
    const store = ctx.store ?? currentRequest();
    const facts = ctx.facts ?? store?.facts;
    const actor =
      w.actor ??
      (store?.actor
        ? { userId: store.actor.userId, agencyId: store.actor.agencyId, roles: store.actor.roles }
        : undefined);
    const values = [
      w.category,
      w.action,
      facts?.requestId ?? store?.requestId ?? null,
      actor?.userId ?? null,
      actor?.agencyId ?? null,
      actor?.roles ?? null,
      facts?.clientIp ?? null,
      facts?.userAgent ?? null,
      facts?.method ?? null,
      ctx.route ?? store?.routeTemplate ?? null,
      ctx.permission ?? store?.permission ?? null,
      w.resourceType ?? null,
      w.resourceIds ?? null,
      w.caseIds ?? null,
      w.outcome,
      w.status ?? null,
      w.reason ?? null,
      w.durationMs ?? null,
      w.breakGlassGrantId ?? null,
      w.changes ? JSON.stringify(w.changes) : null,
      w.details ? JSON.stringify(w.details) : null,
    ];
    // The request's access entry, last in its transaction, travels with the COMMIT (one exchange).
    if (ctx.atCommit && this.tx.inTransaction()) this.tx.atCommit(AUDIT_ENTRY_INSERT, values);
    else await insertAuditEntry(this.tx.manager(), values);
  }
}

/** Field-level diff for the change log; values of personal fields are never kept. */
export function diffFields<T extends object>(
  before: Partial<T> | null,
  after: Partial<T>,
  personal: ReadonlySet<string> = new Set(),
): FieldChange[] {
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after)]);
  const changes: FieldChange[] = [];
  for (const key of keys) {
    const a = (before as Record<string, unknown> | null)?.[key];
    const b = (after as Record<string, unknown>)[key];
    if (b === undefined && before) continue;
    const norm = (v: unknown) => (v instanceof Date ? v.toISOString() : v);
    if (JSON.stringify(norm(a)) === JSON.stringify(norm(b))) continue;
    changes.push(
      personal.has(key)
        ? { field: key, personal: true }
        : { field: key, personal: false, old: norm(a) ?? null, new: norm(b) ?? null },
    );
  }
  return changes;
}
