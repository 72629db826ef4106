import type { EntityManager } from 'typeorm';

/**
 * Rows of a raw query. TypeORM's postgres driver returns `[rows, affectedCount]` for
 * UPDATE/DELETE … RETURNING and plain rows otherwise; this evens that out.
 */
export async function queryRows<T>(manager: EntityManager, sql: string, params: unknown[] = []): Promise<T[]> {
  const result: unknown = await manager.query(sql, params);
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number') return result[0] as T[];
  return result as T[];
}
