import type {
  BorderCrossingEntity,
  CodeEntity,
  CodeListEntity,
  CountryEntity,
  LanguageEntity,
  ProvinceEntity,
} from './reference-data.entities.js';
import type { LocalizedText } from '../i18n/labels.service.js';
import type {
  BorderCrossingResponse,
  CodeListResponse,
  CodeListSummaryResponse,
  CodeResponse,
  CountryResponse,
  LanguageResponse,
  ProvinceResponse,
} from './reference-data.dto.js';

/** `lo`: the Lao label as stored in i18n_text (a draft or a translator's), which the older `*Lo` fields now echo. */
export const toProvinceResponse = (p: ProvinceEntity, lo?: LocalizedText): ProvinceResponse => ({
  code: p.code,
  nationalCode: p.nationalCode,
  shortCode: p.shortCode,
  isoName: p.isoName,
  nameEn: p.nameEn,
  nameLo: lo?.text ?? p.nameLo,
  kind: p.kind,
  nameLoVerification: lo?.verification ?? p.nameLoVerification,
  verification: p.verification,
  lo: lo ?? null,
});

export const toCountryResponse = (c: CountryEntity, lo?: LocalizedText): CountryResponse => ({
  code: c.code,
  alpha3: c.alpha3,
  nameEn: c.nameEn,
  nameLo: lo?.text ?? c.nameLo,
  lo: lo ?? null,
});

export const toLanguageResponse = (l: LanguageEntity, lo?: LocalizedText): LanguageResponse => ({
  code: l.code,
  alpha2: l.alpha2,
  nameEn: l.nameEn,
  lo: lo ?? null,
});

export const toBorderCrossingResponse = (b: BorderCrossingEntity, lo?: LocalizedText): BorderCrossingResponse => ({
  code: b.code,
  nameEn: b.nameEn,
  nameLo: lo?.text ?? b.nameLo,
  provinceCode: b.provinceCode,
  foreignCountry: b.foreignCountry,
  foreignLocality: b.foreignLocality,
  kind: b.kind,
  usedForReturns: b.usedForReturns,
  verification: b.verification,
  notes: b.notes,
  lo: lo ?? null,
});

export const toCodeResponse = (c: CodeEntity, lo?: LocalizedText): CodeResponse => ({
  code: c.code,
  labelEn: c.labelEn,
  labelLo: lo?.text ?? c.labelLo,
  verification: c.verification,
  source: c.source,
  lo: lo ?? null,
});

export const toCodeListSummary = (l: CodeListEntity, lo?: LocalizedText): CodeListSummaryResponse => ({
  category: l.category,
  description: l.description,
  lo: lo ?? null,
});

/** `valueLabels` are keyed `<category>.<code>`, as the `code` kind of labels is. */
export const toCodeListResponse = (
  l: CodeListEntity,
  values: CodeEntity[],
  lo: LocalizedText | undefined,
  valueLabels: Map<string, LocalizedText>,
): CodeListResponse => ({
  ...toCodeListSummary(l, lo),
  values: values.map((v) => toCodeResponse(v, valueLabels.get(`${l.category}.${v.code}`))),
});
