import type { EntityManager, EntityMetadata, EntityTarget, ObjectLiteral } from 'typeorm';
import { type PreparedStatement, prepared, preparedRows } from './sql.js';

const statements = new WeakMap<EntityMetadata, PreparedStatement>();

function selectById(metadata: EntityMetadata): PreparedStatement {
  let statement = statements.get(metadata);
  if (!statement) {
    const [primary, ...rest] = metadata.primaryColumns;
    if (!primary || rest.length) throw new Error(`${metadata.name} has no single-column primary key`);
    const columns = metadata.columns.filter((c) => !c.isVirtual).map((c) => `"${c.databaseName}"`);
    statement = prepared(`SELECT ${columns.join(', ')} FROM "${metadata.tablePath}" WHERE "${primary.databaseName}" = $1`);
    statements.set(metadata, statement);
  }
  return statement;
}

/**
 * One entity by primary key, as `findOneBy({ id })` returns it, through a prepared statement:
 * the hot single-record reads skip TypeORM's query building and PostgreSQL's re-planning.
 * Values are hydrated by the driver exactly as TypeORM's own finder does (dates, arrays, JSON).
 */
export async function findById<T extends ObjectLiteral>(manager: EntityManager, target: EntityTarget<T>, id: string): Promise<T | null> {
  const metadata = manager.connection.getMetadata(target);
  const [row] = await preparedRows<Record<string, unknown>>(manager, selectById(metadata), [id]);
  if (!row) return null;
  const entity = metadata.create() as T;
  for (const column of metadata.columns) {
    if (column.isVirtual) continue;
    column.setEntityValue(entity, manager.connection.driver.prepareHydratedValue(row[column.databaseName], column));
  }
  return entity;
}
