import { BORDER_CROSSINGS } from '../reference-data/data/border-crossings.js';
import { CODE_LISTS } from '../reference-data/data/code-lists.js';
import { COUNTRIES } from '../reference-data/data/countries.js';
import { LANGUAGES as LANGUAGE_SEEDS } from '../reference-data/data/languages.js';
import { PROVINCES } from '../reference-data/data/provinces.js';
import { CATALOGUE_V1, DIMENSIONS } from '../screening/data/indicator-catalogue-v1.js';
import drafts from './data/lo-drafts.json' with { type: 'json' };
import { CATALOGUES } from './messages.js';
import type { TranslationState } from './translation.entity.js';

/** What a text labels. A front-end asks GET /reference/labels?kind=… for any of these. */
export const TRANSLATION_KINDS = [
  'code-list',
  'code',
  'country',
  'language',
  'province',
  'border-crossing',
  'facility-kind',
  'indicator',
  'indicator-dimension',
  'indicator-profile',
  'indicator-weight',
  'report-heading',
  'message',
] as const;
export type TranslationKind = (typeof TRANSLATION_KINDS)[number];

/** The source of the Lao texts this team wrote: a Lao speaker must still check them. */
export const TEAM_DRAFT = 'ctcm-api team draft';

export interface LaoDraft {
  text: string;
  verification: TranslationState;
  source: string;
}

/** One translatable text as the code ships it: its English, and the Lao draft when there is one. */
export interface Translatable {
  kind: TranslationKind;
  key: string;
  en: string;
  lo: LaoDraft | null;
}

/** data/lo-drafts.json: kind → key → Lao; `code` is category → code → Lao, `indicator-text` is English text → Lao. */
const { code: CODE_DRAFTS, ...KIND_DRAFTS } = drafts as unknown as Record<string, Record<string, string>> & {
  code: Record<string, Record<string, string>>;
};
const DRAFTS: Record<string, Record<string, string> | undefined> = KIND_DRAFTS;

/** Lists show a country by its name: "ປະເທດໄທ" reads "ໄທ", and sorts under ທ rather than all under ປ. */
const withoutCountryWord = (name: string | null) => name?.replace(/^ປະເທດ\s*/, '') ?? null;

const draft = (text: string | null | undefined, source = TEAM_DRAFT): LaoDraft | null =>
  text ? { text, verification: 'unverified', source } : null;

/** Texts the reference data named only in code (facility kinds, report headings): English beside the Lao draft. */
const STATIC_ENGLISH: Partial<Record<TranslationKind, Record<string, string>>> = {
  'facility-kind': {
    transit_centre: 'Transit centre',
    shelter: 'Shelter',
    drop_in_centre: 'Drop-in centre',
    service_point: 'Service point',
  },
  'indicator-profile': {
    adult_labour: 'Adult, labour exploitation',
    adult_sexual: 'Adult, sexual exploitation',
    child_labour: 'Child, labour exploitation',
    child_sexual: 'Child, sexual exploitation',
    adult_forced_criminality: 'Adult, forced criminality',
  },
  'indicator-weight': { strong: 'Strong', medium: 'Medium', weak: 'Weak' },
  'report-heading': {
    'unmet-needs.title': 'People no eligible facility could take',
    'unmet-needs.provinceCode': 'Province',
    'unmet-needs.service': 'Service needed',
    'unmet-needs.gender': 'Gender',
    'unmet-needs.ageGroup': 'Age group',
    'unmet-needs.topRule': 'Most frequent reason for refusal',
    'unmet-needs.people': 'People',
    'unmet-needs.suppressed': 'Suppressed (fewer than the minimum cell size)',
    'age-group.adult': 'Adult',
    'age-group.child': 'Child',
    'age-group.unknown': 'Age unknown',
  },
};

/**
 * Every user-facing text the code ships, with its Lao draft: reference data keeps the Lao it
 * already had (with its own source), the rest comes from data/lo-drafts.json (this team's drafts,
 * `unverified`), and messages from the i18next catalogues in locales/.
 */
export function shippedTranslatables(): Translatable[] {
  const out: Translatable[] = [];
  const add = (kind: TranslationKind, key: string, en: string, lo: LaoDraft | null) => out.push({ kind, key, en, lo });

  for (const list of CODE_LISTS) {
    add('code-list', list.category, list.description, draft(DRAFTS['code-list']?.[list.category]));
    for (const v of list.values)
      add(
        'code',
        `${list.category}.${v.code}`,
        v.labelEn,
        draft(v.labelLo, 'ctcm-api reference data (code-lists.ts)') ?? draft(CODE_DRAFTS[list.category]?.[v.code]),
      );
  }
  for (const c of COUNTRIES)
    add(
      'country',
      c.code,
      c.nameEn,
      draft(withoutCountryWord(c.nameLo), 'ctcm-api reference data (countries.ts)') ?? draft(DRAFTS.country?.[c.code]),
    );
  for (const l of LANGUAGE_SEEDS) add('language', l.code, l.nameEn, draft(DRAFTS.language?.[l.code]));
  for (const p of PROVINCES)
    add(
      'province',
      p.code,
      p.nameEn,
      p.nameLo
        ? {
            text: p.nameLo,
            verification: p.nameLoVerification === 'verified' ? 'verified' : 'unverified',
            source: 'ctcm-api reference data (provinces.ts)',
          }
        : draft(DRAFTS.province?.[p.code]),
    );
  for (const b of BORDER_CROSSINGS)
    add(
      'border-crossing',
      b.code,
      b.nameEn,
      draft(b.nameLo, 'ctcm-api reference data (border-crossings.ts)') ?? draft(DRAFTS['border-crossing']?.[b.code]),
    );
  for (const i of CATALOGUE_V1.indicators)
    add('indicator', i.code, i.textEn, draft(i.textLo) ?? draft(DRAFTS['indicator-text']?.[i.textEn]));
  for (const [code, d] of Object.entries(DIMENSIONS))
    add('indicator-dimension', code, d.labelEn, draft(DRAFTS['indicator-dimension']?.[code]));
  for (const [kind, texts] of Object.entries(STATIC_ENGLISH) as [TranslationKind, Record<string, string>][])
    for (const [key, en] of Object.entries(texts)) add(kind, key, en, draft(DRAFTS[kind]?.[key]));
  for (const [ns, entries] of Object.entries(CATALOGUES.en))
    for (const [key, en] of Object.entries(entries))
      add('message', `${ns}:${key}`, en, draft(CATALOGUES.lo[ns]?.[key]));
  return out;
}

/** A message key of the `message` kind, split back into its i18next namespace and key. */
export function messageKeyOf(key: string): { namespace: string; key: string } | undefined {
  const at = key.indexOf(':');
  return at > 0 ? { namespace: key.slice(0, at), key: key.slice(at + 1) } : undefined;
}

let shippedByKey: Map<string, Translatable> | undefined;

/**
 * The Lao text the code ships for a label (no database): for build-time tools such as an XLSForm
 * generator. A running API answers with LabelsService.labelsFor(), which includes translators' imports.
 */
export function shippedLabel(kind: TranslationKind, key: string): Translatable | undefined {
  shippedByKey ??= new Map(shippedTranslatables().map((t) => [`${t.kind}\u0000${t.key}`, t]));
  return shippedByKey.get(`${kind}\u0000${key}`);
}
