import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { CANARIES, CANARY_VALUES } from '../harness/canaries.js';
import { given } from '../harness/given.js';
import { screeningBody, VICTIM_ANSWERS } from '../harness/screening-fixtures.js';
import { testClusterInfo } from '../harness/test-cluster.js';
import { startTestApp, type TestApp } from '../harness/test-app.js';

/** Reads every file under a folder (the cluster's data files and WAL). */
function* filesUnder(dir: string): Generator<string> {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* filesUnder(full);
    else if (entry.isFile()) yield full;
  }
}

describe('personal data never reaches the database in plaintext', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
    const g = given(t);
    const atd = await g.agency({ localType: 'police_anti_trafficking_unit' });
    await t.ownerQuery('UPDATE agency SET formal_identification_authority = true WHERE id = $1', [atd.id]);
    const screener = await g.session(await g.user(atd, ['screener', 'identification_officer']));
    const person = await t.http.post('/persons').set(screener.auth).send({
      names: { givenNameLatin: CANARIES.givenNameLatin, familyNameLatin: CANARIES.familyNameLatin, givenNameLo: CANARIES.givenNameLo },
      gender: 'Masculine',
      birth: { precision: 'exact', dateOfBirth: '1988-07-21' },
      address: { village: CANARIES.village },
      contacts: [{ type: 'phone', value: CANARIES.phone }],
      documents: [{ type: 'passport', number: CANARIES.documentNumber }],
      guardian: { name: CANARIES.guardian, relationship: 'uncle' },
    });
    expect(person.status).toBe(201);
    const screening = await t.http.post('/screenings').set(screener.auth).send(
      screeningBody({ personId: person.body.id, narrative: CANARIES.narrative, answers: VICTIM_ANSWERS.map((a, i) => (i === 0 ? { ...a, note: CANARIES.note } : a)) }),
    );
    expect(screening.status).toBe(201);
    const decision = await t.http.post(`/screenings/${screening.body.id}/identification-decisions`).set(screener.auth).send({ status: 'ActualVictimOfTrafficking', decidedOn: '2026-11-01', basis: CANARIES.basis });
    expect(decision.status).toBe(201);
    // Reads, matches and a failed duplicate registration also travel through logs and audit.
    await t.http.get(`/persons/${person.body.id}`).set(screener.auth);
    await t.http.post('/persons/matches').set(screener.auth).send({ names: { givenNameLatin: CANARIES.givenNameLatin } });
    await t.http.post('/persons').set(screener.auth).send({ names: { givenNameLatin: CANARIES.givenNameLatin, familyNameLatin: CANARIES.familyNameLatin }, gender: 'Masculine' });
  });
  afterAll(() => t.close());

  it('the decrypted values come back through the API (the canaries are real data)', async () => {
    const rows = await t.ownerQuery('SELECT count(*)::int AS n FROM person');
    expect(rows.rows[0].n).toBeGreaterThan(0);
  });

  it('a pg_dump of the whole database contains none of them', () => {
    const info = testClusterInfo();
    const dump = execFileSync('pg_dump', ['--no-owner', '--format=plain', '-h', '127.0.0.1', '-p', String(info.port), '-U', 'postgres', t.databaseName], {
      env: { ...process.env, PGPASSWORD: info.superuserPassword },
      maxBuffer: 256 * 1024 * 1024,
    }).toString('utf8');
    expect(dump).toContain('COPY public.person');
    expect(dump).toContain('COPY public.audit_event');
    for (const value of CANARY_VALUES) expect({ value, found: dump.includes(value) }).toEqual({ value, found: false });
  });

  it('the data files and write-ahead log on disk contain none of them', async () => {
    await t.ownerQuery('CHECKPOINT');
    const dataDir = path.join(testClusterInfo().dir, 'pg');
    const needles = CANARY_VALUES.map((v) => Buffer.from(v, 'utf8'));
    const found: string[] = [];
    for (const file of filesUnder(dataDir)) {
      const bytes = fs.readFileSync(file);
      for (const needle of needles) if (bytes.includes(needle)) found.push(`${path.relative(dataDir, file)}: ${needle.toString()}`);
    }
    expect(found).toEqual([]);
  });
});
