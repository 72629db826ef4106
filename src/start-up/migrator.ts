import type { DataSource, QueryRunner } from 'typeorm';
import { createDataSource } from '../database/data-source.js';

export async function withDataSource<T>(
  url: string,
  fn: (ds: DataSource) => Promise<T>,
  applicationName = 'ctcm-migrator',
): Promise<T> {
  // A one-off tool with nobody waiting on a request: a busy machine may take seconds to accept.
  const ds = createDataSource({
    url,
    poolSize: 2,
    statementTimeoutMs: 600_000,
    connectTimeoutMs: 30_000,
    applicationName,
  });
  await ds.initialize();
  try {
    return await fn(ds);
  } finally {
    await ds.destroy();
  }
}

/** Applies every pending migration, each in its own transaction. Returns their names. */
export async function runPendingMigrations(ownerUrl: string): Promise<string[]> {
  return withDataSource(ownerUrl, async (ds) => (await ds.runMigrations({ transaction: 'each' })).map((m) => m.name));
}

export async function revertLastMigration(ownerUrl: string): Promise<void> {
  await withDataSource(ownerUrl, (ds) => ds.undoLastMigration({ transaction: 'each' }));
}

/**
 * The SQL TypeORM would run to make the schema match the entities. Empty when migrations
 * and entities agree: the drift test and `migration:generate` both rely on it.
 */
export async function schemaDrift(ds: DataSource): Promise<{ up: string[]; down: string[] }> {
  // TypeORM's schema builder reads the catalogue with Promise.all on one query runner, which
  // node-postgres would queue on the busy connection (deprecated; pg 9 refuses it).
  const createQueryRunner = ds.createQueryRunner.bind(ds);
  ds.createQueryRunner = (mode) => oneQueryAtATime(createQueryRunner(mode));
  try {
    const sql = await ds.driver.createSchemaBuilder().log();
    return {
      up: sql.upQueries.map((q) => q.query),
      down: sql.downQueries.map((q) => q.query),
    };
  } finally {
    ds.createQueryRunner = createQueryRunner;
  }
}

/** A query runner that sends its statements one after the other, whatever its caller does. */
function oneQueryAtATime(runner: QueryRunner): QueryRunner {
  let previous: Promise<unknown> = Promise.resolve();
  const query = runner.query.bind(runner) as (...args: unknown[]) => Promise<unknown>;
  runner.query = ((...args: unknown[]) => {
    const next = previous.then(() => query(...args));
    previous = next.catch(() => undefined);
    return next;
  }) as QueryRunner['query'];
  return runner;
}
