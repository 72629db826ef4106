import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';

/** What runs a raw statement: the open transaction's manager, or the data source (autocommit). */
export type Queryable = Pick<EntityManager, 'query'>;

/**
 * Rows of a raw query. TypeORM's postgres driver returns `[rows, affectedCount]` for
 * UPDATE/DELETE … RETURNING and plain rows otherwise; this evens that out.
 */
export async function queryRows<T>(manager: EntityManager, sql: string, params: unknown[] = []): Promise<T[]> {
  const result: unknown = await manager.query(sql, params);
  if (Array.isArray(result) && result.length === 2 && Array.isArray(result[0]) && typeof result[1] === 'number')
    return result[0] as T[];
  return result as T[];
}

/** A statement PostgreSQL parses and plans once per connection (a named prepared statement). */
export interface PreparedStatement {
  readonly name: string;
  readonly text: string;
}

/**
 * Hot statements (run on every request) are prepared: PostgreSQL then skips parsing and,
 * after a few executions, planning, which is most of a short statement's cost once
 * row-level-security policies are expanded into it. The name is derived from the text, so
 * two call sites can never prepare different text under one name.
 */
export function prepared(text: string): PreparedStatement {
  let statement = preparedByText.get(text);
  if (!statement) {
    // Only statements whose text is fixed in the code are prepared, so this map stays small;
    // the bound guards against a future caller building text from data.
    if (preparedByText.size >= MAX_PREPARED)
      throw new Error('Too many distinct prepared statements: prepare only fixed SQL text');
    statement = { name: `ctcm_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`, text };
    preparedByText.set(text, statement);
  }
  return statement;
}

const MAX_PREPARED = 1000;
const preparedByText = new Map<string, PreparedStatement>();

/**
 * A statement whose text follows a request's options (a list's filters, cursor and sort): the
 * first MAX_VARYING distinct texts are prepared (each connection then plans it a few times, not
 * on every call: planning was most of a case list's database time), any further text runs
 * unprepared, so no combination of options can grow the set of prepared statements without bound.
 */
export function preparedWhileFew(text: string): PreparedStatement | string {
  const known = preparedByText.get(text);
  if (known) return known;
  if (varyingTexts >= MAX_VARYING) return text;
  varyingTexts++;
  return prepared(text);
}

const MAX_VARYING = 200;
let varyingTexts = 0;

/**
 * Runs a prepared statement through the manager's query runner. TypeORM hands the query
 * object to node-postgres unchanged, which prepares it by name on each pooled connection.
 */
export async function preparedRows<T>(
  manager: EntityManager,
  statement: PreparedStatement,
  params: unknown[] = [],
): Promise<T[]> {
  return queryRows<T>(manager, statement as unknown as string, params);
}
