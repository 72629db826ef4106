import pg from 'pg';
import type { Logger } from 'pino';
import { PasswordService } from '../auth/password.service.js';
import { type AppConfig, ConfigError } from '../config/app-config.js';
import { DomainError } from '../common/errors/domain-error.js';
import { uuidv7 } from '../common/uuid.js';
import type { FirstStartCredentials } from './first-start-notice.js';

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
    await client.query(`SELECT pg_advisory_xact_lock(hashtext('ctcm:bootstrap-admin'))`);
    const existing = await client.query('SELECT 1 FROM app_user LIMIT 1');
    if (existing.rowCount) {
      await client.query('COMMIT');
      return undefined;
    }
    const passwords = new PasswordService();
    const configured = config.bootstrapAdmin.email && config.bootstrapAdmin.password;
    const email = (config.bootstrapAdmin.email ?? DEFAULT_ADMIN_EMAIL).toLowerCase();
    const password = config.bootstrapAdmin.password ?? passwords.generateOneTimePassword();
    if (configured) assertBootstrapPassword(passwords, password, email);

    let agency = await client.query<{ id: string }>('SELECT id FROM agency WHERE code = $1', [SYSTEM_AGENCY_CODE]);
    if (!agency.rowCount) {
      agency = await client.query<{ id: string }>(
        `INSERT INTO agency (id, code, name_en, htcds_org_type, local_type) VALUES ($1, $2, 'System administration', 'CentralGovernmentOrganisation', 'government_department') RETURNING id`,
        [uuidv7(), SYSTEM_AGENCY_CODE],
      );
    }
    const userId = uuidv7();
    await client.query(
      `INSERT INTO app_user (id, agency_id, email, display_name, roles, password_hash, must_change_password)
       VALUES ($1, $2, $3, 'System administrator', ARRAY['system_admin'], $4, $5)`,
      [userId, agency.rows[0]!.id, email, await passwords.hash(password), !configured],
    );
    await client.query(
      `INSERT INTO audit_event (category, action, outcome, resource_type, resource_ids, actor_agency_id, details)
       VALUES ('change', 'bootstrap_admin_created', 'allowed', 'user', ARRAY[$1], $2, $3)`,
      [userId, agency.rows[0]!.id, JSON.stringify({ source: configured ? 'configuration' : 'generated' })],
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
