/**
 * Demo data for trying every workflow from Swagger: the agencies named in the domain
 * reference and one user per role that fits each. Run on request only (`npm run seed:demo`);
 * refused in production. Idempotent: existing agencies and users are left as they are.
 */
import '../src/runtime-check.js';
import { pino } from 'pino';
import { PasswordService } from '../src/auth/password.service.js';
import type { Role } from '../src/auth/permissions.js';
import { uuidv7 } from '../src/common/uuid.js';
import { ConfigError, loadConfig } from '../src/config/app-config.js';
import { openDatabase, prepareDatabase } from '../src/database/database-bootstrap.js';
import { withDataSource } from '../src/database/migrator.js';
import { DEMO_AGENCIES } from '../src/agencies/demo-agencies.js';
import { showOneTimePassword } from '../src/users/first-start-notice.js';

const logger = pino({ level: process.env.LOG_LEVEL ?? 'info' });

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  if (config.isProduction) throw new Error('seed:demo is refused in production');
  const db = await openDatabase(config, logger);
  try {
    const firstStart = await prepareDatabase(config, db, logger);
    if (firstStart) showOneTimePassword(firstStart, { dataDir: config.dataDir });
    const passwords = new PasswordService();
    const demoPassword = process.env.DEMO_PASSWORD ?? passwords.generateOneTimePassword();
    passwords.assertAcceptable(demoPassword, {}, 'DEMO_PASSWORD');
    const hash = await passwords.hash(demoPassword);
    const created: string[] = [];
    await withDataSource(
      db.appUrl,
      async (ds) => {
        const ids = new Map<string, string>();
        for (const a of DEMO_AGENCIES) {
          const existing: { id: string }[] = await ds.query('SELECT id FROM agency WHERE code = $1', [a.code]);
          const id = existing[0]?.id ?? uuidv7();
          if (!existing[0]) {
            await ds.query(
              `INSERT INTO agency (id, code, name_en, name_lo, htcds_org_type, local_type, province_code, parent_agency_id, formal_identification_authority) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)`,
              [
                id,
                a.code,
                a.nameEn,
                a.nameLo ?? null,
                a.htcdsOrgType,
                a.localType,
                a.provinceCode,
                a.parent ? ids.get(a.parent) : null,
                a.formalIdentificationAuthority ?? false,
              ],
            );
          }
          ids.set(a.code, id);
          for (const role of a.roles as Role[]) {
            const email = `${role.replaceAll('_', '-')}@${a.code.toLowerCase()}.demo.la`;
            const exists: unknown[] = await ds.query('SELECT 1 FROM app_user WHERE email = $1', [email]);
            if (exists.length) continue;
            await ds.query(
              `INSERT INTO app_user (id, agency_id, email, display_name, roles, password_hash, must_change_password) VALUES ($1,$2,$3,$4,$5,$6,false)`,
              [uuidv7(), id, email, `Demo ${role} (${a.code})`, [role], hash],
            );
            created.push(email);
          }
        }
        await ds.query(
          `INSERT INTO audit_event (category, action, outcome, resource_type, details) VALUES ('change', 'demo_seeded', 'allowed', 'user', $1)`,
          [JSON.stringify({ users: created.length })],
        );
      },
      'ctcm-seed-demo',
    );
    process.stdout.write(
      created.length
        ? `Created ${created.length} demo users${process.env.DEMO_PASSWORD ? ' (password from DEMO_PASSWORD)' : `; their password (shown once): ${demoPassword}`}\n${created.map((e) => `  ${e}`).join('\n')}\n`
        : 'Demo data already present; nothing created.\n',
    );
  } finally {
    await db.close();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    if (err instanceof ConfigError) process.stderr.write(`${err.message}\n`);
    else logger.error({ err: { type: (err as Error)?.name, message: (err as Error)?.message } }, 'seed:demo failed');
    process.exit(1);
  },
);
