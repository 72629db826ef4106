import type pg from 'pg';
import { DomainError } from '../common/errors/domain-error.js';
import type { DataSource, EntityManager } from 'typeorm';
import { type PreparedStatement, prepared, preparedRows, queryRows, type Queryable } from '../database/sql.js';
import { eventBinaryColumnsSql } from './audit-binary.js';
import { AUDIT_EVENT_COLUMNS } from './audit-hash.js';
import type { AuditEventRow } from './audit.types.js';
import type { AuditFilterQuery } from './dto/audit.dto.js';

const DAY_MS = 86_400_000;

/*
 * The audit trail's statements. audit_event is append-only (no UPDATE or DELETE grant for the
 * application role, and a trigger queues each for sealing); the chain and its checkpoints are
 * written only by the sealer.
 * Background work (sealing, verification, maintenance, exports) runs outside any request, on
 * the data source or connections of its own.
 */

/** The entry insert: `insertAuditEntry`, or sent with the request's COMMIT (TransactionService.atCommit). */
export const AUDIT_ENTRY_INSERT = prepared(`INSERT INTO audit_event (
  category, action, request_id, actor_user_id, actor_agency_id, actor_roles, client_ip, user_agent, method, route,
  permission, resource_type, resource_ids, case_ids, outcome, status, reason, duration_ms, break_glass_grant_id, changes, details)
  VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16,$17,$18,$19,$20,$21)`);

/**
 * Appends one audit entry in the request's transaction (prepared: every request writes one).
 * `values` in the statement's column order, category first, details last.
 */
export async function insertAuditEntry(m: EntityManager, values: unknown[]): Promise<void> {
  await preparedRows(m, AUDIT_ENTRY_INSERT, values);
}

// --- Maintenance --------------------------------------------------------------------

/** Deletes expired idempotency keys (idempotency_key_purge() is SECURITY DEFINER). */
export async function purgeExpiredIdempotencyKeys(ds: DataSource): Promise<void> {
  await ds.query('SELECT idempotency_key_purge()');
}

/** Creates this month's and next month's audit partitions if missing. */
export async function ensureAuditPartitions(ds: DataSource): Promise<void> {
  await ds.query(
    `SELECT audit_ensure_partition(now()::date), audit_ensure_partition((now() + interval '1 month')::date)`,
  );
}

/**
 * Drops the monthly partitions older than `months` months (the database function refuses a
 * partition whose chain no export has covered); the names of those dropped.
 */
export async function dropAuditPartitionsOlderThan(ds: DataSource, months: number): Promise<string[]> {
  const [row] = await ds.query(
    `SELECT audit_drop_partitions_before(date_trunc('month', now()) - make_interval(months => $1)) AS dropped`,
    [months],
  );
  return row?.dropped ?? [];
}

// --- Sealing ------------------------------------------------------------------------

const SEALER_LOCK = `hashtext('ctcm:audit-sealer')`;

/** Takes the sealer's lock for this transaction if no other sealer holds it; whether it did. */
export async function tryLockSealer(m: EntityManager): Promise<boolean> {
  const [lock] = await m.query(`SELECT pg_try_advisory_xact_lock(${SEALER_LOCK}) AS locked`);
  return !!lock?.locked;
}

/** Takes up to `batch` queued entries off the sealing queue, oldest first. */
export function takePendingEntries(
  m: EntityManager,
  batch: number,
): Promise<{ event_id: string; occurred_at: Date }[]> {
  return queryRows<{ event_id: string; occurred_at: Date }>(
    m,
    `DELETE FROM audit_pending WHERE event_id IN (SELECT event_id FROM audit_pending ORDER BY event_id LIMIT $1)
     RETURNING event_id::text, occurred_at`,
    [batch],
  );
}

/** The audit entries with these keys, in id order. */
export function findAuditEntries(m: EntityManager, occurredAt: Date[], ids: string[]): Promise<AuditEventRow[]> {
  return m.query(
    `SELECT ${AUDIT_EVENT_COLUMNS}
       FROM unnest($1::timestamptz[], $2::bigint[]) AS p(occurred_at, id)
       JOIN audit_event e ON e.occurred_at = p.occurred_at AND e.id = p.id
      ORDER BY e.id`,
    [occurredAt, ids],
  );
}

/** Appends links to the chain (parallel arrays, one element per link). */
export async function insertChainLinks(
  m: EntityManager,
  rows: { seq: string[]; eventId: string[]; occurredAt: string[]; entry: Buffer[]; chain: Buffer[] },
): Promise<void> {
  await m.query(
    `INSERT INTO audit_chain (seq, event_id, occurred_at, entry_hash, chain_hash)
     SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::timestamptz[], $4::bytea[], $5::bytea[])`,
    [rows.seq, rows.eventId, rows.occurredAt, rows.entry, rows.chain],
  );
}

/** Stores a signed checkpoint of the chain at `seq`. */
export async function insertCheckpoint(
  m: EntityManager,
  seq: string,
  chainHash: Buffer,
  keyId: string,
  signature: Buffer,
): Promise<void> {
  await m.query(`INSERT INTO audit_checkpoint (seq, chain_hash, key_id, signature) VALUES ($1, $2, $3, $4)`, [
    seq,
    chainHash,
    keyId,
    signature,
  ]);
}

/** The last link of the chain, if any. */
export async function findChainHead(m: EntityManager): Promise<{ seq: string; chain_hash: Buffer } | undefined> {
  const [row] = await m.query(`SELECT c.seq::text AS seq, c.chain_hash FROM audit_chain c ORDER BY c.seq DESC LIMIT 1`);
  return row;
}

// --- Verification -------------------------------------------------------------------

/**
 * The events of chain positions [lo, hi] by a range scan of their time span (the chain
 * stores each link's occurred_at): a hash join over one sequential stretch of audit_event,
 * instead of an index probe per link or, when the planner misjudges a range, a scan of whole
 * partitions. Cold pages are then read in order, which the operating system reads ahead.
 */
function eventsOfChainRange(lo: bigint, hi: bigint): string {
  // OFFSET 0 keeps each bound a scan of the range's links by position: as min()/max() alone,
  // PostgreSQL walked the (occurred_at, seq) index from one end until a link of the range came
  // up, thousands of pages for a range near the chain's head.
  const times = `SELECT r.occurred_at FROM audit_chain r WHERE r.seq >= ${lo} AND r.seq <= ${hi} OFFSET 0`;
  return `e.occurred_at = c.occurred_at AND e.id = c.event_id
     AND e.occurred_at >= (SELECT min(t.occurred_at) FROM (${times}) t)
     AND e.occurred_at <= (SELECT max(t.occurred_at) FROM (${times}) t)`;
}

/** Plan settings of the export and verification statements (SET LOCAL in their transaction). */
export const RANGE_SCAN_SETTINGS = `SET LOCAL enable_nestloop = off; SET LOCAL enable_mergejoin = off; SET LOCAL work_mem = '64MB'; SET LOCAL max_parallel_workers_per_gather = 0`;

/**
 * One segment (from, to] of the chain as a binary COPY: for every link its position, the
 * position before it and whether it follows from that link's stored hash (`lag` over the range
 * widened by one position; for the first segment `startHash`, the trusted link before the
 * chain: genesis or retention horizon), whether its event exists, the sealed entry hash, the
 * stored link at the checkpoint positions and at the segment's end, and the event's columns
 * in send format (eventBinaryColumnsSql) for Node to hash with the sealer's own functions.
 * Rows come in no particular order. A segment depends on nothing but the link before it, so
 * segments run on several connections at once. Every value in the text is ours: integers and
 * a hash in hex.
 */
export function chainSegmentCopySql(
  from: bigint,
  to: bigint,
  startHash: Buffer | null,
  checkpointSeqs: bigint[],
): string {
  const lo = BigInt(from);
  const hi = BigInt(to);
  const start = startHash ? `'\\x${startHash.toString('hex')}'::bytea` : null;
  const cps = `'{${checkpointSeqs.map((s) => BigInt(s).toString()).join(',')}}'::bigint[]`;
  return `COPY (SELECT c.seq, c.prev_seq, sha256(c.prev_chain || c.entry_hash) = c.chain_hash, e.id IS NOT NULL, c.entry_hash,
                 CASE WHEN c.seq = ${hi} OR c.seq = ANY(${cps}) THEN c.chain_hash END, c.event_id, ${eventBinaryColumnsSql('e')}
            FROM (SELECT k.seq, k.event_id, k.occurred_at, k.entry_hash, k.chain_hash,
                         ${start ? `CASE WHEN k.seq = ${lo + 1n} THEN ${lo} ELSE lag(k.seq) OVER w END` : 'lag(k.seq) OVER w'} AS prev_seq,
                         ${start ? `CASE WHEN k.seq = ${lo + 1n} THEN ${start} ELSE lag(k.chain_hash) OVER w END` : 'lag(k.chain_hash) OVER w'} AS prev_chain
                    FROM audit_chain k WHERE k.seq >= ${lo} AND k.seq <= ${hi} WINDOW w AS (ORDER BY k.seq)) c
            LEFT JOIN audit_event e ON ${eventsOfChainRange(lo + 1n, hi)}
           WHERE c.seq > ${lo}) TO STDOUT (FORMAT binary)`;
}

/** Fields of chainSegmentCopySql() before the event's columns. */
export const SEGMENT_LINK_FIELDS = 7;

/** The last link at or before `seq` and the first one after it (a segment that ended early). */
export async function findChainNeighbours(
  ds: Queryable,
  seq: string,
): Promise<{ last: string | null; next: string | null }> {
  const [row] = await ds.query(
    `SELECT (SELECT max(c.seq) FROM audit_chain c WHERE c.seq <= $1)::text AS last,
            (SELECT min(c.seq) FROM audit_chain c WHERE c.seq > $1)::text AS next`,
    [seq],
  );
  return row;
}

/**
 * Events that are neither chained (after the retention horizon `horizonSeq`) nor queued,
 * counted in one snapshot from indexes. Queue rows count only with their event, so deleting
 * a queued event cannot hide an inserted one.
 */
export async function countUnaccountedEvents(ds: DataSource, horizonSeq: string): Promise<number> {
  const [row] = await ds.query(
    `SELECT (SELECT count(*) FROM audit_event e WHERE e.occurred_at >= coalesce((SELECT max(r.before) FROM audit_retention r), '-infinity'::timestamptz))
          - (SELECT count(*) FROM audit_chain c WHERE c.seq > $1::bigint)
          - (SELECT count(*) FROM audit_pending p WHERE EXISTS (SELECT 1 FROM audit_event e WHERE e.occurred_at = p.occurred_at AND e.id = p.event_id)) AS n`,
    [horizonSeq],
  );
  return Number(row.n);
}

/** Where the chain starts after retention dropped its beginning: the last dropped link, if any. */
export async function findRetentionHorizon(ds: Queryable): Promise<{ seq: string; chain_hash: Buffer } | undefined> {
  const [horizon] = await ds.query(
    `SELECT r.max_seq::text AS seq, r.chain_hash FROM audit_retention r ORDER BY r.max_seq DESC LIMIT 1`,
  );
  return horizon;
}

/** The signed checkpoints after `afterSeq`, in chain order. */
export function findCheckpointsAfter(
  ds: Queryable,
  afterSeq: string,
): Promise<{ seq: string; chain_hash: Buffer; key_id: string; signature: Buffer }[]> {
  return ds.query(
    `SELECT k.seq::text AS seq, k.chain_hash, k.key_id, k.signature FROM audit_checkpoint k WHERE k.seq > $1 ORDER BY k.seq`,
    [afterSeq],
  );
}

/** The position of the chain's last link (0 when empty). */
export async function findLastChainSeq(ds: Queryable): Promise<string> {
  const [end] = await ds.query(`SELECT coalesce(max(c.seq), 0)::text AS seq FROM audit_chain c`);
  return end.seq;
}

/** One event that was never queued for sealing nor chained (nor dropped by retention), if any. */
export async function findStrayEvent(ds: DataSource): Promise<{ id: string } | undefined> {
  const [stray] = await ds.query(
    `SELECT e.id::text AS id FROM audit_event e
      WHERE NOT EXISTS (SELECT 1 FROM audit_chain c WHERE c.event_id = e.id)
        AND NOT EXISTS (SELECT 1 FROM audit_pending p WHERE p.event_id = e.id)
        AND NOT EXISTS (SELECT 1 FROM audit_retention r WHERE e.occurred_at < r.before)
      LIMIT 1`,
  );
  return stray;
}

/** How many entries wait to be sealed. */
export async function countPendingEntries(ds: DataSource): Promise<number> {
  const [pending] = await ds.query(`SELECT count(*)::int AS n FROM audit_pending`);
  return pending.n;
}

/** When the checkpoint at `seq` was signed. */
export async function findCheckpointCreatedAt(ds: DataSource, seq: string): Promise<Date> {
  const [latestRow] = await ds.query(`SELECT created_at FROM audit_checkpoint WHERE seq = $1`, [seq]);
  return latestRow.created_at as Date;
}

// --- Searches and exports -----------------------------------------------------------

/** A filter over audit entries: a SQL condition and its parameters, numbered from $1. */
export interface Where {
  sql: string;
  params: unknown[];
}

/**
 * The auditor's filter as a condition over `alias`, numbered from $1 (the time range first:
 * the last day when absent); an empty or inverted range is refused.
 */
export function auditFilterSql(q: AuditFilterQuery, alias = 'e'): Where {
  const params: unknown[] = [];
  const conds: string[] = [];
  const add = (cond: (p: string) => string, value: unknown) => {
    params.push(value);
    conds.push(cond(`$${params.length}`));
  };
  const to = q.to ? new Date(q.to) : new Date();
  const from = q.from ? new Date(q.from) : new Date(to.getTime() - DAY_MS);
  if (from >= to)
    throw new DomainError('VALIDATION_FAILED', 'from must be before to', {
      errors: [{ field: 'from', messages: ['from must be before to'] }],
    });
  add((p) => `${alias}.occurred_at >= ${p}`, from);
  add((p) => `${alias}.occurred_at < ${p}`, to);
  if (q.userId) add((p) => `${alias}.actor_user_id = ${p}`, q.userId);
  if (q.agencyId) add((p) => `${alias}.actor_agency_id = ${p}`, q.agencyId);
  if (q.category) add((p) => `${alias}.category = ${p}`, q.category);
  if (q.action) add((p) => `${alias}.action = ${p}`, q.action);
  if (q.outcome) add((p) => `${alias}.outcome = ${p}`, q.outcome);
  if (q.resourceType) add((p) => `${alias}.resource_type = ${p}`, q.resourceType);
  if (q.resourceId) add((p) => `${alias}.resource_ids @> ARRAY[${p}]::text[]`, q.resourceId);
  if (q.caseId) add((p) => `${alias}.case_ids @> ARRAY[${p}]::uuid[]`, q.caseId);
  if (q.requestId) add((p) => `${alias}.request_id = ${p}`, q.requestId);
  return { sql: conds.join(' AND '), params };
}

/**
 * The export's filter with a fixed text (an absent filter is a NULL parameter), so each format
 * has one prepared statement, planned once per connection, whatever the auditor filters on.
 */
export function auditExportFilterSql(q: AuditFilterQuery, alias = 'e'): Where {
  const {
    params: [from, to],
  } = auditFilterSql(q, alias);
  const e = alias;
  return {
    sql: `${e}.occurred_at >= $1 AND ${e}.occurred_at < $2
      AND ($3::uuid IS NULL OR ${e}.actor_user_id = $3::uuid) AND ($4::uuid IS NULL OR ${e}.actor_agency_id = $4::uuid)
      AND ($5::text IS NULL OR ${e}.category = $5::text) AND ($6::text IS NULL OR ${e}.action = $6::text)
      AND ($7::text IS NULL OR ${e}.outcome = $7::text) AND ($8::text IS NULL OR ${e}.resource_type = $8::text)
      AND ($9::text IS NULL OR ${e}.resource_ids @> ARRAY[$9::text]) AND ($10::uuid IS NULL OR ${e}.case_ids @> ARRAY[$10::uuid])
      AND ($11::text IS NULL OR ${e}.request_id = $11::text)`,
    params: [
      from,
      to,
      q.userId ?? null,
      q.agencyId ?? null,
      q.category ?? null,
      q.action ?? null,
      q.outcome ?? null,
      q.resourceType ?? null,
      q.resourceId ?? null,
      q.caseId ?? null,
      q.requestId ?? null,
    ],
  };
}

/**
 * A page of entries passing the filter, newest first, after the keyset cursor if any (the
 * request runs as an auditor; audit_event has no row-level security, the permission guards it).
 */
export function findAuditEventsPage(
  m: EntityManager,
  where: Where,
  cursor: { occurredAt: string; id: string } | undefined,
  limit: number,
): Promise<AuditEventRow[]> {
  const params = [...where.params];
  let keyset = '';
  if (cursor) {
    params.push(cursor.occurredAt, cursor.id);
    keyset = ` AND (e.occurred_at, e.id) < ($${params.length - 1}::timestamptz, $${params.length}::bigint)`;
  }
  params.push(limit);
  return m.query(
    `SELECT ${AUDIT_EVENT_COLUMNS} FROM audit_event e WHERE ${where.sql}${keyset} ORDER BY e.occurred_at DESC, e.id DESC LIMIT $${params.length}`,
    params,
  );
}

export interface CaseAccessRow {
  user_id: string | null;
  agency_id: string | null;
  route: string | null;
  category: string;
  action: string;
  outcome: string;
  n: number;
  first_at: Date;
  last_at: Date;
  break_glass: boolean;
  replays: number;
  statuses: number[] | null;
}

/** Who read or changed one case, through which route, how often (the 1000 most recent groups). */
export function summariseCaseAccess(m: EntityManager, caseId: string): Promise<CaseAccessRow[]> {
  return m.query(
    `SELECT actor_user_id::text AS user_id, actor_agency_id::text AS agency_id, route, category, action, outcome,
              count(*)::int AS n, min(occurred_at) AS first_at, max(occurred_at) AS last_at, bool_or(break_glass_grant_id IS NOT NULL) AS break_glass,
              count(*) FILTER (WHERE details->>'idempotentReplay' = 'true')::int AS replays,
              array_agg(DISTINCT status::int ORDER BY status::int) FILTER (WHERE status IS NOT NULL) AS statuses
         FROM audit_event WHERE case_ids @> ARRAY[$1]::uuid[]
        GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY max(occurred_at) DESC LIMIT 1000`,
    [caseId],
  );
}

/** Exports the export transaction's snapshot, so a second reader shares it; its id. */
export async function exportSnapshot(conn: pg.ClientBase): Promise<string> {
  return (await conn.query<{ id: string }>('SELECT pg_export_snapshot() AS id')).rows[0]!.id;
}

/** A statement with its parameters, as sent to a connection outside the data source (a worker's). */
export interface SetupStatement {
  text: string;
  values?: unknown[];
}

/** A read-only transaction in the exporting transaction's snapshot (pg_export_snapshot()'s id). */
export function joinExportSnapshot(snapshot: string): SetupStatement[] {
  return [
    { text: 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY' },
    { text: `SET TRANSACTION SNAPSHOT '${snapshot.replace(/[^0-9A-F-]/gi, '')}'` },
  ];
}

/**
 * What a second reader of an export runs before its chunks: the exporting transaction's
 * snapshot (so every chunk sees the same entries), the range-scan plan settings and the
 * auditor's filter values (auditExportSettings). `snapshot` is pg_export_snapshot()'s id.
 */
export function exportReaderSetup(snapshot: string, settings: [string, string][]): SetupStatement[] {
  return [
    ...joinExportSnapshot(snapshot),
    { text: RANGE_SCAN_SETTINGS },
    ...(settings.length
      ? [
          {
            text: `SELECT ${settings.map((_, i) => `set_config($${2 * i + 1}, $${2 * i + 2}, true)`).join(', ')}`,
            values: settings.flat(),
          },
        ]
      : []),
  ];
}

/** The chain positions of a time range (index on occurred_at, seq): `[from, to]` are the filter's first two parameters. */
export async function findChainRange(
  conn: pg.ClientBase,
  fromTo: unknown[],
): Promise<{ lo: string | null; hi: string | null } | undefined> {
  const [range] = (
    await conn.query<{ lo: string | null; hi: string | null }>(
      `SELECT min(c.seq)::text AS lo, max(c.seq)::text AS hi FROM audit_chain c WHERE c.occurred_at >= $1 AND c.occurred_at < $2`,
      fromTo,
    )
  ).rows;
  return range;
}

/** The latest signed checkpoint, hashes and signature as text, for an export manifest. */
export async function findLatestCheckpointForManifest(
  conn: pg.ClientBase,
): Promise<{ seq: string; chain_hash: string; key_id: string; signature: string } | undefined> {
  const [cp] = (
    await conn.query(
      `SELECT k.seq::text AS seq, encode(k.chain_hash, 'hex') AS chain_hash, k.key_id, encode(k.signature, 'base64') AS signature FROM audit_checkpoint k ORDER BY k.seq DESC LIMIT 1`,
    )
  ).rows;
  return cp;
}

/** Records that an export covered the chain up to the checkpoint at `seq` (retention may then drop it). */
export async function insertCheckpointExport(ds: DataSource, seq: string, exportedBy: string): Promise<void> {
  await ds.query(`INSERT INTO audit_checkpoint_export (seq, exported_by) VALUES ($1, $2)`, [seq, exportedBy]);
}

const ZERO_HASH = `'\\x${'00'.repeat(32)}'::bytea`;

/**
 * The chain positions [from, to] of one export chunk with their predecessor's link (lag over
 * the range widened by one position), joined to the events that pass the filter. The filter's
 * parameters come first; the chunk bounds are the last two.
 */
function exportChunkFrom(where: Where): { from: string; bounds: string } {
  const lo = `$${where.params.length + 1}::bigint`;
  const hi = `$${where.params.length + 2}::bigint`;
  return {
    from: `(SELECT k.seq, k.event_id, k.occurred_at, k.entry_hash, k.chain_hash, lag(k.chain_hash) OVER (ORDER BY k.seq) AS prev
              FROM audit_chain k WHERE k.seq >= ${lo} - 1 AND k.seq <= ${hi}) c
           JOIN audit_event e ON e.occurred_at = c.occurred_at AND e.id = c.event_id`,
    bounds: `c.seq >= ${lo} AND ${where.sql}`,
  };
}

/**
 * The export filter as settings of the export transaction (`set_config`, bound as parameters)
 * and a condition that reads them once per statement (an InitPlan each): COPY takes no bind
 * parameters, and the auditor's values must never be spliced into SQL text. Only the filters
 * given appear in the condition.
 */
export function auditExportSettings(q: AuditFilterQuery, alias = 'e'): { settings: [string, string][]; sql: string } {
  const {
    params: [from, to],
  } = auditFilterSql(q, alias);
  const settings: [string, string][] = [];
  const conds: string[] = [];
  const add = (name: string, value: string, cond: (v: string) => string) => {
    settings.push([`ctcm.export_${name}`, value]);
    conds.push(cond(`(SELECT current_setting('ctcm.export_${name}'))`));
  };
  const e = alias;
  add('from', (from as Date).toISOString(), (v) => `${e}.occurred_at >= ${v}::timestamptz`);
  add('to', (to as Date).toISOString(), (v) => `${e}.occurred_at < ${v}::timestamptz`);
  if (q.userId) add('user_id', q.userId, (v) => `${e}.actor_user_id = ${v}::uuid`);
  if (q.agencyId) add('agency_id', q.agencyId, (v) => `${e}.actor_agency_id = ${v}::uuid`);
  if (q.category) add('category', q.category, (v) => `${e}.category = ${v}`);
  if (q.action) add('action', q.action, (v) => `${e}.action = ${v}`);
  if (q.outcome) add('outcome', q.outcome, (v) => `${e}.outcome = ${v}`);
  if (q.resourceType) add('resource_type', q.resourceType, (v) => `${e}.resource_type = ${v}`);
  if (q.resourceId) add('resource_id', q.resourceId, (v) => `${e}.resource_ids @> ARRAY[${v}]`);
  if (q.caseId) add('case_id', q.caseId, (v) => `${e}.case_ids @> ARRAY[${v}::uuid]`);
  if (q.requestId) add('request_id', q.requestId, (v) => `${e}.request_id = ${v}`);
  return { settings, sql: conds.join(' AND ') };
}

/**
 * One export chunk, chain positions [lo, hi], as a binary COPY in chain order: position, the
 * link before it, entry hash, link, and the event's columns in send format, which Node turns
 * into one NDJSON line per entry (audit-binary.ts). `lo` and `hi` are integers of ours; the
 * auditor's filter reads the transaction's settings (auditExportSettings).
 */
export function exportChunkCopySql(filterSql: string, lo: bigint, hi: bigint): string {
  const from = BigInt(lo);
  const to = BigInt(hi);
  return `COPY (SELECT c.seq, coalesce(c.prev, ${ZERO_HASH}), c.entry_hash, c.chain_hash, ${eventBinaryColumnsSql('e')}
            FROM (SELECT k.seq, k.event_id, k.occurred_at, k.entry_hash, k.chain_hash, lag(k.chain_hash) OVER (ORDER BY k.seq) AS prev
                    FROM audit_chain k WHERE k.seq >= ${from - 1n} AND k.seq <= ${to}) c
            JOIN audit_event e ON ${eventsOfChainRange(from, to)}
           WHERE c.seq >= ${from} AND ${filterSql}
           ORDER BY c.seq) TO STDOUT (FORMAT binary)`;
}

export function exportCsvSql(where: Where): string {
  const { from, bounds } = exportChunkFrom(where);
  return `SELECT c.seq::text AS seq, encode(c.entry_hash, 'hex') AS _entry, encode(c.chain_hash, 'hex') AS _chain,
                 encode(coalesce(c.prev, ${ZERO_HASH}), 'hex') AS _prev, ${AUDIT_EVENT_COLUMNS}
            FROM ${from} WHERE ${bounds} ORDER BY c.seq`;
}

/** The prepared CSV export statement of a filter (one statement: the filter text is fixed). */
export function exportCsvStatement(where: Where): PreparedStatement {
  return prepared(exportCsvSql(where));
}
