import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DomainError } from '../common/errors/domain-error.js';
import { StandbyService } from '../database/standby.service.js';
import type { HealthResponse } from './health.dto.js';

const READINESS_TIMEOUT_MS = 2000;

@Injectable()
export class HealthService {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(StandbyService) private readonly standby: StandbyService,
  ) {}

  /**
   * Ready = the database answers within 2 s and no migration is pending. The standby, when one
   * is configured, is reported (status, lag) but never makes the API unready: its reads fall
   * back to the primary.
   */
  async readiness(): Promise<HealthResponse> {
    const checks: Record<string, 'ok' | 'failing'> = { database: 'failing', migrations: 'failing' };
    try {
      const pending = await withTimeout(this.dataSource.showMigrations(), READINESS_TIMEOUT_MS);
      checks.database = 'ok';
      checks.migrations = pending ? 'failing' : 'ok';
    } catch {
      // database unreachable: both checks stay failing
    }
    if (checks.database !== 'ok' || checks.migrations !== 'ok') {
      throw new DomainError('SERVICE_UNAVAILABLE', 'Not ready', {
        extensions: { checks },
        headers: { 'retry-after': '5' },
      });
    }
    const replica = this.standby.health();
    return replica ? { status: 'ok', checks, replica } : { status: 'ok', checks };
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error('timeout')), ms);
    }),
  ]);
}
