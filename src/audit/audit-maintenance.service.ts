import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { dropAuditPartitionsOlderThan, ensureAuditPartitions, purgeExpiredIdempotencyKeys } from './audit.queries.js';
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
    await purgeExpiredIdempotencyKeys(this.dataSource);
    return this.applyRetention();
  }

  async ensurePartitions(): Promise<void> {
    await ensureAuditPartitions(this.dataSource);
  }

  async applyRetention(): Promise<string[]> {
    const months = this.config.audit.retentionMonths;
    if (months <= 0) return [];
    const dropped = await dropAuditPartitionsOlderThan(this.dataSource, months);
    if (dropped.length) this.logger.log({ dropped }, 'dropped audit partitions past retention');
    return dropped;
  }
}
