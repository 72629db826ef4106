import type { DataSource } from 'typeorm';
import { type TextRow, upsertShippedTexts } from './i18n.queries.js';
import { shippedTranslatables } from './translatables.js';

/**
 * Start-up, with the reference data: the shipped English texts and the Lao drafts. A Lao text a
 * translator imported is never overwritten by a release's draft.
 */
export async function seedTranslations(ds: DataSource): Promise<void> {
  const rows: TextRow[] = shippedTranslatables().flatMap((t) => [
    { kind: t.kind, key: t.key, lang: 'en', text: t.en, verification: 'verified', source: 'ctcm-api' } as TextRow,
    ...(t.lo ? [{ kind: t.kind, key: t.key, lang: 'lo', ...t.lo }] : []),
  ]);
  await upsertShippedTexts(ds, rows);
}
