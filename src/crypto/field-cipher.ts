import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  createSecretKey,
  randomBytes,
  type KeyObject,
} from 'node:crypto';

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface EncryptionKeyring {
  /** Key used for new values. */
  activeKeyId: string;
  /** Every key still needed to read old values, by id. */
  keys: Map<string, Buffer>;
}

/** Where a value lives: bound into the ciphertext, so it cannot be moved to another row or field. */
export interface CipherContext {
  table: string;
  column: string;
  id: string;
}

const aadOf = (ctx: CipherContext) => Buffer.from(`ctcm:${ctx.table}.${ctx.column}:${ctx.id}`);

/**
 * AES-256-GCM in the application: personal data is encrypted before it reaches PostgreSQL.
 * Layout: version(1) ‖ keyIdLength(1) ‖ keyId ‖ iv(12) ‖ tag(16) ‖ ciphertext.
 * The key id travels with every value, so several keys can be held during a rotation.
 */
export class FieldCipher {
  /**
   * The keys as KeyObjects, made once: Node turns a raw key Buffer into one on every
   * createCipheriv/createDecipheriv, which made each decryption 3-5 times slower (a duplicate
   * check decrypts 40 values per request).
   */
  private readonly keyObjects = new Map<string, KeyObject>();

  constructor(private readonly ring: EncryptionKeyring) {
    for (const [id, key] of ring.keys) {
      if (key.length !== 32) throw new Error(`encryption key ${id} must be 32 bytes`);
      if (!/^[A-Za-z0-9_-]{1,40}$/.test(id)) throw new Error(`encryption key id ${id} is not valid`);
      this.keyObjects.set(id, createSecretKey(key));
    }
    if (!ring.keys.has(ring.activeKeyId))
      throw new Error(`the active encryption key ${ring.activeKeyId} is not in the keyring`);
  }

  get activeKeyId(): string {
    return this.ring.activeKeyId;
  }

  encrypt(plaintext: string, ctx: CipherContext): Buffer {
    const keyId = Buffer.from(this.ring.activeKeyId);
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.keyObjects.get(this.ring.activeKeyId)!, iv);
    cipher.setAAD(aadOf(ctx));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return Buffer.concat([Buffer.from([VERSION, keyId.length]), keyId, iv, cipher.getAuthTag(), body]);
  }

  decrypt(blob: Buffer, ctx: CipherContext): string {
    if (blob[0] !== VERSION) throw new Error('unknown ciphertext version');
    const idLength = blob[1]!;
    const keyId = blob.subarray(2, 2 + idLength).toString();
    const key = this.keyObjects.get(keyId);
    if (!key) throw new Error(`encryption key ${keyId} is not available`);
    const at = 2 + idLength;
    const iv = blob.subarray(at, at + IV_BYTES);
    const tag = blob.subarray(at + IV_BYTES, at + IV_BYTES + TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', key, iv);
    decipher.setAAD(aadOf(ctx));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(blob.subarray(at + IV_BYTES + TAG_BYTES)), decipher.final()]).toString(
      'utf8',
    );
  }

  keyIdOf(blob: Buffer): string {
    return blob.subarray(2, 2 + blob[1]!).toString();
  }

  encryptJson<T>(value: T, ctx: CipherContext): Buffer {
    return this.encrypt(JSON.stringify(value), ctx);
  }

  decryptJson<T>(blob: Buffer, ctx: CipherContext): T {
    return JSON.parse(this.decrypt(blob, ctx)) as T;
  }

  /** Null stays null: optional personal fields. */
  encryptOptional<T>(value: T | null | undefined, ctx: CipherContext): Buffer | null {
    return value === null || value === undefined ? null : this.encryptJson(value, ctx);
  }

  decryptOptional<T>(blob: Buffer | null, ctx: CipherContext): T | null {
    return blob ? this.decryptJson<T>(blob, ctx) : null;
  }
}

/**
 * Blind indexes: a keyed HMAC of a normalised value, so equal values can be found without
 * decrypting and without the key nobody can test guesses against the table.
 */
export class BlindIndexer {
  private readonly key: KeyObject;

  constructor(key: Buffer) {
    if (key.length < 32) throw new Error('the blind-index key must be at least 32 bytes');
    this.key = createSecretKey(key);
  }

  index(kind: string, normalised: string): Buffer {
    return createHmac('sha256', this.key).update(`${kind}\u0000${normalised}`).digest().subarray(0, 16);
  }
}

/** Parses `ENCRYPTION_KEYS` ("id:base64,id:base64"). */
export function parseKeyring(spec: string, activeKeyId?: string): EncryptionKeyring {
  const keys = new Map<string, Buffer>();
  for (const part of spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const [id, b64] = part.split(':');
    if (!id || !b64) throw new Error('ENCRYPTION_KEYS must look like "id:base64key,id2:base64key"');
    keys.set(id, Buffer.from(b64, 'base64'));
  }
  const ids = [...keys.keys()];
  return { keys, activeKeyId: activeKeyId ?? ids[ids.length - 1]! };
}
