import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { CounterState } from '../rate-limits/rate-limit-budgets.js';
import { deleteCounter, findCounter, hitFixedWindow, hitMinuteWindow, hitStreak } from './auth.queries.js';

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
    const rows = await hitFixedWindow(this.dataSource, key, windowSeconds);
    return { count: rows[0]!.count, windowStart: rows[0]!.window_start };
  }

  /** Counts one request in the current 60-second window (the budgets of every route). */
  async hitMinute(key: string): Promise<CounterState> {
    const row = (await hitMinuteWindow(this.dataSource, key))[0]!;
    return { count: row.count, resetSeconds: Math.max(1, row.reset) };
  }

  /**
   * Counts a run of events (e.g. failed logins) that ends after `memorySeconds` of quiet;
   * `windowStart` is the time of the latest event.
   */
  async streak(key: string, memorySeconds: number): Promise<RateLimitResult> {
    const rows = await hitStreak(this.dataSource, key, memorySeconds);
    return { count: rows[0]!.count, windowStart: rows[0]!.window_start };
  }

  async peek(key: string): Promise<RateLimitResult | undefined> {
    const rows = await findCounter(this.dataSource, key);
    return rows[0] ? { count: rows[0].count, windowStart: rows[0].window_start } : undefined;
  }

  async reset(key: string): Promise<void> {
    await deleteCounter(this.dataSource, key);
  }
}
