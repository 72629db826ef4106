import type { CtdcClassRow } from './statistics.queries.js';

/**
 * The columns of the de-identified case-level export: names and codes of CTDC's k-anonymised
 * Global Dataset (HTCDS v2 values mapped as docs/statistics.md says), -99 for missing.
 */
export const CTDC_COLUMNS: { name: string }[] = [
  { name: 'yearOfRegistration' },
  { name: 'Datasource' },
  { name: 'gender' },
  { name: 'ageBroad' },
  { name: 'majorityStatus' },
  { name: 'citizenship' },
  { name: 'CountryOfExploitation' },
  { name: 'isForcedLabour' },
  { name: 'isSexualExploit' },
  { name: 'isOtherExploit' },
  { name: 'meansOfControlDebtBondage' },
  { name: 'meansOfControlThreats' },
  { name: 'meansOfControlPhysicalAbuse' },
  { name: 'meansOfControlFalsePromises' },
  { name: 'meansOfControlRestrictsMovement' },
  { name: 'meansOfControlWithholdsDocuments' },
];

/** The one column not computed in the database. */
const DATASOURCE = 'Case Management';

/** Generalisation order for k-anonymity: the least useful columns go to -99 first. */
export const CTDC_GENERALISATION_STEPS: number[][] = [
  [10, 11, 12, 13, 14, 15], // means of control
  [5], // citizenship
  [6], // country of exploitation
  [3], // age band (majority status stays)
  [0], // year of registration
  [7, 8, 9], // exploitation types
];

export const CTDC_HEADER = CTDC_COLUMNS.map((c) => c.name).join(',');

/** A class's values in column order: the database's quasi-identifiers with `Datasource` second. */
export function ctdcValues(row: CtdcClassRow): string[] {
  const qi = row.qi.split(',');
  if (qi.length !== CTDC_COLUMNS.length - 1) throw new Error('a CTDC class of the wrong width');
  return [qi[0]!, DATASOURCE, ...qi.slice(1)];
}

/** Values are codes (no comma, quote or formula character), so a line is a plain join. */
export const ctdcLine = (values: readonly string[]): string => values.join(',');
