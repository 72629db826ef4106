import { Inject, Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service.js';
import type { Actor } from '../common/context/request-context.js';
import { DomainError, type FieldError } from '../common/errors/domain-error.js';
import { TransactionService } from '../database/transaction.service.js';
import type { ImportTranslationsRequest, ImportTranslationsResponse } from './dto/translations.dto.js';
import { listTextPairs, saveLaoText, type TextPairRow } from './i18n.queries.js';
import { overrideMessage, placeholdersOf } from './messages.js';
import { fromCsv, fromXlsx, type SheetRow, toCsv, toXlsx } from './translation-sheet.js';
import type { TranslationState } from './translation.entity.js';
import { messageKeyOf, type TranslationKind } from './translatables.js';

/** Lao written with Thai letters reads to a Lao eye as a foreign script: brand names in Latin letters are fine. */
const THAI_SCRIPT = /[\u0E00-\u0E7F]/;
const STATES: readonly string[] = ['verified', 'unverified'] satisfies TranslationState[];
/** More rows than every text the API has, several times over: an upload beyond it is not a sheet of ours. */
const MAX_ROWS = 20_000;

export interface ExportedFile {
  content: Buffer;
  contentType: string;
  fileName: string;
}

const sheetRowOf = (p: TextPairRow): SheetRow => ({
  kind: p.kind,
  key: p.key,
  english: p.en,
  lao: p.lo ?? '',
  verification: p.verification ?? 'unverified',
  source: p.source ?? '',
  placeholders: placeholdersOf(p.en)
    .map((name) => `{${name}}`)
    .join(' '),
});

/** The translation workflow: export every text with its state, import a translator's sheet back (audited). */
@Injectable()
export class TranslationsService {
  constructor(
    @Inject(TransactionService) private readonly tx: TransactionService,
    @Inject(AuditService) private readonly audit: AuditService,
  ) {}

  async export(format: 'xlsx' | 'csv', kind?: TranslationKind): Promise<ExportedFile> {
    const rows = (await listTextPairs(this.tx.manager(), kind)).map(sheetRowOf);
    const stamp = new Date().toISOString().slice(0, 10);
    return format === 'xlsx'
      ? {
          content: await toXlsx(rows),
          contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
          fileName: `ctcm-translations-lo-${stamp}.xlsx`,
        }
      : { content: toCsv(rows), contentType: 'text/csv; charset=utf-8', fileName: `ctcm-translations-lo-${stamp}.csv` };
  }

  /**
   * Applies a translator's sheet, all or nothing: every row must name a known text, carry Lao in
   * Lao script with the English placeholders, and a known state. Rows that change nothing are
   * skipped; each change is audited with the old and new text and state, and records the importer.
   */
  async import(actor: Actor, body: ImportTranslationsRequest): Promise<ImportTranslationsResponse> {
    const rows = body.format === 'csv' ? fromCsv(body.content) : await fromXlsx(Buffer.from(body.content, 'base64'));
    if (!rows) throw invalidSheet([{ field: 'content', messages: ['content is not an XLSX workbook'] }]);
    if (rows.length > MAX_ROWS) throw invalidSheet([{ field: 'content', messages: [`more than ${MAX_ROWS} rows`] }]);
    if (!rows.length) throw invalidSheet([{ field: 'content', messages: ['the sheet has no rows under its header'] }]);

    const known = new Map((await listTextPairs(this.tx.manager())).map((p) => [`${p.kind}\u0000${p.key}`, p]));
    const problems: FieldError[] = [];
    const seen = new Set<string>();
    const changes: { row: Partial<SheetRow>; stored: TextPairRow; text: string; state: TranslationState }[] = [];
    rows.forEach((row, i) => {
      const at = `rows[${i + 2}]`; // the sheet's own row number, header being row 1
      const id = `${row.kind ?? ''}\u0000${row.key ?? ''}`;
      const stored = known.get(id);
      const text = (row.lao ?? '').trim();
      const state = (row.verification ?? '').trim() || 'unverified';
      const issues: string[] = [];
      if (!stored) issues.push(`unknown text: kind "${row.kind ?? ''}", key "${row.key ?? ''}"`);
      else if (seen.has(id)) issues.push('this text appears twice in the sheet');
      seen.add(id);
      if (!STATES.includes(state)) issues.push('verification must be verified or unverified');
      if (!text) {
        if (stored?.lo) issues.push('empty Lao text: a translation cannot be removed by an import');
        else if (state === 'verified') issues.push('empty Lao text cannot be verified');
      } else {
        if (THAI_SCRIPT.test(text)) issues.push('the Lao text holds Thai script');
        if (stored) {
          const expected = placeholdersOf(stored.en);
          const found = placeholdersOf(text);
          if (expected.join() !== found.join())
            issues.push(
              `placeholders do not match the English: expected ${expected.map((p) => `{${p}}`).join(' ') || 'none'}, found ${found.map((p) => `{${p}}`).join(' ') || 'none'}`,
            );
        }
      }
      if (issues.length) problems.push({ field: at, messages: issues });
      else if (stored && text && (text !== stored.lo || state !== stored.verification))
        changes.push({ row, stored, text, state: state as TranslationState });
    });
    if (problems.length) throw invalidSheet(problems);

    for (const { stored, text, state } of changes) {
      await saveLaoText(this.tx.manager(), {
        kind: stored.kind,
        key: stored.key,
        text,
        verification: state,
        source: 'translation import',
        verifiedBy: actor.userId,
      });
      await this.audit.change(
        state === 'verified' ? 'verify_translation' : 'translate',
        'i18n_text',
        `${stored.kind}/${stored.key}/lo`,
        [
          { field: 'text', personal: false, old: stored.lo, new: text },
          { field: 'verification', personal: false, old: stored.verification, new: state },
        ],
        null,
      );
      const message = stored.kind === 'message' ? messageKeyOf(stored.key) : undefined;
      if (message) overrideMessage('lo', message.namespace, message.key, text);
    }
    return {
      rows: rows.length,
      changed: changes.length,
      verified: changes.filter((c) => c.state === 'verified').length,
      unchanged: rows.length - changes.length,
    };
  }
}

const invalidSheet = (errors: FieldError[]) =>
  new DomainError('VALIDATION_FAILED', 'The translation file has problems', { errors: errors.slice(0, 200) });
