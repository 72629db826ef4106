import { hash } from 'node:crypto';
import type { AuditEventRow } from './audit.types.js';

/** JSON with object keys sorted at every level: the same bytes wherever it is computed. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const obj = value as Record<string, unknown>;
  return `{${Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`)
    .join(',')}}`;
}

/** The fields of an entry in hash order. Adding a field means a new hash version. */
export const HASHED_FIELDS: (keyof AuditEventRow)[] = [
  'id',
  'occurredAt',
  'category',
  'action',
  'requestId',
  'actorUserId',
  'actorAgencyId',
  'actorRoles',
  'clientIp',
  'userAgent',
  'method',
  'route',
  'permission',
  'resourceType',
  'resourceIds',
  'caseIds',
  'outcome',
  'status',
  'reason',
  'durationMs',
  'breakGlassGrantId',
  'changes',
  'details',
];

export const GENESIS_HASH = Buffer.alloc(32);

export function entryHash(row: AuditEventRow): Buffer {
  // One-shot: the verifier hashes every entry of the chain with this.
  return hash('sha256', `ctcm-audit-v1\n${canonicalJson(HASHED_FIELDS.map((f) => row[f] ?? null))}`, 'buffer');
}

/** JSON text of a scalar column as canonicalJson writes it (to_json escapes strings as JSON.stringify does). */
const jsonScalar = (expr: string) => `coalesce(to_json(${expr})::text, 'null')`;
const jsonTextArray = (expr: string) => `coalesce(array_to_json(${expr})::text, 'null')`;

/**
 * The canonical JSON of every hashed field but the last two (the JSON objects `changes` and
 * `details`), comma-separated, built by PostgreSQL from the event row `alias`. The verifier
 * hashes this text instead of parsing 23 columns into objects and serialising them again:
 * the same bytes as canonicalJson() (the audit tests check tricky strings), at a fraction of
 * the cost. The hashing itself stays in Node.
 */
export function canonicalScalarsSql(alias: string): string {
  return `concat_ws(',', ${eventJsonFieldsSql(alias)
    .filter((f) => f.key !== 'changes' && f.key !== 'details')
    .map((f) => f.json)
    .join(', ')})`;
}

/**
 * Every field of an entry as SQL producing its JSON text, in hash order: the values
 * AUDIT_EVENT_COLUMNS selects, serialised by PostgreSQL. `changes` and `details` are jsonb
 * text (valid JSON, not canonical: only the Node side canonicalises them).
 */
export function eventJsonFieldsSql(alias: string): { key: keyof AuditEventRow; json: string }[] {
  const e = alias;
  return [
    { key: 'id', json: jsonScalar(`${e}.id::text`) },
    {
      key: 'occurredAt',
      json: jsonScalar(`to_char(${e}.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`),
    },
    { key: 'category', json: jsonScalar(`${e}.category`) },
    { key: 'action', json: jsonScalar(`${e}.action`) },
    { key: 'requestId', json: jsonScalar(`${e}.request_id`) },
    { key: 'actorUserId', json: jsonScalar(`${e}.actor_user_id::text`) },
    { key: 'actorAgencyId', json: jsonScalar(`${e}.actor_agency_id::text`) },
    { key: 'actorRoles', json: jsonTextArray(`${e}.actor_roles`) },
    { key: 'clientIp', json: jsonScalar(`host(${e}.client_ip)`) },
    { key: 'userAgent', json: jsonScalar(`${e}.user_agent`) },
    { key: 'method', json: jsonScalar(`${e}.method`) },
    { key: 'route', json: jsonScalar(`${e}.route`) },
    { key: 'permission', json: jsonScalar(`${e}.permission`) },
    { key: 'resourceType', json: jsonScalar(`${e}.resource_type`) },
    { key: 'resourceIds', json: jsonTextArray(`${e}.resource_ids`) },
    { key: 'caseIds', json: jsonTextArray(`${e}.case_ids::text[]`) },
    { key: 'outcome', json: jsonScalar(`${e}.outcome`) },
    { key: 'status', json: `coalesce(${e}.status::text, 'null')` },
    { key: 'reason', json: jsonScalar(`${e}.reason`) },
    { key: 'durationMs', json: `coalesce(${e}.duration_ms::text, 'null')` },
    { key: 'breakGlassGrantId', json: jsonScalar(`${e}.break_glass_grant_id::text`) },
    { key: 'changes', json: `coalesce(${e}.changes::text, 'null')` },
    { key: 'details', json: `coalesce(${e}.details::text, 'null')` },
  ];
}

/** entryHash() of a row given as canonicalScalarsSql() text plus its two JSON fields. */
export function entryHashOfCanonical(scalars: string, changes: unknown, details: unknown): Buffer {
  return hash(
    'sha256',
    `ctcm-audit-v1\n[${scalars},${canonicalJson(changes ?? null)},${canonicalJson(details ?? null)}]`,
    'buffer',
  );
}

/** entryHash() of an entry given as its canonical JSON text (canonicalEventText of audit-binary.ts). */
export function entryHashOfText(canonical: string): Buffer {
  return hash('sha256', `ctcm-audit-v1\n${canonical}`, 'buffer');
}

/** Link i of the chain: H(link i-1 ‖ entry hash i). */
export function chainHash(previous: Buffer, entry: Buffer): Buffer {
  // One-shot hashing: a million links are verified in seconds, the Hash object is the cost.
  return hash('sha256', Buffer.concat([previous, entry], previous.length + entry.length), 'buffer');
}

/** What a checkpoint signs: the chain position and its hash. */
export function checkpointMessage(seq: string, chain: Buffer): Buffer {
  return Buffer.from(`ctcm-audit-checkpoint-v1\n${seq}\n${chain.toString('hex')}`);
}

/** Columns selected so each row maps exactly to AuditEventRow (text where precision matters). */
export const AUDIT_EVENT_COLUMNS = `
  e.id::text AS "id",
  to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "occurredAt",
  e.category AS "category", e.action AS "action", e.request_id AS "requestId",
  e.actor_user_id::text AS "actorUserId", e.actor_agency_id::text AS "actorAgencyId", e.actor_roles AS "actorRoles",
  host(e.client_ip) AS "clientIp", e.user_agent AS "userAgent", e.method AS "method", e.route AS "route",
  e.permission AS "permission", e.resource_type AS "resourceType", e.resource_ids AS "resourceIds",
  e.case_ids::text[] AS "caseIds", e.outcome AS "outcome", e.status AS "status", e.reason AS "reason",
  e.duration_ms AS "durationMs", e.break_glass_grant_id::text AS "breakGlassGrantId", e.changes AS "changes", e.details AS "details"`;
