import busboy from 'busboy';
import type { Request, Response } from 'express';
import { createHash, type Hash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { canonicalJson } from '../../audit/audit-hash.js';
import { currentRequest } from '../context/request-context.js';
import { DomainError } from '../errors/domain-error.js';

/** Room for the multipart framing and the small fields around the file. */
const FRAMING_ALLOWANCE = 64 * 1024;
const MULTIPART = /^multipart\/form-data\s*(;|$)/i;

export interface UploadLimits {
  maxFileBytes: number;
  idleTimeoutMs: number;
  /** Fields that must have arrived when the file part starts (the form is read as a stream). */
  fieldsBeforeFile?: string[];
}

export interface ReceivedFile {
  /** The text fields sent before the file part. */
  fields: Record<string, string>;
  /** The name the client gave, untrusted (cleaned before use, never a path). */
  clientName: string;
  content: AsyncIterable<Buffer>;
  /**
   * Resolves when the whole form was read and well formed; rejects otherwise. It then also
   * recorded the form's fingerprint for Idempotency-Key (see `multipartFingerprint`).
   */
  finished: Promise<void>;
  /** Stops reading (the caller refused the file): the connection closes after the answer. */
  abandon(): void;
}

const malformed = (message: string) =>
  new DomainError('VALIDATION_FAILED', 'The upload is not a well-formed multipart/form-data body', {
    errors: [{ field: 'body', messages: [message] }],
  });
const tooLarge = (max: number) =>
  new DomainError(
    'PAYLOAD_TOO_LARGE',
    `A file may be at most ${Number((max / 1024 / 1024).toFixed(1))} MB (${max} bytes, DOCUMENT_MAX_BYTES)`,
    { extensions: { maxBytes: max } },
  );

/**
 * What identifies a multipart body for Idempotency-Key, which cannot hash a body it streams: the
 * SHA-256 of every text field (sorted by name), the file's name as the client gave it, and the
 * SHA-256 of the file's bytes as they arrived (before any cleaning).
 */
export function multipartFingerprint(fields: Record<string, string>, clientName: string, fileSha256: Buffer): Buffer {
  const sorted = Object.fromEntries(Object.entries(fields).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return createHash('sha256')
    .update(canonicalJson({ fields: sorted, fileName: clientName, fileSha256: fileSha256.toString('hex') }))
    .digest();
}

/**
 * Reads a multipart/form-data upload as a stream: text fields first, then one part named `file`,
 * whose bytes are handed on as they arrive (never buffered whole). Refuses with 413 before reading
 * when the declared length is over the limit, and as soon as the file passes it otherwise; with
 * 408 when the client stops sending; with 400 when the body is truncated or malformed. After a
 * refusal the connection is closed rather than the rest of the body read.
 */
export async function receiveFile(req: Request, res: Response, limits: UploadLimits): Promise<ReceivedFile> {
  const refuse = (err: DomainError): DomainError => {
    // The rest of the body is not wanted: close the connection once the answer is sent.
    if (!res.headersSent) res.setHeader('connection', 'close');
    return err;
  };
  if (!MULTIPART.test(req.headers['content-type'] ?? ''))
    throw refuse(
      new DomainError('UNSUPPORTED_MEDIA_TYPE', 'Send the file as multipart/form-data (a part named "file")'),
    );
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (declared > limits.maxFileBytes + FRAMING_ALLOWANCE) throw refuse(tooLarge(limits.maxFileBytes));

  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: req.headers,
      defParamCharset: 'utf8',
      limits: { files: 1, fields: 10, parts: 12, fieldSize: 4000, headerPairs: 20, fileSize: limits.maxFileBytes + 1 },
    });
  } catch {
    throw refuse(malformed('the multipart boundary is missing or invalid'));
  }

  const fields: Record<string, string> = {};
  const fileHash = createHash('sha256');
  let clientName = '';
  // The fingerprint is recorded once both the form (all fields) and the file's bytes were read.
  const store = currentRequest();
  let toRead = 2;
  const partRead = () => {
    if (--toRead === 0 && !failure && store)
      store.streamedBodyFingerprint = multipartFingerprint(fields, clientName, fileHash.digest());
  };
  let failure: DomainError | undefined;
  let fileStream: Readable | undefined;
  let settleFile!: { resolve: (f: ReceivedFile) => void; reject: (e: unknown) => void };
  let settleForm!: { resolve: () => void; reject: (e: unknown) => void };
  const filePromise = new Promise<ReceivedFile>((resolve, reject) => (settleFile = { resolve, reject }));
  const finished = new Promise<void>((resolve, reject) => (settleForm = { resolve, reject }));
  finished.catch(() => undefined);

  let timer: NodeJS.Timeout | undefined;
  let ended = false;
  const stopTimer = () => {
    ended = true;
    clearTimeout(timer);
  };
  const fail = (err: DomainError) => {
    if (failure) return;
    failure = refuse(err);
    stopTimer();
    req.unpipe(parser);
    fileStream?.destroy(failure);
    settleFile.reject(failure);
    settleForm.reject(failure);
  };
  const arm = () => {
    clearTimeout(timer);
    if (ended) return;
    timer = setTimeout(() => {
      // Paused by back-pressure (the server is the slow one): keep waiting.
      if (req.isPaused()) arm();
      else fail(new DomainError('UPLOAD_TIMEOUT', `No data for ${limits.idleTimeoutMs} ms; the upload was dropped`));
    }, limits.idleTimeoutMs);
  };

  parser.on('field', (name, value, info) => {
    if (info.nameTruncated || info.valueTruncated) fail(malformed(`field ${name.slice(0, 40)} is too long`));
    // Read as a stream, the form's fields are taken when the file starts: a later one would be lost.
    else if (fileStream)
      fail(malformed(`${name.slice(0, 40)} came after the file: send the fields first, then the file`));
    else fields[name] = value;
  });
  parser.on('file', (name, stream, info) => {
    if (name !== 'file') {
      stream.resume();
      fail(malformed('the file part must be named "file"'));
      return;
    }
    const missing = (limits.fieldsBeforeFile ?? []).filter((field) => !(field in fields));
    if (missing.length) {
      stream.resume();
      fail(malformed(`${missing.join(', ')} did not come before the file: send the fields first, then the file`));
      return;
    }
    fileStream = stream;
    clientName = info.filename ?? '';
    // Errors reach the reader through iteration; one left unread must not go unheard.
    stream.on('error', () => undefined);
    stream.on('limit', () => fail(refuse(tooLarge(limits.maxFileBytes))));
    settleFile.resolve({
      fields: { ...fields },
      clientName,
      content: guarded(stream, () => failure, fileHash, partRead),
      finished,
      abandon: () => fail(malformed('abandoned')),
    });
  });
  parser.on('filesLimit', () => fail(malformed('send exactly one file')));
  parser.on('fieldsLimit', () => fail(malformed('too many fields')));
  parser.on('partsLimit', () => fail(malformed('too many parts')));
  parser.on('error', (err: Error) => fail(malformed(err.message.slice(0, 80))));
  parser.on('close', () => {
    stopTimer();
    settleFile.reject(refuse(malformed('no part named "file" (send the fields first, then the file)')));
    if (fileStream) partRead();
    settleForm.resolve();
  });
  req.pipe(parser);
  arm();
  req.on('data', arm);
  req.on('close', () => {
    if (!req.complete) fail(malformed('the client closed the connection before the end of the body'));
    stopTimer();
  });
  try {
    return await filePromise;
  } catch (err) {
    stopTimer();
    throw err;
  }
}

/**
 * The file's bytes (hashed as they pass, for the fingerprint); any failure of the form surfaces
 * as its stable problem, never a bare stream error.
 */
async function* guarded(
  stream: Readable,
  failure: () => DomainError | undefined,
  hash: Hash,
  allRead: () => void,
): AsyncGenerator<Buffer> {
  try {
    for await (const chunk of stream) {
      hash.update(chunk as Buffer);
      yield chunk as Buffer;
    }
  } catch (err) {
    throw failure() ?? (err instanceof DomainError ? err : malformed('the body ended before the file did'));
  }
  const failed = failure();
  if (failed) throw failed;
  allRead();
}
