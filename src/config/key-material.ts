import type { AppConfig } from './app-config.js';
import { LocalSecrets } from './local-secrets.js';

export const KEY_MATERIAL = Symbol('KEY_MATERIAL');

export interface KeyMaterial {
  jwtSecret: string;
  /** True when a secret was generated into the data folder (development only). */
  generated: string[];
}

/**
 * Secrets come from configuration. Outside production, a missing one is generated once
 * into DATA_DIR/secrets.json (mode 0600) so `npm start` works with no setup; the log warns.
 */
export function resolveKeyMaterial(config: AppConfig): KeyMaterial {
  const generated: string[] = [];
  const local = config.isProduction ? undefined : new LocalSecrets(config.dataDir);
  const pick = (name: string, configured: string | undefined): string => {
    if (configured) return configured;
    if (!local) throw new Error(`${name} must be configured in production`);
    const { value, created } = local.getOrCreate(name);
    generated.push(name);
    void created;
    return value;
  };
  return { jwtSecret: pick('jwtSecret', config.auth.jwtSecret), generated };
}
