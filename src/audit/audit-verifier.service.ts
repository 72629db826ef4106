import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';
import { copyOut } from '../database/copy-out.js';
import { GENESIS_HASH } from './audit-hash.js';
import {
  type ChainBreak,
  type Checkpoint,
  checkCheckpoints,
  combineSegments,
  type SegmentResult,
} from './audit-chain.js';
import { SegmentWalk } from './audit-work.js';
import { AuditWorkerPool, BATCH_BYTES, CopyBatcher } from './audit-workers.js';
import { isStandbyUnavailable, StandbyService } from '../database/standby.service.js';
import { AuditSealer } from './audit-sealer.service.js';
import {
  chainSegmentCopySql,
  countPendingEntries,
  countUnaccountedEvents,
  findChainNeighbours,
  findCheckpointCreatedAt,
  findCheckpointsAfter,
  findLastChainSeq,
  findRetentionHorizon,
  findStrayEvent,
  RANGE_SCAN_SETTINGS,
} from './audit.queries.js';

/** Links per segment: a statement of a second or less, whatever the chain's length. */
const SEGMENT = 10_000n;
/** Segments read at once, each on a connection of its own and a worker thread (PostgreSQL reads, workers hash). */
const SEGMENTS_IN_FLIGHT = 2;

/** Runs a binary COPY and hands its bytes over as they arrive (see copyOut). */
export type CopyStream = (sql: string, onData: (bytes: Buffer) => void) => Promise<void>;

/** A CopyStream on a pool: each COPY on a connection of its own, with the range-scan plan settings. */
export function poolCopyStream(pool: Pool): CopyStream {
  return async (sql, onData) => {
    const client = await pool.connect();
    try {
      await client.query(`BEGIN READ ONLY; ${RANGE_SCAN_SETTINGS}`);
      await copyOut(client, sql, onData);
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
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
 * Cuts (start, end] into segments of `size` to twice `size` links that end at signed
 * checkpoints (the first checkpoint `size` links or more after the segment's start), or at
 * fixed positions where checkpoints are missing or far apart. Segments share nothing but the
 * link at their boundary, which the earlier one checks and the later one starts from.
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
    while (seq - from > 2n * size) cut(from + size);
    if (seq - from >= size) cut(seq);
  }
  while (span.end - from > 2n * size) cut(from + size);
  if (span.end > from) cut(span.end);
  return segments;
}

/**
 * Verifies one segment: the database checks every link against the stored link before it and
 * sends each event's columns in binary; a worker thread (or, without a pool, this thread)
 * hashes every entry with the sealer's functions. This thread only moves the COPY bytes.
 */
async function verifySegment(
  stream: CopyStream,
  db: { neighbours(seq: string): Promise<{ last: string | null; next: string | null }> },
  segment: { from: bigint; to: bigint },
  span: ChainSpan,
  timing: { nodeMs: number },
  workers?: AuditWorkerPool,
): Promise<SegmentResult> {
  const checkpointSeqs = span.checkpoints
    .map((c) => BigInt(c.seq))
    .filter((seq) => seq > segment.from && seq <= segment.to);
  // The first segment starts from the trusted link before the chain (the genesis or the
  // retention horizon); the others from the stored link before them, which the segment
  // before checks.
  const startHash = segment.from === span.start.seq ? span.start.chainHash : null;
  const sql = chainSegmentCopySql(segment.from, segment.to, startHash, checkpointSeqs);
  const neighbours = async () => {
    const n = await db.neighbours(segment.to.toString());
    return { last: n.last ?? segment.from.toString(), next: n.next };
  };
  const read = async (batcher: CopyBatcher) => {
    await stream(sql, (bytes) => {
      const t0 = performance.now();
      batcher.push(bytes);
      timing.nodeMs += performance.now() - t0;
    });
    batcher.flush();
  };
  if (!workers) {
    const walk = new SegmentWalk(segment.from, segment.to);
    let scratch = new ArrayBuffer(BATCH_BYTES);
    await read(
      new CopyBatcher(
        (atLeast) => (atLeast <= scratch.byteLength ? scratch : (scratch = new ArrayBuffer(atLeast))),
        (input, length) => walk.push(Buffer.from(input, 0, length)),
      ),
    );
    if (walk.reachedEnd) return walk.finish();
    const n = await neighbours();
    return walk.finish({ last: BigInt(n.last), next: n.next === null ? null : BigInt(n.next) });
  }
  const onWorker = workers.openSegment(segment.from, segment.to);
  try {
    await read(
      new CopyBatcher(
        (atLeast) => workers.inputBuffer(atLeast),
        (input, length) => onWorker.rows(input, length),
      ),
    );
    return (await onWorker.finish()) ?? (await onWorker.finish(await neighbours()))!;
  } finally {
    onWorker.finished();
  }
}

/**
 * Verifies the links of a chain span, segments at once on separate connections, each hashed
 * on a worker thread of `workers` (in this thread without one), and combines them as one walk from the start would: the
 * first break in chain order, how many links were checked before it, the stored links at
 * the checkpoint positions. Segments after a break are not read.
 */
export async function verifyChainSpan(
  stream: CopyStream,
  db: { neighbours(seq: string): Promise<{ last: string | null; next: string | null }> },
  span: ChainSpan,
  inFlight = SEGMENTS_IN_FLIGHT,
  segmentLinks = SEGMENT,
  workers?: AuditWorkerPool,
): Promise<{
  firstBreak?: ChainBreak;
  checked: number;
  lastSeq: bigint;
  hashesBySeq: Map<string, Buffer>;
  nodeMs: number;
}> {
  const segments = chainSegments(span, segmentLinks);
  const results: SegmentResult[] = [];
  const timing = { nodeMs: 0 };
  let next = 0;
  // The first segment known to break or end the chain: later ones need not be read.
  let stopAt: bigint | undefined;
  // A segment that failed (a database error, a worker thread gone) stops the others.
  let failed = false;
  const worker = async () => {
    while (next < segments.length && !failed) {
      const segment = segments[next++]!;
      if (stopAt !== undefined && segment.from >= stopAt) return;
      const result = await verifySegment(stream, db, segment, span, timing, workers).catch((err: unknown) => {
        failed = true;
        throw err;
      });
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
  /** Links per segment (tests set a handful, to verify many segments on a short chain). */
  segmentLinks = SEGMENT;

  constructor(
    @Inject(AuditSealer) private readonly sealer: AuditSealer,
    @Inject(StandbyService) private readonly standby: StandbyService,
    @Inject(AuditWorkerPool) private readonly workers: AuditWorkerPool,
  ) {}

  /**
   * Events that are neither chained (after the retention horizon) nor queued, counted in one
   * snapshot from indexes: once the walk has found every chained event, any difference is an
   * event inserted behind the API. Only then is the (slower) search that names it run. Queue
   * rows count only with their event, so deleting a queued event cannot hide an inserted one.
   */
  private async unaccountedEvents(db: DataSource, horizonSeq: bigint): Promise<number> {
    return countUnaccountedEvents(db, horizonSeq.toString());
  }

  /**
   * Verifies on the standby when one serves (docs/replicas.md): the chain as it stood up to the
   * standby's replay position, every read there. A standby that cannot answer at the first read
   * is given up for the primary.
   */
  async verify(): Promise<VerificationReport> {
    const reader = this.standby.readerSource();
    try {
      const report = await this.verifyOn(reader.source, reader.pool);
      this.standby.noteSource(reader.from);
      return report;
    } catch (err) {
      if (reader.from !== 'standby' || !isStandbyUnavailable(err)) throw err;
      this.standby.markDown(err);
      const primary = this.standby.readerSource();
      const report = await this.verifyOn(primary.source, primary.pool);
      this.standby.noteSource(primary.from);
      return report;
    }
  }

  private async verifyOn(db: DataSource, pool: Pool): Promise<VerificationReport> {
    const t0 = Date.now();
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
    const unaccounted = this.unaccountedEvents(db, start.seq);
    unaccounted.catch(() => undefined);
    // The checkpoints' signatures are checked on a worker thread while the chain is walked.
    const publicKeys = new Map([[this.sealer.signer.keyId, this.sealer.signer.publicKeyPem]]);
    const signaturesOk = this.workers.checkpointSignatures(checkpoints, publicKeys);
    signaturesOk.catch(() => undefined);
    const walk = await verifyChainSpan(
      poolCopyStream(pool),
      { neighbours: (seq) => findChainNeighbours(db, seq) },
      { start, end: BigInt(endSeq), checkpoints },
      SEGMENTS_IN_FLIGHT,
      this.segmentLinks,
      this.workers,
    );

    let firstBreak = walk.firstBreak;
    if (!firstBreak) {
      firstBreak = checkCheckpoints(
        checkpoints,
        (seq) => walk.hashesBySeq.get(seq),
        walk.lastSeq,
        publicKeys,
        start.seq + 1n,
        await signaturesOk,
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
