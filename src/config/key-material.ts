import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { type EncryptionKeyring, parseKeyring } from '../crypto/field-cipher.js';
import type { AppConfig } from './app-config.js';
import { LocalSecrets } from './local-secrets.js';

export const KEY_MATERIAL = Symbol('KEY_MATERIAL');

export interface KeyMaterial {
  jwtSecret: string;
  /** Ed25519 private key (PKCS#8 PEM) that signs audit checkpoints and export manifests. */
  auditSigningKeyPem: string;
  encryption: EncryptionKeyring;
  blindIndexKey: Buffer;
  /** Names of the secrets read from (or generated into) the data folder: development only. */
  generated: string[];
}

/**
 * Secrets come from configuration. Outside production, a missing one is generated once
 * into DATA_DIR/secrets.json (mode 0600) so `npm start` works with no setup; the log warns.
 */
export function resolveKeyMaterial(config: AppConfig): KeyMaterial {
  const generated: string[] = [];
  const local = config.isProduction ? undefined : new LocalSecrets(config.dataDir);
  const pick = (name: string, configured: string | undefined, generate?: () => string): string => {
    if (configured) return configured;
    if (!local) throw new Error(`${name} must be configured in production`);
    generated.push(name);
    return local.getOrCreate(name, generate).value;
  };
  return {
    jwtSecret: pick('jwtSecret', config.auth.jwtSecret),
    auditSigningKeyPem: pick('auditSigningKey', config.audit.signingKeyPem, () =>
      generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    ),
    encryption: parseKeyring(
      pick('encryptionKeys', config.crypto.encryptionKeys, () => `k1:${randomBytes(32).toString('base64')}`),
      config.crypto.activeKeyId,
    ),
    blindIndexKey: Buffer.from(
      pick('blindIndexKey', config.crypto.blindIndexKey, () => randomBytes(32).toString('base64')),
      'base64',
    ),
    generated,
  };
}
