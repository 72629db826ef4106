import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { canonicalJson, chainHash, checkpointMessage, entryHash } from './audit-hash.js';
import { keyIdOf, verifySignature } from './audit-signing.js';
import type { AuditEventRow } from './audit.types.js';
import { CSV_COLUMNS } from './csv-columns.js';

export interface ExportVerification {
  ok: boolean;
  entries: number;
  firstBreak: { line: number; seq?: string; kind: string; detail: string } | null;
  manifest: {
    count: number;
    firstSeq: string | null;
    lastSeq: string | null;
    keyId: string;
    checkpointSeq: string | null;
  } | null;
  /** False when no trusted public key was given: the manifest then proves integrity, not origin. */
  authenticated: boolean;
}

/** Splits one CSV record (RFC 4180; our exports put one record per line). */
function parseCsvLine(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      cells.push(cell);
      cell = '';
    } else cell += ch;
  }
  cells.push(cell);
  return cells.map((c) => (c.startsWith("'") ? c.slice(1) : c));
}

const JSON_FIELDS = new Set<keyof AuditEventRow>(['actorRoles', 'resourceIds', 'caseIds', 'changes', 'details']);
const NUMBER_FIELDS = new Set<keyof AuditEventRow>(['status', 'durationMs']);

function eventFromCsv(cells: string[]): AuditEventRow {
  const row: Record<string, unknown> = {};
  CSV_COLUMNS.forEach((col, i) => {
    const raw = cells[i] ?? '';
    row[col] = raw === '' ? null : JSON_FIELDS.has(col) ? JSON.parse(raw) : NUMBER_FIELDS.has(col) ? Number(raw) : raw;
  });
  return row as unknown as AuditEventRow;
}

/**
 * Splits a text stream on line feeds only. readline also breaks at U+2028/U+2029 on Node 24,
 * which audit values may hold (NDJSON leaves them unescaped), so it would cut entries in two.
 */
async function* linesOf(input: AsyncIterable<string>): AsyncGenerator<string> {
  let rest = '';
  for await (const chunk of input) {
    const parts = (rest + chunk).split('\n');
    rest = parts.pop()!;
    for (const part of parts) yield part.endsWith('\r') ? part.slice(0, -1) : part;
  }
  if (rest) yield rest;
}

/**
 * Checks an audit export offline: every entry hashes to its sealed hash, every link follows
 * from its predecessor, the content matches the manifest, and the manifest and its checkpoint
 * carry valid Ed25519 signatures (by `trustedPublicKeyPem` when given).
 */
export async function verifyExportFile(file: string, trustedPublicKeyPem?: string): Promise<ExportVerification> {
  const lines = linesOf(fs.createReadStream(file, { encoding: 'utf8' }));
  const content = createHash('sha256');
  let lineNo = 0;
  let entries = 0;
  let format: 'ndjson' | 'csv' | undefined;
  let previous: { seq: bigint; chain: string } | undefined;
  let manifest: Record<string, unknown> | undefined;
  let firstBreak: ExportVerification['firstBreak'] = null;
  const chainAt = new Map<string, string>();
  const fail = (kind: string, detail: string, seq?: string) => {
    firstBreak ??= { line: lineNo, seq, kind, detail };
  };

  for await (const text of lines) {
    lineNo += 1;
    if (manifest) {
      fail('trailing_content', 'content after the manifest');
      break;
    }
    if (lineNo === 1) format = text.startsWith('seq,') ? 'csv' : 'ndjson';
    if (format === 'csv' && lineNo === 1) {
      content.update(`${text}\n`);
      continue;
    }
    const manifestText =
      format === 'csv'
        ? text.startsWith('# manifest ')
          ? text.slice('# manifest '.length)
          : undefined
        : text.includes('"type":"manifest"')
          ? text
          : undefined;
    if (manifestText) {
      manifest = JSON.parse(manifestText) as Record<string, unknown>;
      continue;
    }
    content.update(`${text}\n`);
    if (firstBreak) continue;
    let seq: string, prev: string, entry: string, chain: string, event: AuditEventRow;
    try {
      if (format === 'csv') {
        const cells = parseCsvLine(text);
        [seq, prev, entry, chain] = cells.slice(0, 4) as [string, string, string, string];
        event = eventFromCsv(cells.slice(4));
      } else {
        const parsed = JSON.parse(text) as {
          seq: string;
          prevChainHash: string;
          entryHash: string;
          chainHash: string;
          event: AuditEventRow;
        };
        ({ seq, prevChainHash: prev, entryHash: entry, chainHash: chain, event } = parsed);
      }
    } catch {
      fail('unreadable', 'the line cannot be parsed');
      continue;
    }
    entries += 1;
    if (!entryHash(event).equals(Buffer.from(entry, 'hex')))
      fail('entry_modified', `entry ${event.id} differs from what was sealed`, seq);
    else if (!chainHash(Buffer.from(prev, 'hex'), Buffer.from(entry, 'hex')).equals(Buffer.from(chain, 'hex')))
      fail('chain_broken', `link ${seq} does not follow from its predecessor`, seq);
    else if (previous && BigInt(seq) <= previous.seq)
      fail('out_of_order', `position ${seq} after ${previous.seq}`, seq);
    else if (previous && BigInt(seq) === previous.seq + 1n && prev !== previous.chain)
      fail('chain_broken', `link ${seq} does not continue link ${previous.seq}`, seq);
    previous = { seq: BigInt(seq), chain };
    chainAt.set(seq, chain);
  }

  if (!manifest) {
    fail('manifest_missing', 'the export has no manifest (truncated?)');
    return { ok: false, entries, firstBreak, manifest: null, authenticated: false };
  }
  const { signature, ...body } = manifest as { signature: string } & Record<string, unknown>;
  const publicKeyPem = trustedPublicKeyPem ?? (body.publicKeyPem as string);
  const m = body as {
    count: number;
    firstSeq: string | null;
    lastSeq: string | null;
    contentSha256: string;
    keyId: string;
    checkpoint: { seq: string; chainHash: string; keyId: string; signature: string } | null;
  };
  if (trustedPublicKeyPem && keyIdOf(trustedPublicKeyPem) !== m.keyId)
    fail('wrong_key', 'the manifest was signed by another key than the trusted one');
  else if (!verifySignature(publicKeyPem, Buffer.from(canonicalJson(body)), Buffer.from(signature, 'base64')))
    fail('manifest_signature', 'the manifest signature does not verify');
  else if (m.count !== entries) fail('count_mismatch', `manifest says ${m.count} entries, file has ${entries}`);
  else if (m.contentSha256 !== content.digest('hex'))
    fail('content_mismatch', 'the content hash differs from the manifest');
  else if (m.checkpoint) {
    if (
      !verifySignature(
        publicKeyPem,
        checkpointMessage(m.checkpoint.seq, Buffer.from(m.checkpoint.chainHash, 'hex')),
        Buffer.from(m.checkpoint.signature, 'base64'),
      )
    ) {
      fail('checkpoint_signature', 'the checkpoint signature does not verify');
    } else {
      const atCheckpoint = chainAt.get(m.checkpoint.seq);
      if (atCheckpoint && atCheckpoint !== m.checkpoint.chainHash)
        fail(
          'checkpoint_mismatch',
          `the chain at ${m.checkpoint.seq} differs from the signed checkpoint`,
          m.checkpoint.seq,
        );
    }
  }
  return {
    ok: firstBreak === null,
    entries,
    firstBreak,
    manifest: {
      count: m.count,
      firstSeq: m.firstSeq,
      lastSeq: m.lastSeq,
      keyId: m.keyId,
      checkpointSeq: m.checkpoint?.seq ?? null,
    },
    authenticated: Boolean(trustedPublicKeyPem),
  };
}
