import pg from 'pg';
import {
  AUDIT_EVENT_COLUMNS,
  canonicalScalarsSql,
  chainHash,
  checkpointMessage,
  entryHash,
  GENESIS_HASH,
} from '../src/audit/audit-hash.js';
import { AuditSigner } from '../src/audit/audit-signing.js';
import type { AuditEventRow } from '../src/audit/audit.types.js';
import type { BenchKeys } from './lib/cluster.js';
import { log, timed } from './lib/util.js';

/** Where the generated entries lie: ids 1..count, evenly spaced in time, sealed as seq 1..count. */
export interface AuditLayout {
  count: number;
  startIso: string;
  stepUs: number;
  checkpointEvery: number;
}

const SPAN_DAYS = 60;
const INSERT_BATCH = 1_000_000;
const CHAIN_RANGE = 50_000;
/** The API sealer signs a checkpoint after each batch of 5,000 entries; the generated chain does the same. */
export const CHECKPOINT_EVERY = 5000;

/**
 * Generates `count` audit entries straight into audit_event with generate_series (the enqueue
 * trigger is off for this session: nothing is left pending), then seals them exactly as the
 * sealer would: entry and chain hashes computed in Node with src/audit/audit-hash.ts from the
 * rows as the verifier reads them, links written to audit_chain, and an Ed25519-signed checkpoint
 * every 5,000 links. GET /audit/verify accepts the result (the smoke test checks it).
 */
export async function generateAuditTrail(
  c: pg.Client,
  ownerUrl: string,
  count: number,
  keys: BenchKeys,
  timingsMs: Record<string, number>,
): Promise<AuditLayout> {
  const end = Date.now() - 10 * 60_000;
  const stepUs = Math.max(1, Math.floor((SPAN_DAYS * 86_400e6) / Math.max(1, count)));
  const start = new Date(end - Math.floor((stepUs * count) / 1000));
  const layout: AuditLayout = { count, startIso: start.toISOString(), stepUs, checkpointEvery: CHECKPOINT_EVERY };
  if (count === 0) return layout;
  const existing = (
    await c.query<{ n: string }>(`SELECT (SELECT count(*) FROM audit_event) + (SELECT count(*) FROM audit_chain) AS n`)
  ).rows[0]!.n;
  if (Number(existing) !== 0) throw new Error('the audit tables must be empty before generation');

  // Monthly partitions from the first generated month to next month (the API creates this and the next).
  await c.query(
    `SELECT audit_ensure_partition(m::date) FROM generate_series(date_trunc('month', $1::timestamptz), date_trunc('month', now() + interval '1 month'), interval '1 month') m`,
    [start.toISOString()],
  );

  const events = await timed(async () => {
    await c.query(`DROP TABLE IF EXISTS bench_pick`);
    await c.query(`CREATE TEMP TABLE bench_pick AS
      SELECT (row_number() OVER (ORDER BY c.id) - 1)::bigint AS n, c.id, c.lead_agency_id AS agency, c.supervisor_id AS sup,
             coalesce(c.assigned_caseworker_id, c.supervisor_id) AS cw
        FROM case_file c`);
    await c.query(`CREATE UNIQUE INDEX ON bench_pick (n)`);
    await c.query(`ANALYZE bench_pick`);
    const cases = Number((await c.query<{ n: string }>(`SELECT count(*) AS n FROM bench_pick`)).rows[0]!.n);
    if (cases === 0) throw new Error('generate cases before audit entries');
    // Only this session skips triggers (the enqueue trigger): entries are sealed below instead.
    await c.query(`SET session_replication_role = replica`);
    for (let from = 1; from <= count; from += INSERT_BATCH) {
      const to = Math.min(count, from + INSERT_BATCH - 1);
      await c.query(
        `INSERT INTO audit_event (id, occurred_at, category, action, request_id, actor_user_id, actor_agency_id, actor_roles, client_ip, user_agent,
                                  method, route, permission, resource_type, resource_ids, case_ids, outcome, status, reason, duration_ms, changes)
         SELECT g.i, $3::timestamptz + ((g.i - 1) * $4::bigint) * interval '1 microsecond',
                CASE WHEN g.k < 85 THEN 'access' WHEN g.k < 97 THEN 'change' ELSE 'auth' END,
                CASE WHEN g.k < 85 THEN 'read' WHEN g.k < 97 THEN 'update' ELSE 'login' END,
                md5(g.i::text),
                CASE WHEN g.k < 97 THEN p.sup ELSE p.cw END, p.agency,
                CASE WHEN g.k < 97 THEN '{case_supervisor}'::text[] ELSE NULL END,
                '10.0.0.0'::inet + (g.i % 65536),
                'Mozilla/5.0 (Windows NT 10.0; Win64; x64) ctcm-web/1.4',
                CASE WHEN g.k < 85 THEN 'GET' ELSE 'POST' END,
                CASE WHEN g.k < 60 THEN '/cases/{id}' WHEN g.k < 85 THEN '/cases' WHEN g.k < 97 THEN '/cases/{id}/transitions' ELSE '/auth/login' END,
                CASE WHEN g.k < 85 THEN 'case.read' WHEN g.k < 97 THEN 'case.update' ELSE 'auth.login' END,
                CASE WHEN g.k < 97 THEN 'case' ELSE 'user' END,
                CASE WHEN g.k < 97 THEN ARRAY[p.id::text] ELSE ARRAY[p.cw::text] END,
                CASE WHEN g.k < 97 THEN ARRAY[p.id] END,
                CASE WHEN g.k = 84 THEN 'denied' ELSE 'allowed' END,
                CASE WHEN g.k = 84 THEN 404 ELSE 200 END,
                CASE WHEN g.k = 84 THEN 'NOT_FOUND' END,
                3 + (g.i % 37)::int,
                CASE WHEN g.k >= 85 AND g.k < 97 THEN '${CHANGES_JSON}'::jsonb END
           FROM (SELECT i, (i * 2654435761) % 100 AS k, (i * 7919) % $5 AS pn FROM generate_series($1::bigint, $2::bigint) i) g
           JOIN bench_pick p ON p.n = g.pn`,
        [from, to, start.toISOString(), stepUs, cases],
      );
      if (count > INSERT_BATCH) log(`  audit entries: ${to} / ${count}`);
    }
    await c.query(`RESET session_replication_role`);
    await c.query(`SELECT setval('audit_event_id_seq', $1)`, [count]);
  });
  timingsMs.auditEvents = events.ms;
  log(`  ${count} audit entries inserted (${events.ms} ms, ${Math.round(count / (events.ms / 1000))}/s)`);

  const chain = await timed(() => sealGenerated(c, ownerUrl, count, keys));
  timingsMs.auditChain = chain.ms;
  log(
    `  ${count} entries sealed into the chain with ${Math.ceil(count / CHECKPOINT_EVERY)} signed checkpoints (${chain.ms} ms, ${Math.round(count / (chain.ms / 1000))}/s)`,
  );
  return layout;
}

const CHANGES_JSON = '[{"field":"stage","personal":false,"old":"assessment","new":"planning"}]';
/** canonicalJson of that constant: keys sorted, no spaces. */
const CHANGES_CANONICAL = '[{"field":"stage","new":"planning","old":"assessment","personal":false}]';

/**
 * entryHash() of src/audit/audit-hash.ts computed in SQL, for the generated rows: the canonical
 * JSON array of the fields in hash order, as the verifier reads them (AUDIT_EVENT_COLUMNS).
 * Generated rows hold only the one `changes` value above and no `details`; a sample of every
 * generation is re-hashed in Node with the real entryHash() and must match.
 */
const ENTRY_HASH_SQL = `sha256(convert_to('ctcm-audit-v1' || chr(10) || '[' || ${canonicalScalarsSql('e')}
  || ',' || CASE WHEN e.changes IS NULL THEN 'null' ELSE '${CHANGES_CANONICAL}' END || ',null]', 'UTF8'))`;

/**
 * Hash-chains entries 1..count in id order, as the sealer does: entry hashes computed by
 * PostgreSQL (ENTRY_HASH_SQL), links and signed checkpoints in Node, links written in batches.
 */
async function sealGenerated(reader: pg.Client, ownerUrl: string, count: number, keys: BenchKeys): Promise<void> {
  const signer = new AuditSigner(keys.auditSigningKeyPem);
  const writer = new pg.Client({ connectionString: ownerUrl });
  // Two readers: PostgreSQL hashes the next two ranges on both cores while Node chains this one.
  const reader2 = new pg.Client({ connectionString: ownerUrl });
  await writer.connect();
  await reader2.connect();
  try {
    await writer.query(`SET synchronous_commit = off`);
    const fetch = (from: number) =>
      (((from - 1) / CHAIN_RANGE) % 2 === 0 ? reader : reader2).query<{
        id: string;
        occurredAt: string;
        entry: Buffer;
      }>(
        `SELECT e.id::text AS id, to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS "occurredAt", ${ENTRY_HASH_SQL} AS entry
           FROM audit_event e WHERE e.id BETWEEN $1 AND $2 ORDER BY e.id`,
        [from, Math.min(count, from + CHAIN_RANGE - 1)],
      );
    let previous: Buffer = GENESIS_HASH;
    let seq = 0;
    let writing: Promise<unknown> = Promise.resolve();
    const ahead = [fetch(1), ...(1 + CHAIN_RANGE <= count ? [fetch(1 + CHAIN_RANGE)] : [])];
    for (let from = 1; from <= count; from += CHAIN_RANGE) {
      const rows = (await ahead.shift()!).rows;
      if (from + 2 * CHAIN_RANGE <= count) ahead.push(fetch(from + 2 * CHAIN_RANGE));
      const links = {
        seq: [] as number[],
        eventId: [] as string[],
        occurredAt: [] as string[],
        entry: [] as Buffer[],
        chain: [] as Buffer[],
      };
      const checkpoints = { seq: [] as number[], chain: [] as Buffer[], signature: [] as Buffer[] };
      for (const row of rows) {
        seq += 1;
        if (String(seq) !== row.id) throw new Error(`audit entry ${seq} is missing (found ${row.id})`);
        const entry = row.entry;
        previous = chainHash(previous, entry);
        links.seq.push(seq);
        links.eventId.push(row.id);
        links.occurredAt.push(row.occurredAt);
        links.entry.push(entry);
        links.chain.push(previous);
        if (seq % CHECKPOINT_EVERY === 0 || seq === count) {
          checkpoints.seq.push(seq);
          checkpoints.chain.push(previous);
          checkpoints.signature.push(signer.sign(checkpointMessage(String(seq), previous)));
        }
      }
      await writing;
      writing = (async () => {
        await writer.query(
          `INSERT INTO audit_chain (seq, event_id, occurred_at, entry_hash, chain_hash)
           SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::timestamptz[], $4::bytea[], $5::bytea[])`,
          [links.seq, links.eventId, links.occurredAt, links.entry, links.chain],
        );
        await writer.query(
          `INSERT INTO audit_checkpoint (seq, chain_hash, key_id, signature) SELECT s, h, $4, sig FROM unnest($1::bigint[], $2::bytea[], $3::bytea[]) AS t(s, h, sig)`,
          [checkpoints.seq, checkpoints.chain, checkpoints.signature, signer.keyId],
        );
      })();
      if (count >= 1_000_000 && seq % 1_000_000 < CHAIN_RANGE) log(`  sealed ${seq} / ${count}`);
    }
    await writing;
  } finally {
    await writer.end();
    await reader2.end();
  }
  await checkSample(reader, count);
}

/** Re-hashes a sample of the generated entries with the real entryHash(): SQL and Node must agree. */
async function checkSample(c: pg.Client, count: number): Promise<void> {
  const rows = (
    await c.query<AuditEventRow & { _entry: Buffer }>(
      `SELECT ch.entry_hash AS _entry, ${AUDIT_EVENT_COLUMNS}
         FROM (SELECT (1 + floor(random() * $1))::bigint AS id FROM generate_series(1, 2000)) s
         JOIN audit_event e ON e.id = s.id JOIN audit_chain ch ON ch.event_id = e.id`,
      [count],
    )
  ).rows;
  for (const { _entry, ...row } of rows) {
    if (!entryHash(row).equals(_entry))
      throw new Error(`generated entry ${row.id} does not hash as entryHash() does: fix ENTRY_HASH_SQL`);
  }
}
