import { createHash, createPrivateKey, createPublicKey, type KeyObject, sign, verify } from 'node:crypto';

/** Ed25519 keys for checkpoints and manifests; a key is named by the hash of its public half. */
export class AuditSigner {
  readonly keyId: string;
  readonly publicKeyPem: string;
  private readonly privateKey: KeyObject;

  constructor(privateKeyPem: string) {
    this.privateKey = createPrivateKey(privateKeyPem);
    if (this.privateKey.asymmetricKeyType !== 'ed25519') throw new Error('AUDIT_SIGNING_KEY must be an Ed25519 key');
    const publicKey = createPublicKey(this.privateKey);
    this.publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
    this.keyId = keyIdOf(publicKey);
  }

  sign(message: Buffer): Buffer {
    return sign(null, message, this.privateKey);
  }
}

export function keyIdOf(publicKey: KeyObject | string): string {
  const key = typeof publicKey === 'string' ? createPublicKey(publicKey) : publicKey;
  return createHash('sha256')
    .update(key.export({ type: 'spki', format: 'der' }))
    .digest('hex')
    .slice(0, 32);
}

const publicKeys = new Map<string, KeyObject>();

export function verifySignature(publicKeyPem: string, message: Buffer, signature: Buffer): boolean {
  try {
    // A verification checks hundreds of checkpoints against the same one or two keys.
    let key = publicKeys.get(publicKeyPem);
    if (!key) {
      key = createPublicKey(publicKeyPem);
      if (publicKeys.size < 16) publicKeys.set(publicKeyPem, key);
    }
    return verify(null, message, key, signature);
  } catch {
    return false;
  }
}
