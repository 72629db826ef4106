/**
 * Key rotation: `npm run keys:reencrypt` re-encrypts every personal value under the active
 * ENCRYPTION key (keep the old keys in ENCRYPTION_KEYS until it finishes);
 * `npm run keys:reindex` also recomputes the blind indexes after BLIND_INDEX_KEY changed.
 */
import '../src/runtime-check.js';
import { pino } from 'pino';
import { ConfigError, loadConfig } from '../src/config/app-config.js';
import { resolveKeyMaterial } from '../src/config/key-material.js';
import { BlindIndexer, FieldCipher } from '../src/crypto/field-cipher.js';
import { rotateKeys } from '../src/crypto/key-rotation.js';
import { openDatabase } from '../src/start-up/database-bootstrap.js';

const logger = pino({ level: process.env.LOG_LEVEL ?? 'info' });
try {
  const config = loadConfig(process.env);
  const keys = resolveKeyMaterial(config);
  const db = await openDatabase(config, logger);
  try {
    if (!db.ownerUrl) throw new Error('set DATABASE_OWNER_URL: rotation runs as the schema owner');
    const report = await rotateKeys(db.ownerUrl, new FieldCipher(keys.encryption), {
      reindex: process.argv.includes('--reindex') ? new BlindIndexer(keys.blindIndexKey) : undefined,
    });
    logger.info({ activeKeyId: keys.encryption.activeKeyId, ...report }, 'key rotation finished');
  } finally {
    await db.close();
  }
  process.exit(0);
} catch (err) {
  if (err instanceof ConfigError) process.stderr.write(`${err.message}\n`);
  else logger.error({ err: { type: (err as Error)?.name, message: (err as Error)?.message } }, 'key rotation failed');
  process.exit(1);
}
