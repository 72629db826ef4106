import type { INestApplication } from '@nestjs/common';
import type { Logger } from 'pino';
import { AgenciesService } from '../agencies/agencies.service.js';
import type { UpdateAgencyRequest } from '../agencies/dto/agency.dto.js';
import { AuditService } from '../audit/audit.service.js';
import { PasswordService } from '../auth/password.service.js';
import { permissionsOf, type Role } from '../auth/permissions.js';
import { type Actor, requestContext } from '../common/context/request-context.js';
import { uuidv7 } from '../common/uuid.js';
import type { AppConfig } from '../config/app-config.js';
import { LocalSecrets } from '../config/local-secrets.js';
import { TransactionService } from '../database/transaction.service.js';
import { UsersService } from '../users/users.service.js';
import { DEMO_ACCOUNTS, DEMO_AGENCIES, type DemoAgency } from './demo-agencies.js';
import { loadDemoRecords } from './demo-records.js';
import {
  findAgencyIdsByCode,
  findSystemAdministrator,
  findUserIdsByEmail,
  resetDemoPasswords,
} from './demo.queries.js';

export interface DemoLoadResult {
  /** True when this start created the demo agencies and walked the demo cases through their stages. */
  recordsLoaded: boolean;
  accounts: typeof DEMO_ACCOUNTS;
  password: string;
  passwordSource: 'DEMO_PASSWORD' | 'generated';
}

/**
 * Demo data, loaded by the API itself into the database it runs (DEMO_DATA=true or
 * `npm start -- --demo`), never in production. Agencies and accounts go through the same
 * services as POST /agencies and POST /users, as the first system administrator; the cases,
 * referrals, placements and return notices go through the API's own HTTP interface, signed in as
 * the demo accounts, so validation, access rules, encryption and the audit trail all apply.
 *
 * Every start with demo data resets the demo accounts to the demo password (that is how it is
 * reset); the records are loaded once, on the start that creates the demo agencies.
 */
export async function loadDemoData(
  app: INestApplication,
  config: AppConfig,
  baseUrl: string,
  logger: Logger,
): Promise<DemoLoadResult> {
  if (config.isProduction) throw new Error('demo data is refused in production');
  const tx = app.get(TransactionService);
  const passwords = app.get(PasswordService);
  const { password, source } = demoPassword(config);
  passwords.assertAcceptable(password, {}, 'DEMO_PASSWORD');

  const admin = await tx.run((m) => findSystemAdministrator(m));
  if (!admin) throw new Error('demo data needs the system administrator created at first start');
  const actor: Actor = {
    userId: admin.id,
    agencyId: admin.agencyId,
    roles: admin.roles,
    permissions: permissionsOf(admin.roles),
    tokenVersion: admin.tokenVersion,
  };
  const asAdministrator = <T>(work: () => Promise<T>): Promise<T> =>
    requestContext.run(
      { requestId: `demo-${uuidv7()}`, actor, audit: { resourceIds: new Set(), caseIds: new Set() } },
      () => tx.run(work),
    );

  // The records go through the API signed in as the demo accounts, with a password only: refuse
  // before creating anything, or the agencies would exist without their records for good.
  const firstLoad = (await tx.run((m) => findAgencyIdsByCode(m, ['MLSW-VTC']))).size === 0;
  const needFactor = [...new Set(DEMO_ACCOUNTS.flatMap((a) => a.roles))].filter((r) =>
    config.auth.mfaRequiredRoles.includes(r),
  );
  if (firstLoad && needFactor.length)
    throw new Error(
      `the demo records are loaded by the demo accounts, signed in with a password only, and MFA_REQUIRED_ROLES ` +
        `requires a second factor of ${needFactor.join(', ')}: start once without MFA_REQUIRED_ROLES (demo data ` +
        `leaves it optional) to load them, then restart with it; nothing was created`,
    );
  const agencyIds = await asAdministrator(() => ensureAgencies(app));
  await asAdministrator(() => ensureAccounts(app, actor, agencyIds.ids));
  const hash = await passwords.hash(password);
  await asAdministrator(async () => {
    const userIds = [
      ...(
        await findUserIdsByEmail(
          tx.manager(),
          DEMO_ACCOUNTS.map((a) => a.email),
        )
      ).values(),
    ];
    await resetDemoPasswords(tx.manager(), userIds, hash);
    const audit = app.get(AuditService);
    for (const id of userIds) await audit.change('update', 'user', id, [{ field: 'password', personal: true }]);
  });

  const recordsLoaded = agencyIds.created.includes('MLSW-VTC');
  if (recordsLoaded) await loadDemoRecords(baseUrl, password, agencyIds.ids, config.timeZone);
  logger.info(
    { accounts: DEMO_ACCOUNTS.length, recordsLoaded, passwordSource: source },
    recordsLoaded ? 'loaded the demo data' : 'demo data already present: demo account passwords reset',
  );
  return { recordsLoaded, accounts: DEMO_ACCOUNTS, password, passwordSource: source };
}

function demoPassword(config: AppConfig): { password: string; source: DemoLoadResult['passwordSource'] } {
  if (config.demo.password) return { password: config.demo.password, source: 'DEMO_PASSWORD' };
  const generated = new LocalSecrets(config.dataDir).getOrCreate('demoPassword', () =>
    new PasswordService().generateOneTimePassword(),
  );
  return { password: generated.value, source: 'generated' };
}

async function ensureAgencies(app: INestApplication): Promise<{ ids: Map<string, string>; created: string[] }> {
  const agencies = app.get(AgenciesService);
  const tx = app.get(TransactionService);
  const ids = await findAgencyIdsByCode(
    tx.manager(),
    DEMO_AGENCIES.map((a) => a.code),
  );
  const created: string[] = [];
  for (const a of DEMO_AGENCIES) {
    if (ids.has(a.code)) continue;
    const agency = await agencies.create({
      code: a.code,
      nameEn: a.nameEn,
      nameLo: a.nameLo ?? null,
      htcdsOrgType: a.htcdsOrgType,
      localType: a.localType,
      provinceCode: a.provinceCode,
      parentAgencyId: a.parent ? ids.get(a.parent) : null,
    });
    if (a.formalIdentificationAuthority) await agencies.update(agency.id, identificationAuthority(a));
    ids.set(a.code, agency.id);
    created.push(a.code);
  }
  return { ids, created };
}

/** PATCH /agencies sets the flag; this is the same service call. */
function identificationAuthority(a: DemoAgency): UpdateAgencyRequest {
  const patch = { formalIdentificationAuthority: a.formalIdentificationAuthority === true };
  return patch as UpdateAgencyRequest;
}

async function ensureAccounts(app: INestApplication, actor: Actor, agencyIds: Map<string, string>): Promise<void> {
  const users = app.get(UsersService);
  const existing = await findUserIdsByEmail(
    app.get(TransactionService).manager(),
    DEMO_ACCOUNTS.map((a) => a.email),
  );
  for (const account of DEMO_ACCOUNTS) {
    if (existing.has(account.email)) continue;
    await users.create(actor, {
      agencyId: agencyIds.get(account.agency)!,
      email: account.email,
      displayName: `Demo ${account.roles.map(roleLabel).join(' and ')}, ${account.agency}`,
      roles: account.roles,
    });
  }
}

const roleLabel = (role: Role) => role.replaceAll('_', ' ');
