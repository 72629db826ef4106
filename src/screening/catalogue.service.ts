import { Inject, Injectable } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { Actor } from '../common/context/request-context.js';
import { DomainError, notFound } from '../common/errors/domain-error.js';
import { uuidv7 } from '../common/uuid.js';
import { findOneByUnique } from '../database/find-by-id.js';
import { TransactionService } from '../database/transaction.service.js';
import { type Label, LabelsService, type LocalizedText } from '../i18n/labels.service.js';
import { CATALOGUE_V1 } from './data/indicator-catalogue-v1.js';
import type {
  CatalogueResponse,
  CatalogueSummaryResponse,
  IndicatorResponse,
  NewIndicator,
  PublishCatalogueRequest,
} from './dto/screening.dto.js';
import { ScreeningCatalogueEntity, ScreeningIndicatorEntity } from './screening.entities.js';
import {
  countCatalogues,
  insertCatalogue,
  listCatalogues,
  lockCataloguePublishing,
  nextCatalogueVersion,
} from './screening.queries.js';

/**
 * `lo`: the indicator's Lao text from the labels (a draft or a translator's), when that label was
 * written for this very English text; otherwise the Lao the catalogue itself was published with.
 */
const toIndicator = (i: ScreeningIndicatorEntity, label: Label | undefined): IndicatorResponse => {
  const lo: LocalizedText | null =
    label?.en === i.textEn && label.lo
      ? label.lo
      : i.textLo
        ? { text: i.textLo, verification: 'unverified', source: i.source }
        : null;
  return {
    code: i.code,
    profile: i.profile,
    dimension: i.dimension,
    weight: i.weight,
    textEn: i.textEn,
    textLo: lo?.text ?? null,
    source: i.source,
    verification: i.verification,
    lo,
  };
};

/** Seeds catalogue version 1 on a database that has none; published versions are never edited. */
export async function seedIndicatorCatalogue(ds: DataSource): Promise<void> {
  const n = await countCatalogues(ds);
  if (n > 0) return;
  const id = uuidv7();
  await insertCatalogue(ds, {
    id,
    version: CATALOGUE_V1.version,
    title: CATALOGUE_V1.title,
    source: CATALOGUE_V1.source,
    notes: CATALOGUE_V1.notes,
  });
  const rows = CATALOGUE_V1.indicators.map((i, order) => ({ id: uuidv7(), catalogueId: id, sortOrder: order, ...i }));
  await ds.createQueryBuilder().insert().into(ScreeningIndicatorEntity).values(rows).execute();
}

/** Versioned indicator catalogues: reference data an administrator can publish anew. */
@Injectable()
export class CatalogueService {
  constructor(
    @Inject(TransactionService) private readonly tx: TransactionService,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(LabelsService) private readonly labels: LabelsService,
  ) {}

  async list(): Promise<CatalogueSummaryResponse[]> {
    const rows = await listCatalogues(this.tx.manager());
    return rows.map((c) => ({
      version: c.version,
      title: c.title,
      source: c.source,
      notes: c.notes,
      publishedAt: new Date(c.publishedAt).toISOString(),
      indicatorCount: c.indicator_count,
    }));
  }

  async byVersion(version?: number): Promise<ScreeningCatalogueEntity> {
    const repo = this.tx.manager().getRepository(ScreeningCatalogueEntity);
    const catalogue = version
      ? await findOneByUnique(this.tx.manager(), ScreeningCatalogueEntity, 'version', version)
      : (await repo.find({ order: { version: 'DESC' }, take: 1 }))[0];
    if (!catalogue) throw notFound('Catalogue version');
    return catalogue;
  }

  /**
   * A published catalogue never changes (a change is a new version), so its indicators are
   * kept by catalogue id: every screening reads ~60 of them. Keyed by id, never by version,
   * an entry cannot go stale; one from a publication that rolled back is never asked for.
   */
  async indicators(catalogueId: string, profile?: string): Promise<readonly ScreeningIndicatorEntity[]> {
    const key = `${catalogueId}/${profile ?? '*'}`;
    const known = this.indicatorsByCatalogue.get(key);
    if (known) return known;
    const found = await this.tx
      .manager()
      .getRepository(ScreeningIndicatorEntity)
      .find({ where: { catalogueId, ...(profile ? { profile } : {}) }, order: { sortOrder: 'ASC' } });
    if (found.length) {
      if (this.indicatorsByCatalogue.size >= 200) this.indicatorsByCatalogue.clear();
      this.indicatorsByCatalogue.set(key, Object.freeze(found));
    }
    return found;
  }

  private readonly indicatorsByCatalogue = new Map<string, readonly ScreeningIndicatorEntity[]>();

  async get(version: number, profile?: string): Promise<CatalogueResponse> {
    const c = await this.byVersion(version);
    const indicators = await this.indicators(c.id, profile);
    const indicatorLabels = new Map((await this.labels.labels('indicator')).map((l) => [l.key, l]));
    return {
      version: c.version,
      title: c.title,
      source: c.source,
      notes: c.notes,
      publishedAt: c.publishedAt.toISOString(),
      indicatorCount: indicators.length,
      indicators: indicators.map((i) => toIndicator(i, indicatorLabels.get(i.code))),
    };
  }

  /** Publishes the next version; earlier versions, and the screenings that used them, stay as they are. */
  async publish(actor: Actor, body: PublishCatalogueRequest): Promise<CatalogueResponse> {
    const seen = new Set<string>();
    const problems = body.indicators.flatMap((i: NewIndicator, idx) => {
      const issues: string[] = [];
      if (seen.has(i.code)) issues.push(`code ${i.code} is used twice`);
      seen.add(i.code);
      if (i.code.split('.')[1] !== i.dimension) issues.push(`code ${i.code} does not match dimension ${i.dimension}`);
      return issues.length ? [{ field: `indicators[${idx}]`, messages: issues }] : [];
    });
    if (problems.length)
      throw new DomainError('VALIDATION_FAILED', 'The catalogue is inconsistent', { errors: problems });
    // One publisher at a time, so versions stay dense and unique.
    await lockCataloguePublishing(this.tx.manager());
    const next = await nextCatalogueVersion(this.tx.manager());
    const id = uuidv7();
    await this.tx.manager().insert(ScreeningCatalogueEntity, {
      id,
      version: next,
      title: body.title,
      source: body.source,
      notes: body.notes,
      publishedBy: actor.userId,
    });
    await this.tx
      .manager()
      .createQueryBuilder()
      .insert()
      .into(ScreeningIndicatorEntity)
      .values(
        body.indicators.map((i, order) => ({
          id: uuidv7(),
          catalogueId: id,
          sortOrder: order,
          ...i,
          textLo: i.textLo ?? null,
        })),
      )
      .execute();
    await this.audit.change(
      'publish',
      'screening_catalogue',
      id,
      [{ field: 'version', personal: false, old: null, new: next }],
      null,
      { indicators: body.indicators.length },
    );
    return this.get(next);
  }
}
