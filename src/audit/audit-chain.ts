import { checkpointMessage } from './audit-hash.js';
import { verifySignature } from './audit-signing.js';

export type BreakKind =
  | 'event_missing' // a chained entry's event row is gone (deleted)
  | 'entry_modified' // the event no longer hashes to what was sealed
  | 'chain_broken' // a link does not follow from the previous one (reordered, rewritten)
  | 'chain_gap' // a chain position is missing
  | 'checkpoint_mismatch' // a signed checkpoint disagrees with the chain
  | 'checkpoint_signature' // a checkpoint's signature does not verify
  | 'tail_truncated' // a signed checkpoint lies beyond the end of the chain
  | 'unsigned_tail' // links after the last checkpoint: the sealer signs every batch it writes
  | 'unchained_event'; // an event that is neither sealed nor queued (inserted behind the API)

export interface ChainBreak {
  kind: BreakKind;
  seq?: string;
  eventId?: string;
  detail: string;
}

export interface Checkpoint {
  seq: string;
  chainHash: Buffer;
  keyId: string;
  signature: Buffer;
}

/** What the database says about one link of a segment (only links that need a look are sent). */
export interface SegmentLink {
  seq: bigint;
  eventId: string;
  /** The position of the link before it; null when there is none. */
  prevSeq: bigint | null;
  present: boolean;
  /** Whether the event still hashes to what was sealed (computed in the database or in Node). */
  entryOk: boolean;
  /** Whether the link follows from its predecessor's link; null when there is no predecessor. */
  linkOk: boolean | null;
  /** The stored link, at checkpoint positions and at the segment's end. */
  chainHash: Buffer | null;
}

/** The outcome of one segment (from, to]: its first break, or how far it reached. */
export interface SegmentResult {
  from: bigint;
  to: bigint;
  firstBreak?: ChainBreak;
  /** Links checked before the first break (all of them when there is none). */
  checked: number;
  /** The last link checked. */
  lastSeq: bigint;
  /** True when the segment holds every position up to `to` (or broke before). */
  complete: boolean;
  /** Stored links at the checkpoint positions of the segment. */
  hashesBySeq: Map<string, Buffer>;
}

/**
 * Reads the links of one segment (from, to], in any order, and reports the first break in
 * chain order, with the checks of a walk from the link before it, in the same order: a gap, a
 * missing entry, a modified entry, a link that does not follow. Pure: the database says where
 * each link's predecessor is and whether the link follows from it; the caller hashes entries.
 */
export class SegmentChecker {
  private best: { seq: bigint; after: bigint; firstBreak: ChainBreak } | undefined;
  private seenEnd = false;
  private readonly hashesBySeq = new Map<string, Buffer>();

  constructor(
    readonly from: bigint,
    readonly to: bigint,
  ) {}

  /** Whether the link at `seq` can still change the outcome (no break known before it). */
  wants(seq: bigint): boolean {
    return !this.best || seq < this.best.seq;
  }

  step(link: SegmentLink): void {
    if (!this.wants(link.seq)) return;
    const at = { seq: link.seq.toString(), eventId: link.eventId };
    if (link.prevSeq === null || link.prevSeq !== link.seq - 1n) {
      const after = link.prevSeq ?? this.from;
      this.fail(link.seq, after, {
        kind: 'chain_gap',
        ...at,
        detail: `expected position ${after + 1n}, found ${link.seq}`,
      });
    } else if (!link.present)
      this.fail(link.seq, link.seq - 1n, {
        kind: 'event_missing',
        ...at,
        detail: `event ${link.eventId} sealed at ${link.seq} is missing`,
      });
    else if (!link.entryOk)
      this.fail(link.seq, link.seq - 1n, {
        kind: 'entry_modified',
        ...at,
        detail: `event ${link.eventId} differs from what was sealed`,
      });
    else if (link.linkOk !== true)
      this.fail(link.seq, link.seq - 1n, {
        kind: 'chain_broken',
        ...at,
        detail: `link ${link.seq} does not follow from link ${link.seq - 1n}`,
      });
    else {
      if (link.seq === this.to) this.seenEnd = true;
      if (link.chainHash) this.hashesBySeq.set(at.seq, link.chainHash);
    }
  }

  /** Whether the segment reached its end or broke (if not, `finish` needs the neighbours). */
  get reachedEnd(): boolean {
    return this.best !== undefined || this.seenEnd;
  }

  /**
   * The segment's outcome once all its rows were read. When it ended before `to` without a
   * break, `neighbours` says where: the last link it holds and the next link of the chain
   * (a gap up to it), or none (the chain ends there).
   */
  finish(neighbours?: { last: bigint; next: bigint | null }): SegmentResult {
    const base = { from: this.from, to: this.to, hashesBySeq: this.hashesBySeq };
    if (this.best) {
      const { after, firstBreak } = this.best;
      return { ...base, firstBreak, checked: Number(after - this.from), lastSeq: after, complete: true };
    }
    if (this.seenEnd || !neighbours)
      return { ...base, checked: Number(this.to - this.from), lastSeq: this.to, complete: true };
    const last = neighbours.last > this.from ? neighbours.last : this.from;
    if (neighbours.next !== null) {
      const firstBreak: ChainBreak = {
        kind: 'chain_gap',
        seq: neighbours.next.toString(),
        detail: `expected position ${last + 1n}, found ${neighbours.next}`,
      };
      return { ...base, firstBreak, checked: Number(last - this.from), lastSeq: last, complete: true };
    }
    return { ...base, checked: Number(last - this.from), lastSeq: last, complete: false };
  }

  private fail(seq: bigint, after: bigint, firstBreak: ChainBreak): void {
    this.best = { seq, after, firstBreak };
  }
}

/**
 * Combines the segments of a chain, in order, into the outcome of one walk from the start:
 * the first segment with a break decides; a segment that ended with the chain ends it.
 */
export function combineSegments(
  results: SegmentResult[],
  start: bigint,
): {
  firstBreak?: ChainBreak;
  checked: number;
  lastSeq: bigint;
  hashesBySeq: Map<string, Buffer>;
} {
  const hashesBySeq = new Map<string, Buffer>();
  let checked = 0;
  let lastSeq = start;
  for (const r of [...results].sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0))) {
    for (const [seq, hash] of r.hashesBySeq) hashesBySeq.set(seq, hash);
    checked += r.checked;
    lastSeq = r.lastSeq;
    if (r.firstBreak) return { firstBreak: r.firstBreak, checked, lastSeq, hashesBySeq };
    if (!r.complete) break;
  }
  return { checked, lastSeq, hashesBySeq };
}

/** Checks checkpoints against the walked chain: signature, agreement, and no truncated tail. */
export function checkCheckpoints(
  checkpoints: Checkpoint[],
  chainHashAt: (seq: string) => Buffer | undefined,
  lastSeq: bigint,
  publicKeys: Map<string, string>,
  firstSeq = 1n,
  /** Each checkpoint's signature already checked (on a worker thread), in the same order. */
  signaturesOk?: boolean[],
): ChainBreak | undefined {
  for (const [i, cp] of checkpoints.entries()) {
    const key = publicKeys.get(cp.keyId);
    const signed = signaturesOk
      ? signaturesOk[i] === true
      : !!key && verifySignature(key, checkpointMessage(cp.seq, cp.chainHash), cp.signature);
    if (!signed) {
      return { kind: 'checkpoint_signature', seq: cp.seq, detail: `checkpoint ${cp.seq} is not signed by a known key` };
    }
    if (BigInt(cp.seq) > lastSeq)
      return {
        kind: 'tail_truncated',
        seq: cp.seq,
        detail: `a checkpoint covers position ${cp.seq} but the chain ends at ${lastSeq}`,
      };
    const actual = chainHashAt(cp.seq);
    if (!actual || !actual.equals(cp.chainHash))
      return { kind: 'checkpoint_mismatch', seq: cp.seq, detail: `checkpoint ${cp.seq} disagrees with the chain` };
  }
  const latest = checkpoints.at(-1);
  if (lastSeq >= firstSeq && (!latest || BigInt(latest.seq) < lastSeq)) {
    return {
      kind: 'unsigned_tail',
      seq: ((latest ? BigInt(latest.seq) : firstSeq - 1n) + 1n).toString(),
      detail: `links after ${latest?.seq ?? 'the start'} carry no signed checkpoint`,
    };
  }
  return undefined;
}
