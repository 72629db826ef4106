import { createHash } from 'node:crypto';
import fs from 'node:fs';
import ExcelJS from 'exceljs';
import { canonicalJson } from '../audit/audit-hash.js';
import { keyIdOf, verifySignature } from '../audit/audit-signing.js';
import { CTDC_HEADER } from './ctdc-columns.js';

export interface CtdcExportVerification {
  ok: boolean;
  rows: number;
  problem: string | null;
  manifest: { count: number; k: number; keyId: string; contentSha256: string } | null;
  /** False when no trusted public key was given: the manifest then proves integrity, not origin. */
  authenticated: boolean;
}

/** Whether a file is a CTDC export (XLSX, or CSV starting with its header) rather than an audit export. */
export async function isCtdcExport(file: string): Promise<boolean> {
  if (file.endsWith('.xlsx')) return true;
  const fd = await fs.promises.open(file, 'r');
  try {
    const { buffer, bytesRead } = await fd.read(Buffer.alloc(64), 0, 64, 0);
    return buffer.subarray(0, bytesRead).toString('utf8').startsWith('yearOfRegistration,');
  } finally {
    await fd.close();
  }
}

/** Checks a CTDC export offline: row count and content hash against the manifest, and its signature. */
export async function verifyCtdcExport(file: string, trustedPublicKeyPem?: string): Promise<CtdcExportVerification> {
  const content = createHash('sha256');
  let rows = 0;
  let manifestText: string | undefined;
  let header: string | undefined;
  const line = (text: string) => {
    if (header === undefined) header = text;
    else rows += 1;
    content.update(`${text}\n`);
  };
  if (file.endsWith('.xlsx')) {
    const reader = new ExcelJS.stream.xlsx.WorkbookReader(file, { sharedStrings: 'cache', worksheets: 'emit' });
    for await (const sheet of reader) {
      const name = (sheet as unknown as { name: string }).name;
      for await (const row of sheet) {
        const values = (row.values as unknown[]).slice(1).map((v) => String(v ?? ''));
        if (name === 'manifest') manifestText ??= values[0];
        else line(values.join(','));
      }
    }
  } else {
    const text = await fs.promises.readFile(file, 'utf8');
    for (const l of text.split('\n')) {
      if (l === '') continue;
      if (l.startsWith('# manifest ')) manifestText = l.slice('# manifest '.length);
      else if (manifestText !== undefined) return fail('content after the manifest', rows);
      else line(l);
    }
  }
  if (header !== CTDC_HEADER) return fail('the header is not the CTDC export header', rows);
  if (!manifestText) return fail('the export has no manifest (truncated?)', rows);
  const { signature, ...body } = JSON.parse(manifestText) as { signature: string } & Record<string, unknown>;
  const m = body as { count: number; k: number; keyId: string; contentSha256: string; publicKeyPem: string };
  const summary = { count: m.count, k: m.k, keyId: m.keyId, contentSha256: m.contentSha256 };
  const result = (problem: string | null): CtdcExportVerification => ({
    ok: problem === null,
    rows,
    problem,
    manifest: summary,
    authenticated: Boolean(trustedPublicKeyPem),
  });
  if (trustedPublicKeyPem && keyIdOf(trustedPublicKeyPem) !== m.keyId)
    return result('the manifest was signed by another key than the trusted one');
  if (
    !verifySignature(
      trustedPublicKeyPem ?? m.publicKeyPem,
      Buffer.from(canonicalJson(body)),
      Buffer.from(signature, 'base64'),
    )
  )
    return result('the manifest signature does not verify');
  if (m.count !== rows) return result(`the manifest says ${m.count} rows, the file has ${rows}`);
  if (m.contentSha256 !== content.digest('hex')) return result('the content hash differs from the manifest');
  return result(null);

  function fail(problem: string, n: number): CtdcExportVerification {
    return { ok: false, rows: n, problem, manifest: null, authenticated: Boolean(trustedPublicKeyPem) };
  }
}
