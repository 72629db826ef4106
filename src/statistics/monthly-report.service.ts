import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { StandbyService } from '../database/standby.service.js';
import type { Actor } from '../common/context/request-context.js';
import { DomainError } from '../common/errors/domain-error.js';
import { EXTERNAL_MIN_CELL_SIZE } from './disclosure-control.js';
import type { StatisticTable } from './dto/statistics.dto.js';
import type { MonthlyReport, ReportLanguage, ReportSection } from './monthly-report.render.js';
import { StatisticsService } from './statistics.service.js';

/**
 * The monthly report: five statistics of the month, read through the statistics API's own
 * service, so every number is the one GET /statistics/{measure} answers for the same query.
 * It leaves the system, so its minimum cell size is never below 11.
 */
@Injectable()
export class MonthlyReportService {
  constructor(
    @Inject(StatisticsService) private readonly statistics: StatisticsService,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(StandbyService) private readonly standby: StandbyService,
  ) {}

  /** The statistics queries behind each section (the test asks the API the same ones). */
  static queriesFor(month: string, minCellSize: number) {
    const [y, m] = month.split('-').map(Number) as [number, number];
    const index = y * 12 + m - 1 - 11;
    const yearAgo = `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
    const one = { from: month, to: month, period: 'month', minCellSize };
    return {
      trend: { measure: 'cases', query: { from: yearAgo, to: month, period: 'month', minCellSize } },
      provinces: { measure: 'cases', query: { ...one, by: 'province' } },
      exploitationTypes: { measure: 'cases', query: { ...one, by: 'exploitationType' } },
      unmetNeedsBySex: { measure: 'unmetNeeds', query: { ...one, by: 'sex' } },
      referralOutcomes: { measure: 'referrals', query: { ...one, by: 'outcome' } },
    } as const;
  }

  async build(actor: Actor, month: string, lang: ReportLanguage): Promise<MonthlyReport> {
    const thisMonth = this.clock.today().slice(0, 7);
    if (month > thisMonth)
      throw new DomainError('VALIDATION_FAILED', 'The month must not be in the future', {
        errors: [{ field: 'month', messages: [`month must not be after ${thisMonth}`] }],
      });
    const minCellSize = Math.max(this.statistics.minCellSize(), EXTERNAL_MIN_CELL_SIZE);
    const sections: ReportSection[] = [];
    let scope = 'agency';
    // Every section from one read-only snapshot (the standby's when it serves, docs/replicas.md).
    await this.standby.read(async () => {
      for (const [key, { measure, query }] of Object.entries(MonthlyReportService.queriesFor(month, minCellSize))) {
        const table = await this.statistics.table(actor, measure, query);
        scope = table.scope;
        sections.push({ key: key as ReportSection['key'], rows: rowsOf(table), source: sourceOf(table) });
      }
    });
    return { month, lang, minCellSize, scope, generatedAt: this.clock.now().toISOString(), sections };
  }
}

/** A trend is its period totals; a breakdown of one month is its cells. */
function rowsOf(table: StatisticTable): ReportSection['rows'] {
  if (!table.by) return table.rows.map((r) => ({ label: r.period, count: r.total }));
  return (table.rows[0]?.cells ?? []).map((c) => ({ label: c.value, count: c.count }));
}

const sourceOf = (t: StatisticTable) =>
  `GET /statistics/${t.measure}?${t.by ? `by=${t.by}&` : ''}period=${t.period}&from=${t.from}&to=${t.to}&minCellSize=${t.minCellSize}`;
