import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { TransactionService } from '../database/transaction.service.js';
import { JobQueue } from '../queue/job-queue.service.js';
import { STATISTIC_PAIRS } from './statistics-catalogue.js';
import {
  findStatisticRefreshState,
  liftStatementTimeout,
  refreshStatisticCounts,
  type StatisticRefreshState,
} from './statistics.queries.js';

const TASK = 'statistics.refresh';
/** The recent window: the current month and the two before it (see docs/statistics.md, "Freshness"). */
const RECENT_MONTHS = 3;
const ALL_HISTORY = '1900-01-01';

export interface StatisticRefreshOutcome {
  kind: 'full' | 'recent';
  from: string;
  rows: number;
  ms: number;
}

/**
 * Keeps the precomputed monthly counts (statistic_count) current: a job on the queue every
 * STATISTICS_REFRESH_INTERVAL_MS recomputes the current month and the two before it; the first
 * run of a day (and the first ever, or after the time zone changed) recomputes the whole
 * history. Each refresh is one transaction: readers see the counts before it or after it, never
 * a mix. The numbers are those of the raw rows at the refresh (the same SQL,
 * app_statistic_units_sql()); disclosure control applies when a table is answered, as before.
 */
@Injectable()
export class StatisticsRefresh implements OnModuleInit {
  private readonly logger = new Logger('StatisticsRefresh');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(TransactionService) private readonly tx: TransactionService,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(JobQueue) private readonly queue: JobQueue,
  ) {}

  onModuleInit(): void {
    const interval = this.config.statistics.refreshIntervalMs;
    if (interval <= 0) return;
    this.queue.every(TASK, interval, () => this.refresh());
    // A deployment without a complete refresh for today answers from old counts (or, the first
    // time, from the raw rows): bring the next run forward instead of waiting an interval.
    this.queue.whenRunning(async () => {
      if (this.fullRefreshDue(await this.state())) await this.queue.runNow(TASK);
    });
  }

  /** When the counts were last refreshed (undefined: never). */
  state(): Promise<StatisticRefreshState | undefined> {
    return this.tx.run((m) => findStatisticRefreshState(m));
  }

  /** One refresh: the whole history when due (see the class), otherwise the recent window. */
  async refresh(): Promise<StatisticRefreshOutcome> {
    const t0 = performance.now();
    const today = this.clock.today();
    const outcome = await this.tx.run(async (m) => {
      // A full refresh of a large history takes longer than a request may.
      await liftStatementTimeout(m);
      const full = this.fullRefreshDue(await findStatisticRefreshState(m));
      const from = full ? ALL_HISTORY : firstOfMonth(today, -(RECENT_MONTHS - 1));
      const rows = await refreshStatisticCounts(m, {
        pairs: STATISTIC_PAIRS,
        from,
        timeZone: this.clock.timeZone,
        today,
        full,
        startedAt: this.clock.now(),
      });
      return { kind: full ? ('full' as const) : ('recent' as const), from, rows };
    });
    const result = { ...outcome, ms: Math.round(performance.now() - t0) };
    this.logger.log(result, 'statistics refreshed');
    return result;
  }

  private fullRefreshDue(state: StatisticRefreshState | undefined): boolean {
    return (
      !state ||
      !state.full_refreshed_at ||
      state.time_zone !== this.clock.timeZone ||
      state.full_today !== this.clock.today()
    );
  }
}

/** The first day of the month `shift` months from the month of `day` (YYYY-MM-DD). */
function firstOfMonth(day: string, shift: number): string {
  const index = Number(day.slice(0, 4)) * 12 + Number(day.slice(5, 7)) - 1 + shift;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}-01`;
}
