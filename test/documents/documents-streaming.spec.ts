import http from 'node:http';
import { documentsWorld, type DocumentsWorld, download, listeningPort, upload } from './documents-setup.js';
import { pdf } from './fixtures.js';

/** A download read by hand: `onFirstData` decides what the client does once the first bytes arrive. */
function rawDownload(
  port: number,
  path: string,
  auth: Record<string, string>,
  onFirstData: (res: http.IncomingMessage, req: http.ClientRequest) => void,
): Promise<{ status: number; body: Buffer; aborted: boolean }> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let first = true;
    const req = http.get({ host: '127.0.0.1', port, path, headers: auth, agent: false }, (res) => {
      res.on('data', (c: Buffer) => {
        parts.push(c);
        if (first) {
          first = false;
          onFirstData(res, req);
        }
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts), aborted: false }));
      res.on('error', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts), aborted: true }));
    });
    req.on('error', (err) =>
      req.destroyed ? resolve({ status: 0, body: Buffer.alloc(0), aborted: true }) : reject(err),
    );
    req.on('close', () => {
      if (req.destroyed && !req.writableFinished) resolve({ status: 0, body: Buffer.concat(parts), aborted: true });
    });
  });
}

/**
 * Content streams through the store in both directions (document-store.ts): uploads in batches
 * with statements in flight, downloads through one binary COPY that reads no further while the
 * client is behind. Files here are larger than the socket buffers, so the flow control works.
 */
describe('document content streams with flow control', () => {
  let w: DocumentsWorld;
  let port: number;
  let id: string;
  const file = pdf('streamed file', 9 * 1024 * 1024 + 12_345);
  beforeAll(async () => {
    w = await documentsWorld();
    port = await listeningPort(w.d);
    const res = await upload(
      w.d,
      w.caseworker,
      { recordType: 'case', recordId: w.caseId, documentType: 'other' },
      file,
      'large.pdf',
    );
    expect(res.status).toBe(201);
    id = res.body.id;
  });
  afterAll(() => w?.d.close());

  it('stores a many-batch file as consecutive chunks and gives it back byte for byte', async () => {
    const chunks = await w.d.t.ownerQuery<{ n: number; first: number; last: number; bytes: string }>(
      `SELECT count(*)::int AS n, min(idx) AS first, max(idx) AS last, sum(length(ciphertext) - 28)::text AS bytes
         FROM document_chunk c JOIN document_version v ON v.id = c.version_id WHERE v.document_id = $1`,
      [id],
    );
    const n = Math.ceil(file.length / (256 * 1024));
    expect(n).toBeGreaterThan(12); // more than the statements in flight hold
    expect(chunks.rows[0]).toEqual({ n, first: 0, last: n - 1, bytes: String(file.length) });
    const back = await download(w.d, w.caseworker, id);
    expect(back.status).toBe(200);
    expect(Buffer.compare(back.body as Buffer, file)).toBe(0);
  });

  it('a client that stops reading for a while still gets every byte, in order', async () => {
    const got = await rawDownload(port, `/documents/${id}/content`, w.caseworker.auth, (res) => {
      res.pause();
      // Long enough for the server to fill the socket and stop reading from PostgreSQL.
      setTimeout(() => res.resume(), 500);
    });
    expect(got.status).toBe(200);
    expect(Buffer.compare(got.body, file)).toBe(0);
  });

  it('clients that go away mid-download leave no connection behind: more of them than the pool holds', async () => {
    for (let i = 0; i < 6; i++) {
      const got = await rawDownload(port, `/documents/${id}/content`, w.caseworker.auth, (res, req) => {
        res.pause();
        setTimeout(() => req.destroy(), 100);
      });
      // A connection left stuck by an earlier one would show here as a 503 after the pool's wait.
      expect(got.status).toBe(200);
      expect(got.aborted).toBe(true);
      expect(got.body.length).toBeLessThan(file.length);
    }
    // Five connections in the pool (the harness): a stuck download would hold one each, and this would wait.
    const back = await download(w.d, w.caseworker, id);
    expect(back.status).toBe(200);
    expect(Buffer.compare(back.body as Buffer, file)).toBe(0);
  });
});
