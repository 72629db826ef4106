import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { enableAppRoleLogin } from '../../src/start-up/database-bootstrap.js';
import { type EmbeddedCluster, freeLocalPort, startEmbeddedCluster } from '../../src/start-up/embedded-postgres.js';
import { call, deploy, type Deployment, login, seedStaff, startApi } from '../harness/spawned-api.js';

/** Runs the built backup script (`npm run db:backup` / `db:restore` without the rebuild). */
function script(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['dist/scripts/backup.js', ...args], {
      env: { PATH: process.env.PATH ?? '', NODE_ENV: 'test', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

const BACKUP_KEY = `b1:${randomBytes(32).toString('base64')}`;

describe('backup and restore into a fresh cluster', () => {
  let d: Deployment;
  let second: EmbeddedCluster | undefined;
  let work: string;
  beforeAll(async () => {
    d = await deploy();
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'ctcm-backup-'));
  }, 120_000);
  afterAll(async () => {
    await second?.stop().catch(() => undefined);
    await d.close();
    fs.rmSync(work, { recursive: true, force: true });
  }, 60_000);

  it('restores a working API whose audit chain verifies and whose personal data decrypts, and refuses without the keys', async () => {
    let api = await startApi(d);
    const staff = await seedStaff(api, [['caseworker', 'screener'], ['auditor']]);
    const [worker, auditor] = staff.users;
    let personId: string;
    let caseId: string;
    let documentId: string;
    // A file's bytes travel through the backup encrypted, and come back whole.
    const file = Buffer.from(`%PDF-1.4\n% kept through a restore\n${'% restore padding line\n'.repeat(30_000)}%%EOF\n`);
    try {
      const auth = await login(api, worker!.email);
      const person = await call(api, 'POST', '/persons', auth, {
        names: { givenNameLatin: 'Restored', familyNameLatin: 'Backupvong' },
        contacts: [{ type: 'phone', value: '+856 20 5555 0101' }],
        gender: 'Feminine',
      });
      expect(person.status).toBe(201);
      personId = person.body.id;
      const kase = await call(api, 'POST', '/cases', auth, { personId });
      expect(kase.status).toBe(201);
      caseId = kase.body.id;
      expect(
        (await call(api, 'POST', `/cases/${caseId}/notes`, auth, { text: 'note kept through a restore' })).status,
      ).toBe(201);
      await call(api, 'GET', `/persons/${personId}`, auth);
      const form = new FormData();
      for (const [k, v] of Object.entries({ recordType: 'case', recordId: caseId, documentType: 'medical_report' }))
        form.append(k, v);
      form.append('file', new Blob([file]), 'health-check.pdf');
      const uploaded = await fetch(`${api.base}/documents`, {
        method: 'POST',
        headers: { authorization: auth.authorization! },
        body: form,
      });
      expect(uploaded.status).toBe(201);
      documentId = ((await uploaded.json()) as { id: string }).id;
      // AUDIT_SEAL_INTERVAL_MS is 200 in the harness: let the sealer chain and sign these.
      await new Promise((r) => setTimeout(r, 1200));
      // A hot backup, with the API still running.
      const out = path.join(work, 'ctcm.dump');
      const backup = await script(['backup', '--out', out], {
        DATABASE_URL: d.appUrl,
        DATABASE_OWNER_URL: d.ownerUrl,
        DATA_DIR: path.join(work, 'backup-data'),
        BACKUP_KEYS: BACKUP_KEY,
      });
      expect(backup).toMatchObject({ code: 0 });
      // Encrypted: neither the custom-format dump's signature nor a table name shows in the archive.
      const archive = fs.readFileSync(out);
      expect(archive.subarray(0, 8).toString()).toBe('CTCMBAK1');
      for (const clear of ['PGDMP', 'audit_event', 'case_note', 'ctcm_app'])
        expect(archive.includes(Buffer.from(clear))).toBe(false);
      expect(fs.statSync(out).mode & 0o777).toBe(0o600);
      expect(fs.statSync(`${out}.manifest.json`).mode & 0o777).toBe(0o600);
      const manifestText = fs.readFileSync(`${out}.manifest.json`, 'utf8');
      const manifest = JSON.parse(manifestText);
      expect(manifest.encryption.keyIds).toEqual(['k1']);
      expect(manifest.migrations.head.name).toMatch(/\d{13}$/);
      expect(Number(manifest.audit.chainHead.seq)).toBeGreaterThan(0);
      expect(manifest.audit.checkpointKeyIds.length).toBeGreaterThan(0);
      expect(manifest.archive).toMatchObject({ format: 'ctcm-backup-archive/1', backupKeyId: 'b1' });
      // Ids only: no key material or password in the manifest or the script's output.
      for (const secret of [
        d.env.ENCRYPTION_KEYS!.split(':')[1]!,
        d.env.BLIND_INDEX_KEY!,
        BACKUP_KEY.split(':')[1]!,
        'deploy-superuser',
        'deploy-app',
      ]) {
        expect(manifestText).not.toContain(secret);
        expect(backup.stdout + backup.stderr).not.toContain(secret);
      }
    } finally {
      await api.stop();
    }

    const port = await freeLocalPort();
    second = await startEmbeddedCluster({
      dir: path.join(work, 'second', 'pg'),
      port,
      superuserPassword: 'second-superuser',
      ephemeral: true,
    });
    const targetUrl = second.url('ctcm');
    const restoreEnv = {
      DATA_DIR: path.join(work, 'restore-data'),
      ENCRYPTION_KEYS: d.env.ENCRYPTION_KEYS!,
      BLIND_INDEX_KEY: d.env.BLIND_INDEX_KEY!,
      AUDIT_SIGNING_KEY: d.env.AUDIT_SIGNING_KEY!,
      BACKUP_KEYS: BACKUP_KEY,
    };
    const args = ['restore', '--in', path.join(work, 'ctcm.dump'), '--target-url', targetUrl];
    const { default: pg } = await import('pg');
    const databases = async () => {
      const admin = new pg.Client({ connectionString: second!.url('postgres') });
      await admin.connect();
      try {
        return (await admin.query<{ datname: string }>('SELECT datname FROM pg_database')).rows.map((r) => r.datname);
      } finally {
        await admin.end();
      }
    };

    // A tampered, truncated or wrongly keyed archive is refused before any database is touched.
    const original = fs.readFileSync(path.join(work, 'ctcm.dump'));
    const tampered = Buffer.from(original);
    tampered[Math.floor(tampered.length / 2)]! ^= 0x01;
    fs.writeFileSync(path.join(work, 'tampered.dump'), tampered);
    fs.writeFileSync(path.join(work, 'truncated.dump'), original.subarray(0, original.length - 40));
    const refusals: [string, Record<string, string>, string][] = [
      ['tampered.dump', restoreEnv, 'was altered'],
      ['truncated.dump', restoreEnv, 'truncated'],
      [
        'ctcm.dump',
        { ...restoreEnv, BACKUP_KEYS: `b1:${randomBytes(32).toString('base64')}` },
        'does not authenticate',
      ],
      ['ctcm.dump', { ...restoreEnv, BACKUP_KEYS: `b2:${randomBytes(32).toString('base64')}` }, 'has no key b1'],
      ['ctcm.dump', { ...restoreEnv, BACKUP_KEYS: '' }, 'BACKUP_KEYS is not set'],
    ];
    for (const [file, env, message] of refusals) {
      const refusedArchive = await script(['restore', '--in', path.join(work, file), '--target-url', targetUrl], env);
      expect({ file, code: refusedArchive.code, refused: refusedArchive.stderr.includes(message) }).toEqual({
        file,
        code: 3,
        refused: true,
      });
      expect(refusedArchive.stderr).toContain('nothing was changed');
    }
    expect(await databases()).not.toContain('ctcm');

    // Refused, before anything is written, when a key id the data uses is not configured.
    const refused = await script(args, { ...restoreEnv, ENCRYPTION_KEYS: `k2:${randomBytes(32).toString('base64')}` });
    expect(refused.code).toBe(3);
    expect(refused.stderr).toContain('lacks the key id(s) k1');
    // Same id, other key material: the restore proves the keys decrypt and fails.
    const wrongKey = await script(args, { ...restoreEnv, ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}` });
    expect(wrongKey.code).toBe(1);
    expect(wrongKey.stderr).toContain('does not decrypt');
    // That attempt left a restored database behind: drop it, as an operator would.
    const admin = new pg.Client({ connectionString: second.url('postgres') });
    await admin.connect();
    await admin.query('DROP DATABASE ctcm');
    await admin.end();

    const restored = await script(args, restoreEnv);
    expect(restored.stderr).not.toContain('Error');
    expect(restored.code).toBe(0);
    const summary = JSON.parse(restored.stdout);
    expect(summary).toMatchObject({ pendingMigrations: [], decryptedWithKeyIds: ['k1'], blindIndexVerified: true });

    await enableAppRoleLogin(targetUrl, 'restored-app');
    api = await startApi(d, { DATABASE_URL: second.url('ctcm', 'ctcm_app', 'restored-app') });
    try {
      const auth = await login(api, worker!.email);
      const person = await call(api, 'GET', `/persons/${personId}`, auth);
      expect(person.status).toBe(200);
      expect(person.body.names).toMatchObject({ givenNameLatin: 'Restored', familyNameLatin: 'Backupvong' });
      expect(JSON.stringify(person.body.contacts)).toContain('+856 20 5555 0101');
      const notes = await call(api, 'GET', `/cases/${caseId}/notes`, auth);
      expect(JSON.stringify(notes.body)).toContain('note kept through a restore');
      const restoredFile = await fetch(`${api.base}/documents/${documentId}/content`, { headers: auth });
      expect(restoredFile.status).toBe(200);
      expect(Buffer.compare(Buffer.from(await restoredFile.arrayBuffer()), file)).toBe(0);
      // Blind indexes work: the person is found by name.
      const matches = await call(api, 'POST', '/persons/matches', auth, {
        names: { givenNameLatin: 'Restored', familyNameLatin: 'Backupvong' },
      });
      expect(JSON.stringify(matches.body)).toContain(personId);
      const verify = await call(api, 'GET', '/audit/verify', await login(api, auditor!.email));
      expect(verify.body).toMatchObject({ ok: true, firstBreak: null });
      expect(verify.body.checkedEntries).toBeGreaterThan(0);
      expect(verify.body.checkedCheckpoints).toBeGreaterThan(0);
    } finally {
      await api.stop();
    }
  }, 240_000);
});
