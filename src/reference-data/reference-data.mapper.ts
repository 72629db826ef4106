import type {
  BorderCrossingEntity,
  CodeEntity,
  CodeListEntity,
  CountryEntity,
  LanguageEntity,
  ProvinceEntity,
} from './reference-data.entities.js';
import type {
  BorderCrossingResponse,
  CodeListResponse,
  CodeListSummaryResponse,
  CodeResponse,
  CountryResponse,
  LanguageResponse,
  ProvinceResponse,
} from './reference-data.dto.js';

export const toProvinceResponse = (p: ProvinceEntity): ProvinceResponse => ({
  code: p.code,
  nationalCode: p.nationalCode,
  shortCode: p.shortCode,
  isoName: p.isoName,
  nameEn: p.nameEn,
  nameLo: p.nameLo,
  kind: p.kind,
  nameLoVerification: p.nameLoVerification,
  verification: p.verification,
});

export const toCountryResponse = (c: CountryEntity): CountryResponse => ({
  code: c.code,
  alpha3: c.alpha3,
  nameEn: c.nameEn,
  nameLo: c.nameLo,
});

export const toLanguageResponse = (l: LanguageEntity): LanguageResponse => ({
  code: l.code,
  alpha2: l.alpha2,
  nameEn: l.nameEn,
});

export const toBorderCrossingResponse = (b: BorderCrossingEntity): BorderCrossingResponse => ({
  code: b.code,
  nameEn: b.nameEn,
  nameLo: b.nameLo,
  provinceCode: b.provinceCode,
  foreignCountry: b.foreignCountry,
  foreignLocality: b.foreignLocality,
  kind: b.kind,
  usedForReturns: b.usedForReturns,
  verification: b.verification,
  notes: b.notes,
});

export const toCodeResponse = (c: CodeEntity): CodeResponse => ({
  code: c.code,
  labelEn: c.labelEn,
  labelLo: c.labelLo,
  verification: c.verification,
  source: c.source,
});

export const toCodeListSummary = (l: CodeListEntity): CodeListSummaryResponse => ({
  category: l.category,
  description: l.description,
});

export const toCodeListResponse = (l: CodeListEntity, values: CodeEntity[]): CodeListResponse => ({
  ...toCodeListSummary(l),
  values: values.map(toCodeResponse),
});
