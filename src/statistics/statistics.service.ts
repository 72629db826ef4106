import { Inject, Injectable } from '@nestjs/common';
import { NATIONAL_REPORT_ROLES, type Role } from '../auth/permissions.js';
import { Clock } from '../common/clock.js';
import type { Actor } from '../common/context/request-context.js';
import { DomainError } from '../common/errors/domain-error.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { StandbyService } from '../database/standby.service.js';
import { TransactionService } from '../database/transaction.service.js';
import { type Equation, protectTable, YEAR_PERIOD_ROWS, yearTableEquations } from './disclosure-control.js';
import type {
  MeasureSummary,
  StatisticQuery,
  StatisticRow,
  StatisticTable,
  UnmetNeedsReport,
} from './dto/statistics.dto.js';
import { AGENCY_DIMENSIONS, MEASURES, type MeasureName, measureOf, type PeriodKind } from './statistics-catalogue.js';
import { countStatisticByMonth, countUnmetNeeds, findAgencyCodes, type MonthlyCountRow } from './statistics.queries.js';

const UNKNOWN = 'unknown';
const MAX_YEARS = 10;

const invalid = (field: string, message: string) =>
  new DomainError('VALIDATION_FAILED', message, { errors: [{ field, messages: [message] }] });

/** A protected calendar year of one measure, one breakdown, one scope: the only source of published cells. */
interface ProtectedYear {
  values: string[];
  /** [period row][value column, then the total column]: the count, or null when withheld. */
  cells: (number | null)[][];
}

/**
 * Statistics: counts of a measure by period and one dimension, every cell through disclosure
 * control. Each calendar year of a (measure, dimension, scope) is protected as one canonical
 * table, and any query slices it, so overlapping queries return the same cells.
 */
@Injectable()
export class StatisticsService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(TransactionService) private readonly tx: TransactionService,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(StandbyService) private readonly standby: StandbyService,
  ) {}

  measures(): MeasureSummary[] {
    return Object.entries(MEASURES).map(([name, m]) => ({
      name,
      unit: m.unit,
      dated: m.dated,
      definition: m.definition,
      dimensions: [...m.dimensions],
    }));
  }

  /** The minimum cell size in force: the configured one, or more when asked. */
  minCellSize(asked?: number): number {
    const configured = this.config.referrals.reportMinCellSize;
    if (asked !== undefined && asked < configured)
      throw invalid('minCellSize', `minCellSize must not be below the configured ${configured}`);
    return asked ?? configured;
  }

  isNational(actor: Actor): boolean {
    return actor.roles.some((r) => NATIONAL_REPORT_ROLES.has(r as Role));
  }

  async table(actor: Actor, measureName: string, q: StatisticQuery): Promise<StatisticTable> {
    const measure = measureOf(measureName);
    const by = q.by ?? null;
    if (by !== null && !(measure.dimensions as readonly string[]).includes(by))
      throw invalid('by', `by must be one of ${measure.dimensions.join(', ')} for ${measureName}`);
    const period = (q.period ?? 'month') as PeriodKind;
    const thisMonth = this.clock.today().slice(0, 7);
    const to = q.to ?? thisMonth;
    const from = q.from ?? shiftMonth(to, -11);
    if (to > thisMonth) throw invalid('to', `to must not be in the future (this month is ${thisMonth})`);
    if (from > to) throw invalid('from', 'from must not be after to');
    const firstYear = Number(from.slice(0, 4));
    const lastYear = Number(to.slice(0, 4));
    if (lastYear - firstYear + 1 > MAX_YEARS) throw invalid('from', `at most ${MAX_YEARS} calendar years at once`);
    const min = this.minCellSize(q.minCellSize);
    const agencyId = this.isNational(actor) ? null : actor.agencyId;

    // Counts tolerate replication lag: read on the standby when one serves (docs/replicas.md).
    const { years, labels } = await this.standby.read(async () => {
      const years = await this.protectedYears(measureName as MeasureName, by, agencyId, firstYear, lastYear, min);
      const values = [...new Set([...years.values()].flatMap((y) => y.values))];
      const labels = by && AGENCY_DIMENSIONS.has(by) ? await this.agencyLabels(values) : new Map<string, string>();
      return { years, labels };
    });
    const allValues = [...new Set([...years.values()].flatMap((y) => y.values))].sort();
    const rows: StatisticRow[] = [];
    for (const [year, table] of years)
      for (const p of periodsOf(period, year, from, to)) {
        const row = table.cells[p.row]!;
        rows.push({
          period: p.label,
          total: row[table.values.length]!,
          cells: by ? allValues.map((v) => ({ value: v, count: cellOf(table, row, v) })) : [],
        });
      }
    const label = (v: string) => labels.get(v) ?? v;
    return {
      measure: measureName,
      unit: measure.unit,
      by,
      period,
      from,
      to,
      scope: agencyId ? 'agency' : 'national',
      minCellSize: min,
      overlapping: Boolean(by && (measure.overlapping as readonly string[] | undefined)?.includes(by)),
      values: allValues.map(label),
      rows: rows.map((r) => ({ ...r, cells: r.cells.map((c) => ({ value: label(c.value), count: c.count })) })),
      withheldCells: rows.reduce(
        (n, r) => n + (r.total === null ? 1 : 0) + r.cells.filter((c) => c.count === null).length,
        0,
      ),
    };
  }

  /** One protected table per calendar year: first the totals, then the breakdown sharing them. */
  private async protectedYears(
    measure: MeasureName,
    by: string | null,
    agencyId: string | null,
    firstYear: number,
    lastYear: number,
    min: number,
  ): Promise<Map<number, ProtectedYear>> {
    const def = measureOf(measure);
    // The totals and the breakdown in one statement: one snapshot of the precomputed counts.
    const rows = await countStatisticByMonth(this.tx.manager(), {
      measure,
      dimensions: by ? ['none', by] : ['none'],
      agencyId,
      from: `${firstYear}-01-01`,
      to: `${lastYear}-12-31`,
      timeZone: this.clock.timeZone,
      today: this.clock.today(),
      precomputed: this.config.statistics.refreshIntervalMs > 0,
    });
    const totals = rows.filter((r) => r.dimension === 'none');
    const breakdown = by ? rows.filter((r) => r.dimension === by) : [];
    const additive = !(by && (def.overlapping as readonly string[] | undefined)?.includes(by));
    const today = this.clock.today();
    const out = new Map<number, ProtectedYear>();
    for (let year = firstYear; year <= lastYear; year++) {
      const stock = def.stock ? stockPeriods(year, today) : undefined;
      const totalsOfYear = yearCounts(year, [], totals, stock);
      const totalsProtected = protectTable(totalsOfYear.counts, yearTableEquations(0, true, stock), min);
      if (!by) {
        out.set(year, { values: [], cells: rowsOf(totalsProtected.values, 1) });
        continue;
      }
      const values = [
        ...new Set(breakdown.filter((r) => r.period.startsWith(`${year}-`)).map((r) => r.value ?? UNKNOWN)),
      ].sort();
      const table = yearCounts(year, values, breakdown, stock, totalsOfYear.counts);
      const cols = values.length + 1;
      // The total column is the totals table: what it withholds stays withheld, what it shows is shown.
      const hidden = new Set<number>();
      const shown = new Set<number>();
      totalsProtected.values.forEach((v, row) => (v === null ? hidden : shown).add(row * cols + values.length));
      const equations: Equation[] = yearTableEquations(values.length, additive, stock);
      const result = protectTable(table.counts, equations, min, { hidden, shown });
      out.set(year, { values, cells: rowsOf(result.values, cols) });
    }
    return out;
  }

  private async agencyLabels(ids: string[]): Promise<Map<string, string>> {
    const uuids = ids.filter((v) => /^[0-9a-f-]{36}$/.test(v));
    if (!uuids.length) return new Map();
    return new Map((await findAgencyCodes(this.tx.manager(), uuids)).map((a) => [a.id, a.code]));
  }

  /**
   * People no eligible facility could take, by province, service and profile (gender × age
   * group): counts of distinct cases. The combinations are published without margins, so
   * primary suppression is all a cell needs; it goes through the same disclosure control.
   */
  async unmetNeeds(from?: string, to?: string): Promise<UnmetNeedsReport> {
    const end = to ?? this.clock.today();
    const start = from ?? `${Number(end.slice(0, 4)) - 1}${end.slice(4)}`;
    const min = this.minCellSize();
    const rows = await this.standby.read((m) => countUnmetNeeds(m, start, end, this.clock.timeZone));
    const { values } = protectTable(
      rows.map((r) => r.people),
      [],
      min,
    );
    return {
      from: start,
      to: end,
      minCellSize: min,
      rows: rows.map((r, i) => ({
        provinceCode: r.province_code,
        service: r.service,
        gender: r.gender,
        ageGroup: r.age_group,
        topRule: r.top_rule,
        people: values[i]!,
        suppressed: values[i] === null,
      })),
    };
  }
}

function cellOf(table: ProtectedYear, row: (number | null)[], value: string): number | null {
  const col = table.values.indexOf(value);
  // A value absent all year in this table is a true zero (the canonical table has no column for it).
  return col < 0 ? 0 : row[col]!;
}

function rowsOf(values: (number | null)[], cols: number): (number | null)[][] {
  return Array.from({ length: YEAR_PERIOD_ROWS }, (_, r) => values.slice(r * cols, (r + 1) * cols));
}

/** For a stock: the month each quarter reports (its last, or the current month), and the quarter the year reports. */
function stockPeriods(year: number, today: string): { quarterMonth: (number | null)[]; yearQuarter: number | null } {
  const thisYear = Number(today.slice(0, 4));
  const lastMonth = year < thisYear ? 11 : year > thisYear ? -1 : Number(today.slice(5, 7)) - 1;
  const quarterMonth = [0, 1, 2, 3].map((q) => (q * 3 > lastMonth ? null : Math.min(q * 3 + 2, lastMonth)));
  return { quarterMonth, yearQuarter: lastMonth < 0 ? null : Math.floor(lastMonth / 3) };
}

/**
 * The cells of one year: months from the rows, quarters and the year as sums (a flow) or as the
 * stock of their reporting month; the total column from `totals` (or the row's only value).
 */
function yearCounts(
  year: number,
  values: string[],
  rows: MonthlyCountRow[],
  stock: ReturnType<typeof stockPeriods> | undefined,
  totals?: number[],
): { counts: number[] } {
  const cols = values.length + 1;
  const counts = new Array<number>(YEAR_PERIOD_ROWS * cols).fill(0);
  for (const r of rows) {
    if (!r.period.startsWith(`${year}-`)) continue;
    const month = Number(r.period.slice(5, 7)) - 1;
    const col = values.length ? values.indexOf(r.value ?? UNKNOWN) : 0;
    counts[month * cols + col]! += r.n;
  }
  if (totals) for (let month = 0; month < 12; month++) counts[month * cols + values.length] = totals[month]!;
  for (let c = 0; c < cols; c++) {
    for (let q = 0; q < 4; q++) {
      const m = stock?.quarterMonth[q];
      counts[(12 + q) * cols + c] = stock
        ? m === null || m === undefined
          ? 0
          : counts[m * cols + c]!
        : [0, 1, 2].reduce((s, k) => s + counts[(q * 3 + k) * cols + c]!, 0);
    }
    counts[16 * cols + c] = stock
      ? stock.yearQuarter === null
        ? 0
        : counts[(12 + stock.yearQuarter) * cols + c]!
      : [12, 13, 14, 15].reduce((s, k) => s + counts[k * cols + c]!, 0);
  }
  return { counts };
}

function shiftMonth(month: string, by: number): string {
  const index = Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1 + by;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** The periods of a kind in a year that overlap [from, to] (months, YYYY-MM), with their table rows. */
function periodsOf(kind: PeriodKind, year: number, from: string, to: string): { label: string; row: number }[] {
  const month = (m: number) => `${year}-${String(m + 1).padStart(2, '0')}`;
  const overlaps = (first: number, last: number) => month(last) >= from && month(first) <= to;
  if (kind === 'month')
    return [...Array(12).keys()].filter((m) => overlaps(m, m)).map((m) => ({ label: month(m), row: m }));
  if (kind === 'quarter')
    return [0, 1, 2, 3]
      .filter((q) => overlaps(q * 3, q * 3 + 2))
      .map((q) => ({ label: `${year}-Q${q + 1}`, row: 12 + q }));
  return overlaps(0, 11) ? [{ label: String(year), row: 16 }] : [];
}
