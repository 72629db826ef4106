import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface RateLimitResult {
  count: number;
  windowStart: Date;
}

/**
 * Counters live in PostgreSQL, so every API replica shares them. They are written outside
 * the request's transaction: a refused or failed request still counts.
 */
@Injectable()
export class RateLimitService {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  /** Counts one hit in a fixed window of `windowSeconds` and returns the count so far. */
  async hit(key: string, windowSeconds: number): Promise<RateLimitResult> {
    const rows: { count: number; window_start: Date }[] = await this.dataSource.query(
      `INSERT INTO rate_limit_counter AS r (key, window_start, count) VALUES ($1, now(), 1)
       ON CONFLICT (key) DO UPDATE SET
         count = CASE WHEN r.window_start <= now() - make_interval(secs => $2) THEN 1 ELSE r.count + 1 END,
         window_start = CASE WHEN r.window_start <= now() - make_interval(secs => $2) THEN now() ELSE r.window_start END
       RETURNING count, window_start`,
      [key, windowSeconds],
    );
    return { count: rows[0]!.count, windowStart: rows[0]!.window_start };
  }

  /**
   * Counts a run of events (e.g. failed logins) that ends after `memorySeconds` of quiet;
   * `windowStart` is the time of the latest event.
   */
  async streak(key: string, memorySeconds: number): Promise<RateLimitResult> {
    const rows: { count: number; window_start: Date }[] = await this.dataSource.query(
      `INSERT INTO rate_limit_counter AS r (key, window_start, count) VALUES ($1, now(), 1)
       ON CONFLICT (key) DO UPDATE SET
         count = CASE WHEN r.window_start <= now() - make_interval(secs => $2) THEN 1 ELSE r.count + 1 END,
         window_start = now()
       RETURNING count, window_start`,
      [key, memorySeconds],
    );
    return { count: rows[0]!.count, windowStart: rows[0]!.window_start };
  }

  async peek(key: string): Promise<RateLimitResult | undefined> {
    const rows: { count: number; window_start: Date }[] = await this.dataSource.query(
      'SELECT count, window_start FROM rate_limit_counter WHERE key = $1',
      [key],
    );
    return rows[0] ? { count: rows[0].count, windowStart: rows[0].window_start } : undefined;
  }

  async reset(key: string): Promise<void> {
    await this.dataSource.query('DELETE FROM rate_limit_counter WHERE key = $1', [key]);
  }
}
