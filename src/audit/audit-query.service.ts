import { Inject, Injectable } from '@nestjs/common';
import type { Response } from 'express';
import { createHash } from 'node:crypto';
import pg, { type PoolClient } from 'pg';
import { DataSource } from 'typeorm';
import { invalidCursor, isCursorValue } from '../common/http/cursor.js';
import { endAfterCommit } from '../common/http/end-after-commit.js';
import type { PreparedStatement } from '../database/sql.js';
import { StandbyService } from '../database/standby.service.js';
import { TransactionService } from '../database/transaction.service.js';
import { canonicalJson } from './audit-hash.js';
import { AuditSealer } from './audit-sealer.service.js';
import { AuditWorkerPool, type ExportReaderOnWorker, readerConnection } from './audit-workers.js';
import {
  auditExportSettings,
  auditFilterSql,
  auditExportFilterSql,
  exportChunkCopySql,
  exportReaderSetup,
  joinExportSnapshot,
  exportSnapshot,
  exportCsvStatement,
  findAuditEventsPage,
  findChainRange,
  findLatestCheckpointForManifest,
  insertCheckpointExport,
  summariseCaseAccess,
} from './audit.queries.js';
import { AuditService } from './audit.service.js';
import type { AuditEventRow } from './audit.types.js';
import { CSV_COLUMNS } from './csv-columns.js';
import type { AuditEventPage, AuditFilterQuery, CaseAccessSummary } from './dto/audit.dto.js';

/** A CSV cell that no spreadsheet executes: formula-leading characters (and ') get a ' prefix. */
export function csvCell(value: unknown): string {
  let text =
    value === null || value === undefined ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (/^[=+\-@\t\r']/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

const encodeCursor = (occurredAt: string, id: string) => Buffer.from(`${occurredAt}|${id}`).toString('base64url');
function decodeCursor(cursor: string): { occurredAt: string; id: string } {
  const [occurredAt, id, ...rest] = Buffer.from(cursor, 'base64url').toString().split('|');
  if (rest.length || !isCursorValue('timestamptz', occurredAt) || !isCursorValue('bigint', id)) throw invalidCursor();
  return { occurredAt, id };
}

/** Chain positions per export statement. */
const EXPORT_CHUNK = 5000n;

type CsvExportRow = AuditEventRow & { seq: string; _prev: string; _entry: string; _chain: string };

const csvLine = (r: CsvExportRow): string => {
  return [r.seq, r._prev, r._entry, r._chain, ...CSV_COLUMNS.map((c) => r[c])].map(csvCell).join(',');
};

const BUFFER_SIZE = 256 * 1024;

/** Reused 256 KiB buffers: an export allocates a handful, whatever its size. */
class BufferPool {
  private readonly free: Buffer[] = [];
  acquire(): Buffer {
    // Buffers of their own (not slices of Node's shared pool): they travel to worker threads.
    return this.free.pop() ?? Buffer.allocUnsafeSlow(BUFFER_SIZE);
  }
  release(buffer: Buffer): void {
    if (buffer.length === BUFFER_SIZE && this.free.length < 64) this.free.push(buffer);
  }
  /** Up to `max` free buffers, taken out of the pool (none is allocated). */
  takeFree(max: number): Buffer[] {
    return this.free.splice(0, max);
  }
}

/** Free buffers handed to a reader with each chunk: about a chunk's lines (5,000 of ~1 KB). */
const CHUNK_SPARES = 24;

/** The encoded lines of one chunk, in pool buffers. */
class ChunkBytes {
  readonly parts: { buffer: Buffer; used: number }[] = [];
  n = 0;
  first: string | null = null;
  last: string | null = null;

  constructor(private readonly pool: BufferPool) {}

  line(text: string): void {
    // UTF-8 needs at most 3 bytes per UTF-16 unit, plus the newline.
    const worst = text.length * 3 + 1;
    if (worst > BUFFER_SIZE) {
      const own = Buffer.from(`${text}\n`, 'utf8');
      this.parts.push({ buffer: own, used: own.length });
      return;
    }
    let part = this.parts.at(-1);
    if (!part || part.buffer.length !== BUFFER_SIZE || part.used + worst > BUFFER_SIZE) {
      part = { buffer: this.pool.acquire(), used: 0 };
      this.parts.push(part);
    }
    part.used += part.buffer.write(text, part.used, 'utf8');
    part.buffer[part.used++] = 0x0a;
  }
}

/**
 * One NDJSON chunk (exportChunkCopySql), read and written by a worker thread's reader into
 * buffers of the pool (the free ones go over as its first output space): the same bytes
 * PostgreSQL's JSON functions wrote, built from the columns' send format (audit-json-bytes.ts).
 */
async function ndjsonChunk(reader: ExportReaderOnWorker, sql: string, pool: BufferPool): Promise<ChunkBytes> {
  const done = await reader.chunk(
    sql,
    pool.takeFree(CHUNK_SPARES).map((b) => b.buffer as ArrayBuffer),
  );
  const bytes = new ChunkBytes(pool);
  bytes.n = done.n;
  bytes.first = done.first;
  bytes.last = done.last;
  done.parts.forEach((part, i) => bytes.parts.push({ buffer: Buffer.from(part), used: done.used[i]! }));
  for (const spare of done.spare) pool.release(Buffer.from(spare));
  return bytes;
}

/**
 * Streams one CSV chunk's rows into buffers as they arrive (no result array): every row's
 * strings die young, so a million-entry export neither builds big strings nor grows the
 * heap. Memory is bounded by the chunks in flight.
 */
function readChunk(
  client: PoolClient,
  statement: PreparedStatement,
  params: unknown[],
  toLine: (row: CsvExportRow) => string,
  pool: BufferPool,
): Promise<ChunkBytes> {
  return new Promise((resolve, reject) => {
    const bytes = new ChunkBytes(pool);
    // Prepared: an export runs the same statement for every chunk, each planned once per connection.
    const query = new pg.Query<CsvExportRow>({ name: statement.name, text: statement.text, values: params });
    query.on('row', (row: CsvExportRow) => {
      try {
        bytes.n += 1;
        bytes.first ??= row.seq;
        bytes.last = row.seq;
        bytes.line(toLine(row));
      } catch (err) {
        reject(err as Error);
      }
    });
    query.on('error', reject);
    query.on('end', () => resolve(bytes));
    client.query(query);
  });
}

/** Writes chunks to the response in order, hashing what it writes, returning buffers once sent. */
class ExportWriter {
  private readonly hash = createHash('sha256');

  constructor(
    private readonly res: Response,
    private readonly pool: BufferPool,
  ) {}

  async write(bytes: ChunkBytes): Promise<void> {
    for (const { buffer, used } of bytes.parts) {
      const view = buffer.subarray(0, used);
      this.hash.update(view);
      if (!this.res.write(view, () => this.pool.release(buffer))) await drained(this.res);
    }
  }

  digest(): string {
    return this.hash.digest('hex');
  }
}

/** Resolves when the response can take more; rejects when the client went away. */
function drained(res: Response): Promise<void> {
  return new Promise((resolve, reject) => {
    if (res.destroyed || res.writableEnded) {
      reject(new Error('the client closed the export'));
      return;
    }
    const onDrain = () => {
      res.off('close', onClose);
      resolve();
    };
    const onClose = () => {
      res.off('drain', onDrain);
      reject(new Error('the client closed the export'));
    };
    res.once('drain', onDrain);
    res.once('close', onClose);
  });
}

/** The auditor API: searches, per-case access, and streaming signed exports. Metadata only. */
@Injectable()
export class AuditQueryService {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(AuditSealer) private readonly sealer: AuditSealer,
    @Inject(StandbyService) private readonly standby: StandbyService,
    @Inject(TransactionService) private readonly tx: TransactionService,
    @Inject(AuditWorkerPool) private readonly workers: AuditWorkerPool,
  ) {}

  async events(q: AuditFilterQuery & { limit?: number; cursor?: string }): Promise<AuditEventPage> {
    const limit = q.limit ?? 50;
    const where = auditFilterSql(q);
    const cursor = q.cursor ? decodeCursor(q.cursor) : undefined;
    // Past entries tolerate replication lag: read on the standby when one serves (docs/replicas.md).
    const rows = await this.standby.read((m) => findAuditEventsPage(m, where, cursor, limit + 1));
    const items = rows.slice(0, limit);
    this.audit.touch(
      'audit_event',
      items.map((r) => r.id),
    );
    const last = items.at(-1);
    return { items, nextCursor: rows.length > limit && last ? encodeCursor(last.occurredAt, last.id) : null };
  }

  /** Everyone who read or changed one case, and through which route. */
  async caseAccess(caseId: string): Promise<CaseAccessSummary[]> {
    const rows = await this.standby.read((m) => summariseCaseAccess(m, caseId));
    this.audit.touch('case', [caseId], [caseId]);
    return rows.map((r) => ({
      userId: r.user_id,
      agencyId: r.agency_id,
      route: r.route,
      category: r.category,
      action: r.action,
      outcome: r.outcome,
      count: r.n,
      firstAt: r.first_at.toISOString(),
      lastAt: r.last_at.toISOString(),
      breakGlass: r.break_glass,
      replays: r.replays,
      statuses: (r.statuses ?? []).map(Number),
    }));
  }

  /**
   * Streams the sealed entries of a filtered range in chain order, in constant memory, then a
   * signed manifest line (range, count, content hash, latest checkpoint) that
   * `npm run audit:verify-export` checks offline.
   */
  async export(q: AuditFilterQuery & { format?: 'ndjson' | 'csv' }, res: Response, exportedBy: string): Promise<void> {
    await this.sealer.sealPending();
    const format = q.format ?? 'ndjson';
    const where = auditExportFilterSql(q);
    const settings = auditExportSettings(q);
    // Connections of its own, outside the request transaction: two readers share one snapshot
    // (REPEATABLE READ, exported by the first), so PostgreSQL builds two chunks at once. On the
    // standby when one serves (docs/replicas.md): the export then costs the primary nothing but
    // the sealing above and the access entry.
    let reader = this.standby.readerSource();
    let conn: PoolClient;
    try {
      conn = await reader.pool.connect();
    } catch (err) {
      if (reader.from !== 'standby') throw err;
      this.standby.markDown(err);
      reader = this.standby.readerSource();
      conn = await reader.pool.connect();
    }
    const pool = reader.pool;
    this.standby.noteSource(reader.from);
    // CSV: a second connection here; NDJSON: readers on worker threads, each with its own.
    let helper: PoolClient | undefined;
    const onWorkers: ExportReaderOnWorker[] = [];
    const closeReaders = (commit: boolean) => Promise.all(onWorkers.map((r) => r.close(commit)));
    const release = () => {
      conn.release();
      helper?.release();
    };
    const buffers = new BufferPool();
    const out = new ExportWriter(res, buffers);
    let count = 0;
    let firstSeq: string | null = null;
    let lastSeq: string | null = null;
    try {
      await conn.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const snapshot = await exportSnapshot(conn);
      // The chain positions of the time range (index on occurred_at, seq); chunks of positions
      // keep every statement short, whatever the range, so no statement timeout is ever near.
      const range = await findChainRange(conn, where.params.slice(0, 2));
      res.status(200);
      res.setHeader('content-type', format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson');
      res.setHeader(
        'content-disposition',
        `attachment; filename="ctcm-audit-${Date.now()}.${format === 'csv' ? 'csv' : 'ndjson'}"`,
      );
      if (format === 'csv') {
        const header = new ChunkBytes(buffers);
        header.line(['seq', 'prevChainHash', 'entryHash', 'chainHash', ...CSV_COLUMNS].join(','));
        await out.write(header);
      }
      if (range?.lo && range.hi) {
        const lo = BigInt(range.lo);
        const hi = BigInt(range.hi);
        // Two readers share the snapshot, so PostgreSQL builds two chunks at once.
        const readers = hi - lo >= EXPORT_CHUNK ? 2 : 1;
        if (format === 'ndjson') {
          const setup = exportReaderSetup(snapshot, settings.settings);
          const connection = readerConnection(pool);
          for (let r = 0; r < readers; r++) onWorkers.push(await this.workers.openExportReader(connection, setup));
        } else if (readers === 2) {
          helper = await pool.connect();
          for (const statement of joinExportSnapshot(snapshot)) await helper.query(statement.text);
        }
        const csv = exportCsvStatement(where);
        const csvReaders = [conn, ...(helper ? [helper] : [])];
        const chunk = (i: number): Promise<ChunkBytes> => {
          const from = lo + BigInt(i) * EXPORT_CHUNK;
          const to = from + EXPORT_CHUNK - 1n < hi ? from + EXPORT_CHUNK - 1n : hi;
          // NDJSON: lines written from PostgreSQL's binary COPY; CSV: rows, made safe for spreadsheets.
          const read =
            format === 'ndjson'
              ? ndjsonChunk(onWorkers[i % readers]!, exportChunkCopySql(settings.sql, from, to), buffers)
              : readChunk(
                  csvReaders[i % readers]!,
                  csv,
                  [...where.params, from.toString(), to.toString()],
                  csvLine,
                  buffers,
                );
          read.catch(() => undefined);
          return read;
        };
        const chunks = Number((hi - lo) / EXPORT_CHUNK) + 1;
        // One chunk in flight per reader, written in order while the others are being read.
        const inFlight = Array.from({ length: readers }, (_, i) => (i < chunks ? chunk(i) : undefined));
        for (let i = 0; i < chunks; i++) {
          const part = await inFlight[i % readers]!;
          inFlight[i % readers] = i + readers < chunks ? chunk(i + readers) : undefined;
          if (!part.n) continue;
          firstSeq ??= part.first;
          lastSeq = part.last;
          count += part.n;
          await out.write(part);
        }
        if (helper) await helper.query('COMMIT');
        await closeReaders(true);
      }
      const cp = await findLatestCheckpointForManifest(conn);
      await conn.query('COMMIT');
      const body = {
        type: 'manifest',
        version: 1,
        format,
        filter: { ...q, format: undefined },
        count,
        firstSeq,
        lastSeq,
        contentSha256: out.digest(),
        generatedAt: new Date().toISOString(),
        checkpoint: cp ? { seq: cp.seq, chainHash: cp.chain_hash, keyId: cp.key_id, signature: cp.signature } : null,
        keyId: this.sealer.signer.keyId,
        publicKeyPem: this.sealer.signer.publicKeyPem,
      };
      const signature = this.sealer.signer.sign(Buffer.from(canonicalJson(body))).toString('base64');
      const manifest = JSON.stringify({ ...body, signature });
      if (cp) await insertCheckpointExport(this.dataSource, cp.seq, exportedBy);
      // The access entry of an export carries the range and content hash, not a million ids.
      this.audit.noteDetails({ export: { format, count, firstSeq, lastSeq, contentSha256: body.contentSha256 } });
      // The manifest is not part of the hashed content; it leaves once the access entry is written.
      endAfterCommit(this.tx, res, format === 'csv' ? `# manifest ${manifest}\n` : `${manifest}\n`);
    } catch (err) {
      // A client that went away mid-export leaves an unfinished body: no manifest, nothing more.
      await conn.query('ROLLBACK').catch(() => undefined);
      await helper?.query('ROLLBACK').catch(() => undefined);
      await closeReaders(false).catch(() => undefined);
      if (res.headersSent) {
        res.destroy(err as Error);
        return;
      }
      // Nothing left yet (the first chunk failed): a problem answer, not an attachment.
      res.removeHeader('content-disposition');
      throw err;
    } finally {
      release();
    }
  }
}
