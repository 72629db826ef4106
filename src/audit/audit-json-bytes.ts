import { inetHostText, int8Text, timestampText } from './audit-binary.js';

/*
 * An export line written straight from binary COPY bytes into an output buffer: the same bytes
 * as the string path (eventJsonText of audit-binary.ts, which the tests hold it to), without a
 * string per field. Text columns are valid UTF-8 (the database's encoding), so a value holding
 * no quote, backslash or control character is its own JSON body and is copied as it is; any
 * other goes through JSON.stringify. Strings per entry made the export's worker threads spend
 * as much time collecting garbage as writing lines.
 */

const HEX = Buffer.from('0123456789abcdef', 'latin1');
const ascii = (text: string) => Buffer.from(text, 'latin1');

/** The event's keys and punctuation, in eventJsonText order: KEYS[i] comes before field i. */
const KEYS = [
  '{"id":',
  ',"occurredAt":',
  ',"category":',
  ',"action":',
  ',"requestId":',
  ',"actorUserId":',
  ',"actorAgencyId":',
  ',"actorRoles":',
  ',"clientIp":',
  ',"userAgent":',
  ',"method":',
  ',"route":',
  ',"permission":',
  ',"resourceType":',
  ',"resourceIds":',
  ',"caseIds":',
  ',"outcome":',
  ',"status":',
  ',"reason":',
  ',"durationMs":',
  ',"breakGlassGrantId":',
  ',"changes":',
  ',"details":',
].map(ascii);
const NULL = ascii('null');
const CLOSE = ascii('}');

/** How each event field (eventBinaryColumnsSql order) is written. */
type Kind = 'int8' | 'timestamp' | 'text' | 'uuid' | 'textArray' | 'uuidArray' | 'inet' | 'int2' | 'int4' | 'jsonb';
const KINDS: Kind[] = [
  'int8',
  'timestamp',
  'text',
  'text',
  'text',
  'uuid',
  'uuid',
  'textArray',
  'inet',
  'text',
  'text',
  'text',
  'text',
  'text',
  'textArray',
  'uuidArray',
  'text',
  'int2',
  'text',
  'int4',
  'uuid',
  'jsonb',
  'jsonb',
];

/** The most bytes a field of `length` input bytes can take as JSON (\u00XX per byte, quotes, nesting). */
export const worstJsonBytes = (length: number) => 6 * length + 64;

/** A position in an output buffer that the caller sized with worstJsonBytes(). */
export class JsonBytes {
  constructor(
    public buf: Buffer,
    public pos: number,
  ) {}

  bytes(src: Buffer): void {
    this.pos += src.copy(this.buf, this.pos);
  }

  latin1(text: string): void {
    this.pos += this.buf.write(text, this.pos, 'latin1');
  }

  /** `n` bytes of `b` from `at` as lowercase hex, in quotes. */
  quotedHex(b: Buffer, at: number, n: number): void {
    const out = this.buf;
    let p = this.pos;
    out[p++] = 0x22;
    for (let i = at; i < at + n; i++) {
      out[p++] = HEX[b[i]! >> 4]!;
      out[p++] = HEX[b[i]! & 15]!;
    }
    out[p++] = 0x22;
    this.pos = p;
  }

  /** A uuid as "8-4-4-4-12" lowercase hex. */
  uuid(b: Buffer, at: number): void {
    const out = this.buf;
    let p = this.pos;
    out[p++] = 0x22;
    for (let i = 0; i < 16; i++) {
      if (i === 4 || i === 6 || i === 8 || i === 10) out[p++] = 0x2d;
      out[p++] = HEX[b[at + i]! >> 4]!;
      out[p++] = HEX[b[at + i]! & 15]!;
    }
    out[p++] = 0x22;
    this.pos = p;
  }

  /** UTF-8 text as a JSON string, as JSON.stringify writes it. */
  text(b: Buffer, at: number, length: number): void {
    for (let i = at; i < at + length; i++) {
      const c = b[i]!;
      if (c < 0x20 || c === 0x22 || c === 0x5c) {
        this.pos += this.buf.write(JSON.stringify(b.toString('utf8', at, at + length)), this.pos, 'utf8');
        return;
      }
    }
    this.buf[this.pos++] = 0x22;
    this.pos += b.copy(this.buf, this.pos, at, at + length);
    this.buf[this.pos++] = 0x22;
  }

  /** A text[] or uuid[] (any dimensions) as node-postgres parses it, then JSON.stringify writes it. */
  array(b: Buffer, at: number, element: 'text' | 'uuid'): void {
    const ndim = b.readInt32BE(at);
    if (ndim === 0) return this.latin1('[]');
    const dims: number[] = [];
    for (let d = 0; d < ndim; d++) dims.push(b.readInt32BE(at + 12 + 8 * d));
    let p = at + 12 + 8 * ndim;
    const write = (d: number): void => {
      this.buf[this.pos++] = 0x5b;
      for (let i = 0; i < dims[d]!; i++) {
        if (i) this.buf[this.pos++] = 0x2c;
        if (d < ndim - 1) {
          write(d + 1);
          continue;
        }
        const len = b.readInt32BE(p);
        p += 4;
        if (len === -1) this.bytes(NULL);
        else {
          if (element === 'uuid') this.uuid(b, p);
          else this.text(b, p, len);
          p += len;
        }
      }
      this.buf[this.pos++] = 0x5d;
    };
    write(0);
  }
}

/** Writes the `event` object of an export line for a tuple whose fields `first`… are the event's columns. */
export function writeEventJson(b: Buffer, offsets: number[], lengths: number[], first: number, w: JsonBytes): void {
  for (let i = 0; i < KINDS.length; i++) {
    w.bytes(KEYS[i]!);
    const at = offsets[first + i]!;
    const length = lengths[first + i]!;
    if (length < 0) {
      w.bytes(NULL);
      continue;
    }
    switch (KINDS[i]!) {
      case 'int8':
        w.latin1(`"${int8Text(b, at)}"`);
        break;
      case 'timestamp':
        w.latin1(`"${timestampText(b, at)}"`);
        break;
      case 'text':
        w.text(b, at, length);
        break;
      case 'uuid':
        w.uuid(b, at);
        break;
      case 'textArray':
        w.array(b, at, 'text');
        break;
      case 'uuidArray':
        w.array(b, at, 'uuid');
        break;
      case 'inet':
        w.latin1(`"${inetHostText(b, at)}"`);
        break;
      case 'int2':
        w.latin1(String(b.readInt16BE(at)));
        break;
      case 'int4':
        w.latin1(String(b.readInt32BE(at)));
        break;
      case 'jsonb':
        // Binary jsonb: a version byte, then the value's text, which is already JSON.
        if (b[at] !== 1) throw new Error('unknown jsonb version');
        w.pos += b.copy(w.buf, w.pos, at + 1, at + length);
        break;
    }
  }
  w.bytes(CLOSE);
}
