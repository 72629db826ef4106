import { auditEvents } from '../journeys/tracing-and-transfer.helpers.js';
import { documentsWorld, type DocumentsWorld, download, upload } from './documents-setup.js';
import {
  EXIF_CANARIES,
  HEIC_PICTURE,
  heicWithExif,
  jpegWithExif,
  pdf,
  PDF_CANARIES,
  pdfWithMetadata,
  pdfWithObjectStream,
  plainJpeg,
  pngWithMetadata,
  webpWithExif,
} from './fixtures.js';

/** Documents through the API: attach, list, download, replace, remove, share with a referral. */
describe('documents and photos on case records', () => {
  let w: DocumentsWorld;
  beforeAll(async () => {
    w = await documentsWorld();
  });
  afterAll(() => w?.d.close());

  const onCase = (documentType = 'passport', extra: Record<string, string> = {}) => ({
    recordType: 'case',
    recordId: w.caseId,
    documentType,
    ...extra,
  });

  it('attaches a PDF to a case, lists it and gives it back byte for byte, as an attachment', async () => {
    const file = pdf('Passport copy, page 2');
    const res = await upload(w.d, w.caseworker, onCase('passport', { description: 'Passport copy' }), file, 'pass.pdf');
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      recordType: 'case',
      recordId: w.caseId,
      caseId: w.caseId,
      documentType: 'passport',
      description: 'Passport copy',
      status: 'active',
      current: { version: 1, fileName: 'pass.pdf', contentType: 'application/pdf', sizeBytes: file.length },
    });
    const list = await w.d.t.http.get('/documents').query({ caseId: w.caseId }).set(w.caseworker.auth);
    expect(list.status).toBe(200);
    expect(list.body.items.map((i: { id: string }) => i.id)).toContain(res.body.id);

    const got = await download(w.d, w.caseworker, res.body.id);
    expect(got.status).toBe(200);
    expect(Buffer.compare(got.body as Buffer, file)).toBe(0);
    expect(got.headers['content-type']).toBe('application/pdf');
    expect(got.headers['content-disposition']).toBe(`attachment; filename="pass.pdf"; filename*=UTF-8''pass.pdf`);
    expect(got.headers['x-content-type-options']).toBe('nosniff');
    expect(got.headers['content-security-policy']).toContain("default-src 'none'");
    expect(got.headers['content-security-policy']).toContain('sandbox');
    expect(got.headers['cache-control']).toBe('no-store');

    // The download's audit entry names the file and the case.
    const entries = await auditEvents(w.d, w.auditor, { resourceId: res.body.id });
    const read = entries.find((e) => e.category === 'access' && e.route?.includes('/content'));
    expect(read).toMatchObject({ outcome: 'allowed', resourceIds: [res.body.id], caseIds: [w.caseId] });
    const created = entries.find((e) => e.category === 'change' && e.action === 'create');
    expect(created?.changes?.find((c) => c.field === 'fileName')).toEqual({ field: 'fileName', personal: true });
  });

  it('stores nothing of the file in plaintext and states the attachment as an event without personal data', async () => {
    const res = await upload(w.d, w.caseworker, onCase('medical_report'), pdf('canary-plain-medical'), 'Khamla.pdf');
    expect(res.status).toBe(201);
    const chunks = await w.d.t.ownerQuery(
      `SELECT c.ciphertext FROM document_chunk c JOIN document_version v ON v.id = c.version_id WHERE v.document_id = $1`,
      [res.body.id],
    );
    expect(chunks.rows.length).toBe(1);
    expect(chunks.rows[0].ciphertext.includes(Buffer.from('canary-plain-medical'))).toBe(false);
    const meta = await w.d.t.ownerQuery(`SELECT * FROM document_version WHERE document_id = $1`, [res.body.id]);
    expect(JSON.stringify(meta.rows)).not.toContain('Khamla');
    const events = await w.d.t.ownerQuery(
      `SELECT type, payload FROM domain_event WHERE subject_id = $1 ORDER BY occurred_at`,
      [res.body.id],
    );
    expect(events.rows).toEqual([
      {
        type: 'document.attached',
        payload: {
          documentId: res.body.id,
          recordType: 'case',
          recordId: w.caseId,
          documentType: 'medical_report',
          version: 1,
        },
      },
    ]);
  });

  it('removes GPS position, device, owner and comments from a real photo and keeps the picture intact', async () => {
    const original = jpegWithExif();
    for (const canary of [EXIF_CANARIES.device, EXIF_CANARIES.owner, EXIF_CANARIES.comment, EXIF_CANARIES.xmp])
      expect(original.includes(Buffer.from(canary))).toBe(true);
    const res = await upload(w.d, w.caseworker, onCase('photo'), original, 'IMG_2041.JPG');
    expect(res.status).toBe(201);
    expect(res.body.current).toMatchObject({
      contentType: 'image/jpeg',
      fileName: 'IMG_2041.jpg',
      metadataRemoved: true,
    });
    const stored = (await download(w.d, w.caseworker, res.body.id)).body as Buffer;
    for (const canary of [EXIF_CANARIES.device, EXIF_CANARIES.owner, EXIF_CANARIES.comment, EXIF_CANARIES.xmp, 'Exif'])
      expect({ canary, found: stored.includes(Buffer.from(canary)) }).toEqual({ canary, found: false });
    // The same picture: everything from the first frame header on is unchanged.
    const plain = plainJpeg();
    const frame = (b: Buffer) => b.subarray(b.indexOf(Buffer.from([0xff, 0xdb])));
    expect(Buffer.compare(frame(stored), frame(plain))).toBe(0);
    expect(stored.subarray(0, 4)).toEqual(Buffer.from([0xff, 0xd8, 0xff, 0xe0]));
  });

  it("keeps a phone photo's orientation, alone, so a portrait is not shown sideways", async () => {
    const res = await upload(w.d, w.caseworker, onCase('photo'), jpegWithExif({ orientation: 6 }), 'portrait.jpg');
    expect(res.status).toBe(201);
    expect(res.body.current.metadataRemoved).toBe(true);
    const stored = (await download(w.d, w.caseworker, res.body.id)).body as Buffer;
    for (const canary of [EXIF_CANARIES.device, EXIF_CANARIES.owner, EXIF_CANARIES.comment, EXIF_CANARIES.xmp])
      expect({ canary, found: stored.includes(Buffer.from(canary)) }).toEqual({ canary, found: false });
    // One APP1 right after SOI: "Exif", a big-endian TIFF with one IFD entry, Orientation (0x0112) = 6.
    expect(stored.subarray(0, 4)).toEqual(Buffer.from([0xff, 0xd8, 0xff, 0xe1]));
    const app1 = stored.subarray(4, 2 + stored.readUInt16BE(4) + 2);
    expect(app1.length).toBe(2 + 6 + 26);
    const tiff = app1.subarray(8);
    expect([tiff.toString('latin1', 0, 2), tiff.readUInt16BE(8), tiff.readUInt16BE(10), tiff.readUInt16BE(18)]).toEqual(
      ['MM', 1, 0x0112, 6],
    );
    const plain = plainJpeg();
    const frame = (b: Buffer) => b.subarray(b.indexOf(Buffer.from([0xff, 0xdb])));
    expect(Buffer.compare(frame(stored), frame(plain))).toBe(0);
  });

  it('removes text, EXIF and time chunks from a PNG and drops what follows its end', async () => {
    const zip = Buffer.concat([Buffer.from('PK\u0003\u0004', 'latin1'), Buffer.alloc(40, 1)]);
    const res = await upload(w.d, w.caseworker, onCase('photo'), pngWithMetadata({ trailing: zip }), 'face.png');
    expect(res.status).toBe(201);
    const stored = (await download(w.d, w.caseworker, res.body.id)).body as Buffer;
    for (const marker of ['tEXt', 'eXIf', 'tIME', EXIF_CANARIES.text, EXIF_CANARIES.owner, 'PK'])
      expect({ marker, found: stored.includes(Buffer.from(marker, 'latin1')) }).toEqual({ marker, found: false });
    expect(stored.subarray(-8, -4).toString('latin1')).toBe('IEND');
    expect(stored.includes(Buffer.from('IDAT'))).toBe(true);
  });

  it('blanks EXIF and XMP in a WebP, clears their flags and keeps the RIFF size true', async () => {
    const res = await upload(w.d, w.caseworker, onCase('photo'), webpWithExif(), 'face.webp');
    expect(res.status).toBe(201);
    const stored = (await download(w.d, w.caseworker, res.body.id)).body as Buffer;
    for (const marker of ['EXIF', 'XMP ', EXIF_CANARIES.device, EXIF_CANARIES.xmp])
      expect({ marker, found: stored.includes(Buffer.from(marker, 'latin1')) }).toEqual({ marker, found: false });
    expect(stored.readUInt32LE(4)).toBe(stored.length - 8);
    expect(stored[20]! & 0x0c).toBe(0);
    expect(stored.includes(Buffer.from('ALPH'))).toBe(true);
  });

  it("blanks a PDF's information dictionary and XMP metadata in place, keeping every offset and the pages", async () => {
    const file = pdfWithMetadata();
    const res = await upload(w.d, w.caseworker, onCase('passport'), file, 'scan.pdf');
    expect(res.status).toBe(201);
    expect(res.body.current).toMatchObject({
      contentType: 'application/pdf',
      sizeBytes: file.length,
      metadataRemoved: true,
    });
    const got = (await download(w.d, w.caseworker, res.body.id)).body as Buffer;
    expect(got.length).toBe(file.length);
    const text = got.toString('latin1');
    for (const canary of Object.values(PDF_CANARIES)) expect(text).not.toContain(canary);
    expect(text).not.toMatch(/canary/i);
    const utf16 = Buffer.from(PDF_CANARIES.creatorHex, 'utf16le').swap16().toString('hex').toUpperCase();
    expect(text).not.toContain(utf16.slice(0, 24));
    // The structure stays: keys, dates, the page's text, the bookmark's title, and the
    // cross-reference table still points at each object.
    for (const kept of ['/Author (', '/Creator <', '/Type /Metadata', "D:20261201120000+07'00'", 'Page text stays'])
      expect(text).toContain(kept);
    expect(text).toContain('/Title (Chapter one)');
    const xref = text.slice(text.lastIndexOf('\nxref\n'));
    const offsets = [...xref.matchAll(/^(\d{10}) 00000 n $/gm)].map((m) => Number(m[1]));
    expect(offsets).toHaveLength(9);
    offsets.forEach((at, i) => expect(text.slice(at, at + 8)).toBe(`${i + 1} 0 obj\n`));
    expect(text.slice(text.indexOf('/Type /Metadata'))).toMatch(/stream\n +\nendstream/);
  });

  it('says metadataRemoved: false for a PDF whose objects are compressed out of reach', async () => {
    const res = await upload(w.d, w.caseworker, onCase('other'), pdfWithObjectStream(), 'packed.pdf');
    expect(res.status).toBe(201);
    expect(res.body.current.metadataRemoved).toBe(false);
    const plain = await upload(w.d, w.caseworker, onCase('other'), pdf('No metadata at all'), 'plain.pdf');
    expect(plain.body.current.metadataRemoved).toBe(true);
  });

  it("zeroes a HEIC's EXIF and XMP items where its item locations say they are, keeping the picture", async () => {
    const file = heicWithExif();
    const res = await upload(w.d, w.caseworker, onCase('photo'), file, 'IMG_0001.HEIC');
    expect(res.status).toBe(201);
    expect(res.body.current).toMatchObject({
      contentType: 'image/heic',
      sizeBytes: file.length,
      metadataRemoved: true,
    });
    const got = (await download(w.d, w.caseworker, res.body.id)).body as Buffer;
    expect(got.length).toBe(file.length);
    const text = got.toString('latin1');
    for (const canary of [EXIF_CANARIES.device, EXIF_CANARIES.owner, EXIF_CANARIES.xmp, '17.9757N', 'Exif\0\0MM'])
      expect(text).not.toContain(canary);
    expect(got.includes(HEIC_PICTURE)).toBe(true);
    // Only the items' bytes changed: the boxes (ftyp, meta with its item tables) are as sent.
    const mdat = text.indexOf('mdat');
    expect(got.subarray(0, mdat + 4).equals(file.subarray(0, mdat + 4))).toBe(true);
  });

  it('replaces a file with a new version and keeps the former one readable', async () => {
    const first = await upload(w.d, w.caseworker, onCase('police_report'), pdf('report v1'), 'report.pdf');
    const second = await w.d.t.http
      .post(`/documents/${first.body.id}/versions`)
      .set(w.caseworker.auth)
      .field('description', 'Signed by the officer')
      .attach('file', pdf('report v2'), 'report-signed.pdf');
    expect(second.status).toBe(201);
    expect(second.body.current).toMatchObject({ version: 2, fileName: 'report-signed.pdf' });
    expect(second.body.versions.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    expect(second.body.description).toBe('Signed by the officer');
    expect(((await download(w.d, w.caseworker, first.body.id)).body as Buffer).includes(Buffer.from('report v2'))).toBe(
      true,
    );
    const v1 = await download(w.d, w.caseworker, first.body.id, '?version=1');
    expect((v1.body as Buffer).includes(Buffer.from('report v1'))).toBe(true);
    expect((await download(w.d, w.caseworker, first.body.id, '?version=3')).status).toBe(404);
    // A form sends the description left blank as empty: the current one stays.
    const third = await w.d.t.http
      .post(`/documents/${first.body.id}/versions`)
      .set(w.caseworker.auth)
      .field('description', '')
      .attach('file', pdf('report v3'), 'report-final.pdf');
    expect(third.status).toBe(201);
    expect(third.body.description).toBe('Signed by the officer');
    // And a new upload with a blank description has none.
    const blank = await upload(w.d, w.caseworker, { ...onCase('police_report'), description: '' }, pdf('blank'));
    expect(blank.body.description).toBeNull();
  });

  it('removal needs a supervisor and a reason, is audited, and takes the file out of lists and downloads', async () => {
    const doc = await upload(w.d, w.caseworker, onCase('other'), pdf('wrong case'), 'x.pdf');
    const byCaseworker = await w.d.t.http
      .post(`/documents/${doc.body.id}/remove`)
      .set(w.caseworker.auth)
      .send({ reason: 'Uploaded to the wrong case' });
    expect(byCaseworker.status).toBe(403);
    const noReason = await w.d.t.http.post(`/documents/${doc.body.id}/remove`).set(w.supervisor.auth).send({});
    expect(noReason.status).toBe(400);
    const removed = await w.d.t.http
      .post(`/documents/${doc.body.id}/remove`)
      .set(w.supervisor.auth)
      .send({ reason: 'Uploaded to the wrong case' });
    expect(removed.status).toBe(200);
    expect(removed.body.status).toBe('removed');
    const list = await w.d.t.http.get('/documents').query({ caseId: w.caseId }).set(w.caseworker.auth);
    expect(list.body.items.map((i: { id: string }) => i.id)).not.toContain(doc.body.id);
    expect((await download(w.d, w.caseworker, doc.body.id)).status).toBe(404);
    const entries = await auditEvents(w.d, w.auditor, { resourceId: doc.body.id });
    const removal = entries.find((e) => e.category === 'change' && e.action === 'remove');
    expect(removal).toMatchObject({ actorUserId: w.supervisor.id, caseIds: [w.caseId] });
    expect(removal?.changes).toContainEqual({ field: 'reason', personal: true });
    expect(JSON.stringify(entries)).not.toContain('wrong case');
    const events = await w.d.t.ownerQuery(`SELECT type FROM domain_event WHERE subject_id = $1 ORDER BY occurred_at`, [
      doc.body.id,
    ]);
    expect(events.rows.map((r) => r.type)).toEqual(['document.attached', 'document.removed']);
  });

  it('a record the actor may not see answers 404, and so do its files', async () => {
    const doc = await upload(w.d, w.caseworker, onCase('passport'), pdf('private'), 'p.pdf');
    expect((await w.d.t.http.get(`/documents/${doc.body.id}`).set(w.outsider.auth)).status).toBe(404);
    expect((await download(w.d, w.outsider, doc.body.id)).status).toBe(404);
    expect((await w.d.t.http.get('/documents').query({ caseId: w.caseId }).set(w.outsider.auth)).status).toBe(404);
    const attach = await upload(w.d, w.outsider, onCase('passport'), pdf('intruder'), 'i.pdf');
    expect(attach.status).toBe(404);
    const missing = await w.d.t.http.get('/documents/01936f4e-8a10-7c3b-9d2e-5b7a1c0e4fff').set(w.caseworker.auth);
    expect(missing.status).toBe(404);
    expect(missing.body.code).toBe((await w.d.t.http.get(`/documents/${doc.body.id}`).set(w.outsider.auth)).body.code);
  });

  it('attaches files to the other record kinds: a person, a consent version, a referral', async () => {
    const onPerson = await upload(
      w.d,
      w.caseworker,
      { recordType: 'person', recordId: w.personId, documentType: 'id_card' },
      plainJpeg(),
      'id.jpg',
    );
    expect(onPerson.status).toBe(201);
    expect(onPerson.body.caseId).toBeNull();
    const onConsent = await upload(
      w.d,
      w.caseworker,
      { recordType: 'consent', recordId: w.consentId, documentType: 'consent_form' },
      pdf('signed consent'),
      'consent.pdf',
    );
    expect(onConsent.status).toBe(201);
    expect(onConsent.body.caseId).toBe(w.caseId);
    const list = await w.d.t.http
      .get('/documents')
      .query({ recordType: 'consent', recordId: w.consentId })
      .set(w.caseworker.auth);
    expect(list.body.items.map((i: { id: string }) => i.id)).toEqual([onConsent.body.id]);
    const unknownRecord = await upload(
      w.d,
      w.caseworker,
      { recordType: 'referral', recordId: '01936f4e-8a10-7c3b-9d2e-5b7a1c0e4fff', documentType: 'other' },
      pdf('x'),
    );
    expect(unknownRecord.status).toBe(404);
  });

  it("a referral's receiving agency sees only the files marked for it, while the consent covers it", async () => {
    const shared = await upload(w.d, w.caseworker, onCase('medical_report'), pdf('for the shelter'), 'med.pdf');
    const kept = await upload(w.d, w.caseworker, onCase('police_report'), pdf('not for the shelter'), 'pol.pdf');
    const mark = await w.d.t.http
      .post(`/documents/${shared.body.id}/referral-shares`)
      .set(w.caseworker.auth)
      .send({ referralId: w.referralId });
    expect(mark.status).toBe(200);
    expect(mark.body.referralIds).toEqual([w.referralId]);
    const seen = await w.d.t.http.get('/documents').query({ caseId: w.caseId }).set(w.shelterStaff.auth);
    expect(seen.status).toBe(200);
    expect(seen.body.items.map((i: { id: string }) => i.id)).toEqual([shared.body.id]);
    expect((await download(w.d, w.shelterStaff, shared.body.id)).status).toBe(200);
    expect((await download(w.d, w.shelterStaff, kept.body.id)).status).toBe(404);
    expect((await w.d.t.http.get(`/documents/${shared.body.id}`).set(w.shelterStaff.auth)).body.referralIds).toEqual(
      [],
    );
    // The receiver cannot share further, nor remove.
    const reshare = await w.d.t.http
      .post(`/documents/${shared.body.id}/referral-shares`)
      .set(w.shelterStaff.auth)
      .send({ referralId: w.referralId });
    expect(reshare.status).toBe(404);

    // Unmarking stops it.
    const unmark = await w.d.t.http
      .delete(`/documents/${shared.body.id}/referral-shares/${w.referralId}`)
      .set(w.caseworker.auth);
    expect(unmark.status).toBe(200);
    expect((await download(w.d, w.shelterStaff, shared.body.id)).status).toBe(404);
  });

  it('a signed consent form belongs to its consent version; withdrawing the consent keeps the file, stops sharing', async () => {
    const form = await upload(
      w.d,
      w.caseworker,
      { recordType: 'consent', recordId: w.consentId, documentType: 'consent_form' },
      pdf('consent signature'),
      'consent-signed.pdf',
    );
    const mark = await w.d.t.http
      .post(`/documents/${form.body.id}/referral-shares`)
      .set(w.caseworker.auth)
      .send({ referralId: w.referralId });
    expect(mark.status).toBe(200);
    expect((await download(w.d, w.shelterStaff, form.body.id)).status).toBe(200);
    const withdrawn = await w.d.t.http
      .post(`/cases/${w.caseId}/consents/${w.consentId}/withdraw`)
      .set(w.caseworker.auth)
      .send({});
    expect(withdrawn.status).toBe(200);
    expect((await download(w.d, w.shelterStaff, form.body.id)).status).toBe(404);
    expect((await download(w.d, w.caseworker, form.body.id)).status).toBe(200);
    const again = await w.d.t.http
      .post(`/documents/${form.body.id}/referral-shares`)
      .set(w.caseworker.auth)
      .send({ referralId: w.referralId });
    expect(again.status).toBe(409);
  });

  it('auditors and analysts get no file, not even its metadata, through the documents routes', async () => {
    const doc = await upload(w.d, w.caseworker, onCase('passport'), pdf('auditor must not read'), 'a.pdf');
    expect((await download(w.d, w.auditor, doc.body.id)).status).toBe(403);
    expect((await w.d.t.http.get(`/documents/${doc.body.id}`).set(w.auditor.auth)).status).toBe(403);
  });
});
