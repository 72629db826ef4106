import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { CANARIES, CANARY_VALUES } from '../harness/canaries.js';
import { given } from '../harness/given.js';
import { screeningBody, VICTIM_ANSWERS } from '../harness/screening-fixtures.js';
import { testClusterInfo } from '../harness/test-cluster.js';
import { listRoutes } from '../../src/common/http/route-inventory.js';
import { permissionsOf } from '../../src/auth/permissions.js';
import { AuditSealer } from '../../src/audit/audit-sealer.service.js';
import { startTestApp, type TestApp } from '../harness/test-app.js';

/** Every file under a folder (the cluster's data files and WAL). Test files running in parallel
 * drop their databases meanwhile, so a folder or file may vanish mid-scan. */
function* filesUnder(dir: string): Generator<string> {
  const entries = vanishable(() => fs.readdirSync(dir, { withFileTypes: true })) ?? [];
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* filesUnder(full);
    else if (entry.isFile()) yield full;
  }
}

function vanishable<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

describe('personal data never reaches the database in plaintext', () => {
  let t: TestApp;
  let personId: string;
  let screeningId: string;
  beforeAll(async () => {
    t = await startTestApp();
    const g = given(t);
    const atd = await g.agency({ localType: 'police_anti_trafficking_unit', formalIdentificationAuthority: true });
    const screener = await g.session(await g.user(atd, ['screener', 'identification_officer']));
    const person = await t.http
      .post('/persons')
      .set(screener.auth)
      .send({
        names: {
          givenNameLatin: CANARIES.givenNameLatin,
          familyNameLatin: CANARIES.familyNameLatin,
          givenNameLo: CANARIES.givenNameLo,
        },
        gender: 'Masculine',
        birth: { precision: 'exact', dateOfBirth: '1988-07-21' },
        address: { village: CANARIES.village },
        contacts: [{ type: 'phone', value: CANARIES.phone }],
        documents: [{ type: 'passport', number: CANARIES.documentNumber }],
        guardian: { name: CANARIES.guardian, relationship: 'uncle' },
      });
    expect(person.status).toBe(201);
    personId = person.body.id;
    const screening = await t.http
      .post('/screenings')
      .set(screener.auth)
      .send(
        screeningBody({
          personId: person.body.id,
          narrative: CANARIES.narrative,
          answers: VICTIM_ANSWERS.map((a, i) => (i === 0 ? { ...a, note: CANARIES.note } : a)),
        }),
      );
    expect(screening.status).toBe(201);
    screeningId = screening.body.id;
    const decision = await t.http
      .post(`/screenings/${screening.body.id}/identification-decisions`)
      .set(screener.auth)
      .send({ status: 'ActualVictimOfTrafficking', decidedOn: '2026-11-01', basis: CANARIES.basis });
    expect(decision.status).toBe(201);
    // Reads, matches and a failed duplicate registration also travel through logs and audit.
    await t.http.get(`/persons/${person.body.id}`).set(screener.auth);
    await t.http
      .post('/persons/matches')
      .set(screener.auth)
      .send({ names: { givenNameLatin: CANARIES.givenNameLatin } });
    await t.http
      .post('/persons')
      .set(screener.auth)
      .send({
        names: { givenNameLatin: CANARIES.givenNameLatin, familyNameLatin: CANARIES.familyNameLatin },
        gender: 'Masculine',
      });
  });
  afterAll(() => t.close());

  it('the decrypted values come back through the API (the canaries are real data)', async () => {
    const rows = await t.ownerQuery('SELECT count(*)::int AS n FROM person');
    expect(rows.rows[0].n).toBeGreaterThan(0);
  });

  it('a pg_dump of the whole database contains none of them', () => {
    const info = testClusterInfo();
    const dump = execFileSync(
      'pg_dump',
      ['--no-owner', '--format=plain', '-h', '127.0.0.1', '-p', String(info.port), '-U', 'postgres', t.databaseName],
      {
        env: { ...process.env, PGPASSWORD: info.superuserPassword },
        maxBuffer: 256 * 1024 * 1024,
      },
    ).toString('utf8');
    expect(dump).toContain('COPY public.person');
    expect(dump).toContain('COPY public.audit_event');
    for (const value of CANARY_VALUES) expect({ value, found: dump.includes(value) }).toEqual({ value, found: false });
  });

  it('auditors and analysts receive none of it from any route their role may call', async () => {
    const g = given(t);
    const agency = await g.agency();
    const gets = listRoutes(t.app).filter((r) => r.method === 'GET');
    // Audit sealing makes the chain and export cover the writes above.
    await t.app.get(AuditSealer).sealPending();
    for (const role of ['auditor', 'analyst'] as const) {
      const session = await g.quickSession(await g.user(agency, [role]));
      const allowed = gets.filter(
        (r) =>
          r.permission &&
          permissionsOf([role]).has(r.permission) &&
          !r.path.startsWith('/auth') &&
          !r.path.startsWith('/health'),
      );
      expect(allowed.length).toBeGreaterThan(0);
      for (const route of allowed) {
        for (const id of [personId, screeningId]) {
          const res = await t.http
            .get(route.path.replace(/\{[A-Za-z]+\}/g, id))
            .query({ from: '2000-01-01T00:00:00Z', to: '2100-01-01T00:00:00Z' })
            .set(session.auth)
            .buffer(true);
          expect({ route: route.path, status: res.status < 500 }).toEqual({ route: route.path, status: true });
          const text = res.text ?? '';
          for (const value of CANARY_VALUES)
            expect({ role, route: route.path, value, found: text.includes(value) }).toEqual({
              role,
              route: route.path,
              value,
              found: false,
            });
        }
      }
    }
  });

  it('the data files and write-ahead log on disk contain none of them', async () => {
    await t.ownerQuery('CHECKPOINT');
    const dataDir = path.join(testClusterInfo().dir, 'pg');
    const needles = CANARY_VALUES.map((v) => Buffer.from(v, 'utf8'));
    const found: string[] = [];
    for (const file of filesUnder(dataDir)) {
      const bytes = vanishable(() => fs.readFileSync(file));
      if (!bytes) continue;
      for (const needle of needles)
        if (bytes.includes(needle)) found.push(`${path.relative(dataDir, file)}: ${needle.toString()}`);
    }
    expect(found).toEqual([]);
  });
});
