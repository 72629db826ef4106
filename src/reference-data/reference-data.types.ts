/**
 * How far a reference value can be trusted, from the tags in shared/domain/DOMAIN.md:
 * [V] verified in the primary source, [S] secondary source, [U] unverified.
 */
export type Verification = 'verified' | 'secondary' | 'unverified';

export interface ProvinceSeed {
  /** ISO 3166-2:LA code, e.g. 'LA-VT'. Always key on this, never on the name. */
  code: string;
  /** Two-digit national code 01–18 (Lao Statistics Bureau order). */
  nationalCode: string;
  /** Short code used in case numbers, e.g. 'VT' (the part after 'LA-'). */
  shortCode: string;
  isoName: string;
  nameEn: string;
  nameLo: string | null;
  kind: 'prefecture' | 'province';
  /** Verification of the Lao-script name (codes and ISO names are verified). */
  nameLoVerification: Verification;
  verification: Verification;
}

export interface CountrySeed {
  /** ISO 3166-1 alpha-2. */
  code: string;
  alpha3: string;
  nameEn: string;
  nameLo: string | null;
}

export interface LanguageSeed {
  /** ISO 639-2 (bibliographic/terminology alpha-3) code, e.g. 'lao'. */
  code: string;
  /** ISO 639-1 alpha-2 where one exists. */
  alpha2: string | null;
  nameEn: string;
}

export interface BorderCrossingSeed {
  code: string;
  nameEn: string;
  nameLo: string | null;
  provinceCode: string;
  foreignCountry: string | null;
  foreignLocality: string | null;
  kind: 'international' | 'local' | 'traditional' | 'airport';
  usedForReturns: boolean;
  verification: Verification;
  notes: string | null;
}

export interface CodeListValue {
  code: string;
  labelEn: string;
  labelLo: string | null;
  verification: Verification;
  /** Where the value comes from, e.g. 'HTCDS 2.0 vic_TypeOfExploitation' or 'ctcm extension'. */
  source: string;
}

export interface CodeListSeed {
  /** kebab-case category key, e.g. 'exploitation-type'. */
  category: string;
  description: string;
  values: CodeListValue[];
}
