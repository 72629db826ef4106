import pg from 'pg';
import type { PersonNames } from '../persons/dto/person.dto.js';
import { PersonCodec, type StoredBirth } from '../persons/person.codec.js';
import { ENCRYPTED_COLUMNS } from './encrypted-columns.js';
import type { BlindIndexer, FieldCipher } from './field-cipher.js';

const BATCH = 500;

export interface RotationReport {
  reencrypted: Record<string, number>;
  reindexedPersons: number;
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
  const report: RotationReport = { reencrypted: {}, reindexedPersons: 0 };
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
      let after = '00000000-0000-0000-0000-000000000000';
      for (;;) {
        const { rows } = await client.query<{ id: string; names_enc: Buffer; birth_enc: Buffer | null }>(
          `SELECT id, names_enc, birth_enc FROM person WHERE id > $1 ORDER BY id LIMIT ${BATCH}`,
          [after],
        );
        if (!rows.length) break;
        await client.query('BEGIN');
        for (const p of rows) {
          const names = cipher.decryptJson<PersonNames>(p.names_enc, {
            table: 'person',
            column: 'names_enc',
            id: p.id,
          });
          const birth = cipher.decryptOptional<StoredBirth>(p.birth_enc, {
            table: 'person',
            column: 'birth_enc',
            id: p.id,
          });
          await client.query('DELETE FROM person_name_index WHERE person_id = $1', [p.id]);
          for (const { kind, value } of codec.nameIndexes(names)) {
            await client.query(
              'INSERT INTO person_name_index (person_id, kind, value) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING',
              [p.id, kind, value],
            );
          }
          await client.query('UPDATE person SET birth_year_bidx = $2 WHERE id = $1', [
            p.id,
            birth?.birthYear ? codec.birthYearIndex(birth.birthYear) : null,
          ]);
        }
        await client.query('COMMIT');
        report.reindexedPersons += rows.length;
        after = rows.at(-1)!.id;
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
