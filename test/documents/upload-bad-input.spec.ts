import {
  documentsWorld,
  type DocumentsWorld,
  download,
  listeningPort,
  multipartBody,
  rawRequest,
  upload,
} from './documents-setup.js';
import { pdf, plainJpeg, pngWithMetadata } from './fixtures.js';

/**
 * Every bad upload of issue 17 gets a clear 4xx with a stable code, and leaves nothing behind:
 * no document, version or chunk row (counted as the schema owner after each refusal).
 */
describe('uploads that must be refused, leaving nothing behind', () => {
  let w: DocumentsWorld;
  let port: number;
  beforeAll(async () => {
    w = await documentsWorld();
    port = await listeningPort(w.d);
  });
  afterAll(() => w?.d.close());

  const fields = (documentType = 'passport') => ({ recordType: 'case', recordId: w.caseId, documentType });
  const stored = async () => {
    const { rows } = await w.d.t.ownerQuery(
      `SELECT (SELECT count(*) FROM document)::int AS d, (SELECT count(*) FROM document_version)::int AS v,
              (SELECT count(*) FROM document_chunk)::int AS c`,
    );
    return rows[0] as { d: number; v: number; c: number };
  };
  let before: { d: number; v: number; c: number };
  beforeEach(async () => {
    before = await stored();
  });
  const nothingStored = async () => expect(await stored()).toEqual(before);

  it('a file that claims to be a PDF but is HTML, or SVG, or a plain text file: 415 naming the allowed types', async () => {
    for (const [content, name] of [
      ['<!DOCTYPE html><html><script>alert(1)</script></html>', 'report.pdf'],
      ['<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', 'photo.png'],
      ['just some words', 'note.pdf'],
    ] as const) {
      const res = await upload(w.d, w.caseworker, fields(), Buffer.from(content), name, {});
      expect({ name, status: res.status, code: res.body.code }).toEqual({
        name,
        status: 415,
        code: 'DOCUMENT_TYPE_NOT_ALLOWED',
      });
      expect(res.body.allowedTypes).toEqual(['application/pdf', 'image/jpeg', 'image/png', 'image/webp', 'image/heic']);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
    await nothingStored();
  });

  it('polyglots: markup a browser would sniff in the first bytes is refused; bytes after an image are dropped', async () => {
    const jpeg = plainJpeg();
    const comment = Buffer.from('<html><script>fetch("/steal")</script></html>', 'latin1');
    const segment = Buffer.concat([Buffer.from([0xff, 0xfe, 0, comment.length + 2]), comment]);
    const withScript = Buffer.concat([jpeg.subarray(0, 2), segment, jpeg.subarray(2)]);
    const res = await upload(w.d, w.caseworker, fields(), withScript, 'x.jpg');
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'DOCUMENT_REJECTED', reason: 'polyglot' });
    const pdfWithHtml = Buffer.concat([pdf().subarray(0, 9), Buffer.from('<html><body>hi</body></html>\n'), pdf()]);
    expect((await upload(w.d, w.caseworker, fields(), pdfWithHtml, 'y.pdf')).body.reason).toBe('polyglot');
    await nothingStored();
  });

  it('zero-byte files: 422', async () => {
    const res = await upload(w.d, w.caseworker, fields(), Buffer.alloc(0), 'empty.pdf');
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'DOCUMENT_REJECTED', reason: 'empty' });
    await nothingStored();
  });

  it('huge image dimensions (decompression bombs for whoever views them): 422', async () => {
    const res = await upload(w.d, w.caseworker, fields(), pngWithMetadata({ width: 60_000, height: 60_000 }), 'b.png');
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'DOCUMENT_REJECTED', reason: 'dimensions' });
    const jpeg = Buffer.from(plainJpeg());
    const sof = jpeg.indexOf(Buffer.from([0xff, 0xc0]));
    expect(sof).toBeGreaterThan(0);
    jpeg.writeUInt16BE(65_000, sof + 5);
    jpeg.writeUInt16BE(65_000, sof + 7);
    expect((await upload(w.d, w.caseworker, fields(), jpeg, 'b.jpg')).body.reason).toBe('dimensions');
    await nothingStored();
  });

  it('a truncated image (its structure ends early) is refused', async () => {
    const jpeg = plainJpeg();
    const res = await upload(w.d, w.caseworker, fields(), jpeg.subarray(0, jpeg.length - 300), 'cut.jpg');
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'DOCUMENT_REJECTED', reason: 'malformed' });
    await nothingStored();
  });

  it('names with path separators, control characters or 1,000 characters are cleaned, never used as paths', async () => {
    const cases: [string, string][] = [
      ['../../etc/passwd.pdf', 'passwd.pdf'],
      ['C:\\Users\\staff\\Desktop\\scan.pdf', 'scan.pdf'],
      ['report.exe', 'report.pdf'],
      ['...', 'document.pdf'],
    ];
    for (const [given, expected] of cases) {
      const res = await upload(w.d, w.caseworker, fields(), pdf('named'), given);
      expect({ given, status: res.status, name: res.body.current?.fileName }).toEqual({
        given,
        status: 201,
        name: expected,
      });
    }
    // Control and direction-override characters can only travel percent-encoded (RFC 8187).
    const boundary = 'name-boundary-777';
    const encoded = multipartBody(
      boundary,
      fields(),
      pdf('named'),
      '',
      `filename*=UTF-8''evil%00name%1B%5B31m%E2%80%AE.pdf`,
    );
    const controls = await rawRequest(
      port,
      '/documents',
      {
        ...w.caseworker.auth,
        'content-type': `multipart/form-data; boundary=${boundary}`,
        'content-length': String(encoded.length),
      },
      encoded,
    );
    expect(controls.status).toBe(201);
    expect(JSON.parse(controls.body).current.fileName).toBe('evilname[31m.pdf');
    const long = await upload(w.d, w.caseworker, fields(), pdf('long'), `${'ສ'.repeat(1000)}.pdf`);
    expect(long.status).toBe(201);
    expect(long.body.current.fileName.length).toBeLessThanOrEqual(120);
    expect(long.body.current.fileName.endsWith('.pdf')).toBe(true);
    const download = await w.d.t.http.get(`/documents/${long.body.id}/content`).set(w.caseworker.auth);
    expect(download.headers['content-disposition']).toMatch(/^attachment; filename="_+\.pdf"; filename\*=UTF-8''/);
  });

  it('a truncated multipart body (no closing boundary): 400', async () => {
    const boundary = 'ctcm-test-boundary-1';
    const body = multipartBody(boundary, fields(), pdf('truncated'));
    const cut = body.subarray(0, body.length - 40);
    const res = await rawRequest(
      port,
      '/documents',
      {
        ...w.caseworker.auth,
        'content-type': `multipart/form-data; boundary=${boundary}`,
        'content-length': String(cut.length),
      },
      cut,
    );
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body).code).toBe('VALIDATION_FAILED');
    await nothingStored();
  });

  it('a missing or wrong boundary: 400; a body that is not multipart: 400 or 415', async () => {
    const body = multipartBody('right-boundary-123', fields(), pdf('boundary'));
    for (const contentType of ['multipart/form-data', 'multipart/form-data; boundary=wrong-boundary-456']) {
      const res = await rawRequest(
        port,
        '/documents',
        { ...w.caseworker.auth, 'content-type': contentType, 'content-length': String(body.length) },
        body,
      );
      expect({ contentType, status: res.status }).toEqual({ contentType, status: 400 });
    }
    // JSON or a urlencoded form on the upload route: the wrong media type, said so after authentication.
    const json = await w.d.t.http.post('/documents').set(w.caseworker.auth).send(fields());
    expect({ status: json.status, code: json.body.code }).toEqual({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
    expect(json.body.detail).toContain('multipart/form-data');
    const form = await w.d.t.http.post('/documents').set(w.caseworker.auth).type('form').send(fields());
    expect({ status: form.status, code: form.body.code }).toEqual({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
    const empty = await w.d.t.http.post('/documents').set(w.caseworker.auth).send({});
    expect({ status: empty.status, code: empty.body.code }).toEqual({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
    const text = await w.d.t.http.post('/documents').set(w.caseworker.auth).set('content-type', 'text/plain').send('x');
    expect(text.status).toBe(415);
    await nothingStored();
  });

  it('the file sent before the fields, or under another name: 400', async () => {
    const res = await w.d.t.http
      .post('/documents')
      .set(w.caseworker.auth)
      .attach('file', pdf('first'), 'first.pdf')
      .field('recordType', 'case');
    expect(res.status).toBe(400);
    // Said as it is, not as invalid values: the fields were valid, only late.
    expect(res.body.errors).toEqual([
      {
        field: 'body',
        messages: [
          'recordType, recordId, documentType did not come before the file: send the fields first, then the file',
        ],
      },
    ]);
    const wrongName = await w.d.t.http
      .post('/documents')
      .set(w.caseworker.auth)
      .field('recordType', 'case')
      .attach('upload', pdf('first'), 'first.pdf');
    expect(wrongName.status).toBe(400);
    const badFields = await upload(w.d, w.caseworker, { ...fields(), documentType: 'selfie' }, pdf('x'));
    expect(badFields.status).toBe(400);
    expect(badFields.body.errors[0].field).toBe('documentType');
    await nothingStored();
  });

  it('an optional field sent after the file is refused, not silently dropped', async () => {
    const doc = await upload(w.d, w.caseworker, { ...fields(), description: 'Passport copy' }, pdf('v1'));
    expect(doc.status).toBe(201);
    const late = await w.d.t.http
      .post(`/documents/${doc.body.id}/versions`)
      .set(w.caseworker.auth)
      .attach('file', pdf('v2'), 'v2.pdf')
      .field('description', 'Signed');
    expect(late.status).toBe(400);
    expect(late.body.errors[0].messages[0]).toBe(
      'description came after the file: send the fields first, then the file',
    );
    const after = await w.d.t.http.get(`/documents/${doc.body.id}`).set(w.caseworker.auth);
    expect({ version: after.body.current.version, description: after.body.description }).toEqual({
      version: 1,
      description: 'Passport copy',
    });
  });

  it('a file over the limit is refused 413 before its body is read when the length is declared', async () => {
    const declared = w.config.documents.maxBytes + 1024 * 1024;
    // Only the head and a few bytes are sent: the answer comes without the rest.
    const res = await rawRequest(
      port,
      '/documents',
      {
        ...w.caseworker.auth,
        'content-type': 'multipart/form-data; boundary=abc-boundary-789',
        'content-length': String(declared),
      },
      Buffer.from('--abc-boundary-789\r\n'),
      { end: false },
    );
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body)).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', maxBytes: w.config.documents.maxBytes });
    expect(res.headers.connection).toBe('close');
    await nothingStored();
  });

  it('a streamed file that passes the limit is refused 413 as soon as it does', async () => {
    const limit = w.config.documents.maxBytes;
    w.config.documents.maxBytes = 64 * 1024;
    try {
      // Chunked: no declared length, so the limit is found while the file streams in.
      const boundary = 'big-boundary-654';
      const res = await rawRequest(
        port,
        '/documents',
        { ...w.caseworker.auth, 'content-type': `multipart/form-data; boundary=${boundary}` },
        multipartBody(boundary, fields(), pdf('big', 400 * 1024)),
      );
      expect(res.status).toBe(413);
      expect(JSON.parse(res.body).code).toBe('PAYLOAD_TOO_LARGE');
      const exact = await upload(w.d, w.caseworker, fields(), pdf('just right', 64 * 1024 - 300), 'ok.pdf');
      expect(exact.status).toBe(201);
    } finally {
      w.config.documents.maxBytes = limit;
    }
    const after = await stored();
    expect(after.d).toBe(before.d + 1);
  });

  it('a client that stops sending is dropped with 408, and nothing is kept', async () => {
    const timeout = w.config.documents.uploadIdleTimeoutMs;
    w.config.documents.uploadIdleTimeoutMs = 1500;
    try {
      const boundary = 'stall-boundary-321';
      const body = multipartBody(boundary, fields(), pdf('stalled', 600 * 1024));
      const res = await rawRequest(
        port,
        '/documents',
        {
          ...w.caseworker.auth,
          'content-type': `multipart/form-data; boundary=${boundary}`,
          'content-length': String(body.length),
        },
        body.subarray(0, 300 * 1024),
        { end: false },
      );
      expect(res.status).toBe(408);
      expect(JSON.parse(res.body).code).toBe('UPLOAD_TIMEOUT');
    } finally {
      w.config.documents.uploadIdleTimeoutMs = timeout;
    }
    await nothingStored();
  });

  it('the same upload retried with an Idempotency-Key is stored once and answered the same', async () => {
    const key = { 'idempotency-key': 'doc-upload-retry-0001' };
    const first = await upload(w.d, w.caseworker, fields(), pdf('once'), 'once.pdf', key);
    expect(first.status).toBe(201);
    const retry = await upload(w.d, w.caseworker, fields(), pdf('once'), 'once.pdf', key);
    expect(retry.status).toBe(201);
    expect(retry.headers['idempotency-replayed']).toBe('true');
    expect(retry.body.id).toBe(first.body.id);
    const after = await stored();
    expect(after.d).toBe(before.d + 1);
  });

  it('an Idempotency-Key reused with another file or other fields is refused 422, and stores nothing', async () => {
    const key = { 'idempotency-key': 'doc-upload-reuse-0002' };
    const first = await upload(w.d, w.caseworker, fields(), pdf('the first file'), 'first.pdf', key);
    expect(first.status).toBe(201);
    const afterFirst = await stored();

    const otherFile = await upload(w.d, w.caseworker, fields(), pdf('another file'), 'first.pdf', key);
    expect(otherFile.status).toBe(422);
    expect(otherFile.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(otherFile.headers['idempotency-replayed']).toBeUndefined();
    const otherFields = await upload(
      w.d,
      w.caseworker,
      fields('police_report'),
      pdf('the first file'),
      'first.pdf',
      key,
    );
    expect(otherFields.status).toBe(422);
    expect(otherFields.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    const otherName = await upload(w.d, w.caseworker, fields(), pdf('the first file'), 'renamed.pdf', key);
    expect(otherName.status).toBe(422);
    expect(await stored()).toEqual(afterFirst);

    // The same request is still answered the first result, and the first file is intact.
    const retry = await upload(w.d, w.caseworker, fields(), pdf('the first file'), 'first.pdf', key);
    expect(retry.status).toBe(201);
    expect(retry.headers['idempotency-replayed']).toBe('true');
    expect(retry.body.id).toBe(first.body.id);
    const got = await download(w.d, w.caseworker, first.body.id);
    expect(Buffer.compare(got.body as Buffer, pdf('the first file'))).toBe(0);
    expect(await stored()).toEqual(afterFirst);
  });

  it('a record holds at most DOCUMENT_MAX_PER_RECORD documents: 409 past it', async () => {
    const limit = w.config.documents.maxPerRecord;
    const person = { recordType: 'person', recordId: w.personId, documentType: 'photo' };
    w.config.documents.maxPerRecord = 2;
    try {
      expect((await upload(w.d, w.caseworker, person, plainJpeg(), 'a.jpg')).status).toBe(201);
      expect((await upload(w.d, w.caseworker, person, plainJpeg(), 'b.jpg')).status).toBe(201);
      const third = await upload(w.d, w.caseworker, person, plainJpeg(), 'c.jpg');
      expect(third.status).toBe(409);
      expect(third.body).toMatchObject({ code: 'DOCUMENT_LIMIT_REACHED', limit: 2 });
    } finally {
      w.config.documents.maxPerRecord = limit;
    }
  });
});
