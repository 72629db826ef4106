import type { EntityManager, EntityMetadata, EntityTarget, ObjectLiteral } from 'typeorm';
import { type PreparedStatement, prepared, preparedRows } from './sql.js';

const statements = new WeakMap<EntityMetadata, Map<string, PreparedStatement>>();

function selectBy(metadata: EntityMetadata, propertyName: string): PreparedStatement {
  let byColumn = statements.get(metadata);
  if (!byColumn) statements.set(metadata, (byColumn = new Map()));
  let statement = byColumn.get(propertyName);
  if (!statement) {
    const key = metadata.findColumnWithPropertyName(propertyName);
    if (!key) throw new Error(`${metadata.name} has no column ${propertyName}`);
    const columns = metadata.columns.filter((c) => !c.isVirtual).map((c) => `"${c.databaseName}"`);
    statement = prepared(
      `SELECT ${columns.join(', ')} FROM "${metadata.tablePath}" WHERE "${key.databaseName}" = $1 LIMIT 2`,
    );
    byColumn.set(propertyName, statement);
  }
  return statement;
}

function hydrate<T extends ObjectLiteral>(
  manager: EntityManager,
  metadata: EntityMetadata,
  row: Record<string, unknown>,
  prefix = '',
): T {
  const entity = metadata.create() as T;
  for (const column of metadata.columns) {
    if (column.isVirtual) continue;
    column.setEntityValue(
      entity,
      manager.connection.driver.prepareHydratedValue(row[`${prefix}${column.databaseName}`], column),
    );
  }
  return entity;
}

/**
 * An entity's columns for a hand-written join, each aliased `<prefix><column>`, and the
 * matching hydration: several entities read in one statement, each exactly as findById.
 */
export function entityColumns(
  manager: EntityManager,
  target: EntityTarget<ObjectLiteral>,
  alias: string,
  prefix: string,
): string {
  return manager.connection
    .getMetadata(target)
    .columns.filter((c) => !c.isVirtual)
    .map((c) => `${alias}."${c.databaseName}" AS "${prefix}${c.databaseName}"`)
    .join(', ');
}

export function hydratePrefixed<T extends ObjectLiteral>(
  manager: EntityManager,
  target: EntityTarget<T>,
  row: Record<string, unknown>,
  prefix: string,
): T {
  return hydrate<T>(manager, manager.connection.getMetadata(target), row, prefix);
}

/**
 * One entity by primary key, as `findOneBy({ id })` returns it, through a prepared statement:
 * the hot single-record reads skip TypeORM's query building and PostgreSQL's re-planning.
 * Values are hydrated by the driver exactly as TypeORM's own finder does (dates, arrays, JSON).
 */
export async function findById<T extends ObjectLiteral>(
  manager: EntityManager,
  target: EntityTarget<T>,
  id: string,
): Promise<T | null> {
  const metadata = manager.connection.getMetadata(target);
  const [primary, ...rest] = metadata.primaryColumns;
  if (!primary || rest.length) throw new Error(`${metadata.name} has no single-column primary key`);
  return findOneByUnique(manager, target, primary.propertyName, id);
}

/** One entity by a unique column (the primary key, a version number), as findById. */
export async function findOneByUnique<T extends ObjectLiteral>(
  manager: EntityManager,
  target: EntityTarget<T>,
  propertyName: string,
  value: unknown,
): Promise<T | null> {
  const metadata = manager.connection.getMetadata(target);
  const rows = await preparedRows<Record<string, unknown>>(manager, selectBy(metadata, propertyName), [value]);
  if (rows.length > 1) throw new Error(`${metadata.name}.${propertyName} is not unique`);
  return rows[0] ? hydrate<T>(manager, metadata, rows[0]) : null;
}
