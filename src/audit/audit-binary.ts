import type { AuditEventRow } from './audit.types.js';

/*
 * Audit entries read as PostgreSQL's binary COPY: the columns' send format (integers, 16-byte
 * uuids, microseconds, raw UTF-8) costs the server a fraction of building text, and Node
 * turns them into exactly the values AUDIT_EVENT_COLUMNS and node-postgres produce (the
 * sealer hashes those): the verifier then hashes entries with the sealer's own functions, and
 * the export writes the same NDJSON bytes PostgreSQL used to build. The audit tests compare
 * both paths on hostile values.
 */

/** The event columns of a binary COPY, in AuditEventRow (hash) order; `alias` names audit_event. */
export function eventBinaryColumnsSql(alias: string): string {
  const e = alias;
  return [
    'id',
    'occurred_at',
    'category',
    'action',
    'request_id',
    'actor_user_id',
    'actor_agency_id',
    'actor_roles',
    'client_ip',
    'user_agent',
    'method',
    'route',
    'permission',
    'resource_type',
    'resource_ids',
    'case_ids',
    'outcome',
    'status',
    'reason',
    'duration_ms',
    'break_glass_grant_id',
    'changes',
    'details',
  ]
    .map((c) => `${e}.${c}`)
    .join(', ');
}

/** Number of event columns eventBinaryColumnsSql() selects. */
export const EVENT_BINARY_FIELDS = 23;

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');

/** The length of a binary COPY stream's header (signature, flags, extension), checked. */
export function copyHeaderLength(data: Buffer): number {
  if (data.length < 19 || !data.subarray(0, 11).equals(SIGNATURE)) throw new Error('not a binary COPY stream');
  return 19 + data.readInt32BE(15);
}

/**
 * Splits a binary COPY stream into tuples. PostgreSQL sends one CopyData message per row (the
 * header rides on the first); a tuple that spans messages is refused rather than guessed at.
 * For each tuple, `onTuple` gets the message and each field's offset and length (-1: NULL),
 * valid during the call only.
 */
export class BinaryCopyReader {
  private started = false;
  private ended = false;
  readonly offsets: number[] = [];
  readonly lengths: number[] = [];

  constructor(private readonly onTuple: (data: Buffer, offsets: number[], lengths: number[]) => void) {}

  push(data: Buffer): void {
    let at = 0;
    if (!this.started) {
      at = copyHeaderLength(data);
      this.started = true;
    }
    while (at < data.length) {
      if (this.ended) throw new Error('data after the end of a binary COPY stream');
      const fields = data.readInt16BE(at);
      at += 2;
      if (fields === -1) {
        this.ended = true;
        continue;
      }
      for (let i = 0; i < fields; i++) {
        const length = data.readInt32BE(at);
        at += 4;
        this.offsets[i] = at;
        this.lengths[i] = length;
        if (length > 0) at += length;
      }
      if (at > data.length) throw new Error('a binary COPY tuple spans messages');
      this.offsets.length = fields;
      this.lengths.length = fields;
      this.onTuple(data, this.offsets, this.lengths);
    }
  }
}

/** An int8 as decimal text. */
export function int8Text(b: Buffer, at: number): string {
  const hi = b.readInt32BE(at);
  const lo = b.readUInt32BE(at + 4);
  if (hi >= 0 && hi < 0x200000) return String(hi * 0x100000000 + lo);
  return b.readBigInt64BE(at).toString();
}

const PG_EPOCH_MS = 946_684_800_000;

/** Two-digit numbers, for the time of day. */
const TWO_DIGITS = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));
const DAY_US = 86_400_000_000;
/** The last day formatted by timestampText (entries of a range share days): its number and date text. */
let lastDay = NaN;
let lastDayText = '';

/** A timestamptz (microseconds since 2000) as to_char(… AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'). */
export function timestampText(b: Buffer, at: number): string {
  // Exact as a double for ±142 years around 2000; anything else is refused below.
  const us = b.readInt32BE(at) * 0x100000000 + b.readUInt32BE(at + 4);
  const day = Math.floor(us / DAY_US);
  if (day !== lastDay) {
    const date = new Date(day * 86_400_000 + PG_EPOCH_MS);
    const year = date.getUTCFullYear();
    // Outside four-digit years (and for infinity) the text would differ from PostgreSQL's: refuse.
    if (!Number.isSafeInteger(us) || !Number.isFinite(date.getTime()) || year < 1 || year > 9999)
      throw new Error('timestamp out of range');
    // A Date formatted per entry was a tenth of the export's decoding: one per day of entries.
    lastDayText = date.toISOString().slice(0, 11);
    lastDay = day;
  }
  const inDay = us - day * DAY_US;
  const second = Math.floor(inDay / 1_000_000);
  const hour = Math.floor(second / 3600);
  const minute = Math.floor((second - hour * 3600) / 60);
  return `${lastDayText}${TWO_DIGITS[hour]}:${TWO_DIGITS[minute]}:${TWO_DIGITS[second - hour * 3600 - minute * 60]}.${String(1_000_000 + (inDay - second * 1_000_000)).slice(1)}Z`;
}

/** A uuid as lowercase 8-4-4-4-12 text. */
export function uuidText(b: Buffer, at: number): string {
  const h = b.toString('hex', at, at + 16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** An inet's address as host() writes it (IPv6 as PostgreSQL's inet_net_ntop does). */
export function inetHostText(b: Buffer, at: number): string {
  const family = b[at]!;
  const size = b[at + 3]!;
  const addr = at + 4;
  if (family === 2 && size === 4) return `${b[addr]}.${b[addr + 1]}.${b[addr + 2]}.${b[addr + 3]}`;
  if (family !== 3 || size !== 16) throw new Error('unknown inet family');
  const words: number[] = [];
  for (let i = 0; i < 8; i++) words.push(b.readUInt16BE(addr + 2 * i));
  // The longest run of two or more zero words (the first of equal runs) becomes '::'.
  let best = { base: -1, len: 0 };
  let cur = { base: -1, len: 0 };
  for (let i = 0; i < 8; i++) {
    if (words[i] === 0) {
      if (cur.base === -1) cur = { base: i, len: 1 };
      else cur.len++;
    } else if (cur.base !== -1) {
      if (best.base === -1 || cur.len > best.len) best = cur;
      cur = { base: -1, len: 0 };
    }
  }
  if (cur.base !== -1 && (best.base === -1 || cur.len > best.len)) best = cur;
  if (best.base !== -1 && best.len < 2) best = { base: -1, len: 0 };
  let text = '';
  for (let i = 0; i < 8; i++) {
    if (best.base !== -1 && i >= best.base && i < best.base + best.len) {
      if (i === best.base) text += ':';
      continue;
    }
    if (i !== 0) text += ':';
    // An IPv4-compatible or IPv4-mapped address ends in dotted decimal.
    if (i === 6 && best.base === 0 && (best.len === 6 || (best.len === 5 && words[5] === 0xffff))) {
      text += `${b[addr + 12]}.${b[addr + 13]}.${b[addr + 14]}.${b[addr + 15]}`;
      break;
    }
    text += words[i]!.toString(16);
  }
  if (best.base !== -1 && best.base + best.len === 8) text += ':';
  return text;
}

/** A one-dimensional (or nested) array of text or uuid elements, as node-postgres parses it. */
export function arrayValue(b: Buffer, at: number, element: 'text' | 'uuid'): (string | null)[] | unknown[] {
  const ndim = b.readInt32BE(at);
  if (ndim === 0) return [];
  const dims: number[] = [];
  for (let d = 0; d < ndim; d++) dims.push(b.readInt32BE(at + 12 + 8 * d));
  let p = at + 12 + 8 * ndim;
  const read = (d: number): unknown[] => {
    const out: unknown[] = [];
    for (let i = 0; i < dims[d]!; i++) {
      if (d < ndim - 1) {
        out.push(read(d + 1));
        continue;
      }
      const len = b.readInt32BE(p);
      p += 4;
      if (len === -1) out.push(null);
      else {
        out.push(element === 'uuid' ? uuidText(b, p) : b.toString('utf8', p, p + len));
        p += len;
      }
    }
    return out;
  };
  return read(0);
}

/** The JSON text of a jsonb value (binary format: a version byte, then jsonb's text). */
export function jsonbText(b: Buffer, at: number, length: number): string {
  if (b[at] !== 1) throw new Error('unknown jsonb version');
  return b.toString('utf8', at + 1, at + length);
}

/**
 * The event of a tuple whose fields `first`… are eventBinaryColumnsSql(): the values
 * AUDIT_EVENT_COLUMNS gives through node-postgres, except `changes` and `details`, which stay
 * JSON text (`changesJson`, `detailsJson`) for whoever needs them parsed or verbatim.
 */
export interface DecodedEvent {
  row: Omit<AuditEventRow, 'changes' | 'details'>;
  changesJson: string | null;
  detailsJson: string | null;
}

export function decodeEvent(b: Buffer, offsets: number[], lengths: number[], first: number): DecodedEvent {
  const o = (i: number) => offsets[first + i]!;
  const has = (i: number) => lengths[first + i]! >= 0;
  const text = (i: number) => (has(i) ? b.toString('utf8', o(i), o(i) + lengths[first + i]!) : null);
  const uuid = (i: number) => (has(i) ? uuidText(b, o(i)) : null);
  return {
    row: {
      id: int8Text(b, o(0)),
      occurredAt: timestampText(b, o(1)),
      category: text(2) as AuditEventRow['category'],
      action: text(3)!,
      requestId: text(4),
      actorUserId: uuid(5),
      actorAgencyId: uuid(6),
      actorRoles: has(7) ? (arrayValue(b, o(7), 'text') as string[]) : null,
      clientIp: has(8) ? inetHostText(b, o(8)) : null,
      userAgent: text(9),
      method: text(10),
      route: text(11),
      permission: text(12),
      resourceType: text(13),
      resourceIds: has(14) ? (arrayValue(b, o(14), 'text') as string[]) : null,
      caseIds: has(15) ? (arrayValue(b, o(15), 'uuid') as string[]) : null,
      outcome: text(16) as AuditEventRow['outcome'],
      status: has(17) ? b.readInt16BE(o(17)) : null,
      reason: text(18),
      durationMs: has(19) ? b.readInt32BE(o(19)) : null,
      breakGlassGrantId: uuid(20),
    },
    changesJson: has(21) ? jsonbText(b, o(21), lengths[first + 21]!) : null,
    detailsJson: has(22) ? jsonbText(b, o(22), lengths[first + 22]!) : null,
  };
}

const json = (v: unknown) => (v === null || v === undefined ? 'null' : JSON.stringify(v));
/** JSON of a value that needs no escaping (digits, uuids, timestamps of timestampText). */
const plain = (v: string | null) => (v === null ? 'null' : `"${v}"`);
const num = (v: number | null) => (v === null ? 'null' : String(v));

/**
 * The `event` object of an NDJSON export line: the fields in hash order, each as PostgreSQL's
 * to_json writes it (strings escaped as JSON.stringify does, compact arrays), the two JSON
 * objects as jsonb text. The export writes these bytes without strings (audit-json-bytes.ts);
 * this plain form is the reference test/audit/audit-export-lines.spec.ts holds it to.
 */
export function eventJsonText(d: DecodedEvent): string {
  const r = d.row;
  return (
    `{"id":${plain(r.id)},"occurredAt":${plain(r.occurredAt)},"category":${json(r.category)},"action":${json(r.action)}` +
    `,"requestId":${json(r.requestId)},"actorUserId":${plain(r.actorUserId)},"actorAgencyId":${plain(r.actorAgencyId)}` +
    `,"actorRoles":${json(r.actorRoles)},"clientIp":${json(r.clientIp)},"userAgent":${json(r.userAgent)}` +
    `,"method":${json(r.method)},"route":${json(r.route)},"permission":${json(r.permission)}` +
    `,"resourceType":${json(r.resourceType)},"resourceIds":${json(r.resourceIds)},"caseIds":${json(r.caseIds)}` +
    `,"outcome":${json(r.outcome)},"status":${num(r.status)},"reason":${json(r.reason)},"durationMs":${num(r.durationMs)}` +
    `,"breakGlassGrantId":${plain(r.breakGlassGrantId)},"changes":${d.changesJson ?? 'null'},"details":${d.detailsJson ?? 'null'}}`
  );
}

/**
 * The canonical JSON of an entry's hashed fields (canonicalJson(HASHED_FIELDS.map(…)) of
 * audit-hash.ts), written for the decoded types: strings, string arrays and integers are
 * what JSON.stringify writes; only `changes` and `details` go through canonicalJson.
 */
export function canonicalEventText(d: DecodedEvent, canonicalJson: (value: unknown) => string): string {
  const r = d.row;
  return (
    `[${plain(r.id)},${plain(r.occurredAt)},${json(r.category)},${json(r.action)},${json(r.requestId)}` +
    `,${plain(r.actorUserId)},${plain(r.actorAgencyId)},${json(r.actorRoles)},${json(r.clientIp)},${json(r.userAgent)}` +
    `,${json(r.method)},${json(r.route)},${json(r.permission)},${json(r.resourceType)},${json(r.resourceIds)}` +
    `,${json(r.caseIds)},${json(r.outcome)},${num(r.status)},${json(r.reason)},${num(r.durationMs)},${plain(r.breakGlassGrantId)}` +
    `,${d.changesJson === null ? 'null' : canonicalJson(JSON.parse(d.changesJson))}` +
    `,${d.detailsJson === null ? 'null' : canonicalJson(JSON.parse(d.detailsJson))}]`
  );
}
