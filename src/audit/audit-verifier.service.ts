import { Inject, Injectable } from '@nestjs/common';
import pg, { type Pool } from 'pg';
import type { DataSource } from 'typeorm';
import { entryHashOfCanonical, GENESIS_HASH } from './audit-hash.js';
import { type ChainBreak, type ChainLink, ChainWalker, type Checkpoint, checkCheckpoints } from './audit-chain.js';
import { isStandbyUnavailable, StandbyService } from '../database/standby.service.js';
import { AuditSealer } from './audit-sealer.service.js';
import {
  CHAIN_LINKS_SQL,
  countPendingEntries,
  countUnaccountedEvents,
  findCheckpointCreatedAt,
  findCheckpointsAfter,
  findLastChainSeq,
  findRetentionHorizon,
  findStrayEvent,
  type LinkRow,
} from './audit.queries.js';

const PAGE = 10_000;
const PAGES_IN_FLIGHT = 2;

/** Runs a query and hands each row over as it arrives (no result array kept). */
export type RowStream = (sql: string, params: unknown[], onRow: (row: LinkRow) => void) => Promise<void>;

/** A RowStream on a pool: each query on a connection of its own. */
export function poolRowStream(pool: Pool): RowStream {
  return async (sql, params, onRow) => {
    const client = await pool.connect();
    try {
      await new Promise<void>((resolve, reject) => {
        const query = new pg.Query<LinkRow>(sql, params);
        query.on('row', (row: LinkRow) => {
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

/**
 * Feeds links (after, last] to the walker in pages of seq positions read on two connections
 * at once, so PostgreSQL works on both cores. PostgreSQL hands each event over as its
 * canonical JSON text, and each row is hashed as it arrives (hashing does not depend on
 * order): Node neither parses and re-serialises 23 columns nor keeps the rows' strings
 * beyond one garbage collection. Links are then walked in order. Returns the time spent
 * waiting for pages and walking them, for the benchmark.
 */
export async function walkChain(
  stream: RowStream,
  walker: ChainWalker,
  after: bigint,
  last: bigint,
): Promise<{ waitMs: number; hashMs: number }> {
  const size = BigInt(PAGE);
  const page = async (from: bigint): Promise<ChainLink[]> => {
    const links: ChainLink[] = [];
    await stream(CHAIN_LINKS_SQL, [from.toString(), (from + size < last ? from + size : last).toString()], (r) => {
      links.push({
        seq: r.seq,
        eventId: r.event_id,
        entryHash: r.entry_hash,
        chainHash: r.chain_hash,
        currentEntryHash: r.present ? (r.hashed ?? entryHashOfCanonical(r.scalars!, r.changes, r.details)) : null,
      });
    });
    return links;
  };
  const inFlight: Promise<ChainLink[]>[] = [];
  let nextFrom = after;
  const refill = () => {
    while (inFlight.length < PAGES_IN_FLIGHT && nextFrom < last) {
      const p = page(nextFrom);
      p.catch(() => undefined);
      inFlight.push(p);
      nextFrom += size;
    }
  };
  let waitMs = 0;
  let hashMs = 0;
  refill();
  while (inFlight.length) {
    const t0 = performance.now();
    const links = await inFlight.shift()!;
    const t1 = performance.now();
    refill();
    for (const link of links) if (!walker.step(link)) break;
    waitMs += t1 - t0;
    hashMs += performance.now() - t1;
    if (walker.firstBreak) {
      await Promise.allSettled(inFlight);
      break;
    }
  }
  return { waitMs, hashMs };
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
    @Inject(AuditSealer) private readonly sealer: AuditSealer,
    @Inject(StandbyService) private readonly standby: StandbyService,
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
    const walker = new ChainWalker(start, new Set(checkpoints.map((c) => c.seq)));

    // The unchained-event count reads indexes on a connection of its own while the chain is walked.
    const unaccounted = this.unaccountedEvents(db, start.seq);
    unaccounted.catch(() => undefined);
    await walkChain(poolRowStream(pool), walker, start.seq, BigInt(endSeq));

    let firstBreak = walker.firstBreak;
    if (!firstBreak) {
      const publicKeys = new Map([[this.sealer.signer.keyId, this.sealer.signer.publicKeyPem]]);
      firstBreak = checkCheckpoints(
        checkpoints,
        (seq) => walker.hashesBySeq.get(seq),
        walker.lastSeq,
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
      checkedEntries: walker.checked,
      checkedCheckpoints: checkpoints.length,
      pendingEntries,
      fromSeq: (start.seq + 1n).toString(),
      lastSeq: walker.lastSeq.toString(),
      latestCheckpoint: latest
        ? { seq: latest.seq, createdAt: latestCreatedAt!.toISOString(), keyId: latest.keyId }
        : null,
      firstBreak: firstBreak ?? null,
      durationMs: Date.now() - t0,
    };
  }
}
