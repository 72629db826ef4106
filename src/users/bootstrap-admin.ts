import pg from 'pg';
import type { Logger } from 'pino';
import { PasswordService } from '../auth/password.service.js';
import { type AppConfig, ConfigError } from '../config/app-config.js';
import { DomainError } from '../common/errors/domain-error.js';
import { uuidv7 } from '../common/uuid.js';
import type { FirstStartCredentials } from './first-start-notice.js';
import {
  anyUserExists,
  findAgencyByCode,
  insertBootstrapAdmin,
  insertBootstrapAuditEntry,
  insertSystemAgency,
  lockBootstrap,
} from './users.queries.js';

export const SYSTEM_AGENCY_CODE = 'SYSTEM';
const DEFAULT_ADMIN_EMAIL = 'admin@ctcm.local';

/**
 * On the first start (no user at all), creates the system-administration agency and its
 * administrator: from BOOTSTRAP_ADMIN_EMAIL/PASSWORD, or with a one-time password that must be
 * changed at first login. A generated password is returned for the caller to show once to the
 * person at the terminal (showOneTimePassword), never to the log.
 */
export async function ensureBootstrapAdmin(
  appUrl: string,
  config: AppConfig,
  logger: Logger,
): Promise<FirstStartCredentials | undefined> {
  const client = new pg.Client({ connectionString: appUrl });
  await client.connect();
  try {
    await client.query('BEGIN');
    // One start at a time, even with several replicas starting together.
    await lockBootstrap(client);
    if (await anyUserExists(client)) {
      await client.query('COMMIT');
      return undefined;
    }
    const passwords = new PasswordService();
    const configured = config.bootstrapAdmin.email && config.bootstrapAdmin.password;
    const email = (config.bootstrapAdmin.email ?? DEFAULT_ADMIN_EMAIL).toLowerCase();
    const password = config.bootstrapAdmin.password ?? passwords.generateOneTimePassword();
    if (configured) assertBootstrapPassword(passwords, password, email);

    let agency = await findAgencyByCode(client, SYSTEM_AGENCY_CODE);
    if (!agency.rowCount) agency = await insertSystemAgency(client, uuidv7(), SYSTEM_AGENCY_CODE);
    const userId = uuidv7();
    await insertBootstrapAdmin(client, userId, agency.rows[0]!.id, email, await passwords.hash(password), !configured);
    await insertBootstrapAuditEntry(
      client,
      userId,
      agency.rows[0]!.id,
      JSON.stringify({ source: configured ? 'configuration' : 'generated' }),
    );
    await client.query('COMMIT');
    logger.warn({ userId }, 'created the bootstrap system administrator');
    return configured ? undefined : { email, oneTimePassword: password };
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    await client.end();
  }
}

/** A refused bootstrap password stops the start naming every rule it breaks (never the password). */
function assertBootstrapPassword(passwords: PasswordService, password: string, email: string): void {
  try {
    passwords.assertAcceptable(password, { email }, 'BOOTSTRAP_ADMIN_PASSWORD');
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    const rules = err.options.errors?.flatMap((e) => e.messages) ?? [];
    throw new ConfigError([`BOOTSTRAP_ADMIN_PASSWORD does not meet the password policy: ${rules.join('; ')}`]);
  }
}
