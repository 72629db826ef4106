import {
  BorderCrossingEntity,
  CodeEntity,
  CodeListEntity,
  CountryEntity,
  LanguageEntity,
  ProvinceEntity,
} from '../reference-data/reference-data.entities.js';

/** Every entity, listed explicitly (no globs): the same list for the API, scripts and tests. */
export const ENTITIES = [ProvinceEntity, CountryEntity, LanguageEntity, BorderCrossingEntity, CodeListEntity, CodeEntity];
