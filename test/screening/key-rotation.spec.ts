import { randomBytes } from 'node:crypto';
import { BlindIndexer, FieldCipher, parseKeyring } from '../../src/crypto/field-cipher.js';
import { ENCRYPTED_COLUMNS } from '../../src/crypto/encrypted-columns.js';
import { rotateKeys } from '../../src/crypto/key-rotation.js';
import { CANARIES } from '../harness/canaries.js';
import { given } from '../harness/given.js';
import { screeningBody, VICTIM_ANSWERS } from '../harness/screening-fixtures.js';
import { superuserUrl, testClusterInfo } from '../harness/test-cluster.js';
import { startTestApp, type TestApp } from '../harness/test-app.js';

const k1 = randomBytes(32).toString('base64');
const k2 = randomBytes(32).toString('base64');

describe('encryption keys: several held at once, rotation to the newest', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ env: { ENCRYPTION_KEYS: `k1:${k1},k2:${k2}`, ENCRYPTION_ACTIVE_KEY_ID: 'k1' } });
  });
  afterAll(() => t.close());

  it('re-encrypts every value under the new key, and the API still reads them', async () => {
    const g = given(t);
    const s = await g.session(await g.user(await g.agency(), ['screener']));
    const person = await t.http
      .post('/persons')
      .set(s.auth)
      .send({
        names: { givenNameLatin: 'Rotated', familyNameLatin: 'Person' },
        gender: 'Feminine',
        birth: { precision: 'year', birthYear: 1999 },
        documents: [{ type: 'passport', number: 'P-ROT-1' }],
      });
    const screening = await t.http
      .post('/screenings')
      .set(s.auth)
      .send(screeningBody({ personId: person.body.id, answers: VICTIM_ANSWERS, narrative: 'rotation narrative' }));
    expect(screening.status).toBe(201);
    const keyIds = async () =>
      (
        await t.ownerQuery(
          `SELECT DISTINCT convert_from(substring(names_enc FROM 3 FOR get_byte(names_enc, 1)), 'UTF8') AS k FROM person`,
        )
      ).rows.map((r) => r.k);
    expect(await keyIds()).toEqual(['k1']);

    const next = new FieldCipher(parseKeyring(`k1:${k1},k2:${k2}`, 'k2'));
    const report = await rotateKeys(superuserUrl(testClusterInfo(), t.databaseName), next);
    expect(report.reencrypted['person.names_enc']).toBe(1);
    expect(report.reencrypted['screening.narrative_enc']).toBe(1);
    expect(await keyIds()).toEqual(['k2']);
    expect(
      (await rotateKeys(superuserUrl(testClusterInfo(), t.databaseName), next)).reencrypted['person.names_enc'],
    ).toBe(0);

    const read = await t.http.get(`/persons/${person.body.id}`).set(s.auth);
    expect(read.body.documents[0].number).toBe('P-ROT-1');
    expect((await t.http.get(`/screenings/${screening.body.id}`).set(s.auth)).body.narrative).toBe(
      'rotation narrative',
    );
  });

  it('recomputes the blind indexes with a new blind-index key', async () => {
    const g = given(t);
    const s = await g.session(await g.user(await g.agency(), ['screener']));
    await t.http
      .post('/persons')
      .set(s.auth)
      .send({ names: { givenNameLatin: CANARIES.givenNameLatin }, gender: 'Masculine' });
    const before = (await t.ownerQuery('SELECT value FROM person_name_index ORDER BY value')).rows.map((r) =>
      r.value.toString('hex'),
    );
    const cipher = new FieldCipher(parseKeyring(`k1:${k1},k2:${k2}`, 'k2'));
    const report = await rotateKeys(superuserUrl(testClusterInfo(), t.databaseName), cipher, {
      reindex: new BlindIndexer(randomBytes(32)),
    });
    expect(report.reindexedPersons).toBeGreaterThan(0);
    const after = (await t.ownerQuery('SELECT value FROM person_name_index ORDER BY value')).rows.map((r) =>
      r.value.toString('hex'),
    );
    expect(after.length).toBe(before.length);
    expect(after.filter((v) => before.includes(v))).toEqual([]);
  });

  it('registers every encrypted column of the schema', async () => {
    const columns = await t.ownerQuery(
      `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'public' AND column_name LIKE '%\\_enc' AND data_type = 'bytea'`,
    );
    const registered = new Set(ENCRYPTED_COLUMNS.map((c) => `${c.table}.${c.column}`));
    expect(columns.rows.map((r) => `${r.table_name}.${r.column_name}`).filter((c) => !registered.has(c))).toEqual([]);
  });

  it('refuses a value moved to another row (the row id is bound into the ciphertext)', () => {
    const cipher = new FieldCipher(parseKeyring(`k1:${k1}`));
    const blob = cipher.encrypt('secret', { table: 'person', column: 'names_enc', id: 'a' });
    expect(cipher.decrypt(blob, { table: 'person', column: 'names_enc', id: 'a' })).toBe('secret');
    expect(() => cipher.decrypt(blob, { table: 'person', column: 'names_enc', id: 'b' })).toThrow();
    expect(() => cipher.decrypt(blob, { table: 'person', column: 'contacts_enc', id: 'a' })).toThrow();
  });
});
