import { once } from 'node:events';
import zlib from 'node:zlib';

/**
 * The CTDC export as an XLSX workbook, written directly: a sheet `ctdc` (header and rows, every
 * cell a string, as exceljs wrote them) and a sheet `manifest` (one cell), in a streamed ZIP.
 * exceljs built an object per row and rendered it synchronously (≈ 5,000 rows/s on the busy
 * benchmark machine, the event loop held meanwhile); here a class's row is one template and the
 * XML goes to deflate in chunks of about 1 MiB, with backpressure. Plain ZIP (no ZIP64): a part
 * of 4 GiB or more is refused (about eight million rows).
 */

const COLUMN_LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const ROW = '\u0000'; // the row number's place in a row template (never in a value)
const LIMIT = 0xffffffff;

const CONTENT_TYPES = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/worksheets/sheet2.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`;
const ROOT_RELS = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`;
const WORKBOOK = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet sheetId="1" name="ctdc" state="visible" r:id="rId1"/><sheet sheetId="2" name="manifest" state="visible" r:id="rId2"/></sheets></workbook>`;
const WORKBOOK_RELS = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet2.xml"/></Relationships>`;
const SHEET_HEAD = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`;
const SHEET_TAIL = `</sheetData></worksheet>`;

const escapeXml = (v: string): string =>
  v.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[ch]!);

/** One row's XML with ROW where its number goes, split there: join with the number to render. */
export function rowTemplate(values: readonly string[]): string[] {
  if (values.length > COLUMN_LETTERS.length) throw new RangeError('more columns than letters');
  const cells = values.map((v, i) => `<c r="${COLUMN_LETTERS[i]}${ROW}" t="str"><v>${escapeXml(v)}</v></c>`);
  return `<row r="${ROW}">${cells.join('')}</row>`.split(ROW);
}

interface Entry {
  name: Buffer;
  /** 0x0008: sizes in a data descriptor after the data (every entry, as archiver writes them). */
  flags: number;
  crc: number;
  compressed: number;
  size: number;
  offset: number;
}

/** A streamed ZIP: entries deflated one after another, sizes in data descriptors, then the directory. */
export class ZipStream {
  private offset = 0;
  private readonly entries: Entry[] = [];

  constructor(private readonly emit: (chunk: Buffer) => Promise<void>) {}

  private async out(chunk: Buffer): Promise<void> {
    this.offset += chunk.length;
    if (this.offset > LIMIT) throw new RangeError('the ZIP would need ZIP64');
    await this.emit(chunk);
  }

  /** A small entry, deflated at once. */
  async small(name: string, text: string): Promise<void> {
    const bytes = Buffer.from(text, 'utf8');
    const data = zlib.deflateRawSync(bytes, { level: zlib.constants.Z_BEST_SPEED });
    const entry: Entry = {
      name: Buffer.from(name, 'utf8'),
      flags: 0x0008,
      crc: zlib.crc32(bytes),
      compressed: data.length,
      size: bytes.length,
      offset: this.offset,
    };
    await this.out(Buffer.concat([localHeader(entry), entry.name, data, descriptor(entry)]));
    this.entries.push(entry);
  }

  /**
   * A large entry whose content is the strings `parts` yields, deflated as they come: its sizes
   * follow it in a data descriptor.
   */
  async entry(name: string, parts: AsyncIterable<string>): Promise<void> {
    const entry: Entry = {
      name: Buffer.from(name, 'utf8'),
      flags: 0x0008,
      crc: 0,
      compressed: 0,
      size: 0,
      offset: this.offset,
    };
    await this.out(Buffer.concat([localHeader(entry), entry.name]));

    const deflate = zlib.createDeflateRaw({ level: zlib.constants.Z_BEST_SPEED });
    const pumped = (async () => {
      for await (const chunk of deflate as AsyncIterable<Buffer>) {
        entry.compressed += chunk.length;
        await this.out(chunk);
      }
    })();
    try {
      for await (const part of parts) {
        const bytes = Buffer.from(part, 'utf8');
        entry.crc = zlib.crc32(bytes, entry.crc);
        entry.size += bytes.length;
        if (entry.size > LIMIT) throw new RangeError('a ZIP entry of 4 GiB or more');
        if (!deflate.write(bytes)) await once(deflate, 'drain');
      }
    } catch (err) {
      deflate.destroy(err as Error);
      await pumped.catch(() => undefined);
      throw err;
    }
    deflate.end();
    await pumped;

    await this.out(descriptor(entry));
    this.entries.push(entry);
  }

  /** The central directory and its end record: the archive's last bytes (not written here). */
  directory(): Buffer {
    const records = this.entries.map((e) => {
      const r = Buffer.alloc(46);
      r.writeUInt32LE(0x02014b50, 0);
      r.writeUInt16LE(20, 4); // made by
      r.writeUInt16LE(20, 6); // needed
      r.writeUInt16LE(e.flags, 8);
      r.writeUInt16LE(8, 10);
      r.writeUInt16LE(0, 12);
      r.writeUInt16LE(0x21, 14);
      r.writeUInt32LE(e.crc >>> 0, 16);
      r.writeUInt32LE(e.compressed, 20);
      r.writeUInt32LE(e.size, 24);
      r.writeUInt16LE(e.name.length, 28);
      r.writeUInt32LE(e.offset, 42);
      return Buffer.concat([r, e.name]);
    });
    const size = records.reduce((n, r) => n + r.length, 0);
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(this.entries.length, 8);
    end.writeUInt16LE(this.entries.length, 10);
    end.writeUInt32LE(size, 12);
    end.writeUInt32LE(this.offset, 16);
    return Buffer.concat([...records, end]);
  }
}

function descriptor(e: Entry): Buffer {
  const d = Buffer.alloc(16);
  d.writeUInt32LE(0x08074b50, 0);
  d.writeUInt32LE(e.crc >>> 0, 4);
  d.writeUInt32LE(e.compressed, 8);
  d.writeUInt32LE(e.size, 12);
  return d;
}

function localHeader(e: Entry): Buffer {
  const header = Buffer.alloc(30);
  header.writeUInt32LE(0x04034b50, 0);
  header.writeUInt16LE(20, 4); // version needed
  header.writeUInt16LE(e.flags, 6);
  header.writeUInt16LE(8, 8); // deflate
  header.writeUInt16LE(0, 10); // time
  header.writeUInt16LE(0x21, 12); // date: 1980-01-01
  if (!(e.flags & 0x0008)) {
    header.writeUInt32LE(e.crc >>> 0, 14);
    header.writeUInt32LE(e.compressed, 18);
    header.writeUInt32LE(e.size, 22);
  }
  header.writeUInt16LE(e.name.length, 26);
  return header;
}

/**
 * Writes the workbook's parts through `zip` except its directory: `rows` yields the data sheet's
 * XML (from the header row on) in chunks; `manifest` is called once the rows are written.
 */
export async function writeCtdcWorkbook(
  zip: ZipStream,
  rows: AsyncIterable<string>,
  manifest: () => string,
): Promise<void> {
  // In the order exceljs wrote them: its streaming reader (the verifier's) expects it.
  await zip.small('_rels/.rels', ROOT_RELS);
  await zip.entry('xl/worksheets/sheet1.xml', concat([SHEET_HEAD], rows, [SHEET_TAIL]));
  await zip.small('xl/worksheets/sheet2.xml', SHEET_HEAD + rowTemplate([manifest()]).join('1') + SHEET_TAIL);
  await zip.small('[Content_Types].xml', CONTENT_TYPES);
  await zip.small('xl/_rels/workbook.xml.rels', WORKBOOK_RELS);
  await zip.small('xl/workbook.xml', WORKBOOK);
}

async function* concat(...sources: (AsyncIterable<string> | Iterable<string>)[]): AsyncIterable<string> {
  for (const source of sources) yield* source;
}
