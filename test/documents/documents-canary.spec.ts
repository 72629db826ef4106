import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { CANARIES } from '../harness/canaries.js';
import { testClusterInfo } from '../harness/test-cluster.js';
import { documentsWorld, type DocumentsWorld, download, upload } from './documents-setup.js';
import { EXIF_CANARIES, jpegWithExif, pdf } from './fixtures.js';

/** Every file under a folder; other test files drop their databases meanwhile, so entries may vanish. */
function* filesUnder(dir: string): Generator<string> {
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* filesUnder(full);
    else if (entry.isFile()) yield full;
  }
}

const readIfThere = (file: string) => {
  try {
    return fs.readFileSync(file);
  } catch {
    return undefined;
  }
};

/** A file's content, name, description and photo metadata never reach the database or the logs in plaintext. */
describe('no plaintext of a file in pg_dump, data files, WAL or logs', () => {
  let w: DocumentsWorld;
  // Spread over several chunks, and repeated, so a partly plaintext store could not hide it.
  const content = pdf(`${CANARIES.fileContent} `.repeat(20_000));
  const needles = [CANARIES.fileContent, CANARIES.fileName, CANARIES.fileDescription, ...Object.values(EXIF_CANARIES)];
  beforeAll(async () => {
    w = await documentsWorld();
    const doc = await upload(
      w.d,
      w.caseworker,
      { recordType: 'case', recordId: w.caseId, documentType: 'passport', description: CANARIES.fileDescription },
      content,
      `${CANARIES.fileName}.pdf`,
    );
    expect(doc.status).toBe(201);
    expect(doc.body.current.sizeBytes).toBeGreaterThan(1_000_000);
    const photo = await upload(
      w.d,
      w.caseworker,
      { recordType: 'case', recordId: w.caseId, documentType: 'photo' },
      jpegWithExif(),
      `${CANARIES.fileName}.jpg`,
    );
    expect(photo.status).toBe(201);
    // The API gives them back: the canaries are real data.
    const back = await download(w.d, w.caseworker, doc.body.id);
    expect((back.body as Buffer).includes(Buffer.from(CANARIES.fileContent))).toBe(true);
    expect(back.headers['content-disposition']).toContain('Canaryfilename');
    // A refused upload travels through logs and audit too.
    const refused = await upload(
      w.d,
      w.caseworker,
      { recordType: 'case', recordId: w.caseId, documentType: 'passport', description: CANARIES.fileDescription },
      Buffer.from(`<html>${CANARIES.fileContent}</html>`),
      `${CANARIES.fileName}.pdf`,
    );
    expect(refused.status).toBe(415);
  });
  afterAll(() => w?.d.close());

  it('a pg_dump of the whole database contains none of them', () => {
    const info = testClusterInfo();
    const dump = execFileSync(
      'pg_dump',
      [
        '--no-owner',
        '--format=plain',
        '-h',
        '127.0.0.1',
        '-p',
        String(info.port),
        '-U',
        'postgres',
        w.d.t.databaseName,
      ],
      { env: { ...process.env, PGPASSWORD: info.superuserPassword }, maxBuffer: 512 * 1024 * 1024 },
    ).toString('utf8');
    expect(dump).toContain('COPY public.document_chunk');
    for (const value of needles) expect({ value, found: dump.includes(value) }).toEqual({ value, found: false });
  });

  it('the data files and write-ahead log on disk contain none of them', async () => {
    await w.d.t.ownerQuery('CHECKPOINT');
    const dataDir = path.join(testClusterInfo().dir, 'pg');
    const found: string[] = [];
    const buffers = needles.map((v) => Buffer.from(v, 'utf8'));
    for (const file of filesUnder(dataDir)) {
      const bytes = readIfThere(file);
      if (!bytes) continue;
      for (const needle of buffers)
        if (bytes.includes(needle)) found.push(`${path.relative(dataDir, file)}: ${needle.toString()}`);
    }
    expect(found).toEqual([]);
  });

  it("the API's log lines contain none of them", () => {
    const log = fs.readFileSync(w.d.t.logFile, 'utf8');
    expect(log).toContain('/documents');
    for (const value of needles) expect({ value, found: log.includes(value) }).toEqual({ value, found: false });
  });
});
