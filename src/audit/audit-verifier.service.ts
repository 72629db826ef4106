import { Inject, Injectable } from '@nestjs/common';
import pg, { type Pool } from 'pg';
import { DataSource } from 'typeorm';
import { entryHashOfCanonical, GENESIS_HASH } from './audit-hash.js';
import {
  type ChainBreak,
  type Checkpoint,
  checkCheckpoints,
  combineSegments,
  SegmentChecker,
  type SegmentResult,
} from './audit-chain.js';
import { AuditSealer } from './audit-sealer.service.js';
import {
  CHAIN_SEGMENT_SQL,
  countPendingEntries,
  countUnaccountedEvents,
  findChainNeighbours,
  findCheckpointCreatedAt,
  findCheckpointsAfter,
  findLastChainSeq,
  findRetentionHorizon,
  findStrayEvent,
  type SegmentRow,
} from './audit.queries.js';

/** Links per segment: a statement of a second or less, whatever the chain's length. */
const SEGMENT = 20_000n;
/** Segments verified at once, each on a connection of its own (PostgreSQL does the hashing). */
const SEGMENTS_IN_FLIGHT = 2;

/** Runs a query and hands each row over as it arrives (no result array kept). */
export type RowStream = (sql: string, params: unknown[], onRow: (row: SegmentRow) => void) => Promise<void>;

/** A RowStream on a pool: each query on a connection of its own. */
export function poolRowStream(pool: Pool): RowStream {
  return async (sql, params, onRow) => {
    const client = await pool.connect();
    try {
      await new Promise<void>((resolve, reject) => {
        const query = new pg.Query<SegmentRow>(sql, params);
        query.on('row', (row: SegmentRow) => {
          try {
            onRow(row);
          } catch (err) {
            reject(err as Error);
          }
        });
        query.on('error', reject);
        query.on('end', () => resolve());
        client.query(query);
      });
    } finally {
      client.release();
    }
  };
}

/** Where a chain to verify starts (the link before its first position), ends, and its checkpoints. */
export interface ChainSpan {
  start: { seq: bigint; chainHash: Buffer };
  end: bigint;
  checkpoints: Checkpoint[];
}

/**
 * Cuts (start, end] into segments that end at signed checkpoints, about SEGMENT links each
 * (or at fixed positions where checkpoints are missing or far apart).
 */
export function chainSegments(span: ChainSpan, size = SEGMENT): { from: bigint; to: bigint }[] {
  const segments: { from: bigint; to: bigint }[] = [];
  let from = span.start.seq;
  const cut = (to: bigint) => {
    segments.push({ from, to });
    from = to;
  };
  for (const cp of span.checkpoints) {
    const seq = BigInt(cp.seq);
    if (seq > span.end) break;
    while (seq - from > size) cut(from + size);
    if (seq - from >= size / 2n) cut(seq);
  }
  while (span.end - from > size) cut(from + size);
  if (span.end > from) cut(span.end);
  return segments;
}

/**
 * Verifies one segment: the database checks the entries it can hash and every link against
 * the stored link before it; Node hashes the entries with JSON objects and reads the flags.
 */
async function verifySegment(
  stream: RowStream,
  db: { neighbours(seq: string): Promise<{ last: string | null; next: string | null }> },
  segment: { from: bigint; to: bigint },
  span: ChainSpan,
  timing: { nodeMs: number },
): Promise<SegmentResult> {
  const checker = new SegmentChecker(segment.from, segment.to);
  const checkpointSeqs = span.checkpoints
    .map((c) => c.seq)
    .filter((seq) => BigInt(seq) > segment.from && BigInt(seq) <= segment.to);
  // The first segment starts from the trusted link before the chain (the genesis or the
  // retention horizon); the others from the stored link before them, which the segment
  // before checks.
  const startHash = segment.from === span.start.seq ? span.start.chainHash : null;
  await stream(CHAIN_SEGMENT_SQL, [segment.from.toString(), segment.to.toString(), startHash, checkpointSeqs], (r) => {
    if (checker.broken) return;
    const t0 = performance.now();
    const entryOk =
      r.hash_ok ??
      (r.scalars !== null &&
        r.entry_hash !== null &&
        entryHashOfCanonical(r.scalars, r.changes, r.details).equals(r.entry_hash));
    checker.step({
      seq: BigInt(r.seq),
      eventId: r.event_id,
      prevSeq: r.prev_seq === null ? null : BigInt(r.prev_seq),
      present: r.present,
      entryOk,
      linkOk: r.link_ok,
      chainHash: r.chain_hash,
    });
    timing.nodeMs += performance.now() - t0;
  });
  if (checker.reachedEnd) return checker.finish();
  const n = await db.neighbours(segment.to.toString());
  return checker.finish({ last: BigInt(n.last ?? segment.from), next: n.next === null ? null : BigInt(n.next) });
}

/**
 * Verifies the links of a chain span, segments at once on separate connections (both cores
 * do the hashing in PostgreSQL), and combines them as one walk from the start would: the
 * first break in chain order, how many links were checked before it, the stored links at
 * the checkpoint positions. Segments after a break are not read.
 */
export async function verifyChainSpan(
  stream: RowStream,
  db: { neighbours(seq: string): Promise<{ last: string | null; next: string | null }> },
  span: ChainSpan,
  inFlight = SEGMENTS_IN_FLIGHT,
): Promise<{
  firstBreak?: ChainBreak;
  checked: number;
  lastSeq: bigint;
  hashesBySeq: Map<string, Buffer>;
  nodeMs: number;
}> {
  const segments = chainSegments(span);
  const results: SegmentResult[] = [];
  const timing = { nodeMs: 0 };
  let next = 0;
  // The first segment known to break or end the chain: later ones need not be read.
  let stopAt: bigint | undefined;
  const worker = async () => {
    while (next < segments.length) {
      const segment = segments[next++]!;
      if (stopAt !== undefined && segment.from >= stopAt) return;
      const result = await verifySegment(stream, db, segment, span, timing);
      results.push(result);
      if ((result.firstBreak || !result.complete) && (stopAt === undefined || segment.from < stopAt))
        stopAt = segment.from;
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, inFlight) }, worker));
  return { ...combineSegments(results, span.start.seq), nodeMs: timing.nodeMs };
}

export interface VerificationReport {
  ok: boolean;
  checkedEntries: number;
  checkedCheckpoints: number;
  /** Entries committed but not sealed yet (not covered by this verification). */
  pendingEntries: number;
  /** First chain position verified (after retention dropped older partitions). */
  fromSeq: string;
  lastSeq: string;
  latestCheckpoint: { seq: string; createdAt: string; keyId: string } | null;
  firstBreak: ChainBreak | null;
  durationMs: number;
}

/** Verifies the whole chain from the retention horizon: every link, every checkpoint. */
@Injectable()
export class AuditVerifier {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(AuditSealer) private readonly sealer: AuditSealer,
  ) {}

  /**
   * Events that are neither chained (after the retention horizon) nor queued, counted in one
   * snapshot from indexes: once the walk has found every chained event, any difference is an
   * event inserted behind the API. Only then is the (slower) search that names it run. Queue
   * rows count only with their event, so deleting a queued event cannot hide an inserted one.
   */
  private async unaccountedEvents(horizonSeq: bigint): Promise<number> {
    return countUnaccountedEvents(this.dataSource, horizonSeq.toString());
  }

  async verify(): Promise<VerificationReport> {
    const t0 = Date.now();
    const db = this.dataSource;
    // Where the chain starts, its checkpoints and its end, in one snapshot: the sealer commits
    // links and their checkpoint together, so read apart a sealing in between would show a tail
    // that looks unsigned. Links never change once written, so the walk may read them later.
    const { horizon, checkpointRows, endSeq } = await db.transaction('REPEATABLE READ', async (m) => {
      const horizon = await findRetentionHorizon(m);
      const checkpointRows = await findCheckpointsAfter(m, horizon?.seq ?? '0');
      return { horizon, checkpointRows, endSeq: await findLastChainSeq(m) };
    });
    const start = horizon
      ? { seq: BigInt(horizon.seq), chainHash: horizon.chain_hash as Buffer }
      : { seq: 0n, chainHash: GENESIS_HASH };
    const checkpoints: Checkpoint[] = checkpointRows.map(
      (r: { seq: string; chain_hash: Buffer; key_id: string; signature: Buffer }) => ({
        seq: r.seq,
        chainHash: r.chain_hash,
        keyId: r.key_id,
        signature: r.signature,
      }),
    );
    // The unchained-event count reads indexes on a connection of its own while the chain is verified.
    const unaccounted = this.unaccountedEvents(start.seq);
    unaccounted.catch(() => undefined);
    const walk = await verifyChainSpan(
      poolRowStream((db.driver as unknown as { master: Pool }).master),
      { neighbours: (seq) => findChainNeighbours(db, seq) },
      { start, end: BigInt(endSeq), checkpoints },
    );

    let firstBreak = walk.firstBreak;
    if (!firstBreak) {
      const publicKeys = new Map([[this.sealer.signer.keyId, this.sealer.signer.publicKeyPem]]);
      firstBreak = checkCheckpoints(
        checkpoints,
        (seq) => walk.hashesBySeq.get(seq),
        walk.lastSeq,
        publicKeys,
        start.seq + 1n,
      );
    }
    if (!firstBreak && (await unaccounted) !== 0) {
      const stray = await findStrayEvent(db);
      if (stray)
        firstBreak = {
          kind: 'unchained_event',
          eventId: stray.id,
          detail: `event ${stray.id} was never queued for sealing`,
        };
    }
    const pendingEntries = await countPendingEntries(db);
    const latest = checkpoints.at(-1);
    const latestCreatedAt = latest ? await findCheckpointCreatedAt(db, latest.seq) : undefined;
    return {
      ok: !firstBreak,
      checkedEntries: walk.checked,
      checkedCheckpoints: checkpoints.length,
      pendingEntries,
      fromSeq: (start.seq + 1n).toString(),
      lastSeq: walk.lastSeq.toString(),
      latestCheckpoint: latest
        ? { seq: latest.seq, createdAt: latestCreatedAt!.toISOString(), keyId: latest.keyId }
        : null,
      firstBreak: firstBreak ?? null,
      durationMs: Date.now() - t0,
    };
  }
}
