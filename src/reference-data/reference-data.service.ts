import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { notFound } from '../common/errors/domain-error.js';
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
  constructor(@Inject(DataSource) private readonly db: DataSource) {}

  async provinces(): Promise<ProvinceResponse[]> {
    return (await this.db.getRepository(ProvinceEntity).find({ order: { nationalCode: 'ASC' } })).map(
      map.toProvinceResponse,
    );
  }

  async countries(): Promise<CountryResponse[]> {
    return (await this.db.getRepository(CountryEntity).find({ order: { code: 'ASC' } })).map(map.toCountryResponse);
  }

  async languages(): Promise<LanguageResponse[]> {
    return (await this.db.getRepository(LanguageEntity).find({ order: { code: 'ASC' } })).map(map.toLanguageResponse);
  }

  async borderCrossings(): Promise<BorderCrossingResponse[]> {
    return (await this.db.getRepository(BorderCrossingEntity).find({ order: { code: 'ASC' } })).map(
      map.toBorderCrossingResponse,
    );
  }

  async codeLists(): Promise<CodeListSummaryResponse[]> {
    return (await this.db.getRepository(CodeListEntity).find({ order: { category: 'ASC' } })).map(
      map.toCodeListSummary,
    );
  }

  async codeList(category: string): Promise<CodeListResponse> {
    const list = await this.db.getRepository(CodeListEntity).findOneBy({ category });
    if (!list) throw notFound('Code list');
    const values = await this.db.getRepository(CodeEntity).find({ where: { category }, order: { sortOrder: 'ASC' } });
    return map.toCodeListResponse(list, values);
  }
}
