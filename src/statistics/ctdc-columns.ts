import type { CtdcClassRow } from './statistics.queries.js';

/**
 * The columns of the de-identified case-level export: names and codes of CTDC's k-anonymised
 * Global Dataset (HTCDS v2 values mapped as docs/statistics.md says), -99 for missing.
 */
export const CTDC_COLUMNS: { name: string; from: Exclude<keyof CtdcClassRow, 'n'> | null }[] = [
  { name: 'yearOfRegistration', from: 'year_of_registration' },
  { name: 'Datasource', from: null },
  { name: 'gender', from: 'gender' },
  { name: 'ageBroad', from: 'age_broad' },
  { name: 'majorityStatus', from: 'majority_status' },
  { name: 'citizenship', from: 'citizenship' },
  { name: 'CountryOfExploitation', from: 'country_of_exploitation' },
  { name: 'isForcedLabour', from: 'is_forced_labour' },
  { name: 'isSexualExploit', from: 'is_sexual_exploit' },
  { name: 'isOtherExploit', from: 'is_other_exploit' },
  { name: 'meansOfControlDebtBondage', from: 'moc_debt_bondage' },
  { name: 'meansOfControlThreats', from: 'moc_threats' },
  { name: 'meansOfControlPhysicalAbuse', from: 'moc_physical_abuse' },
  { name: 'meansOfControlFalsePromises', from: 'moc_false_promises' },
  { name: 'meansOfControlRestrictsMovement', from: 'moc_restricts_movement' },
  { name: 'meansOfControlWithholdsDocuments', from: 'moc_withholds_documents' },
];

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

export const ctdcValues = (row: CtdcClassRow): string[] =>
  CTDC_COLUMNS.map((c) => (c.from === null ? 'Case Management' : String(row[c.from])));

/** Values are codes (no comma, quote or formula character), so a line is a plain join. */
export const ctdcLine = (values: readonly string[]): string => values.join(',');
