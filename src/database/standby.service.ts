import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import pg, { type Pool } from 'pg';
import { DataSource, type EntityManager } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { currentRequest } from '../common/context/request-context.js';
import { createDataSource } from './data-source.js';
import { findPrimaryWalPosition, findStandbyReplayState } from './standby.queries.js';
import { TransactionService } from './transaction.service.js';

/** Where a lag-tolerant read was served from; named in the request's access entry (`details.readFrom`). */
export type ReadSource = 'standby' | 'primary';

export type StandbyStatus = 'streaming' | 'lagging' | 'down' | 'not-a-standby' | 'unchecked';

export interface StandbyHealth {
  status: StandbyStatus;
  /** Replication lag at the last check (0 when it had replayed everything the primary had written). */
  lagMs: number | null;
  maxLagMs: number;
  /** Whether lag-tolerant reads go to the standby now. */
  servingReads: boolean;
  checkedAt: string | null;
}

/** Application names the standby's connections carry (pg_stat_activity on the standby). */
export const STANDBY_APPLICATION_NAME = 'ctcm-api-standby';
export const STANDBY_PROBE_APPLICATION_NAME = 'ctcm-api-standby-probe';

/**
 * SQLSTATE classes and driver errors that mean "the standby cannot answer now" (connection
 * lost or refused, shutting down, not accepting connections, a query cancelled by a recovery
 * conflict): the read is retried on the primary. Any other error is the read's own.
 */
export function isStandbyUnavailable(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string') {
    if (/^(08|57P|53)/.test(code) || code === '40001') return true;
    if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH'].includes(code)) return true;
  }
  const message = err instanceof Error ? err.message : '';
  return /Connection terminated|timeout exceeded when trying to connect|connection to the standby/i.test(message);
}

/**
 * Reads that tolerate lag go to a streaming standby when one is configured
 * (DATABASE_REPLICA_URL) and its lag is within DATABASE_REPLICA_MAX_LAG_MS; otherwise, and
 * whenever the standby cannot answer, to the primary. The standby is read as the same
 * application role with the same row-level-security context (TransactionService.runReadOnly),
 * so RLS and the SECURITY DEFINER scope checks apply there as on the primary. The request's
 * transaction, and with it its access entry, stays on the primary: a read served by the
 * standby is audited there before the response is complete (docs/replicas.md).
 */
@Injectable()
export class StandbyService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Standby');
  private readonly settings: AppConfig['database']['replica'];
  private source?: DataSource;
  private probe?: Pool;
  private timer?: NodeJS.Timeout;
  private checking?: Promise<void>;
  private status: StandbyStatus = 'unchecked';
  private lagMs: number | null = null;
  private checkedAt: number | null = null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(DataSource) private readonly primary: DataSource,
    @Inject(TransactionService) private readonly tx: TransactionService,
  ) {
    this.settings = config.database.replica;
  }

  get configured(): boolean {
    return this.settings !== undefined;
  }

  onModuleInit(): void {
    if (!this.settings) return;
    this.probe = new pg.Pool({
      connectionString: this.settings.url,
      max: 1,
      connectionTimeoutMillis: this.config.database.connectTimeoutMs,
      statement_timeout: this.config.database.connectTimeoutMs,
      application_name: STANDBY_PROBE_APPLICATION_NAME,
    });
    this.probe.on('error', () => undefined);
    this.timer = setInterval(() => void this.check(), this.settings.checkIntervalMs);
    this.timer.unref();
    void this.check();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.checking?.catch(() => undefined);
    await this.probe?.end().catch(() => undefined);
    if (this.source?.isInitialized) await this.source.destroy().catch(() => undefined);
  }

  /** Measures the standby's lag once (the timer calls it every DATABASE_REPLICA_CHECK_INTERVAL_MS). */
  check(): Promise<void> {
    this.checking ??= this.measure().finally(() => (this.checking = undefined));
    return this.checking;
  }

  private async measure(): Promise<void> {
    const settings = this.settings!;
    try {
      const lsn = await findPrimaryWalPosition(this.primary);
      const state = await findStandbyReplayState(this.probe!, lsn);
      let status: StandbyStatus;
      if (!state.in_recovery) {
        // Promoted, or pointed at a primary by mistake: its data may have diverged. Never read there.
        status = 'not-a-standby';
        this.lagMs = null;
      } else {
        this.lagMs = state.caught_up ? 0 : Math.max(0, Math.round(state.replay_age_ms ?? Infinity));
        status = this.lagMs <= settings.maxLagMs ? 'streaming' : 'lagging';
      }
      if (status === 'streaming' && !this.source?.isInitialized) await this.connect();
      this.transition(status);
    } catch (err) {
      this.lagMs = null;
      this.transition('down', err);
    }
    this.checkedAt = Date.now();
  }

  private async connect(): Promise<void> {
    const source = createDataSource({
      url: this.settings!.url,
      poolSize: this.config.database.poolSize,
      statementTimeoutMs: this.config.database.statementTimeoutMs,
      connectTimeoutMs: this.config.database.connectTimeoutMs,
      applicationName: STANDBY_APPLICATION_NAME,
    });
    await source.initialize();
    // An idle connection the standby dropped (restart, failover) must not crash the process.
    (source.driver as unknown as { master: Pool }).master.on('error', () => undefined);
    this.source = source;
  }

  private transition(status: StandbyStatus, err?: unknown): void {
    if (status === this.status) return;
    const detail = { from: this.status, to: status, lagMs: this.lagMs, maxLagMs: this.settings!.maxLagMs };
    if (status === 'streaming') this.logger.log(detail, 'the standby serves lag-tolerant reads');
    else
      this.logger.warn(
        { ...detail, error: err instanceof Error ? err.message : undefined },
        'the standby does not serve reads; the primary answers them',
      );
    this.status = status;
  }

  /** Serving: streaming within the lag bound, measured within the last three check intervals. */
  servingReads(): boolean {
    if (!this.settings || this.status !== 'streaming' || !this.source?.isInitialized || this.checkedAt === null)
      return false;
    return Date.now() - this.checkedAt <= 3 * this.settings.checkIntervalMs + this.config.database.connectTimeoutMs;
  }

  health(): StandbyHealth | undefined {
    if (!this.settings) return undefined;
    return {
      status: this.status,
      lagMs: this.lagMs,
      maxLagMs: this.settings.maxLagMs,
      servingReads: this.servingReads(),
      checkedAt: this.checkedAt === null ? null : new Date(this.checkedAt).toISOString(),
    };
  }

  /**
   * Runs a lag-tolerant read: on the standby in a read-only transaction with the request's
   * row-level-security context, or, when the standby does not serve or cannot answer, in the
   * request's own transaction on the primary. The source is noted for the access entry.
   */
  async read<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    if (!this.settings) return this.tx.run(work);
    // Already inside a standby read (a report made of several statistics): one snapshot for all.
    const open = currentRequest();
    if (open?.standbyRead && open.manager) return work(open.manager);
    if (this.servingReads()) {
      try {
        const result = await this.tx.runReadOnly(this.source!, work);
        this.noteSource('standby');
        return result;
      } catch (err) {
        if (!isStandbyUnavailable(err)) throw err;
        this.markDown(err);
      }
    }
    const result = await this.tx.run(work);
    this.noteSource('primary');
    return result;
  }

  /**
   * The pool a connection-level reader (the audit export, the chain verification) should use,
   * with the source it stands for: the standby's while it serves, else the primary's. A reader
   * that cannot connect to the standby calls `unavailable()` and asks again.
   */
  readerSource(): { source: DataSource; pool: Pool; from: ReadSource } {
    if (this.servingReads()) {
      const source = this.source!;
      return { source, pool: (source.driver as unknown as { master: Pool }).master, from: 'standby' };
    }
    return {
      source: this.primary,
      pool: (this.primary.driver as unknown as { master: Pool }).master,
      from: 'primary',
    };
  }

  /** A reader found the standby unreachable: stop reading there until the next check says otherwise. */
  markDown(err: unknown): void {
    this.lagMs = null;
    this.transition('down', err);
  }

  /** Names the source in the request's access entry (details.readFrom). */
  noteSource(from: ReadSource): void {
    const store = currentRequest();
    if (!store || !this.settings) return;
    store.audit ??= { resourceIds: new Set(), caseIds: new Set() };
    store.audit.details = { ...store.audit.details, readFrom: from };
  }
}
