import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { finished } from 'node:stream/promises';
import ExcelJS from 'exceljs';
import type { Response } from 'express';
import { canonicalJson } from '../audit/audit-hash.js';
import { AuditSealer } from '../audit/audit-sealer.service.js';
import { AuditService } from '../audit/audit.service.js';
import { Clock } from '../common/clock.js';
import { endAfterCommit, HoldLastChunk } from '../common/http/end-after-commit.js';
import type { Actor } from '../common/context/request-context.js';
import { StandbyService } from '../database/standby.service.js';
import { TransactionService } from '../database/transaction.service.js';
import { CTDC_GENERALISATION_STEPS, CTDC_HEADER, ctdcLine, ctdcValues } from './ctdc-columns.js';
import { EXTERNAL_MIN_CELL_SIZE } from './disclosure-control.js';
import { kAnonymise } from './k-anonymity.js';
import { StatisticsService } from './statistics.service.js';
import { findCtdcExportClasses } from './statistics.queries.js';

/** About 1 MiB of CSV per write. */
const CHUNK_BYTES = 1 << 20;

export interface CtdcManifest {
  type: 'ctdc-export';
  version: 1;
  format: 'csv' | 'xlsx';
  k: number;
  parameters: { scope: 'national' | 'agency'; consent: 'research_use'; generalisation: string[] };
  count: number;
  generalisedRows: number;
  suppressedRows: number;
  contentSha256: string;
  generatedAt: string;
  keyId: string;
  publicKeyPem: string;
}

/**
 * The de-identified, CTDC-compatible case-level export: only cases whose active consent
 * includes research use, coarse columns computed in the database (no id, year only), grouped
 * into classes there, k-anonymised here (k ≥ 11), then streamed: each class written `count`
 * times, so memory holds the classes, never the rows. The content hash covers the CSV lines
 * (for XLSX, the data sheet rendered as those lines); the manifest is signed with the audit
 * signing key and checked offline by `npm run audit:verify-export`.
 */
@Injectable()
export class CtdcExportService {
  constructor(
    @Inject(TransactionService) private readonly tx: TransactionService,
    @Inject(StandbyService) private readonly standby: StandbyService,
    @Inject(StatisticsService) private readonly statistics: StatisticsService,
    @Inject(AuditSealer) private readonly sealer: AuditSealer,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async export(actor: Actor, format: 'csv' | 'xlsx', askedK: number | undefined, res: Response): Promise<void> {
    // Never below 11 (it leaves the system), nor below the configured minimum; more when asked.
    const k = Math.max(this.statistics.minCellSize(), EXTERNAL_MIN_CELL_SIZE, askedK ?? 0);
    const national = this.statistics.isNational(actor);
    // The classes tolerate replication lag: read on the standby when one serves (docs/replicas.md).
    const rows = await this.standby.read((m) => findCtdcExportClasses(m, national ? null : actor.agencyId));
    const anonymised = kAnonymise(
      rows.map((r) => ({ values: ctdcValues(r), count: r.n })),
      k,
      CTDC_GENERALISATION_STEPS,
    );
    const hash = createHash('sha256');
    let count = 0;
    const stamp = this.clock.today();
    res.status(200);
    res.setHeader('content-disposition', `attachment; filename="ctdc-export-${stamp}.${format}"`);
    hash.update(`${CTDC_HEADER}\n`);

    let manifest: CtdcManifest;
    const sign = (): string => {
      manifest = {
        type: 'ctdc-export',
        version: 1,
        format,
        k,
        parameters: {
          scope: national ? 'national' : 'agency',
          consent: 'research_use',
          generalisation: CTDC_GENERALISATION_STEPS.map((s) => s.join('+')),
        },
        count,
        generalisedRows: anonymised.generalisedRows,
        suppressedRows: anonymised.suppressedRows,
        contentSha256: hash.digest('hex'),
        generatedAt: this.clock.now().toISOString(),
        keyId: this.sealer.signer.keyId,
        publicKeyPem: this.sealer.signer.publicKeyPem,
      };
      const signature = this.sealer.signer.sign(Buffer.from(canonicalJson(manifest))).toString('base64');
      return JSON.stringify({ ...manifest, signature });
    };

    if (format === 'csv') {
      res.setHeader('content-type', 'text/csv; charset=utf-8');
      await write(res, `${CTDC_HEADER}\n`);
      // A class is one line repeated `count` times: written (and hashed) in chunks of about
      // CHUNK_BYTES, so a write never holds more than one chunk whatever the class sizes.
      let chunk = '';
      for (const c of anonymised.classes) {
        const line = `${ctdcLine(c.values)}\n`;
        for (let left = c.count; left > 0;) {
          const n = Math.min(left, Math.max(1, Math.floor((CHUNK_BYTES - chunk.length) / line.length)));
          chunk += line.repeat(n);
          left -= n;
          count += n;
          if (chunk.length + line.length > CHUNK_BYTES) {
            hash.update(chunk);
            await write(res, chunk);
            chunk = '';
          }
        }
      }
      if (chunk) {
        hash.update(chunk);
        await write(res, chunk);
      }
      // The manifest line is not part of the hashed content; it leaves once the access entry commits.
      endAfterCommit(this.tx, res, `# manifest ${sign()}\n`);
    } else {
      res.setHeader('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      // exceljs's streaming writer: its own reader (the offline verifier's) reads what it writes.
      // A ZIP written here directly was twice as fast but exceljs's streaming reader lost entries
      // of it at random (a test found it); the rows stay hashed as CSV lines, as the verifier rebuilds them.
      const held = new HoldLastChunk(res);
      const book = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: held, useStyles: false, useSharedStrings: false });
      const sheet = book.addWorksheet('ctdc');
      sheet.addRow(CTDC_HEADER.split(',')).commit();
      for (const c of anonymised.classes) {
        const line = `${ctdcLine(c.values)}\n`;
        for (let i = 0; i < c.count; i++) {
          sheet.addRow(c.values).commit();
          hash.update(line);
          count += 1;
        }
      }
      sheet.commit();
      const manifestSheet = book.addWorksheet('manifest');
      manifestSheet.addRow([sign()]).commit();
      manifestSheet.commit();
      await book.commit();
      await finished(held);
      endAfterCommit(this.tx, res, held.last);
    }
    // The access entry of the export carries its parameters, counts and content hash.
    this.audit.noteDetails({
      export: {
        kind: 'ctdc',
        format,
        k,
        scope: manifest!.parameters.scope,
        count,
        generalisedRows: anonymised.generalisedRows,
        suppressedRows: anonymised.suppressedRows,
        contentSha256: manifest!.contentSha256,
      },
    });
  }
}

function write(res: Response, chunk: string | Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const ok = res.write(chunk, (err) => (err ? reject(err) : undefined));
    if (ok) resolve();
    else res.once('drain', resolve);
  });
}
