import type pg from 'pg';

/*
 * Key rotation's statements (key-rotation.ts). They run as the schema owner, which row-level
 * security does not filter, on a connection of their own. Table and column names come from the
 * code's own lists (ENCRYPTED_COLUMNS, the name-indexed tables), never from input.
 */

/** Lets the case_note trigger accept a re-encrypted body (and nothing else) from this session. */
export async function enableKeyRotationSession(client: pg.ClientBase): Promise<void> {
  await client.query(`SET ctcm.key_rotation = 'on'`);
}

/** Up to `batch` values of a column not encrypted under the active key (its id is in the value's header). */
export async function findValuesNotUnderKey(
  client: pg.ClientBase,
  target: { table: string; column: string; idSql: string },
  activeKeyId: Buffer,
  batch: number,
): Promise<{ id: string; value: Buffer }[]> {
  const { table, column, idSql } = target;
  const { rows } = await client.query<{ id: string; value: Buffer }>(
    `SELECT ${idSql} AS id, ${column} AS value FROM ${table}
      WHERE ${column} IS NOT NULL AND substring(${column} FROM 3 FOR get_byte(${column}, 1)) <> $1
      LIMIT ${batch}`,
    [activeKeyId],
  );
  return rows;
}

/** Replaces one encrypted value. */
export async function setEncryptedValue(
  client: pg.ClientBase,
  target: { table: string; column: string; idSql: string },
  id: string,
  value: Buffer,
): Promise<void> {
  await client.query(`UPDATE ${target.table} SET ${target.column} = $2 WHERE ${target.idSql} = $1`, [id, value]);
}

/** A name-indexed table: where its names and birth year are, and its blind-index side table. */
export interface NameIndexedTable {
  table: string;
  indexTable: string;
  foreignKey: string;
  birthColumn: string;
}

/** The next `batch` rows with names of a name-indexed table, in id order after `after`. */
export async function findNamedRowsAfter(
  client: pg.ClientBase,
  spec: NameIndexedTable,
  after: string,
  batch: number,
): Promise<{ id: string; names_enc: Buffer; birth_source: Buffer | null }[]> {
  const { rows } = await client.query<{ id: string; names_enc: Buffer; birth_source: Buffer | null }>(
    `SELECT id, names_enc, ${spec.birthColumn} AS birth_source FROM ${spec.table}
      WHERE id > $1 AND names_enc IS NOT NULL ORDER BY id LIMIT ${batch}`,
    [after],
  );
  return rows;
}

/** Forgets a row's name blind indexes. */
export async function deleteNameIndexes(client: pg.ClientBase, spec: NameIndexedTable, id: string): Promise<void> {
  await client.query(`DELETE FROM ${spec.indexTable} WHERE ${spec.foreignKey} = $1`, [id]);
}

/** Stores one name blind index of a row. */
export async function insertNameIndex(
  client: pg.ClientBase,
  spec: NameIndexedTable,
  id: string,
  kind: string,
  value: Buffer,
): Promise<void> {
  await client.query(
    `INSERT INTO ${spec.indexTable} (${spec.foreignKey}, kind, value) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
    [id, kind, value],
  );
}

/** Replaces a row's birth-year blind index. */
export async function setBirthYearIndex(
  client: pg.ClientBase,
  spec: NameIndexedTable,
  id: string,
  birthYearIndex: Buffer | null,
): Promise<void> {
  await client.query(`UPDATE ${spec.table} SET birth_year_bidx = $2 WHERE id = $1`, [id, birthYearIndex]);
}

/** The audit entry of a rotation (no request: no actor, the report as details). */
export async function insertKeyRotationAuditEntry(client: pg.ClientBase, details: string): Promise<void> {
  await client.query(
    `INSERT INTO audit_event (category, action, outcome, resource_type, details) VALUES ('change', 'key_rotation', 'allowed', 'encryption_key', $1)`,
    [details],
  );
}
