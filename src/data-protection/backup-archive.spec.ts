import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ArchiveEncryptor, openArchive, parseBackupKeys } from './backup-archive.js';

describe('the encrypted backup archive', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ctcm-archive-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const ring = parseBackupKeys(`old:${randomBytes(32).toString('base64')},new:${randomBytes(32).toString('base64')}`);
  const plain = randomBytes(50_000);

  async function write(name: string, chunkBytes = 4096): Promise<string> {
    const file = path.join(dir, name);
    await pipeline(
      Readable.from([plain.subarray(0, 10_000), plain.subarray(10_000)]),
      new ArchiveEncryptor(ring, (p) => ({ kind: 'test', ...p }), chunkBytes),
      fs.createWriteStream(file),
    );
    return file;
  }

  it('round-trips in chunks with the active key, sealing the manifest last', async () => {
    const file = await write('ok.bin');
    const chunks: Buffer[] = [];
    const opened = await openArchive(file, ring, (c) => {
      chunks.push(c);
    });
    expect(Buffer.concat(chunks).equals(plain)).toBe(true);
    expect(chunks.length).toBe(Math.ceil(plain.length / 4096));
    expect(opened.header.keyId).toBe('new');
    expect(opened.manifest).toEqual({ kind: 'test', bytes: plain.length, sha256: opened.plain.sha256 });
    expect(fs.readFileSync(file).includes(plain.subarray(100, 132))).toBe(false);
  });

  it('refuses any changed byte, truncation, appended data, reordered records and other keys', async () => {
    const file = await write('base.bin');
    const bytes = fs.readFileSync(file);
    const variant = (name: string, data: Buffer) => {
      fs.writeFileSync(path.join(dir, name), data);
      return path.join(dir, name);
    };
    for (const at of [9, 40, 200, bytes.length - 5]) {
      const flipped = Buffer.from(bytes);
      flipped[at]! ^= 0x80;
      await expect(openArchive(variant(`flip-${at}`, flipped), ring)).rejects.toThrow(
        /altered|damaged|authenticate|not a|has no key/,
      );
    }
    await expect(openArchive(variant('short', bytes.subarray(0, bytes.length - 30)), ring)).rejects.toThrow(
      /truncated/,
    );
    await expect(openArchive(variant('long', Buffer.concat([bytes, Buffer.from('x')])), ring)).rejects.toThrow(
      /after its manifest/,
    );
    const headerEnd = 12 + bytes.readUInt32BE(8);
    const recordLength = 5 + 4096 + 16;
    const swapped = Buffer.concat([
      bytes.subarray(0, headerEnd),
      bytes.subarray(headerEnd + recordLength, headerEnd + 2 * recordLength),
      bytes.subarray(headerEnd, headerEnd + recordLength),
      bytes.subarray(headerEnd + 2 * recordLength),
    ]);
    await expect(openArchive(variant('swapped', swapped), ring)).rejects.toThrow(/does not authenticate/);
    const otherMaterial = parseBackupKeys(`new:${randomBytes(32).toString('base64')}`);
    await expect(openArchive(file, otherMaterial)).rejects.toThrow(/does not authenticate with backup key new/);
    await expect(openArchive(file, parseBackupKeys(`old:${randomBytes(32).toString('base64')}`))).rejects.toThrow(
      /has no key new/,
    );
    expect(() => parseBackupKeys('')).toThrow(/BACKUP_KEYS is not set/);
  });
});
