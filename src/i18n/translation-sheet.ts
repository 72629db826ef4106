import ExcelJS from 'exceljs';

/**
 * The translators' sheet: one row per text, the same columns in XLSX and CSV. Translators fill
 * `lao` and set `verification`; the other columns are for reading (kind/key identify the row).
 */
export const SHEET_COLUMNS = ['kind', 'key', 'english', 'lao', 'verification', 'source', 'placeholders'] as const;
export type SheetColumn = (typeof SHEET_COLUMNS)[number];
export type SheetRow = Record<SheetColumn, string>;

const SHEET_NAME = 'translations';

export async function toXlsx(rows: SheetRow[]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'ctcm-api';
  const sheet = workbook.addWorksheet(SHEET_NAME, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = SHEET_COLUMNS.map((c) => ({
    header: c,
    key: c,
    width: c === 'english' || c === 'lao' ? 60 : c === 'key' ? 40 : 16,
  }));
  sheet.getRow(1).font = { bold: true };
  // Every cell is text: a key such as '01' must not become the number 1, nor a text starting '=' a formula.
  for (const row of rows) sheet.addRow(SHEET_COLUMNS.map((c) => row[c])).eachCell((cell) => (cell.numFmt = '@'));
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** The rows of an uploaded XLSX, by header name; undefined when it has no sheet with the header row. */
export async function fromXlsx(content: Buffer): Promise<Partial<SheetRow>[] | undefined> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(content as unknown as ArrayBuffer);
  } catch {
    return undefined;
  }
  const sheet = workbook.getWorksheet(SHEET_NAME) ?? workbook.worksheets[0];
  if (!sheet) return undefined;
  // exceljs leaves index 0 empty (columns count from 1): Array.from fills the holes.
  const header = Array.from(sheet.getRow(1).values as unknown[], cellText);
  const rows: Partial<SheetRow>[] = [];
  sheet.eachRow((row, n) => {
    if (n === 1) return;
    const values = Array.from(row.values as unknown[]);
    rows.push(Object.fromEntries(header.flatMap((name, i) => (name ? [[name, cellText(values[i])]] : []))));
  });
  return rows;
}

/** A cell's text whatever Excel made of it (rich text, a number it guessed, a shared string). */
function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') {
    const v = value as { richText?: { text: string }[]; text?: string; result?: unknown };
    if (v.richText) return v.richText.map((r) => r.text).join('');
    if (typeof v.text === 'string') return v.text;
    if (v.result !== undefined) return String(v.result);
  }
  return String(value);
}

const csvField = (value: string) => (/[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);

/** RFC 4180 CSV, UTF-8 with a byte-order mark so spreadsheet programs read Lao script correctly. */
export function toCsv(rows: SheetRow[]): Buffer {
  const lines = [SHEET_COLUMNS.join(','), ...rows.map((r) => SHEET_COLUMNS.map((c) => csvField(r[c])).join(','))];
  return Buffer.from(`\uFEFF${lines.join('\r\n')}\r\n`, 'utf8');
}

/** Parses RFC 4180 CSV (quoted fields, doubled quotes, CRLF or LF); the first line names the columns. */
export function fromCsv(text: string): Partial<SheetRow>[] {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  const input = text.replace(/^\uFEFF/, '');
  for (let i = 0; i < input.length; i++) {
    const c = input[i]!;
    if (quoted) {
      if (c === '"' && input[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') {
      record.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && input[i + 1] === '\n') i++;
      record.push(field);
      records.push(record);
      record = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || record.length) records.push([...record, field]);
  const [header = [], ...body] = records.filter((r) => r.some((f) => f !== ''));
  return body.map((r) => Object.fromEntries(header.map((name, i) => [name.trim(), r[i] ?? ''])));
}
