/**
 * Writes the XLSForm of the seeded catalogue version 1 to docs/xlsform/ (the example committed
 * for KoboToolbox users). The API serves the same workbook at GET /screening-catalogues/1/xlsform;
 * test/intake/xlsform.spec.ts fails when the committed file no longer matches it.
 */
import '../src/runtime-check.js';
import { mkdirSync, writeFileSync } from 'node:fs';
import { buildXlsForm } from '../src/intake/xlsform.js';
import { writeXlsFormWorkbook } from '../src/intake/xlsform-workbook.js';
import { CATALOGUE_V1 } from '../src/screening/data/indicator-catalogue-v1.js';

const form = buildXlsForm({
  version: CATALOGUE_V1.version,
  title: CATALOGUE_V1.title,
  indicators: CATALOGUE_V1.indicators,
});
mkdirSync('docs/xlsform', { recursive: true });
writeFileSync(`docs/xlsform/${form.settings.formId}.xlsx`, await writeXlsFormWorkbook(form));
process.stdout.write(`docs/xlsform/${form.settings.formId}.xlsx\n`);
