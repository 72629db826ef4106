import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { FieldCipher } from '../crypto/field-cipher.js';

const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Plaintext bytes per stored chunk: large enough for throughput, small enough to bound memory. */
export const CHUNK_BYTES = 256 * 1024;

/** Where a version's wrapped data key lives (bound into the wrapping ciphertext). */
const dataKeyCtx = (versionId: string) => ({ table: 'document_version', column: 'data_key_enc', id: versionId });

/**
 * Envelope encryption of file content. Each version has its own random 256-bit data key, stored
 * only wrapped by the key ring's active key (FieldCipher, with the key id in its header), so
 * `keys:reencrypt` rotates the wrapping key by rewrapping data keys without touching content.
 * Content is AES-256-GCM in chunks, each with its own random nonce and an AAD binding the version
 * id, the chunk's index and whether it is the last: chunks cannot be swapped between files,
 * reordered, or cut off at a chunk boundary without failing authentication.
 */
export class ContentKey {
  private constructor(
    readonly versionId: string,
    private readonly key: Buffer,
  ) {}

  static generate(versionId: string): ContentKey {
    return new ContentKey(versionId, randomBytes(32));
  }

  static unwrap(cipher: FieldCipher, versionId: string, wrapped: Buffer): ContentKey {
    return new ContentKey(versionId, Buffer.from(cipher.decrypt(wrapped, dataKeyCtx(versionId)), 'base64'));
  }

  wrap(cipher: FieldCipher): Buffer {
    return cipher.encrypt(this.key.toString('base64'), dataKeyCtx(this.versionId));
  }

  private aad(index: number, last: boolean): Buffer {
    return Buffer.from(`ctcm:document_chunk:${this.versionId}:${index}:${last ? 'last' : 'more'}`);
  }

  /** iv(12) ‖ tag(16) ‖ ciphertext. */
  seal(index: number, last: boolean, plaintext: Buffer): Buffer {
    const iv = randomBytes(IV_BYTES);
    const c = createCipheriv('aes-256-gcm', this.key, iv);
    c.setAAD(this.aad(index, last));
    const body = c.update(plaintext);
    c.final(); // GCM: no bytes held back
    return Buffer.concat([iv, c.getAuthTag(), body], IV_BYTES + TAG_BYTES + body.length);
  }

  open(index: number, last: boolean, sealed: Buffer): Buffer {
    const d = createDecipheriv('aes-256-gcm', this.key, sealed.subarray(0, IV_BYTES));
    d.setAAD(this.aad(index, last));
    d.setAuthTag(sealed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    const plain = d.update(sealed.subarray(IV_BYTES + TAG_BYTES));
    d.final(); // authenticates (throws on any change) and holds back no bytes in GCM
    return plain;
  }
}

/** Regroups a stream of buffers into CHUNK_BYTES pieces, saying which is the last. */
export async function* inChunks(
  source: AsyncIterable<Buffer>,
  size = CHUNK_BYTES,
): AsyncGenerator<{ data: Buffer; last: boolean }> {
  let parts: Buffer[] = [];
  let length = 0;
  let ready: Buffer | undefined;
  for await (const buf of source) {
    let at = 0;
    while (at < buf.length) {
      const take = Math.min(size - length, buf.length - at);
      parts.push(buf.subarray(at, at + take));
      length += take;
      at += take;
      if (length === size) {
        // Held back one step: only the next piece (or the end) tells whether this one is the last.
        if (ready) yield { data: ready, last: false };
        ready = Buffer.concat(parts, length);
        parts = [];
        length = 0;
      }
    }
  }
  if (length > 0) {
    if (ready) yield { data: ready, last: false };
    yield { data: Buffer.concat(parts, length), last: true };
  } else if (ready) yield { data: ready, last: true };
}
