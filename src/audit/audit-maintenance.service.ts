import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { JobQueue } from '../queue/job-queue.service.js';

const SIX_HOURS = 6 * 3600_000;

/**
 * Keeps a monthly partition ready for this month and the next, and applies retention:
 * partitions older than AUDIT_RETENTION_MONTHS are dropped whole, and only once an export
 * covered their chain (the database function refuses otherwise).
 */
@Injectable()
export class AuditMaintenance implements OnModuleInit, OnApplicationBootstrap {
  private readonly logger = new Logger('AuditMaintenance');

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(JobQueue) private readonly queue: JobQueue,
  ) {}

  /** Every six hours, on one replica at a time (a job on the queue). */
  onModuleInit(): void {
    this.queue.every('audit.maintenance', SIX_HOURS, () => this.run());
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.ensurePartitions();
  }

  async run(): Promise<string[]> {
    await this.ensurePartitions();
    await this.dataSource.query('SELECT idempotency_key_purge()');
    return this.applyRetention();
  }

  async ensurePartitions(): Promise<void> {
    await this.dataSource.query(
      `SELECT audit_ensure_partition(now()::date), audit_ensure_partition((now() + interval '1 month')::date)`,
    );
  }

  async applyRetention(): Promise<string[]> {
    const months = this.config.audit.retentionMonths;
    if (months <= 0) return [];
    const [row] = await this.dataSource.query(
      `SELECT audit_drop_partitions_before(date_trunc('month', now()) - make_interval(months => $1)) AS dropped`,
      [months],
    );
    const dropped: string[] = row?.dropped ?? [];
    if (dropped.length) this.logger.log({ dropped }, 'dropped audit partitions past retention');
    return dropped;
  }
}
