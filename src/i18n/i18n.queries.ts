import type { DataSource, EntityManager } from 'typeorm';
import type { TranslationState } from './translation.entity.js';

/** A text in one language as stored. */
export interface TextRow {
  kind: string;
  key: string;
  lang: string;
  text: string;
  verification: TranslationState;
  source: string;
}

/** An English text beside its Lao translation (null when there is none yet). */
export interface TextPairRow {
  kind: string;
  key: string;
  en: string;
  lo: string | null;
  verification: TranslationState | null;
  source: string | null;
  verified_by: string | null;
  verified_at: Date | null;
}

/**
 * Writes the shipped texts (schema owner, at start-up): English rows and the code-owned fields
 * always, Lao drafts only where no translator's import has touched the row since.
 */
export async function upsertShippedTexts(ds: DataSource, rows: TextRow[]): Promise<void> {
  const chunk = 1000;
  for (let i = 0; i < rows.length; i += chunk) {
    await ds.query(
      `INSERT INTO i18n_text (kind, key, lang, text, verification, source)
       SELECT r.kind, r.key, r.lang, r.text, r.verification, r.source
         FROM jsonb_to_recordset($1::jsonb) AS r(kind text, key text, lang text, text text, verification text, source text)
       ON CONFLICT (kind, key, lang) DO UPDATE
          SET text = EXCLUDED.text, verification = EXCLUDED.verification, source = EXCLUDED.source
        WHERE i18n_text.verified_by IS NULL
          AND (i18n_text.text, i18n_text.verification, i18n_text.source)
              IS DISTINCT FROM (EXCLUDED.text, EXCLUDED.verification, EXCLUDED.source)`,
      [JSON.stringify(rows.slice(i, i + chunk))],
    );
  }
}

/** Every English text of a kind (or of all kinds) with its Lao translation, in kind and key order. */
export function listTextPairs(m: EntityManager, kind?: string): Promise<TextPairRow[]> {
  return m.query(
    `SELECT e.kind, e.key, e.text AS en, l.text AS lo, l.verification, l.source, l.verified_by, l.verified_at
       FROM i18n_text e
       LEFT JOIN i18n_text l ON l.kind = e.kind AND l.key = e.key AND l.lang = 'lo'
      WHERE e.lang = 'en' AND ($1::text IS NULL OR e.kind = $1)
      ORDER BY e.kind, e.key`,
    [kind ?? null],
  );
}

/** The Lao texts of one kind (all of its keys, or the given ones). */
export function findLaoTexts(m: EntityManager, kind: string, keys?: string[]): Promise<TextRow[]> {
  return m.query(
    `SELECT kind, key, lang, text, verification, source FROM i18n_text
      WHERE kind = $1 AND lang = 'lo' AND ($2::text[] IS NULL OR key = ANY($2::text[]))`,
    [kind, keys ?? null],
  );
}

/** The keys of a kind in Lao alphabetical order (ICU collation "lao"); keys without Lao last, by English. */
export async function keysInLaoOrder(m: EntityManager, kind: string): Promise<string[]> {
  const rows: { key: string }[] = await m.query(
    `SELECT e.key FROM i18n_text e
       LEFT JOIN i18n_text l ON l.kind = e.kind AND l.key = e.key AND l.lang = 'lo'
      WHERE e.kind = $1 AND e.lang = 'en'
      ORDER BY l.text COLLATE "lao" NULLS LAST, e.text, e.key`,
    [kind],
  );
  return rows.map((r) => r.key);
}

/** A translator's Lao text (import), with who verified it when it is verified. */
export function saveLaoText(
  m: EntityManager,
  row: { kind: string; key: string; text: string; verification: TranslationState; source: string; verifiedBy: string },
): Promise<unknown> {
  return m.query(
    `INSERT INTO i18n_text (kind, key, lang, text, verification, source, verified_by, verified_at)
     VALUES ($1, $2, 'lo', $3, $4, $5, $6, now())
     ON CONFLICT (kind, key, lang) DO UPDATE
        SET text = EXCLUDED.text, verification = EXCLUDED.verification, source = EXCLUDED.source,
            verified_by = EXCLUDED.verified_by, verified_at = EXCLUDED.verified_at`,
    [row.kind, row.key, row.text, row.verification, row.source, row.verifiedBy],
  );
}

/** Message translations a translator's import changed: they replace the shipped catalogue at start. */
export function listImportedMessages(ds: DataSource): Promise<{ key: string; lang: string; text: string }[]> {
  return ds.query(`SELECT key, lang, text FROM i18n_text WHERE kind = 'message' AND verified_by IS NOT NULL`);
}
