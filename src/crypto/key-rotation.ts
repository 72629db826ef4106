import pg from 'pg';
import type { PersonNames } from '../persons/dto/person.dto.js';
import { PersonCodec, type StoredBirth } from '../persons/person.codec.js';
import { indexableNames, type ScriptNames } from '../tracing/name-match.js';
import { ENCRYPTED_COLUMNS } from './encrypted-columns.js';
import type { BlindIndexer, FieldCipher } from './field-cipher.js';

const BATCH = 500;

export interface RotationReport {
  reencrypted: Record<string, number>;
  reindexedPersons: number;
  /** Other name-indexed records (expected returnees, tracing requests), by table. */
  reindexed: Record<string, number>;
}

/** A table whose names are blind-indexed in a side table, and where its names and birth year are. */
interface NameIndexed {
  table: string;
  indexTable: string;
  foreignKey: string;
  /** Decrypted names and birth year of one row. */
  read(
    cipher: FieldCipher,
    row: { id: string; names_enc: Buffer; birth_source: Buffer | null },
  ): {
    names: PersonNames;
    birthYear: number | null;
  };
  birthColumn: string;
}

const ctx = (table: string, column: string, id: string) => ({ table, column, id });
const NAME_INDEXED: NameIndexed[] = [
  {
    table: 'person',
    indexTable: 'person_name_index',
    foreignKey: 'person_id',
    birthColumn: 'birth_enc',
    read: (cipher, r) => ({
      names: cipher.decryptJson<PersonNames>(r.names_enc, ctx('person', 'names_enc', r.id)),
      birthYear:
        cipher.decryptOptional<StoredBirth>(r.birth_source, ctx('person', 'birth_enc', r.id))?.birthYear ?? null,
    }),
  },
  {
    table: 'expected_arrival',
    indexTable: 'expected_arrival_name_index',
    foreignKey: 'arrival_id',
    birthColumn: 'birth_enc',
    read: (cipher, r) => ({
      names: indexableNames(cipher.decryptJson<ScriptNames>(r.names_enc, ctx('expected_arrival', 'names_enc', r.id))),
      birthYear:
        cipher.decryptOptional<StoredBirth>(r.birth_source, ctx('expected_arrival', 'birth_enc', r.id))?.birthYear ??
        null,
    }),
  },
  {
    table: 'tracing_request',
    indexTable: 'tracing_request_name_index',
    foreignKey: 'tracing_request_id',
    birthColumn: 'details_enc',
    read: (cipher, r) => ({
      names: indexableNames(cipher.decryptJson<ScriptNames>(r.names_enc, ctx('tracing_request', 'names_enc', r.id))),
      birthYear:
        cipher.decryptOptional<{ birth: StoredBirth | null }>(
          r.birth_source,
          ctx('tracing_request', 'details_enc', r.id),
        )?.birth?.birthYear ?? null,
    }),
  },
];

/** Recomputes one table's name and birth-year blind indexes with the current key; returns the rows done. */
async function reindexTable(client: pg.Client, cipher: FieldCipher, codec: PersonCodec, spec: NameIndexed) {
  let after = '00000000-0000-0000-0000-000000000000';
  let done = 0;
  for (;;) {
    const { rows } = await client.query<{ id: string; names_enc: Buffer; birth_source: Buffer | null }>(
      `SELECT id, names_enc, ${spec.birthColumn} AS birth_source FROM ${spec.table}
        WHERE id > $1 AND names_enc IS NOT NULL ORDER BY id LIMIT ${BATCH}`,
      [after],
    );
    if (!rows.length) return done;
    await client.query('BEGIN');
    for (const row of rows) {
      const { names, birthYear } = spec.read(cipher, row);
      await client.query(`DELETE FROM ${spec.indexTable} WHERE ${spec.foreignKey} = $1`, [row.id]);
      for (const { kind, value } of codec.nameIndexes(names)) {
        await client.query(
          `INSERT INTO ${spec.indexTable} (${spec.foreignKey}, kind, value) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
          [row.id, kind, value],
        );
      }
      await client.query(`UPDATE ${spec.table} SET birth_year_bidx = $2 WHERE id = $1`, [
        row.id,
        birthYear ? codec.birthYearIndex(birthYear) : null,
      ]);
    }
    await client.query('COMMIT');
    done += rows.length;
    after = rows.at(-1)!.id;
  }
}

/**
 * Re-encrypts every value not under the active key (run as the schema owner, which row-level
 * security does not filter). Values are decrypted with whichever key they name, so the
 * keyring must still hold the old keys. Optionally recomputes every blind index with the
 * current blind-index key. Idempotent; safe to resume.
 */
export async function rotateKeys(
  ownerUrl: string,
  cipher: FieldCipher,
  options: { reindex?: BlindIndexer } = {},
): Promise<RotationReport> {
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  const report: RotationReport = { reencrypted: {}, reindexedPersons: 0, reindexed: {} };
  const active = Buffer.from(cipher.activeKeyId);
  try {
    // Lets the case_note trigger accept a re-encrypted body (and nothing else) from this session.
    await client.query(`SET ctcm.key_rotation = 'on'`);
    for (const { table, column, idSql = 'id' } of ENCRYPTED_COLUMNS) {
      let done = 0;
      for (;;) {
        const { rows } = await client.query<{ id: string; value: Buffer }>(
          `SELECT ${idSql} AS id, ${column} AS value FROM ${table}
            WHERE ${column} IS NOT NULL AND substring(${column} FROM 3 FOR get_byte(${column}, 1)) <> $1
            LIMIT ${BATCH}`,
          [active],
        );
        if (!rows.length) break;
        await client.query('BEGIN');
        for (const row of rows) {
          const ctx = { table, column, id: row.id };
          await client.query(`UPDATE ${table} SET ${column} = $2 WHERE ${idSql} = $1`, [
            row.id,
            cipher.encrypt(cipher.decrypt(row.value, ctx), ctx),
          ]);
        }
        await client.query('COMMIT');
        done += rows.length;
      }
      report.reencrypted[`${table}.${column}`] = done;
    }
    if (options.reindex) {
      const codec = new PersonCodec(cipher, options.reindex);
      for (const spec of NAME_INDEXED) {
        const done = await reindexTable(client, cipher, codec, spec);
        if (spec.table === 'person') report.reindexedPersons = done;
        else report.reindexed[spec.table] = done;
      }
    }
    await client.query(
      `INSERT INTO audit_event (category, action, outcome, resource_type, details) VALUES ('change', 'key_rotation', 'allowed', 'encryption_key', $1)`,
      [JSON.stringify({ activeKeyId: cipher.activeKeyId, ...report })],
    );
    return report;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    await client.end();
  }
}
