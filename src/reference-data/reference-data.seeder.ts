import type { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';
import { seedTranslations } from '../i18n/translation-seeder.js';
import { seedIndicatorCatalogue } from '../screening/catalogue.service.js';
import { BORDER_CROSSINGS } from './data/border-crossings.js';
import { CODE_LISTS } from './data/code-lists.js';
import { COUNTRIES } from './data/countries.js';
import { LANGUAGES } from './data/languages.js';
import { PROVINCES } from './data/provinces.js';
import {
  BorderCrossingEntity,
  CodeEntity,
  CodeListEntity,
  CountryEntity,
  LanguageEntity,
  ProvinceEntity,
} from './reference-data.entities.js';

async function upsert<T extends ObjectLiteral>(
  ds: DataSource,
  target: EntityTarget<T>,
  rows: T[],
  keys: string[],
): Promise<void> {
  const chunk = 500;
  for (let i = 0; i < rows.length; i += chunk) {
    await ds
      .createQueryBuilder()
      .insert()
      .into(target)
      .values(rows.slice(i, i + chunk))
      .orUpdate(
        ds
          .getMetadata(target)
          .columns.filter((c) => !keys.includes(c.propertyName))
          .map((c) => c.databaseName),
        keys.map((k) => ds.getMetadata(target).findColumnWithPropertyName(k)!.databaseName),
      )
      .execute();
  }
}

/**
 * Reference data is code-owned: every start upserts it (idempotent), so a release that
 * corrects a label or a verification tag reaches every database. Values are never deleted
 * here, because records may still refer to them.
 */
export async function seedReferenceData(ds: DataSource): Promise<void> {
  await upsert(ds, ProvinceEntity, PROVINCES, ['code']);
  await upsert(ds, CountryEntity, COUNTRIES, ['code']);
  await upsert(ds, LanguageEntity, LANGUAGES, ['code']);
  await upsert(ds, BorderCrossingEntity, BORDER_CROSSINGS, ['code']);
  await upsert(
    ds,
    CodeListEntity,
    CODE_LISTS.map(({ category, description }) => ({ category, description })),
    ['category'],
  );
  await upsert(
    ds,
    CodeEntity,
    CODE_LISTS.flatMap((list) => list.values.map((v, i) => ({ category: list.category, sortOrder: i, ...v }))),
    ['category', 'code'],
  );
  await seedIndicatorCatalogue(ds);
  await seedTranslations(ds);
}
