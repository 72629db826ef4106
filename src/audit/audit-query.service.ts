import { Inject, Injectable } from '@nestjs/common';
import type { Response } from 'express';
import { createHash } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import QueryStream from 'pg-query-stream';
import { DataSource } from 'typeorm';
import { DomainError } from '../common/errors/domain-error.js';
import { TransactionService } from '../database/transaction.service.js';
import { AUDIT_EVENT_COLUMNS, canonicalJson } from './audit-hash.js';
import { AuditSealer } from './audit-sealer.service.js';
import { AuditService } from './audit.service.js';
import type { AuditEventRow } from './audit.types.js';
import { CSV_COLUMNS } from './csv-columns.js';
import type { AuditEventPage, AuditFilterQuery, CaseAccessSummary } from './dto/audit.dto.js';

const DAY_MS = 86_400_000;


/** A CSV cell that no spreadsheet executes: formula-leading characters (and ') get a ' prefix. */
export function csvCell(value: unknown): string {
  let text = value === null || value === undefined ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (/^[=+\-@\t\r']/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

interface Where {
  sql: string;
  params: unknown[];
}

function filterSql(q: AuditFilterQuery, alias = 'e'): Where {
  const params: unknown[] = [];
  const conds: string[] = [];
  const add = (cond: (p: string) => string, value: unknown) => {
    params.push(value);
    conds.push(cond(`$${params.length}`));
  };
  const to = q.to ? new Date(q.to) : new Date();
  const from = q.from ? new Date(q.from) : new Date(to.getTime() - DAY_MS);
  if (from >= to) throw new DomainError('VALIDATION_FAILED', 'from must be before to', { errors: [{ field: 'from', messages: ['from must be before to'] }] });
  add((p) => `${alias}.occurred_at >= ${p}`, from);
  add((p) => `${alias}.occurred_at < ${p}`, to);
  if (q.userId) add((p) => `${alias}.actor_user_id = ${p}`, q.userId);
  if (q.agencyId) add((p) => `${alias}.actor_agency_id = ${p}`, q.agencyId);
  if (q.category) add((p) => `${alias}.category = ${p}`, q.category);
  if (q.action) add((p) => `${alias}.action = ${p}`, q.action);
  if (q.outcome) add((p) => `${alias}.outcome = ${p}`, q.outcome);
  if (q.resourceType) add((p) => `${alias}.resource_type = ${p}`, q.resourceType);
  if (q.resourceId) add((p) => `${alias}.resource_ids @> ARRAY[${p}]::text[]`, q.resourceId);
  if (q.caseId) add((p) => `${alias}.case_ids @> ARRAY[${p}]::uuid[]`, q.caseId);
  if (q.requestId) add((p) => `${alias}.request_id = ${p}`, q.requestId);
  return { sql: conds.join(' AND '), params };
}

const encodeCursor = (occurredAt: string, id: string) => Buffer.from(`${occurredAt}|${id}`).toString('base64url');
function decodeCursor(cursor: string): { occurredAt: string; id: string } {
  const [occurredAt, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  if (!occurredAt || !id || !/^\d+$/.test(id) || Number.isNaN(Date.parse(occurredAt))) {
    throw new DomainError('VALIDATION_FAILED', 'Invalid cursor', { errors: [{ field: 'cursor', messages: ['cursor is not one this API issued'] }] });
  }
  return { occurredAt, id };
}

/** The auditor API: searches, per-case access, and streaming signed exports. Metadata only. */
@Injectable()
export class AuditQueryService {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(TransactionService) private readonly tx: TransactionService,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(AuditSealer) private readonly sealer: AuditSealer,
  ) {}

  async events(q: AuditFilterQuery & { limit?: number; cursor?: string }): Promise<AuditEventPage> {
    const limit = q.limit ?? 50;
    const where = filterSql(q);
    const params = [...where.params];
    let keyset = '';
    if (q.cursor) {
      const c = decodeCursor(q.cursor);
      params.push(c.occurredAt, c.id);
      keyset = ` AND (e.occurred_at, e.id) < ($${params.length - 1}::timestamptz, $${params.length}::bigint)`;
    }
    params.push(limit + 1);
    const rows: AuditEventRow[] = await this.tx.manager().query(
      `SELECT ${AUDIT_EVENT_COLUMNS} FROM audit_event e WHERE ${where.sql}${keyset} ORDER BY e.occurred_at DESC, e.id DESC LIMIT $${params.length}`,
      params,
    );
    const items = rows.slice(0, limit);
    this.audit.touch('audit_event', items.map((r) => r.id));
    const last = items.at(-1);
    return { items, nextCursor: rows.length > limit && last ? encodeCursor(last.occurredAt, last.id) : null };
  }

  /** Everyone who read or changed one case, and through which route. */
  async caseAccess(caseId: string): Promise<CaseAccessSummary[]> {
    const rows: { user_id: string | null; agency_id: string | null; route: string | null; category: string; action: string; outcome: string; n: number; first_at: Date; last_at: Date; break_glass: boolean }[] =
      await this.tx.manager().query(
        `SELECT actor_user_id::text AS user_id, actor_agency_id::text AS agency_id, route, category, action, outcome,
                count(*)::int AS n, min(occurred_at) AS first_at, max(occurred_at) AS last_at, bool_or(break_glass_grant_id IS NOT NULL) AS break_glass
           FROM audit_event WHERE case_ids @> ARRAY[$1]::uuid[]
          GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY max(occurred_at) DESC LIMIT 1000`,
        [caseId],
      );
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
    const where = filterSql(q);
    // A connection of its own: the export streams in one read-only snapshot, outside the request transaction.
    const conn: PoolClient = await (this.dataSource.driver as unknown as { master: Pool }).master.connect();
    const release = () => conn.release();
    const content = createHash('sha256');
    let count = 0;
    let firstSeq: string | null = null;
    let lastSeq: string | null = null;
    const write = (line: string) => {
      content.update(line);
      return res.write(line);
    };
    try {
      await conn.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      res.status(200);
      res.setHeader('content-type', format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson');
      res.setHeader('content-disposition', `attachment; filename="ctcm-audit-${Date.now()}.${format === 'csv' ? 'csv' : 'ndjson'}"`);
      if (format === 'csv') write(`${['seq', 'prevChainHash', 'entryHash', 'chainHash', ...CSV_COLUMNS].join(',')}\n`);
      const stream = conn.query(
        new QueryStream(
          `SELECT c.seq::text AS _seq, encode(c.entry_hash, 'hex') AS _entry, encode(c.chain_hash, 'hex') AS _chain,
                  encode(coalesce(p.chain_hash, '\\x0000000000000000000000000000000000000000000000000000000000000000'::bytea), 'hex') AS _prev,
                  ${AUDIT_EVENT_COLUMNS}
             FROM audit_chain c
             JOIN audit_event e ON e.occurred_at = c.occurred_at AND e.id = c.event_id
             LEFT JOIN audit_chain p ON p.seq = c.seq - 1
            WHERE ${where.sql} ORDER BY c.seq`,
          where.params,
          { batchSize: 2000, highWaterMark: 2000 },
        ),
      );
      for await (const row of stream as AsyncIterable<AuditEventRow & { _seq: string; _entry: string; _chain: string; _prev: string }>) {
        const { _seq, _entry, _chain, _prev, ...event } = row;
        firstSeq ??= _seq;
        lastSeq = _seq;
        count += 1;
        const line =
          format === 'csv'
            ? `${[_seq, _prev, _entry, _chain, ...CSV_COLUMNS.map((c) => event[c])].map(csvCell).join(',')}\n`
            : `${JSON.stringify({ seq: _seq, prevChainHash: _prev, entryHash: _entry, chainHash: _chain, event })}\n`;
        if (!write(line)) await new Promise((resolve) => res.once('drain', resolve));
      }
      const [cp] = (await conn.query(`SELECT k.seq::text AS seq, encode(k.chain_hash, 'hex') AS chain_hash, k.key_id, encode(k.signature, 'base64') AS signature FROM audit_checkpoint k ORDER BY k.seq DESC LIMIT 1`)).rows;
      await conn.query('COMMIT');
      const body = {
        type: 'manifest',
        version: 1,
        format,
        filter: { ...q, format: undefined },
        count,
        firstSeq,
        lastSeq,
        contentSha256: content.digest('hex'),
        generatedAt: new Date().toISOString(),
        checkpoint: cp ? { seq: cp.seq, chainHash: cp.chain_hash, keyId: cp.key_id, signature: cp.signature } : null,
        keyId: this.sealer.signer.keyId,
        publicKeyPem: this.sealer.signer.publicKeyPem,
      };
      const signature = this.sealer.signer.sign(Buffer.from(canonicalJson(body))).toString('base64');
      const manifest = JSON.stringify({ ...body, signature });
      res.write(format === 'csv' ? `# manifest ${manifest}\n` : `${manifest}\n`);
      if (cp) await this.dataSource.query(`INSERT INTO audit_checkpoint_export (seq, exported_by) VALUES ($1, $2)`, [cp.seq, exportedBy]);
      // The access entry of an export carries the range and content hash, not a million ids.
      this.audit.noteDetails({ export: { format, count, firstSeq, lastSeq, contentSha256: body.contentSha256 } });
      res.end();
    } catch (err) {
      await conn.query('ROLLBACK').catch(() => undefined);
      if (res.headersSent) {
        res.destroy(err as Error);
        return;
      }
      throw err;
    } finally {
      release();
    }
  }
}
