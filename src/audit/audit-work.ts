import { canonicalEventText, decodeEvent, int8Text } from './audit-binary.js';
import { JsonBytes, worstJsonBytes, writeEventJson } from './audit-json-bytes.js';
import { type Checkpoint, SegmentChecker, type SegmentResult } from './audit-chain.js';
import { canonicalJson, checkpointMessage, entryHashOfText } from './audit-hash.js';
import { verifySignature } from './audit-signing.js';

/*
 * The per-entry work of verification and export, on runs of whole binary COPY tuples (the
 * stream without its header): decoding, canonical serialisation, SHA-256, NDJSON lines. Pure
 * and synchronous, so the same code runs in a worker thread (audit-worker.ts) and, where no
 * pool is given, in the calling thread.
 */

/** Fields of chainSegmentCopySql() before the event's columns (SEGMENT_LINK_FIELDS of audit.queries.ts). */
const LINK_FIELDS = 7;
/** Fields of exportChunkCopySql() before the event's columns. */
const EXPORT_LINK_FIELDS = 4;

/**
 * Calls `onTuple` for each tuple of `b` (whole tuples only, no header), with each field's offset
 * and length (-1: NULL), valid during the call. Returns true when the stream's trailer was read.
 */
export function forEachTuple(
  b: Buffer,
  onTuple: (b: Buffer, offsets: number[], lengths: number[]) => void,
  offsets: number[] = [],
  lengths: number[] = [],
): boolean {
  let at = 0;
  let ended = false;
  while (at < b.length) {
    if (ended) throw new Error('data after the end of a binary COPY stream');
    const fields = b.readInt16BE(at);
    at += 2;
    if (fields === -1) {
      ended = true;
      continue;
    }
    for (let i = 0; i < fields; i++) {
      const length = b.readInt32BE(at);
      at += 4;
      offsets[i] = at;
      lengths[i] = length;
      if (length > 0) at += length;
    }
    if (at > b.length) throw new Error('a binary COPY tuple is cut short');
    offsets.length = fields;
    lengths.length = fields;
    onTuple(b, offsets, lengths);
  }
  return ended;
}

/**
 * One segment of a verification (from, to]: feeds every link of chainSegmentCopySql() to a
 * SegmentChecker, hashing each present entry with the sealer's functions.
 */
export class SegmentWalk {
  private readonly checker: SegmentChecker;
  private readonly offsets: number[] = [];
  private readonly lengths: number[] = [];

  constructor(from: bigint, to: bigint) {
    this.checker = new SegmentChecker(from, to);
  }

  push(b: Buffer): void {
    forEachTuple(b, (b, at, len) => this.link(b, at, len), this.offsets, this.lengths);
  }

  get reachedEnd(): boolean {
    return this.checker.reachedEnd;
  }

  finish(neighbours?: { last: bigint; next: bigint | null }): SegmentResult {
    return this.checker.finish(neighbours);
  }

  private link(b: Buffer, at: number[], len: number[]): void {
    const seq = b.readBigInt64BE(at[0]!);
    if (!this.checker.wants(seq)) return;
    const present = b[at[3]!] === 1;
    let entryOk = false;
    if (present) {
      try {
        const canonical = canonicalEventText(decodeEvent(b, at, len, LINK_FIELDS), canonicalJson);
        entryOk = entryHashOfText(canonical).equals(b.subarray(at[4]!, at[4]! + len[4]!));
      } catch {
        // A value no sealed entry can hold (a timestamp beyond year 9999, broken JSON): modified.
        entryOk = false;
      }
    }
    this.checker.step({
      seq,
      eventId: int8Text(b, at[6]!),
      prevSeq: len[1]! < 0 ? null : b.readBigInt64BE(at[1]!),
      present,
      entryOk,
      linkOk: len[2]! < 0 ? null : b[at[2]!] === 1,
      chainHash: len[5]! < 0 ? null : Buffer.from(b.subarray(at[5]!, at[5]! + len[5]!)),
    });
  }
}

/** Where NDJSON lines go: buffers handed out by `next` (any size), filled one after another. */
export class LineWriter {
  readonly parts: { buffer: Buffer; used: number }[] = [];
  private readonly cursor = new JsonBytes(Buffer.alloc(0), 0);

  constructor(private readonly next: (atLeast: number) => Buffer) {}

  /** A cursor with room for a line of at most `worst` bytes; end() closes the line. */
  begin(worst: number): JsonBytes {
    let part = this.parts.at(-1);
    if (!part || part.used + worst + 1 > part.buffer.length) {
      part = { buffer: this.next(worst + 1), used: 0 };
      this.parts.push(part);
    }
    this.cursor.buf = part.buffer;
    this.cursor.pos = part.used;
    return this.cursor;
  }

  /** Ends the line begun last: its newline, and the bytes counted as used. */
  end(): void {
    const w = this.cursor;
    w.buf[w.pos++] = 0x0a;
    this.parts.at(-1)!.used = w.pos;
  }
}

const SEQ = Buffer.from('{"seq":"', 'latin1');
const PREV = Buffer.from('","prevChainHash":', 'latin1');
const ENTRY = Buffer.from(',"entryHash":', 'latin1');
const CHAIN = Buffer.from(',"chainHash":', 'latin1');
const EVENT = Buffer.from(',"event":', 'latin1');
const END = Buffer.from('}', 'latin1');

/**
 * The NDJSON line of one exportChunkCopySql() tuple: the same bytes PostgreSQL's JSON functions
 * wrote, written from the columns' send format (audit-json-bytes.ts). Returns its position.
 */
export function ndjsonLine(b: Buffer, at: number[], len: number[], out: LineWriter): string {
  const seq = int8Text(b, at[0]!);
  const end = at.at(-1)! + Math.max(0, len.at(-1)!);
  // The keys and the link fields are under 1 KiB.
  const w = out.begin(worstJsonBytes(end - at[0]!) + 1024);
  w.bytes(SEQ);
  w.latin1(seq);
  w.bytes(PREV);
  w.quotedHex(b, at[1]!, len[1]!);
  w.bytes(ENTRY);
  w.quotedHex(b, at[2]!, len[2]!);
  w.bytes(CHAIN);
  w.quotedHex(b, at[3]!, len[3]!);
  w.bytes(EVENT);
  writeEventJson(b, at, len, EXPORT_LINK_FIELDS, w);
  w.bytes(END);
  out.end();
  return seq;
}

/** Whether each checkpoint's signature verifies with the key it names (false: unknown key). */
export function checkpointSignatures(checkpoints: Checkpoint[], publicKeys: Map<string, string>): boolean[] {
  return checkpoints.map((cp) => {
    const key = publicKeys.get(cp.keyId);
    return !!key && verifySignature(key, checkpointMessage(cp.seq, cp.chainHash), cp.signature);
  });
}
