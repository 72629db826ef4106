import fs from 'node:fs';
import zlib from 'node:zlib';
import { CANARIES } from '../harness/canaries.js';

/**
 * Files for the documents tests: real photos (test/documents/files: a JPEG from the requests
 * project's docs that already carries EXIF, a WebP from CPython's tests) given the metadata a
 * phone writes (GPS position, device, owner), and small files built byte by byte.
 */
export const EXIF_CANARIES = {
  device: 'CANARYCAM-X9-DEVICE',
  owner: 'Canaryowner Souksavanh',
  comment: 'canary-comment-90311',
  xmp: 'canary-xmp-creator-4471',
  text: 'canary-png-author-2208',
} as const;

/** Plaintext of a file that must never be found in a dump, a data file, WAL or a log. */
export const FILE_CANARY = CANARIES.fileContent;

const fixture = (name: string) => fs.readFileSync(new URL(`./files/${name}`, import.meta.url));

/** A TIFF (little-endian) with Make, Model, Artist and a GPS IFD at 17°58'N 102°36'E: an EXIF block. */
export function exifBlock(options: { orientation?: number } = {}): Buffer {
  const entries: { tag: number; type: number; count: number; value: Buffer }[] = [];
  const ascii = (s: string) => Buffer.from(`${s}\0`, 'latin1');
  const rational = (...pairs: [number, number][]) => {
    const b = Buffer.alloc(pairs.length * 8);
    pairs.forEach(([n, d], i) => {
      b.writeUInt32LE(n, i * 8);
      b.writeUInt32LE(d, i * 8 + 4);
    });
    return b;
  };
  const gps = [
    { tag: 0x0001, type: 2, count: 2, value: ascii('N') },
    { tag: 0x0002, type: 5, count: 3, value: rational([17, 1], [58, 1], [1234, 100]) },
    { tag: 0x0003, type: 2, count: 2, value: ascii('E') },
    { tag: 0x0004, type: 5, count: 3, value: rational([102, 1], [36, 1], [5678, 100]) },
  ];
  entries.push({ tag: 0x010f, type: 2, count: EXIF_CANARIES.device.length + 1, value: ascii(EXIF_CANARIES.device) });
  entries.push({ tag: 0x0110, type: 2, count: 10, value: ascii('Model-123') });
  if (options.orientation) {
    const value = Buffer.alloc(4);
    value.writeUInt16LE(options.orientation, 0);
    entries.push({ tag: 0x0112, type: 3, count: 1, value });
  }
  entries.push({ tag: 0x013b, type: 2, count: EXIF_CANARIES.owner.length + 1, value: ascii(EXIF_CANARIES.owner) });
  entries.push({ tag: 0x8825, type: 4, count: 1, value: Buffer.alloc(4) }); // GPS IFD offset, patched below
  // Layout: header(8) | IFD0 | IFD0 data | GPS IFD | GPS data.
  const ifdSize = (n: number) => 2 + n * 12 + 4;
  const ifd0At = 8;
  let dataAt = ifd0At + ifdSize(entries.length);
  const ifd0Data: Buffer[] = [];
  const layout = (list: typeof entries, base: number, dataStart: number, data: Buffer[]) => {
    const table = Buffer.alloc(ifdSize(list.length));
    table.writeUInt16LE(list.length, 0);
    let at = dataStart;
    list.forEach((e, i) => {
      const o = 2 + i * 12;
      table.writeUInt16LE(e.tag, o);
      table.writeUInt16LE(e.type, o + 2);
      table.writeUInt32LE(e.count, o + 4);
      if (e.value.length <= 4) e.value.copy(table, o + 8);
      else {
        table.writeUInt32LE(at, o + 8);
        data.push(e.value);
        at += e.value.length + (e.value.length % 2);
        if (e.value.length % 2) data.push(Buffer.alloc(1));
      }
    });
    void base;
    return { table, end: at };
  };
  const first = layout(entries, ifd0At, dataAt, ifd0Data);
  dataAt = first.end;
  const gpsEntry = entries.findIndex((e) => e.tag === 0x8825);
  first.table.writeUInt32LE(dataAt, 2 + gpsEntry * 12 + 8); // the GPS IFD follows IFD0's data
  const gpsData: Buffer[] = [];
  const second = layout(gps, dataAt, dataAt + ifdSize(gps.length), gpsData);
  const header = Buffer.from([0x49, 0x49, 0x2a, 0x00, 0x08, 0x00, 0x00, 0x00]);
  return Buffer.concat([header, first.table, ...ifd0Data, second.table, ...gpsData]);
}

const segment = (marker: number, payload: Buffer) => {
  const head = Buffer.from([0xff, marker, 0, 0]);
  head.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([head, payload]);
};

/** The real photo with a phone's EXIF (GPS, device, owner), an XMP packet and a comment added after SOI. */
export function jpegWithExif(options: { orientation?: number } = {}): Buffer {
  const photo = fixture('photo.jpg');
  return Buffer.concat([
    photo.subarray(0, 2),
    segment(0xe1, Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), exifBlock(options)])),
    segment(
      0xe1,
      Buffer.from(
        `http://ns.adobe.com/xap/1.0/\0<x:xmpmeta><dc:creator>${EXIF_CANARIES.xmp}</dc:creator></x:xmpmeta>`,
        'latin1',
      ),
    ),
    segment(0xfe, Buffer.from(EXIF_CANARIES.comment, 'latin1')),
    photo.subarray(2),
  ]);
}

export const plainJpeg = () => fixture('photo.jpg');

const pngChunk = (type: string, data: Buffer) => {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(zlib.crc32(Buffer.concat([Buffer.from(type, 'latin1'), data])) >>> 0, 0);
  return Buffer.concat([head, data, crc]);
};

/** A 2×2 PNG with text, EXIF and time chunks, optionally with other bytes after IEND (a polyglot). */
export function pngWithMetadata(options: { width?: number; height?: number; trailing?: Buffer } = {}): Buffer {
  const width = options.width ?? 2;
  const height = options.height ?? 2;
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const rows = Buffer.alloc(2 * (1 + 2 * 3), 0x7f);
  rows[0] = 0;
  rows[7] = 0;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('tEXt', Buffer.from(`Author\0${EXIF_CANARIES.text}`, 'latin1')),
    pngChunk('eXIf', exifBlock()),
    pngChunk('tIME', Buffer.from([0x07, 0xea, 12, 1, 10, 0, 0])),
    pngChunk('IDAT', zlib.deflateSync(rows)),
    pngChunk('IEND', Buffer.alloc(0)),
    options.trailing ?? Buffer.alloc(0),
  ]);
}

/** The real WebP (extended format) with EXIF and XMP chunks appended and announced in VP8X. */
export function webpWithExif(): Buffer {
  const photo = fixture('photo.webp');
  const riffChunk = (fourcc: string, data: Buffer) => {
    const head = Buffer.alloc(8);
    head.write(fourcc, 0, 'latin1');
    head.writeUInt32LE(data.length, 4);
    return Buffer.concat([head, data, data.length % 2 ? Buffer.alloc(1) : Buffer.alloc(0)]);
  };
  const body = Buffer.concat([
    photo.subarray(12),
    riffChunk('EXIF', exifBlock()),
    riffChunk('XMP ', Buffer.from(`<x:xmpmeta>${EXIF_CANARIES.xmp}</x:xmpmeta>`, 'latin1')),
  ]);
  const header = Buffer.from(photo.subarray(0, 12));
  header.writeUInt32LE(body.length + 4, 4);
  const out = Buffer.concat([header, body]);
  out[20] = out[20]! | 0x0c; // VP8X flags: EXIF and XMP present
  return out;
}

/** A small, valid PDF whose text is `text` (uncompressed, so plaintext would be visible if stored as is). */
export function pdf(text: string = FILE_CANARY, padTo = 0): Buffer {
  const stream = `BT /F1 12 Tf 72 720 Td (${text}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  // Padding as a PDF comment block, to reach a size (large files for the size tests and the benchmark).
  const xrefAt = () => out.length;
  if (padTo > out.length) {
    const line = `% ${'x'.repeat(75)}\n`;
    out += line.repeat(Math.ceil((padTo - out.length - 200) / line.length));
  }
  const at = xrefAt();
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const o of offsets) out += `${String(o).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${at}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

/** What a scanner or an editor writes into a PDF's metadata: none of it may be stored. */
export const PDF_CANARIES = {
  author: 'Khamla (canary) Phommachanh',
  creatorHex: 'Scanner of Khamla canary',
  producer: 'Producer-canary 7.1',
  title: 'Passport of Khamla canary',
  subject: 'Subject-canary',
  keywords: 'keywords-canary, Savannakhet',
  custom: 'Custom-entry-canary',
  xmp: 'xmp-creator-canary Khamla',
};

function pdfFile(objects: string[], trailer: string): Buffer {
  let out = '%PDF-1.7\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const at = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const o of offsets) out += `${String(o).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} ${trailer} >>\nstartxref\n${at}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

/**
 * A PDF as an office suite or a scanner writes it: an information dictionary (literal and
 * UTF-16 hex strings, escaped parentheses, a custom entry, dates), an uncompressed XMP stream
 * referenced by the catalog, and a bookmark whose /Title is content, not metadata.
 */
export function pdfWithMetadata(): Buffer {
  const c = PDF_CANARIES;
  const stream = 'BT /F1 12 Tf 72 720 Td (Page text stays) Tj ET';
  const xmp =
    `<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?>\n<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF>` +
    `<dc:creator>${c.xmp}</dc:creator></rdf:RDF></x:xmpmeta>\n<?xpacket end="w"?>`;
  const utf16 = `FEFF${Buffer.from(c.creatorHex, 'utf16le').swap16().toString('hex').toUpperCase()}`;
  return pdfFile(
    [
      '<< /Type /Catalog /Pages 2 0 R /Metadata 6 0 R /Outlines 7 0 R >>',
      '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
      '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
      `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
      '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
      `<< /Type /Metadata /Subtype /XML /Length ${xmp.length} >>\nstream\n${xmp}\nendstream`,
      '<< /Type /Outlines /First 8 0 R /Last 8 0 R /Count 1 >>',
      '<< /Title (Chapter one) /Parent 7 0 R /Dest [3 0 R /Fit] >>',
      `<< /Author (${c.author.replace(/[()]/g, (p) => `\\${p}`)}) /Creator <${utf16}> /Producer (${c.producer})\n` +
        `   /Title (${c.title}) /Subject (${c.subject}) /Keywords (${c.keywords}) /Company (${c.custom})\n` +
        `   /CreationDate (D:20261201120000+07'00') /ModDate (D:20261202090000+07'00') >>`,
    ],
    '/Root 1 0 R /Info 9 0 R',
  );
}

/** A PDF 1.5 whose information dictionary sits in a compressed object stream: out of reach of the scrubber. */
export function pdfWithObjectStream(): Buffer {
  const info = `<< /Author (${PDF_CANARIES.author}) >>`;
  const packed = zlib.deflateSync(Buffer.from(`9 0 ${info}`, 'latin1'));
  return Buffer.concat([
    Buffer.from(
      '%PDF-1.5\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n' +
        `3 0 obj\n<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length ${packed.length} >>\nstream\n`,
      'latin1',
    ),
    packed,
    Buffer.from('\nendstream\nendobj\ntrailer\n<< /Size 10 /Root 1 0 R /Info 9 0 R >>\n%%EOF\n', 'latin1'),
  ]);
}

/** An ISO BMFF box. */
function isoBox(type: string, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  const head = Buffer.alloc(8);
  head.writeUInt32BE(body.length + 8, 0);
  head.write(type, 4, 'latin1');
  return Buffer.concat([head, body]);
}
const u8 = (...v: number[]) => Buffer.from(v);
const u16 = (v: number) => Buffer.from([v >> 8, v & 255]);
const u32 = (v: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(v);
  return b;
};

/** The HEVC payload of the HEIC fixture: stands for the picture, must come back unchanged. */
export const HEIC_PICTURE = Buffer.from('HEVC-picture-bytes-that-must-stay-'.repeat(40), 'latin1');

/**
 * A HEIC as a phone writes it: `ftyp`, a `meta` box whose `iinf` names a picture item, an EXIF
 * item and an XMP item, and whose `iloc` places their bytes in `mdat` (the EXIF with a GPS and
 * owner canary). Not decodable as a picture (the HEVC bytes are a stand-in); the structure is real.
 */
export function heicWithExif(): Buffer {
  const exif = Buffer.concat([
    u32(6),
    Buffer.from('Exif\0\0MM\0*\0\0\0\x08', 'latin1'),
    Buffer.from(`GPS 17.9757N 102.6331E device ${EXIF_CANARIES.device} owner ${EXIF_CANARIES.owner}`, 'latin1'),
  ]);
  const xmp = Buffer.from(`<x:xmpmeta><rdf:RDF>${EXIF_CANARIES.xmp}</rdf:RDF></x:xmpmeta>`, 'latin1');
  const ftyp = isoBox('ftyp', Buffer.from('heic', 'latin1'), u32(0), Buffer.from('mif1heic', 'latin1'));
  const infe = (id: number, type: string, extra = Buffer.alloc(0)) =>
    isoBox('infe', u8(2, 0, 0, 0), u16(id), u16(0), Buffer.from(type, 'latin1'), u8(0), extra);
  const meta = (offsets: number[]) =>
    isoBox(
      'meta',
      u8(0, 0, 0, 0),
      isoBox('hdlr', u8(0, 0, 0, 0), u32(0), Buffer.from('pict', 'latin1'), Buffer.alloc(12), u8(0)),
      isoBox('pitm', u8(0, 0, 0, 0), u16(1)),
      isoBox(
        'iinf',
        u8(0, 0, 0, 0),
        u16(3),
        infe(1, 'hvc1'),
        infe(2, 'Exif'),
        infe(3, 'mime', Buffer.from('application/rdf+xml\0', 'latin1')),
      ),
      isoBox(
        'iloc',
        u8(0, 0, 0, 0),
        u8(0x44, 0x00),
        u16(3),
        ...[HEIC_PICTURE, exif, xmp].map((data, i) =>
          Buffer.concat([u16(i + 1), u16(0), u16(1), u32(offsets[i]!), u32(data.length)]),
        ),
      ),
    );
  const metaSize = meta([0, 0, 0]).length;
  const start = ftyp.length + metaSize + 8;
  const offsets = [start, start + HEIC_PICTURE.length, start + HEIC_PICTURE.length + exif.length];
  return Buffer.concat([ftyp, meta(offsets), isoBox('mdat', HEIC_PICTURE, exif, xmp)]);
}
