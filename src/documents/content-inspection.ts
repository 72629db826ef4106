import { DomainError } from '../common/errors/domain-error.js';
import { ByteReader, rejected } from './byte-reader.js';

/**
 * What comes in: the type is decided from the content's first bytes (magic numbers), never from
 * the client's file name or Content-Type; metadata (EXIF with GPS position, device and owner, XMP,
 * comments, text chunks, a PDF's information dictionary) is removed by walking the container's
 * structure, without decoding a pixel or a page (no native code, memory bounded), and anything
 * after an image's end is dropped.
 */
export const ALLOWED_TYPES = {
  'application/pdf': { extension: 'pdf', label: 'PDF' },
  'image/jpeg': { extension: 'jpg', label: 'JPEG' },
  'image/png': { extension: 'png', label: 'PNG' },
  'image/webp': { extension: 'webp', label: 'WebP' },
  'image/heic': { extension: 'heic', label: 'HEIC' },
} as const;
export type DocumentContentType = keyof typeof ALLOWED_TYPES;
export const ALLOWED_CONTENT_TYPES = Object.keys(ALLOWED_TYPES) as DocumentContentType[];

/** Images larger than this are refused: whoever views them would have to decode them (decompression bombs). */
export const MAX_IMAGE_PIXELS = 250_000_000;
export const MAX_IMAGE_SIDE = 50_000;

const HEAD_BYTES = 1024;
/** Markup that a browser would sniff as a page: a file carrying it in its first bytes is a polyglot. */
const ACTIVE_MARKUP = /<(!doctype\s+html|html[\s>]|script[\s>]|svg[\s>]|iframe[\s>]|body[\s>]|\?xml)/i;
const HEIF_BRANDS = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'hevm', 'hevs']);

/** The allowed type the first bytes announce, if any. */
export function detectContentType(head: Buffer): DocumentContentType | undefined {
  if (head.length >= 8 && head.subarray(0, 5).toString('latin1') === '%PDF-') return 'application/pdf';
  if (head.length >= 3 && head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'image/jpeg';
  if (head.length >= 8 && head.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))
    return 'image/png';
  if (
    head.length >= 16 &&
    head.subarray(0, 4).toString('latin1') === 'RIFF' &&
    head.subarray(8, 12).toString('latin1') === 'WEBP'
  )
    return 'image/webp';
  if (head.length >= 16 && head.subarray(4, 8).toString('latin1') === 'ftyp') {
    const boxSize = head.readUInt32BE(0);
    const brands = [head.subarray(8, 12).toString('latin1')];
    for (let at = 16; at + 4 <= Math.min(boxSize, head.length); at += 4)
      brands.push(head.subarray(at, at + 4).toString('latin1'));
    if (brands.some((b) => HEIF_BRANDS.has(b))) return 'image/heic';
  }
  return undefined;
}

export interface InspectedContent {
  contentType: DocumentContentType;
  /** The cleaned content, as it is to be stored. */
  body: AsyncGenerator<Buffer>;
  /**
   * Once the body was read to its end: whether the metadata was removed (JPEG, PNG, WebP always;
   * a PDF or a HEIC when nothing that can carry it was out of reach).
   */
  metadataRemoved(): boolean;
}

/** Decides the type from the content and returns the content to store, cleaned. Throws 415 / 422. */
export async function inspectContent(source: AsyncIterable<Buffer>): Promise<InspectedContent> {
  const reader = new ByteReader(source[Symbol.asyncIterator]());
  const head = await reader.peek(HEAD_BYTES);
  if (head.length === 0) throw rejected('empty', 'The file is empty');
  const contentType = detectContentType(head);
  if (!contentType) throw notAllowed();
  if (ACTIVE_MARKUP.test(head.toString('latin1')))
    throw rejected('polyglot', 'The file also carries web page markup (a polyglot); save it again as a plain file');
  if (contentType === 'application/pdf' || contentType === 'image/heic') {
    const scrubber = contentType === 'application/pdf' ? new PdfScrubber() : new HeicScrubber();
    return { contentType, body: scrubber.clean(reader), metadataRemoved: () => scrubber.complete };
  }
  const cleaner = CLEANERS[contentType];
  return { contentType, body: cleaner ? cleaner(reader) : reader.rest(), metadataRemoved: () => Boolean(cleaner) };
}

/** 415 naming the allowed types. */
export function notAllowed(): DomainError {
  const labels = Object.values(ALLOWED_TYPES).map((t) => t.label);
  return new DomainError(
    'DOCUMENT_TYPE_NOT_ALLOWED',
    `Only ${labels.join(', ')} files are accepted (decided from the content, not the name)`,
    { extensions: { allowedTypes: ALLOWED_CONTENT_TYPES } },
  );
}

function checkDimensions(width: number, height: number): void {
  if (width === 0 || height === 0) throw rejected('malformed', 'The image has no pixels');
  if (width > MAX_IMAGE_SIDE || height > MAX_IMAGE_SIDE || width * height > MAX_IMAGE_PIXELS)
    throw rejected(
      'dimensions',
      `The image is ${width}×${height} pixels; at most ${MAX_IMAGE_SIDE} a side and ${MAX_IMAGE_PIXELS / 1_000_000} megapixels`,
    );
}

// --- JPEG -------------------------------------------------------------------------------------

/** APPn segments kept: JFIF (APP0), ICC colour profile (APP2, checked below), Adobe colour transform (APP14). */
const JPEG_KEPT_APP = new Set([0xe0, 0xe2, 0xee]);
const JPEG_SOF = new Set([0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf]);
const ICC_PROFILE = Buffer.from('ICC_PROFILE\0', 'latin1');

async function readJpegMarker(r: ByteReader): Promise<number> {
  const [ff] = await r.read(1);
  if (ff !== 0xff) throw rejected('malformed', 'The JPEG structure is broken (no marker where one is due)');
  let code = (await r.read(1))[0]!;
  while (code === 0xff) code = (await r.read(1))[0]!;
  return code;
}

/** Entropy-coded data after a scan header, up to the next marker (whose code it returns). */
async function* jpegScanData(r: ByteReader): AsyncGenerator<Buffer, number> {
  for (;;) {
    const chunk = await r.nextChunk(2);
    if (!chunk) throw rejected('malformed', 'The JPEG ends inside its image data (truncated)');
    let from = 0;
    for (;;) {
      const ff = chunk.indexOf(0xff, from);
      if (ff < 0) {
        yield chunk;
        break;
      }
      if (ff === chunk.length - 1) {
        if (ff > 0) yield chunk.subarray(0, ff);
        const next = await r.nextChunk(1);
        if (!next) throw rejected('malformed', 'The JPEG ends inside its image data (truncated)');
        r.unshift(next);
        r.unshift(chunk.subarray(ff));
        break;
      }
      const code = chunk[ff + 1]!;
      // Stuffed 0xFF00, restart markers and fill bytes belong to the scan.
      if (code === 0x00 || (code >= 0xd0 && code <= 0xd7) || code === 0xff) {
        from = ff + 1;
        continue;
      }
      if (ff > 0) yield chunk.subarray(0, ff);
      r.unshift(chunk.subarray(ff + 2));
      return code;
    }
  }
}

const EXIF_HEADER = Buffer.from('Exif\0\0', 'latin1');
const TIFF_ORIENTATION = 0x0112;
const TIFF_SHORT = 3;

/**
 * The Orientation (2 to 8: turned or mirrored) in the first IFD of an EXIF APP1 payload, if the
 * camera recorded one. A portrait photo from a phone is stored sideways with Orientation 6: its
 * viewer turns it. It says nothing about the person, so it is the one EXIF value kept.
 */
function exifOrientation(payload: Buffer): number | undefined {
  if (payload.length < EXIF_HEADER.length + 8 || !payload.subarray(0, EXIF_HEADER.length).equals(EXIF_HEADER))
    return undefined;
  const tiff = payload.subarray(EXIF_HEADER.length);
  const order = tiff.toString('latin1', 0, 2);
  if (order !== 'II' && order !== 'MM') return undefined;
  const u16 = (at: number) => (order === 'II' ? tiff.readUInt16LE(at) : tiff.readUInt16BE(at));
  const u32 = (at: number) => (order === 'II' ? tiff.readUInt32LE(at) : tiff.readUInt32BE(at));
  if (u16(2) !== 42) return undefined;
  const ifd = u32(4);
  if (ifd + 2 > tiff.length) return undefined;
  for (let i = 0, n = u16(ifd); i < n; i++) {
    const entry = ifd + 2 + i * 12;
    if (entry + 12 > tiff.length) return undefined;
    if (u16(entry) !== TIFF_ORIENTATION) continue;
    const value = u16(entry + 2) === TIFF_SHORT ? u16(entry + 8) : 0;
    return value >= 2 && value <= 8 ? value : undefined;
  }
  return undefined;
}

/** An EXIF APP1 segment of our own making that holds the orientation and nothing else. */
function orientationSegment(orientation: number): Buffer {
  const tiff = Buffer.alloc(8 + 2 + 12 + 4);
  tiff.write('MM', 0, 'latin1');
  tiff.writeUInt16BE(42, 2);
  tiff.writeUInt32BE(8, 4); // the first IFD follows the header
  tiff.writeUInt16BE(1, 8); // one entry
  tiff.writeUInt16BE(TIFF_ORIENTATION, 10);
  tiff.writeUInt16BE(TIFF_SHORT, 12);
  tiff.writeUInt32BE(1, 14);
  tiff.writeUInt16BE(orientation, 18);
  // No next IFD (the last four bytes stay zero).
  const payload = Buffer.concat([EXIF_HEADER, tiff]);
  const header = Buffer.from([0xff, 0xe1, 0, 0]);
  header.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([header, payload]);
}

async function* cleanJpeg(r: ByteReader): AsyncGenerator<Buffer> {
  yield await r.read(2);
  let pending: number | undefined;
  let sawFrame = false;
  let orientationKept = false;
  for (;;) {
    const code = pending ?? (await readJpegMarker(r));
    pending = undefined;
    if (code === 0xd9) {
      if (!sawFrame) throw rejected('malformed', 'The JPEG has no image frame');
      yield Buffer.from([0xff, 0xd9]);
      // Whatever follows the end of the image (previews, another file) is not kept.
      await r.discardRest();
      return;
    }
    if (code === 0x01 || (code >= 0xd0 && code <= 0xd7)) {
      yield Buffer.from([0xff, code]);
      continue;
    }
    const lengthBytes = await r.read(2);
    const length = lengthBytes.readUInt16BE(0);
    if (length < 2) throw rejected('malformed', 'The JPEG structure is broken (a segment is too short)');
    const header = Buffer.from([0xff, code, lengthBytes[0]!, lengthBytes[1]!]);
    if (code === 0xda) {
      if (!sawFrame) throw rejected('malformed', 'The JPEG has image data before its frame header');
      yield header;
      yield* r.pass(length - 2);
      pending = yield* jpegScanData(r);
      continue;
    }
    const isApp = code >= 0xe0 && code <= 0xef;
    if (code === 0xe1 && !orientationKept) {
      // EXIF: everything goes but the orientation, rewritten into a segment of its own.
      const orientation = exifOrientation(await r.read(length - 2));
      if (orientation) {
        orientationKept = true;
        yield orientationSegment(orientation);
      }
      continue;
    }
    if (code === 0xfe || (isApp && !JPEG_KEPT_APP.has(code))) {
      await r.skip(length - 2);
      continue;
    }
    const payload = await r.read(length - 2);
    if (code === 0xe2 && !payload.subarray(0, ICC_PROFILE.length).equals(ICC_PROFILE)) {
      // Other APP2 segments (FlashPix, multi-picture index) describe data that is not kept.
      continue;
    }
    if (JPEG_SOF.has(code)) {
      if (payload.length < 5) throw rejected('malformed', 'The JPEG frame header is too short');
      checkDimensions(payload.readUInt16BE(3), payload.readUInt16BE(1));
      sawFrame = true;
    }
    yield header;
    yield payload;
  }
}

// --- PNG --------------------------------------------------------------------------------------

/** Text, EXIF and time chunks: where cameras and editors put position, device, owner and comments. */
const PNG_DROPPED = new Set(['tEXt', 'zTXt', 'iTXt', 'eXIf', 'tIME', 'dSIG']);

async function* cleanPng(r: ByteReader): AsyncGenerator<Buffer> {
  yield await r.read(8);
  let first = true;
  for (;;) {
    const header = await r.read(8);
    const length = header.readUInt32BE(0);
    const type = header.subarray(4, 8).toString('latin1');
    if (length > 0x7fffffff || !/^[A-Za-z]{4}$/.test(type))
      throw rejected('malformed', 'The PNG structure is broken (a chunk header is invalid)');
    if (first) {
      if (type !== 'IHDR' || length !== 13) throw rejected('malformed', 'The PNG does not start with its header chunk');
      const body = await r.read(length + 4);
      checkDimensions(body.readUInt32BE(0), body.readUInt32BE(4));
      first = false;
      yield header;
      yield body;
      continue;
    }
    if (PNG_DROPPED.has(type)) {
      await r.skip(length + 4);
      continue;
    }
    yield header;
    yield* r.pass(length + 4);
    if (type === 'IEND') {
      await r.discardRest();
      return;
    }
  }
}

// --- WebP -------------------------------------------------------------------------------------

/**
 * EXIF and XMP chunks are overwritten in place by a chunk of zeros of the same size (readers
 * ignore unknown chunks), so the RIFF size written at the start stays true while streaming.
 */
async function* cleanWebp(r: ByteReader): AsyncGenerator<Buffer> {
  const header = await r.read(12);
  const riffSize = header.readUInt32LE(4);
  if (riffSize < 4 || riffSize % 2) throw rejected('malformed', 'The WebP size is invalid');
  yield header;
  let left = riffSize - 4;
  while (left > 0) {
    const chunkHeader = await r.read(8);
    const fourcc = chunkHeader.subarray(0, 4).toString('latin1');
    const size = chunkHeader.readUInt32LE(4);
    const padded = size + (size % 2);
    if (padded + 8 > left) throw rejected('malformed', 'The WebP structure is broken (a chunk overruns the file)');
    left -= padded + 8;
    if (fourcc === 'EXIF' || fourcc === 'XMP ') {
      await r.skip(padded);
      const blank = Buffer.from('JUNK\0\0\0\0', 'latin1');
      blank.writeUInt32LE(size, 4);
      yield blank;
      for (let at = 0; at < padded; at += 65536) yield Buffer.alloc(Math.min(65536, padded - at));
      continue;
    }
    if (fourcc === 'VP8X') {
      const body = await r.read(padded);
      if (size < 10) throw rejected('malformed', 'The WebP extended header is too short');
      checkDimensions(body.readUIntLE(4, 3) + 1, body.readUIntLE(7, 3) + 1);
      body[0] = body[0]! & ~0x0c; // no EXIF, no XMP
      yield chunkHeader;
      yield body;
      continue;
    }
    yield chunkHeader;
    yield* r.pass(padded);
  }
  await r.discardRest();
}

const CLEANERS: Partial<Record<DocumentContentType, (r: ByteReader) => AsyncGenerator<Buffer>>> = {
  'image/jpeg': cleanJpeg,
  'image/png': cleanPng,
  'image/webp': cleanWebp,
};

// --- PDF --------------------------------------------------------------------------------------

/** Objects longer than this are passed on unexamined (an information dictionary is a few hundred bytes). */
const PDF_OBJECT_MAX = 64 * 1024;
/** Bytes kept back at the end of a piece, so a keyword cut in two is still found. */
const PDF_TAIL = 16;
const PDF_OBJ = /(?<![A-Za-z0-9])obj(?![A-Za-z0-9])/g;
const PDF_OBJECT_END = /(?<![A-Za-z0-9])(?:endobj(?![A-Za-z0-9])|stream(?:\r\n|\n|\r))/g;
/** Keys of the document information dictionary (a dictionary without /Type, /Parent or /Subtype). */
const PDF_INFO_KEYS = /\/(?:Producer|Creator|Author|CreationDate|ModDate|Title|Subject|Keywords)(?![A-Za-z0-9])/;
const PDF_NOT_INFO = /\/(?:Type|Parent|Subtype|Kids|Contents)(?![A-Za-z0-9])/;
/** Dates stay: they say when, not who. Every other text value of the information dictionary is blanked. */
const PDF_KEPT_INFO = new Set(['CreationDate', 'ModDate', 'Trapped']);
const SPACE = 0x20;

/**
 * Removes a PDF's metadata while it streams, without decoding it (no library holds the document
 * in memory): every text value of the document information dictionary (Author, Creator, Producer,
 * Title, Subject, Keywords and custom entries; the dates are kept) and the content of XMP
 * metadata streams are overwritten by spaces of the same length, so every byte offset (the
 * cross-reference table) stays true and the file opens as before. Out of reach, and then
 * `complete` is false (the API says metadataRemoved: false): objects inside compressed object
 * streams (PDF 1.5+), compressed XMP streams, and values held in other objects. Signed PDFs lose
 * their signature's validity (the signed bytes change).
 */
export class PdfScrubber {
  /** Whether everything that can carry metadata was reached (read once the body has been consumed). */
  complete = true;
  private mode: 'syntax' | 'object' | 'stream' = 'syntax';
  /** A stream's bytes still to pass when its length is given directly; -1: up to `endstream`. */
  private streamLeft = -1;
  private blankStream = false;

  async *clean(r: ByteReader): AsyncGenerator<Buffer> {
    let pending: Buffer | undefined;
    for (;;) {
      const chunk = await r.nextChunk();
      const buf = !chunk ? (pending ?? Buffer.alloc(0)) : pending?.length ? Buffer.concat([pending, chunk]) : chunk;
      const { emit, keep } = this.scan(buf, !chunk);
      if (emit > 0) yield buf.subarray(0, emit);
      if (!chunk) return;
      pending = keep < buf.length ? buf.subarray(keep) : undefined;
    }
  }

  /** Scans (and blanks in place) what can be decided; says how many bytes may go and where what is kept starts. */
  private scan(buf: Buffer, final: boolean): { emit: number; keep: number } {
    const text = buf.toString('latin1');
    const limit = final ? buf.length : Math.max(0, buf.length - PDF_TAIL);
    let pos = 0;
    let objectStart = 0;
    for (;;) {
      if (this.mode === 'stream') {
        if (this.streamLeft >= 0) {
          const n = Math.min(this.streamLeft, buf.length - pos);
          this.streamLeft -= n;
          pos += n;
          if (this.streamLeft > 0) return { emit: buf.length, keep: buf.length };
          this.mode = 'syntax';
          continue;
        }
        const end = buf.indexOf('endstream', pos, 'latin1');
        if (end < 0) {
          const upTo = Math.max(pos, final ? buf.length : buf.length - 9);
          if (this.blankStream) buf.fill(SPACE, pos, upTo);
          return { emit: upTo, keep: upTo };
        }
        if (this.blankStream) {
          let dataEnd = end;
          while (dataEnd > pos && (buf[dataEnd - 1] === 0x0a || buf[dataEnd - 1] === 0x0d)) dataEnd--;
          buf.fill(SPACE, pos, dataEnd);
        }
        this.blankStream = false;
        this.mode = 'syntax';
        pos = end + 9;
        continue;
      }
      if (this.mode === 'syntax') {
        PDF_OBJ.lastIndex = pos;
        const m = PDF_OBJ.exec(text);
        if (!m || m.index >= limit) {
          const upTo = Math.max(pos, limit);
          return { emit: upTo, keep: upTo };
        }
        this.mode = 'object';
        objectStart = m.index;
        pos = m.index + 3;
        continue;
      }
      // An object's body, held until its end (or its stream) shows what it is.
      PDF_OBJECT_END.lastIndex = pos;
      const m = PDF_OBJECT_END.exec(text);
      if (!m || (m.index + m[0].length > limit && !final)) {
        if (buf.length - objectStart <= PDF_OBJECT_MAX && !final) return { emit: objectStart, keep: objectStart };
        // Too long to be an information dictionary (or the file ends): passed on as it is.
        if (PDF_INFO_KEYS.test(text.slice(objectStart, objectStart + 4096))) this.complete = false;
        this.mode = 'syntax';
        pos = Math.max(pos, limit);
        continue;
      }
      const body = text.slice(objectStart, m.index);
      this.mode = 'syntax';
      pos = m.index + m[0].length;
      if (m[0].startsWith('endobj')) {
        if (PDF_INFO_KEYS.test(body) && !PDF_NOT_INFO.test(body)) this.blankInfo(buf, text, objectStart, m.index);
        continue;
      }
      // The dictionary of a stream.
      if (/\/Type\s*\/ObjStm(?![A-Za-z0-9])/.test(body)) this.complete = false;
      const xmp = /\/Type\s*\/Metadata(?![A-Za-z0-9])/.test(body);
      if (xmp && /\/Filter(?![A-Za-z0-9])/.test(body)) this.complete = false;
      this.blankStream = xmp && !/\/Filter(?![A-Za-z0-9])/.test(body);
      const length = /\/Length\s+(\d+)(?!\s+\d+\s+R)(?![0-9])/.exec(body);
      this.streamLeft = !this.blankStream && length ? Number(length[1]) : -1;
      this.mode = 'stream';
    }
  }

  /** Blanks the text values of an information dictionary held in buf[from, to). */
  private blankInfo(buf: Buffer, text: string, from: number, to: number): void {
    let key = '';
    let at = from;
    while (at < to) {
      const c = text[at]!;
      if (c === '/') {
        const name = /^\/([^\s/<>()[\]{}%]*)/.exec(text.slice(at, Math.min(to, at + 128)))!;
        key = name[1]!;
        at += name[0].length;
        const ref = /^\s+\d+\s+\d+\s+R(?![A-Za-z0-9])/.exec(text.slice(at, Math.min(to, at + 32)));
        if (ref && !PDF_KEPT_INFO.has(key)) this.complete = false; // the value lives in another object
      } else if (c === '(') {
        let depth = 1;
        let i = at + 1;
        for (; i < to && depth > 0; i++) {
          const d = text[i];
          if (d === '\\') i++;
          else if (d === '(') depth++;
          else if (d === ')') depth--;
        }
        const close = depth === 0 ? i - 1 : to;
        if (!PDF_KEPT_INFO.has(key)) buf.fill(SPACE, at + 1, close);
        at = Math.min(to, close + 1);
      } else if (c === '<' && text[at + 1] === '<') {
        at += 2;
      } else if (c === '<') {
        const close = text.indexOf('>', at);
        const end = close < 0 || close > to ? to : close;
        if (!PDF_KEPT_INFO.has(key)) buf.fill(SPACE, at + 1, end);
        at = end + 1;
      } else at++;
    }
  }
}

// --- HEIC -------------------------------------------------------------------------------------

/** A `meta` box larger than this is passed on unexamined (they hold item tables: a few kilobytes). */
const HEIC_META_MAX = 1024 * 1024;

interface ByteRange {
  from: number;
  to: number;
}

/**
 * Removes a HEIC's EXIF (position, device, owner) and XMP while it streams: the `meta` box (read
 * whole, it comes first) names the items (`iinf`: type `Exif`, or `mime` with an XMP content
 * type) and where their bytes are (`iloc`); those bytes are overwritten by zeros as they pass
 * (usually inside `mdat`), so every box size and offset stays true and the picture is untouched.
 * `complete` is false when an item could not be reached: bytes before the `meta` box, item data
 * by reference, or a `meta` box too large or malformed to read.
 */
export class HeicScrubber {
  complete = true;
  private ranges: ByteRange[] = [];

  async *clean(r: ByteReader): AsyncGenerator<Buffer> {
    let at = 0;
    let sawMeta = false;
    for (;;) {
      const head = await r.peek(16);
      if (head.length === 0) return;
      if (head.length < 8) {
        yield* this.zeroing(r.rest(), at);
        return;
      }
      let size = head.readUInt32BE(0);
      const type = head.subarray(4, 8).toString('latin1');
      let headerSize = 8;
      if (size === 1 && head.length >= 16) {
        size = Number(head.readBigUInt64BE(8));
        headerSize = 16;
      }
      if (size === 0) {
        // The last box runs to the end of the file.
        yield* this.zeroing(r.rest(), at);
        return;
      }
      if (size < headerSize) throw rejected('malformed', 'The HEIC structure is broken (a box is too short)');
      if (type === 'meta' && !sawMeta && size <= HEIC_META_MAX) {
        sawMeta = true;
        const meta = await r.read(size);
        this.readMeta(meta, at, headerSize);
        for (const range of this.ranges) zeroIn(meta, at, range);
        yield meta;
      } else {
        if (type === 'meta') this.complete = false;
        yield* this.zeroing(r.pass(size), at);
      }
      at += size;
    }
  }

  private async *zeroing(source: AsyncIterable<Buffer>, start: number): AsyncGenerator<Buffer> {
    let at = start;
    for await (const chunk of source) {
      for (const range of this.ranges) zeroIn(chunk, at, range);
      at += chunk.length;
      yield chunk;
    }
  }

  /** Finds the metadata items' byte ranges (file offsets) in a `meta` box starting at file offset `boxAt`. */
  private readMeta(meta: Buffer, boxAt: number, headerSize: number): void {
    try {
      const children = boxes(meta, headerSize + 4, meta.length);
      const iinf = children.find((b) => b.type === 'iinf');
      const iloc = children.find((b) => b.type === 'iloc');
      const idat = children.find((b) => b.type === 'idat');
      if (!iinf || !iloc) return; // no items: nothing to remove
      const wanted = metadataItems(meta, iinf);
      for (const item of readIloc(meta, iloc)) {
        if (!wanted.has(item.id)) continue;
        for (const extent of item.extents) {
          if (item.method === 0 && extent.length > 0) {
            const from = item.base + extent.offset;
            if (from < boxAt) this.complete = false; // already passed on
            this.ranges.push({ from, to: from + extent.length });
          } else if (item.method === 1 && idat && extent.length > 0) {
            const from = boxAt + idat.body + item.base + extent.offset;
            this.ranges.push({ from, to: Math.min(from + extent.length, boxAt + idat.end) });
          } else this.complete = false;
        }
      }
    } catch {
      this.complete = false;
    }
  }
}

function zeroIn(buf: Buffer, bufAt: number, range: ByteRange): void {
  const from = Math.max(range.from, bufAt);
  const to = Math.min(range.to, bufAt + buf.length);
  if (from < to) buf.fill(0, from - bufAt, to - bufAt);
}

interface Box {
  type: string;
  /** Offsets within the buffer: the body (after the header) and the end. */
  body: number;
  end: number;
}

function boxes(buf: Buffer, from: number, to: number): Box[] {
  const out: Box[] = [];
  let at = from;
  while (at + 8 <= to) {
    let size = buf.readUInt32BE(at);
    let header = 8;
    if (size === 1) {
      size = Number(buf.readBigUInt64BE(at + 8));
      header = 16;
    } else if (size === 0) size = to - at;
    if (size < header || at + size > to) throw new Error('box overruns its parent');
    out.push({ type: buf.toString('latin1', at + 4, at + 8), body: at + header, end: at + size });
    at += size;
  }
  return out;
}

/** Ids of the items that are metadata: EXIF, and XMP (a `mime` item of an XMP/RDF content type). */
function metadataItems(buf: Buffer, iinf: Box): Set<number> {
  const version = buf[iinf.body]!;
  const first = iinf.body + 4 + (version === 0 ? 2 : 4);
  const ids = new Set<number>();
  for (const infe of boxes(buf, first, iinf.end)) {
    if (infe.type !== 'infe') continue;
    const v = buf[infe.body]!;
    if (v < 2) continue; // old entries carry no item type (not written by cameras)
    let at = infe.body + 4;
    const id = v === 2 ? buf.readUInt16BE(at) : buf.readUInt32BE(at);
    at += (v === 2 ? 2 : 4) + 2;
    const itemType = buf.toString('latin1', at, at + 4);
    at += 4;
    if (itemType === 'Exif') ids.add(id);
    if (itemType === 'mime') {
      const nameEnd = buf.indexOf(0, at);
      const contentType = nameEnd < 0 ? '' : buf.toString('latin1', nameEnd + 1, buf.indexOf(0, nameEnd + 1));
      if (/xmp|rdf\+xml/i.test(contentType)) ids.add(id);
    }
  }
  return ids;
}

interface Located {
  id: number;
  method: number;
  base: number;
  extents: { offset: number; length: number }[];
}

function readIloc(buf: Buffer, iloc: Box): Located[] {
  const version = buf[iloc.body]!;
  let at = iloc.body + 4;
  const offsetSize = buf[at]! >> 4;
  const lengthSize = buf[at]! & 15;
  const baseSize = buf[at + 1]! >> 4;
  const indexSize = version >= 1 ? buf[at + 1]! & 15 : 0;
  at += 2;
  const uint = (n: number): number => {
    const v = n === 0 ? 0 : n === 4 ? buf.readUInt32BE(at) : n === 8 ? Number(buf.readBigUInt64BE(at)) : NaN;
    if (Number.isNaN(v)) throw new Error('iloc field size');
    at += n;
    return v;
  };
  const count = version < 2 ? buf.readUInt16BE(at) : buf.readUInt32BE(at);
  at += version < 2 ? 2 : 4;
  const out: Located[] = [];
  for (let i = 0; i < count; i++) {
    const id = version < 2 ? buf.readUInt16BE(at) : buf.readUInt32BE(at);
    at += version < 2 ? 2 : 4;
    let method = 0;
    if (version >= 1) {
      method = buf.readUInt16BE(at) & 15;
      at += 2;
    }
    at += 2; // data_reference_index
    const base = uint(baseSize);
    const extentCount = buf.readUInt16BE(at);
    at += 2;
    const extents: { offset: number; length: number }[] = [];
    for (let e = 0; e < extentCount; e++) {
      if (indexSize) uint(indexSize);
      extents.push({ offset: uint(offsetSize), length: uint(lengthSize) });
    }
    if (at > iloc.end) throw new Error('iloc overruns its box');
    out.push({ id, method, base, extents });
  }
  return out;
}
