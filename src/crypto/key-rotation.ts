import pg from 'pg';
import type { PersonNames } from '../persons/dto/person.dto.js';
import { PersonCodec, type StoredBirth } from '../persons/person.codec.js';
import { indexableNames, type ScriptNames } from '../tracing/name-match.js';
import {
  deleteNameIndexes,
  enableKeyRotationSession,
  findNamedRowsAfter,
  findValuesNotUnderKey,
  insertKeyRotationAuditEntry,
  insertNameIndex,
  type NameIndexedTable,
  setBirthYearIndex,
  setEncryptedValue,
} from './crypto.queries.js';
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
interface NameIndexed extends NameIndexedTable {
  /** Decrypted names and birth year of one row. */
  read(
    cipher: FieldCipher,
    row: { id: string; names_enc: Buffer; birth_source: Buffer | null },
  ): {
    names: PersonNames;
    birthYear: number | null;
  };
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
    const rows = await findNamedRowsAfter(client, spec, after, BATCH);
    if (!rows.length) return done;
    await client.query('BEGIN');
    for (const row of rows) {
      const { names, birthYear } = spec.read(cipher, row);
      await deleteNameIndexes(client, spec, row.id);
      for (const { kind, value } of codec.nameIndexes(names)) {
        await insertNameIndex(client, spec, row.id, kind, value);
      }
      await setBirthYearIndex(client, spec, row.id, birthYear ? codec.birthYearIndex(birthYear) : null);
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
    await enableKeyRotationSession(client);
    for (const { table, column, idSql = 'id' } of ENCRYPTED_COLUMNS) {
      let done = 0;
      for (;;) {
        const rows = await findValuesNotUnderKey(client, { table, column, idSql }, active, BATCH);
        if (!rows.length) break;
        await client.query('BEGIN');
        for (const row of rows) {
          const ctx = { table, column, id: row.id };
          await setEncryptedValue(
            client,
            { table, column, idSql },
            row.id,
            cipher.encrypt(cipher.decrypt(row.value, ctx), ctx),
          );
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
    await insertKeyRotationAuditEntry(client, JSON.stringify({ activeKeyId: cipher.activeKeyId, ...report }));
    return report;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    await client.end();
  }
}
