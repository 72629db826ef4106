import { randomBytes } from 'node:crypto';
import { FieldCipher, parseKeyring } from '../../src/crypto/field-cipher.js';
import { rotateKeys } from '../../src/crypto/key-rotation.js';
import { superuserUrl, testClusterInfo } from '../harness/test-cluster.js';
import { documentsWorld, type DocumentsWorld, download, upload } from './documents-setup.js';
import { pdf } from './fixtures.js';

const k1 = randomBytes(32).toString('base64');
const k2 = randomBytes(32).toString('base64');

/**
 * Envelope encryption: `keys:reencrypt` (rotateKeys) rewraps each version's data key under the
 * active key without rewriting the content; sealed chunks cannot be moved, reordered or cut.
 */
describe('file keys: rotation rewraps data keys, content stays', () => {
  let w: DocumentsWorld;
  beforeAll(async () => {
    w = await documentsWorld({ ENCRYPTION_KEYS: `k1:${k1},k2:${k2}`, ENCRYPTION_ACTIVE_KEY_ID: 'k1' });
  });
  afterAll(() => w?.d.close());

  const wrappingKeyIds = async (documentId: string) =>
    (
      await w.d.t.ownerQuery(
        `SELECT convert_from(substring(data_key_enc FROM 3 FOR get_byte(data_key_enc, 1)), 'UTF8') AS k
           FROM document_version WHERE document_id = $1`,
        [documentId],
      )
    ).rows.map((r) => r.k);
  const chunks = async (documentId: string) =>
    (
      await w.d.t.ownerQuery(
        `SELECT c.idx, c.ciphertext FROM document_chunk c JOIN document_version v ON v.id = c.version_id
          WHERE v.document_id = $1 ORDER BY c.idx`,
        [documentId],
      )
    ).rows.map((r) => `${r.idx}:${(r.ciphertext as Buffer).toString('hex')}`);

  it('rotates the wrapping key without touching the content, and the file still downloads', async () => {
    const file = pdf('rotated file '.repeat(60_000));
    const doc = await upload(
      w.d,
      w.caseworker,
      { recordType: 'case', recordId: w.caseId, documentType: 'other' },
      file,
    );
    expect(doc.status).toBe(201);
    expect(await wrappingKeyIds(doc.body.id)).toEqual(['k1']);
    const before = await chunks(doc.body.id);
    expect(before.length).toBeGreaterThan(2);

    const next = new FieldCipher(parseKeyring(`k1:${k1},k2:${k2}`, 'k2'));
    const report = await rotateKeys(superuserUrl(testClusterInfo(), w.d.t.databaseName), next);
    expect(report.reencrypted['document_version.data_key_enc']).toBe(1);
    expect(report.reencrypted['document_version.name_enc']).toBe(1);
    expect(await wrappingKeyIds(doc.body.id)).toEqual(['k2']);
    expect(await chunks(doc.body.id)).toEqual(before);
    const back = await download(w.d, w.caseworker, doc.body.id);
    expect(Buffer.compare(back.body as Buffer, file)).toBe(0);
  });

  it('chunks moved, swapped or cut off fail authentication: the download stops short, never wrong', async () => {
    const file = pdf('tamper '.repeat(100_000));
    const doc = await upload(
      w.d,
      w.caseworker,
      { recordType: 'case', recordId: w.caseId, documentType: 'other' },
      file,
    );
    expect(doc.status).toBe(201);
    // Swap chunks 0 and 1 (as the schema owner could).
    await w.d.t.ownerQuery(
      `UPDATE document_chunk c SET ciphertext = o.ciphertext
         FROM document_chunk o, document_version v
        WHERE v.document_id = $1 AND c.version_id = v.id AND o.version_id = v.id AND o.idx = 1 - c.idx AND c.idx IN (0, 1)`,
      [doc.body.id],
    );
    const swapped = await w.d.t.http.get(`/documents/${doc.body.id}/content`).set(w.caseworker.auth);
    expect({ status: swapped.status, code: swapped.body.code }).toEqual({ status: 500, code: 'INTERNAL_ERROR' });
    expect(swapped.headers['content-disposition']).toBeUndefined();
  });
});
