import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import { Transform, type TransformCallback } from 'node:stream';

/*
 * The encrypted backup archive (docs/data-protection.md, "Encrypted backups"):
 *
 *   "CTCMBAK1" ‖ u32 header length ‖ header (JSON: format, keyId, salt, chunkBytes, createdAt)
 *   then records: u8 type (1 data, 2 manifest) ‖ u32 ciphertext length ‖ ciphertext ‖ GCM tag (16)
 *
 * Each archive has its own key, HKDF-SHA256 of the backup key (BACKUP_KEYS, never a data key)
 * and a random salt, so counters never repeat under one key; record i uses the nonce
 * 0x00000000 ‖ u64(i). Every record's additional data is sha256(magic ‖ header) ‖ u64(i) ‖
 * type: a changed header, a reordered, dropped or repeated record, a record from another
 * archive or a changed byte anywhere fails authentication. The manifest is the last record
 * and must be followed by nothing, so a truncated archive is refused too. Data is streamed in
 * chunks (1 MiB): neither writing nor reading holds the dump in memory or on disk in clear.
 */

export const ARCHIVE_FORMAT = 'ctcm-backup-archive/1';
const MAGIC = Buffer.from('CTCMBAK1');
const TAG_BYTES = 16;
const DATA = 1;
const MANIFEST = 2;
const DEFAULT_CHUNK = 1024 * 1024;
const MAX_RECORD = 64 * 1024 * 1024;

export interface BackupKeyring {
  /** The key new archives are written with (the last of BACKUP_KEYS). */
  activeKeyId: string;
  keys: Map<string, Buffer>;
}

export interface ArchiveHeader {
  format: typeof ARCHIVE_FORMAT;
  keyId: string;
  salt: string;
  chunkBytes: number;
  createdAt: string;
}

/** The archive is not what was written with a configured key: nothing may be restored from it. */
export class ArchiveRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ArchiveRefused';
  }
}

/** Parses BACKUP_KEYS ("id:base64,id2:base64"); the last entry writes new archives. */
export function parseBackupKeys(spec: string | undefined): BackupKeyring {
  const keys = new Map<string, Buffer>();
  for (const part of (spec ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const [id, b64] = part.split(':');
    const key = Buffer.from(b64 ?? '', 'base64');
    if (!id || !/^[A-Za-z0-9_-]{1,40}$/.test(id) || key.length !== 32)
      throw new ArchiveRefused('BACKUP_KEYS must be "id:base64(32 bytes)" entries separated by commas');
    keys.set(id, key);
  }
  if (!keys.size) throw new ArchiveRefused('BACKUP_KEYS is not set: backups are encrypted with a key of their own');
  return { keys, activeKeyId: [...keys.keys()].at(-1)! };
}

const archiveKey = (key: Buffer, salt: Buffer) =>
  Buffer.from(hkdfSync('sha256', key, salt, Buffer.from(ARCHIVE_FORMAT), 32));

function nonceOf(index: number): Buffer {
  const nonce = Buffer.alloc(12);
  nonce.writeBigUInt64BE(BigInt(index), 4);
  return nonce;
}

function aadOf(headerHash: Buffer, index: number, type: number): Buffer {
  const tail = Buffer.alloc(9);
  tail.writeBigUInt64BE(BigInt(index), 0);
  tail[8] = type;
  return Buffer.concat([headerHash, tail]);
}

function headerBytes(header: ArchiveHeader): Buffer {
  const json = Buffer.from(JSON.stringify(header));
  const length = Buffer.alloc(4);
  length.writeUInt32BE(json.length);
  return Buffer.concat([MAGIC, length, json]);
}

/** The end of the plaintext: its size and hash, from which the writer builds the manifest. */
export interface PlaintextSummary {
  bytes: number;
  sha256: string;
}

/**
 * Encrypts a stream into an archive. `manifestOf` is called once the plaintext has ended
 * and its result is sealed as the last record.
 */
export class ArchiveEncryptor extends Transform {
  private readonly key: Buffer;
  private readonly headerHash: Buffer;
  private readonly hash = createHash('sha256');
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private index = 0;
  private bytes = 0;
  readonly header: ArchiveHeader;

  constructor(
    ring: BackupKeyring,
    private readonly manifestOf: (plain: PlaintextSummary) => object,
    chunkBytes = DEFAULT_CHUNK,
  ) {
    super();
    const salt = randomBytes(32);
    this.header = {
      format: ARCHIVE_FORMAT,
      keyId: ring.activeKeyId,
      salt: salt.toString('base64'),
      chunkBytes,
      createdAt: new Date().toISOString(),
    };
    this.key = archiveKey(ring.keys.get(ring.activeKeyId)!, salt);
    const head = headerBytes(this.header);
    this.headerHash = createHash('sha256').update(head).digest();
    this.push(head);
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
    while (this.pendingBytes >= this.header.chunkBytes) {
      const all = Buffer.concat(this.pending);
      this.seal(DATA, all.subarray(0, this.header.chunkBytes));
      const rest = all.subarray(this.header.chunkBytes);
      this.pending = rest.length ? [rest] : [];
      this.pendingBytes = rest.length;
    }
    done();
  }

  override _flush(done: TransformCallback): void {
    try {
      if (this.pendingBytes) this.seal(DATA, Buffer.concat(this.pending));
      const manifest = this.manifestOf({ bytes: this.bytes, sha256: this.hash.digest('hex') });
      this.seal(MANIFEST, Buffer.from(JSON.stringify(manifest)));
      done();
    } catch (err) {
      done(err as Error);
    }
  }

  private seal(type: number, plain: Buffer): void {
    const cipher = createCipheriv('aes-256-gcm', this.key, nonceOf(this.index));
    cipher.setAAD(aadOf(this.headerHash, this.index, type));
    const body = Buffer.concat([cipher.update(plain), cipher.final()]);
    const prefix = Buffer.alloc(5);
    prefix[0] = type;
    prefix.writeUInt32BE(body.length, 1);
    this.push(Buffer.concat([prefix, body, cipher.getAuthTag()]));
    this.index += 1;
  }
}

/** Reads exactly `n` bytes at the handle's position, or fewer at the end of the file. */
async function readExactly(fd: fs.promises.FileHandle, n: number, position: number): Promise<Buffer> {
  const buf = Buffer.alloc(n);
  let got = 0;
  while (got < n) {
    const { bytesRead } = await fd.read(buf, got, n - got, position + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return buf.subarray(0, got);
}

/**
 * Decrypts an archive record by record, handing each data chunk to `onData` (awaited, so a
 * consumer's back-pressure holds the reading), and returns the manifest. Throws
 * ArchiveRefused on anything but an intact archive written with one of the keys.
 */
export async function openArchive(
  file: string,
  ring: BackupKeyring,
  onData: (chunk: Buffer) => Promise<void> | void = () => undefined,
): Promise<{ header: ArchiveHeader; manifest: Record<string, unknown>; plain: PlaintextSummary }> {
  const fd = await fs.promises.open(file, 'r');
  try {
    const size = (await fd.stat()).size;
    const start = await readExactly(fd, MAGIC.length + 4, 0);
    if (start.length < MAGIC.length + 4 || !start.subarray(0, MAGIC.length).equals(MAGIC))
      throw new ArchiveRefused(`${file} is not an encrypted ctcm backup archive`);
    const headerLength = start.readUInt32BE(MAGIC.length);
    if (headerLength > 4096) throw new ArchiveRefused(`${file}: the archive header is damaged`);
    const json = await readExactly(fd, headerLength, start.length);
    let header: ArchiveHeader;
    try {
      header = JSON.parse(json.toString('utf8')) as ArchiveHeader;
    } catch {
      throw new ArchiveRefused(`${file}: the archive header is damaged`);
    }
    if (header.format !== ARCHIVE_FORMAT) throw new ArchiveRefused(`${file} is not a ${ARCHIVE_FORMAT} archive`);
    const backupKey = ring.keys.get(header.keyId);
    if (!backupKey)
      throw new ArchiveRefused(
        `BACKUP_KEYS has no key ${header.keyId}, the key this archive was written with (configured: ${[...ring.keys.keys()].join(', ')})`,
      );
    const key = archiveKey(backupKey, Buffer.from(header.salt, 'base64'));
    const headerHash = createHash('sha256')
      .update(Buffer.concat([start, json]))
      .digest();
    const hash = createHash('sha256');
    let bytes = 0;
    let position = start.length + json.length;
    for (let index = 0; ; index += 1) {
      const prefix = await readExactly(fd, 5, position);
      if (prefix.length < 5) throw new ArchiveRefused(`${file} is truncated: its manifest record is missing`);
      const type = prefix[0]!;
      const length = prefix.readUInt32BE(1);
      if ((type !== DATA && type !== MANIFEST) || length > MAX_RECORD)
        throw new ArchiveRefused(`${file} is damaged at byte ${position}`);
      const body = await readExactly(fd, length + TAG_BYTES, position + 5);
      if (body.length < length + TAG_BYTES) throw new ArchiveRefused(`${file} is truncated`);
      position += 5 + body.length;
      let plain: Buffer;
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, nonceOf(index));
        decipher.setAAD(aadOf(headerHash, index, type));
        decipher.setAuthTag(body.subarray(length));
        plain = Buffer.concat([decipher.update(body.subarray(0, length)), decipher.final()]);
      } catch {
        throw new ArchiveRefused(
          index === 0
            ? `${file} does not authenticate with backup key ${header.keyId}: a different key under this id, or the archive was altered`
            : `${file} was altered: record ${index} does not authenticate`,
        );
      }
      if (type === DATA) {
        hash.update(plain);
        bytes += plain.length;
        await onData(plain);
        continue;
      }
      if (position !== size) throw new ArchiveRefused(`${file} has data after its manifest`);
      const manifest = JSON.parse(plain.toString('utf8')) as Record<string, unknown>;
      return { header, manifest, plain: { bytes, sha256: hash.digest('hex') } };
    }
  } finally {
    await fd.close();
  }
}
