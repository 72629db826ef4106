import { Inject, Injectable } from '@nestjs/common';
import { notFound } from '../common/errors/domain-error.js';
import { CatalogueService } from '../screening/catalogue.service.js';
import { buildXlsForm, type XlsForm } from './xlsform.js';
import { writeXlsFormWorkbook } from './xlsform-workbook.js';

export interface CatalogueForm {
  catalogueId: string;
  version: number;
  form: XlsForm;
  /** Indicator code → profile, to read answers and check them against the chosen profile. */
  indicatorProfiles: ReadonlyMap<string, string>;
  indicators: readonly { code: string; dimension: string; weight: string }[];
}

/**
 * The XLSForm of each published catalogue version. A published version never changes, so its
 * form is built once per catalogue id and kept; a version that does not exist yet is not kept.
 */
@Injectable()
export class IntakeFormService {
  private readonly forms = new Map<string, CatalogueForm>();
  /**
   * Published versions found so far: a version number, once published, always names the same
   * catalogue, and no transaction that reads a form here publishes one, so what it finds is committed.
   */
  private readonly byVersion = new Map<number, CatalogueForm>();

  constructor(@Inject(CatalogueService) private readonly catalogues: CatalogueService) {}

  /** The form of a published version, or undefined when no published catalogue has this version. */
  async formFor(version: number): Promise<CatalogueForm | undefined> {
    const seen = this.byVersion.get(version);
    if (seen) return seen;
    const catalogue = await this.catalogues.byVersion(version).catch(() => undefined);
    if (!catalogue) return undefined;
    const known = this.forms.get(catalogue.id);
    if (known) {
      this.byVersion.set(version, known);
      return known;
    }
    const indicators = await this.catalogues.indicators(catalogue.id);
    const built: CatalogueForm = {
      catalogueId: catalogue.id,
      version: catalogue.version,
      form: buildXlsForm({ version: catalogue.version, title: catalogue.title, indicators }),
      indicatorProfiles: new Map(indicators.map((i) => [i.code, i.profile])),
      indicators,
    };
    if (this.forms.size >= 50) this.forms.clear();
    this.forms.set(catalogue.id, built);
    if (this.byVersion.size >= 50) this.byVersion.clear();
    this.byVersion.set(version, built);
    return built;
  }

  async workbook(version: number): Promise<{ fileName: string; content: Buffer }> {
    const form = await this.formFor(version);
    if (!form) throw notFound('Catalogue version');
    return { fileName: `${form.form.settings.formId}.xlsx`, content: await writeXlsFormWorkbook(form.form) };
  }
}
