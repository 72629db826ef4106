import { Inject, Injectable } from '@nestjs/common';
import { TransactionService } from '../database/transaction.service.js';
import { findLaoTexts, keysInLaoOrder, listTextPairs } from './i18n.queries.js';
import type { Language } from './messages.js';
import type { TranslationState } from './translation.entity.js';
import type { TranslationKind } from './translatables.js';

/** A Lao text with what a reader needs to trust it. */
export interface LocalizedText {
  text: string;
  verification: TranslationState;
  source: string;
}

/** One label of a kind: its English, and its Lao with state (null while there is none). */
export interface Label {
  kind: string;
  key: string;
  en: string;
  lo: LocalizedText | null;
}

/**
 * The Lao (and English) labels of everything a user reads, as stored: the shipped drafts, or what
 * a translator imported. Features ask here rather than reading i18n_text themselves.
 */
@Injectable()
export class LabelsService {
  constructor(@Inject(TransactionService) private readonly tx: TransactionService) {}

  /**
   * One label in one language, e.g. `labelsFor('indicator', 'AL.D1.01', 'lo')` or
   * `labelsFor('code', 'exploitation-type.ForcedLabour', 'lo')`: the text with its state and
   * source, or null when the language has none. English texts are code-owned and `verified`.
   */
  async labelsFor(kind: TranslationKind, key: string, lang: Language): Promise<LocalizedText | null> {
    if (lang === 'lo') return (await this.laoTexts(kind, [key])).get(key) ?? null;
    const pair = (await listTextPairs(this.tx.manager(), kind)).find((p) => p.key === key);
    return pair ? { text: pair.en, verification: 'verified', source: 'ctcm-api' } : null;
  }

  /** The Lao texts of a kind by key (all of them, or the keys given): one query for a whole list. */
  async laoTexts(kind: TranslationKind, keys?: string[]): Promise<Map<string, LocalizedText>> {
    const rows = await findLaoTexts(this.tx.manager(), kind, keys);
    return new Map(rows.map((r) => [r.key, { text: r.text, verification: r.verification, source: r.source }]));
  }

  /** Every label of a kind (or of all kinds): what a front-end loads once to show any enum in Lao. */
  async labels(kind?: TranslationKind): Promise<Label[]> {
    return (await listTextPairs(this.tx.manager(), kind)).map((p) => ({
      kind: p.kind,
      key: p.key,
      en: p.en,
      lo: p.lo ? { text: p.lo, verification: p.verification!, source: p.source! } : null,
    }));
  }

  /**
   * Items in Lao alphabetical order (PostgreSQL ICU collation "lao") by their label of `kind`;
   * items without a Lao label follow, by English name.
   */
  async inLaoOrder<T>(kind: TranslationKind, items: T[], keyOf: (item: T) => string): Promise<T[]> {
    const order = new Map((await keysInLaoOrder(this.tx.manager(), kind)).map((key, i) => [key, i]));
    const rank = (item: T) => order.get(keyOf(item)) ?? Number.MAX_SAFE_INTEGER;
    return [...items].sort((a, b) => rank(a) - rank(b));
  }
}
