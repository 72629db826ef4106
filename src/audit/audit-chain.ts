import { chainHash, checkpointMessage, GENESIS_HASH } from './audit-hash.js';
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

export interface ChainLink {
  seq: string;
  eventId: string;
  entryHash: Buffer;
  chainHash: Buffer;
  /** The hash of the event row as it is now; null when the row is missing. */
  currentEntryHash: Buffer | null;
}

export interface Checkpoint {
  seq: string;
  chainHash: Buffer;
  keyId: string;
  signature: Buffer;
}

/**
 * Walks links in order and reports the first break. Pure: the API verifier streams links
 * from the database into it, the offline verifier from an export file.
 */
export class ChainWalker {
  private previous: Buffer;
  private expectedSeq: bigint;
  checked = 0;
  firstBreak: ChainBreak | undefined;
  readonly hashesBySeq = new Map<string, Buffer>();

  constructor(
    startAfter: { seq: bigint; chainHash: Buffer } = { seq: 0n, chainHash: GENESIS_HASH },
    private readonly rememberSeqs?: Set<string>,
  ) {
    this.previous = startAfter.chainHash;
    this.expectedSeq = startAfter.seq + 1n;
  }

  /** Returns false once a break is found. */
  step(link: ChainLink): boolean {
    if (this.firstBreak) return false;
    const at = { seq: link.seq, eventId: link.eventId };
    if (BigInt(link.seq) !== this.expectedSeq)
      return this.fail({
        kind: 'chain_gap',
        ...at,
        detail: `expected position ${this.expectedSeq}, found ${link.seq}`,
      });
    if (!link.currentEntryHash)
      return this.fail({
        kind: 'event_missing',
        ...at,
        detail: `event ${link.eventId} sealed at ${link.seq} is missing`,
      });
    if (!link.currentEntryHash.equals(link.entryHash))
      return this.fail({ kind: 'entry_modified', ...at, detail: `event ${link.eventId} differs from what was sealed` });
    if (!chainHash(this.previous, link.entryHash).equals(link.chainHash))
      return this.fail({
        kind: 'chain_broken',
        ...at,
        detail: `link ${link.seq} does not follow from link ${this.expectedSeq - 1n}`,
      });
    this.previous = link.chainHash;
    this.expectedSeq += 1n;
    this.checked += 1;
    if (this.rememberSeqs?.has(link.seq)) this.hashesBySeq.set(link.seq, link.chainHash);
    return true;
  }

  get lastSeq(): bigint {
    return this.expectedSeq - 1n;
  }

  private fail(b: ChainBreak): false {
    this.firstBreak = b;
    return false;
  }
}

/** Checks checkpoints against the walked chain: signature, agreement, and no truncated tail. */
export function checkCheckpoints(
  checkpoints: Checkpoint[],
  chainHashAt: (seq: string) => Buffer | undefined,
  lastSeq: bigint,
  publicKeys: Map<string, string>,
  firstSeq = 1n,
): ChainBreak | undefined {
  for (const cp of checkpoints) {
    const key = publicKeys.get(cp.keyId);
    if (!key || !verifySignature(key, checkpointMessage(cp.seq, cp.chainHash), cp.signature)) {
      return { kind: 'checkpoint_signature', seq: cp.seq, detail: `checkpoint ${cp.seq} is not signed by a known key` };
    }
    if (BigInt(cp.seq) > lastSeq)
      return {
        kind: 'tail_truncated',
        seq: cp.seq,
        detail: `a checkpoint covers position ${cp.seq} but the chain ends at ${lastSeq}`,
      };
    const actual = chainHashAt(cp.seq);
    if (actual && !actual.equals(cp.chainHash))
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
