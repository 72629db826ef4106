import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { notFound } from '../common/errors/domain-error.js';
import { type LocalizedText, LabelsService } from '../i18n/labels.service.js';
import type { Language } from '../i18n/messages.js';
import type { TranslationKind } from '../i18n/translatables.js';
import {
  BorderCrossingEntity,
  CodeEntity,
  CodeListEntity,
  CountryEntity,
  LanguageEntity,
  ProvinceEntity,
} from './reference-data.entities.js';
import * as map from './reference-data.mapper.js';
import type {
  BorderCrossingResponse,
  CodeListResponse,
  CodeListSummaryResponse,
  CountryResponse,
  LanguageResponse,
  ProvinceResponse,
} from './reference-data.dto.js';

@Injectable()
export class ReferenceDataService {
  constructor(
    @Inject(DataSource) private readonly db: DataSource,
    @Inject(LabelsService) private readonly labels: LabelsService,
  ) {}

  /** Each list carries its Lao labels; a Lao reader gets it in Lao alphabetical order (ICU collation). */
  private async localized<E, R>(
    kind: TranslationKind,
    rows: E[],
    keyOf: (row: E) => string,
    toResponse: (row: E, lo?: LocalizedText) => R,
    lang: Language,
  ): Promise<R[]> {
    const lo = await this.labels.laoTexts(kind);
    const ordered = lang === 'lo' ? await this.labels.inLaoOrder(kind, rows, keyOf) : rows;
    return ordered.map((row) => toResponse(row, lo.get(keyOf(row))));
  }

  async provinces(lang: Language = 'en'): Promise<ProvinceResponse[]> {
    const rows = await this.db.getRepository(ProvinceEntity).find({ order: { nationalCode: 'ASC' } });
    return this.localized('province', rows, (p) => p.code, map.toProvinceResponse, lang);
  }

  async countries(lang: Language = 'en'): Promise<CountryResponse[]> {
    const rows = await this.db.getRepository(CountryEntity).find({ order: { code: 'ASC' } });
    return this.localized('country', rows, (c) => c.code, map.toCountryResponse, lang);
  }

  async languages(lang: Language = 'en'): Promise<LanguageResponse[]> {
    const rows = await this.db.getRepository(LanguageEntity).find({ order: { code: 'ASC' } });
    return this.localized('language', rows, (l) => l.code, map.toLanguageResponse, lang);
  }

  async borderCrossings(lang: Language = 'en'): Promise<BorderCrossingResponse[]> {
    const rows = await this.db.getRepository(BorderCrossingEntity).find({ order: { code: 'ASC' } });
    return this.localized('border-crossing', rows, (b) => b.code, map.toBorderCrossingResponse, lang);
  }

  async codeLists(): Promise<CodeListSummaryResponse[]> {
    const lo = await this.labels.laoTexts('code-list');
    return (await this.db.getRepository(CodeListEntity).find({ order: { category: 'ASC' } })).map((l) =>
      map.toCodeListSummary(l, lo.get(l.category)),
    );
  }

  async codeList(category: string): Promise<CodeListResponse> {
    const list = await this.db.getRepository(CodeListEntity).findOneBy({ category });
    if (!list) throw notFound('Code list');
    const values = await this.db.getRepository(CodeEntity).find({ where: { category }, order: { sortOrder: 'ASC' } });
    // One after the other: both run on the request transaction's connection (docs/one-query-per-connection.md).
    const listLabel = await this.labels.laoTexts('code-list', [category]);
    const valueLabels = await this.labels.laoTexts(
      'code',
      values.map((v) => `${category}.${v.code}`),
    );
    return map.toCodeListResponse(list, values, listLabel.get(category), valueLabels);
  }
}
