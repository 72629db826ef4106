import type { Request } from 'express';
import type { AuditNotes } from '../common/context/request-context.js';
import { UUID_PATTERN } from '../common/uuid.js';

/**
 * What an access entry names, whatever the outcome (allowed, denied, failed, replayed): the
 * ids the request asked for (path, body and filter ids) and the ids the response returned,
 * and every case id among them. See docs/audit-access-entries.md.
 *
 * `resourceIds` and `caseIds` hold both (so every lookup by id or case finds refusals and
 * probes too); `details.requested` names the ids the request asked for, by name, so an
 * auditor tells a probe (asked, refused: nothing returned) from an access (returned).
 */
export interface AccessEntryIds {
  resourceType: string | null;
  resourceIds: string[] | null;
  caseIds: string[] | null;
  details: Record<string, unknown> | null;
}

/** Ids the request named, by name: `caseId`, `noteId`, `personId`, `coveredAgencyIds`... */
export type RequestedIds = Record<string, string[]>;

/** Enough for any real request; a flood of ids in a refused body is cut, and the cut is said. */
const MAX_REQUESTED_IDS = 100;
/** Body and filter fields that carry a case id without saying so in their name. */
const CASE_ID_FIELDS = new Set(['caseId', 'caseIds', 'eligibleFor']);
/** Fields that end in Id but name no record. */
const NOT_RECORD_IDS = new Set(['requestId', 'keyId', 'eventId']);
const ID_FIELD = /^[a-z][A-Za-z]*Ids?$/;
/** A typed reference `{ kind: 'expected_arrival', id }` names its id by its kind (`expectedArrivalId`). */
const TYPED_REFERENCE_KIND = /^[a-z]+(?:_[a-z]+)*$/;
const MAX_BODY_DEPTH = 3;

/** `support-plans` → `supportPlan`, `facilities` → `facility`, `cases` → `case`, `expected_arrival` → `expectedArrival`. */
function singular(collection: string): string {
  const camel = collection.replace(/[-_]([a-z])/g, (_m, c: string) => c.toUpperCase());
  if (camel.endsWith('ies')) return `${camel.slice(0, -3)}y`;
  return camel.endsWith('s') ? camel.slice(0, -1) : camel;
}

const isId = (value: unknown): value is string => typeof value === 'string' && UUID_PATTERN.test(value);

/**
 * The ids a request named. Only well-formed UUIDs are kept (anything else a caller typed into
 * a path or field could be personal data); query strings themselves are never kept.
 * A path parameter is named by the collection it follows (`/cases/:id/notes/:recordId` →
 * `caseId`, `noteId`); body and filter fields by their own name.
 */
export function requestedIdsOf(req: Request): { ids: RequestedIds; truncated: boolean } {
  const ids: RequestedIds = {};
  let count = 0;
  let truncated = false;
  const add = (name: string, value: unknown) => {
    if (!isId(value)) return;
    const id = value.toLowerCase();
    const list = (ids[name] ??= []);
    if (list.includes(id)) return;
    if (count >= MAX_REQUESTED_IDS) {
      truncated = true;
      return;
    }
    list.push(id);
    count++;
  };
  const fields = (name: string, value: unknown) => {
    if (NOT_RECORD_IDS.has(name) || !(ID_FIELD.test(name) || CASE_ID_FIELDS.has(name))) return;
    for (const v of Array.isArray(value) ? value : [value]) add(name === 'eligibleFor' ? 'caseId' : name, v);
  };

  const template = (req.route as { path?: string } | undefined)?.path;
  const params = (req.params ?? {}) as Record<string, unknown>;
  if (typeof template === 'string') {
    const segments = `${req.baseUrl ?? ''}${template}`.split('/');
    segments.forEach((segment, i) => {
      if (!segment.startsWith(':')) return;
      const collection = segments[i - 1];
      if (collection && !collection.startsWith(':')) add(`${singular(collection)}Id`, params[segment.slice(1)]);
    });
  }
  const walk = (value: unknown, depth: number) => {
    if (depth > MAX_BODY_DEPTH || value === null || typeof value !== 'object') return;
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item === null || typeof item !== 'object' || Array.isArray(item)) continue;
      const { kind, id } = item as { kind?: unknown; id?: unknown };
      if (typeof kind === 'string' && TYPED_REFERENCE_KIND.test(kind)) add(`${singular(kind)}Id`, id);
      for (const [name, v] of Object.entries(item as Record<string, unknown>)) {
        fields(name, v);
        if (v !== null && typeof v === 'object') walk(v, depth + 1);
      }
    }
  };
  walk(req.body, 1);
  for (const [name, v] of Object.entries((req.query ?? {}) as Record<string, unknown>)) fields(name, v);
  return { ids, truncated };
}

const isCaseName = (name: string) => name === 'caseId' || name === 'caseIds';

/** Ids a response body hands out: each record's `id` and `caseId` (a record, a list, or a page of `items`). */
export function returnedIdsOf(body: unknown): { ids: string[]; caseIds: string[] } {
  const ids: string[] = [];
  const caseIds: string[] = [];
  const page =
    body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as { items?: unknown }).items : undefined;
  const records = Array.isArray(body) ? body : Array.isArray(page) ? page : [body];
  for (const record of records) {
    if (record === null || typeof record !== 'object') continue;
    const { id, caseId } = record as { id?: unknown; caseId?: unknown };
    if (isId(id)) ids.push(id.toLowerCase());
    if (isId(caseId)) caseIds.push(caseId.toLowerCase());
  }
  return { ids, caseIds };
}

/**
 * The entry's resource type and ids: what the request touched (noted by the services, or by
 * the stored original of a replay), what its answer handed out (the body sent, original or
 * replayed), and what it asked for. `fallbackType` is the permission's resource, for requests refused
 * before any service ran.
 */
export function accessEntryIds(
  notes: AuditNotes | undefined,
  requested: { ids: RequestedIds; truncated: boolean },
  returned: { ids: string[]; caseIds: string[] },
  fallbackType: string | null,
): AccessEntryIds {
  const resourceIds = new Set([...(notes?.resourceIds ?? []), ...returned.ids, ...returned.caseIds]);
  const caseIds = new Set([...(notes?.caseIds ?? []), ...returned.caseIds]);
  for (const [name, list] of Object.entries(requested.ids)) {
    for (const id of list) {
      resourceIds.add(id);
      if (isCaseName(name)) caseIds.add(id);
    }
  }
  const asked = Object.keys(requested.ids).length
    ? { requested: requested.truncated ? { ...requested.ids, truncated: true } : requested.ids }
    : {};
  const details = { ...notes?.details, ...asked };
  return {
    resourceType: notes?.resourceType ?? fallbackType,
    resourceIds: resourceIds.size ? [...resourceIds] : null,
    caseIds: caseIds.size ? [...caseIds] : null,
    details: Object.keys(details).length ? details : null,
  };
}

/** What a stored Idempotency-Key result must remember so its replays are audited like the original. */
export interface ReplayedAccess {
  resourceType: string | null;
  resourceIds: string[];
  caseIds: string[];
}

export function replayedAccessOf(notes: AuditNotes | undefined): ReplayedAccess {
  return {
    resourceType: notes?.resourceType ?? null,
    resourceIds: [...(notes?.resourceIds ?? [])],
    caseIds: [...(notes?.caseIds ?? [])],
  };
}
