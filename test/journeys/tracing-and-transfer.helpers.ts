import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import type { Role } from '../../src/auth/permissions.js';
import { ensureBootstrapAdmin } from '../../src/users/bootstrap-admin.js';
import { startTestApp, type TestApp } from '../harness/test-app.js';

/**
 * A deployment as an operator gets it: an empty database, the bootstrap administrator created
 * at start (the same code `npm start` runs), and everything else made through the HTTP API.
 */
export const ADMIN_EMAIL = 'admin@journeys.example';
const ADMIN_PASSWORD = 'Trusted operator passphrase 2026';
const STAFF_PASSWORD = 'Staff passphrase for the journeys 2026';

export interface Staff {
  id: string;
  email: string;
  agencyId: string;
  roles: Role[];
  auth: { authorization: string };
}

export interface Deployment {
  t: TestApp;
  admin: Staff;
  close(): Promise<void>;
}

export async function emptyDeployment(): Promise<Deployment> {
  const t = await startTestApp();
  const config = { ...t.config, bootstrapAdmin: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD } };
  await ensureBootstrapAdmin(t.config.database.url!, config, pino({ level: 'silent' }));
  const login = await t.http.post('/auth/login').send({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD });
  if (login.status !== 200) throw new Error(`bootstrap admin login failed: ${login.status}`);
  const auth = { authorization: `Bearer ${login.body.accessToken}` };
  const me = await t.http.get('/auth/me').set(auth);
  return {
    t,
    admin: { id: me.body.id, email: ADMIN_EMAIL, agencyId: me.body.agency.id, roles: ['system_admin'], auth },
    close: () => t.close(),
  };
}

const suffix = () => randomBytes(3).toString('hex').toUpperCase();

/** POST /agencies as the system administrator. */
export async function createAgency(
  d: Deployment,
  body: { code: string; nameEn: string; localType: string; htcdsOrgType?: string; provinceCode?: string },
): Promise<{ id: string; code: string }> {
  const res = await d.t.http
    .post('/agencies')
    .set(d.admin.auth)
    .send({ htcdsOrgType: 'CentralGovernmentOrganisation', ...body, code: `${body.code}-${suffix()}` });
  if (res.status !== 201) throw new Error(`POST /agencies: ${res.status} ${JSON.stringify(res.body)}`);
  return { id: res.body.id, code: res.body.code };
}

/**
 * POST /users as the system administrator, then the new user's first login with the one-time
 * password and the required password change: the session a member of staff really gets.
 */
export async function createStaff(d: Deployment, agencyId: string, roles: Role[], name: string): Promise<Staff> {
  const email = `${name.toLowerCase().replace(/[^a-z]+/g, '.')}.${suffix().toLowerCase()}@journeys.example`;
  const created = await d.t.http.post('/users').set(d.admin.auth).send({ agencyId, email, displayName: name, roles });
  if (created.status !== 201) throw new Error(`POST /users: ${created.status} ${JSON.stringify(created.body)}`);
  const first = await d.t.http.post('/auth/login').send({ email, password: created.body.oneTimePassword });
  if (first.status !== 200) throw new Error(`first login: ${first.status}`);
  const changed = await d.t.http
    .post('/auth/password')
    .set({ authorization: `Bearer ${first.body.accessToken}` })
    .send({ currentPassword: created.body.oneTimePassword, newPassword: STAFF_PASSWORD });
  if (changed.status !== 200) throw new Error(`password change: ${changed.status} ${JSON.stringify(changed.body)}`);
  return { id: created.body.id, email, agencyId, roles, auth: { authorization: `Bearer ${changed.body.accessToken}` } };
}

export const ifMatch = (version: number) => ({ 'if-match': `"${version}"` });

/** The local date in Vientiane, days from today (negative: in the past). */
export function vientianeDate(daysFromToday = 0): string {
  const at = new Date(Date.now() + daysFromToday * 86_400_000);
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Vientiane' }).format(at);
}

export interface AuditEntry {
  category: string;
  action: string;
  outcome: string;
  status: number | null;
  route: string | null;
  actorUserId: string | null;
  actorAgencyId: string | null;
  resourceType: string | null;
  resourceIds: string[] | null;
  caseIds: string[] | null;
  changes: { field: string; personal: boolean; old?: unknown; new?: unknown }[] | null;
  details: Record<string, unknown> | null;
}

/** GET /audit/events as an auditor, every page. */
export async function auditEvents(
  d: Deployment,
  auditor: Staff,
  filter: Record<string, string>,
): Promise<AuditEntry[]> {
  const all: AuditEntry[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 20; page++) {
    const res = await d.t.http
      .get('/audit/events')
      .set(auditor.auth)
      .query({ limit: '200', ...filter, ...(cursor ? { cursor } : {}) });
    if (res.status !== 200) throw new Error(`GET /audit/events: ${res.status} ${JSON.stringify(res.body)}`);
    all.push(...res.body.items);
    cursor = res.body.nextCursor ?? undefined;
    if (!cursor) break;
  }
  return all;
}

/** One group of GET /audit/cases/{id}/access: a user's requests on one route with one outcome. */
export interface CaseAccessGroup {
  userId: string | null;
  agencyId: string | null;
  route: string | null;
  action: string;
  outcome: string;
  count: number;
  replays: number;
  statuses: number[];
}

/** GET /audit/cases/{id}/access as an auditor. */
export async function caseAccessLog(d: Deployment, auditor: Staff, caseId: string): Promise<CaseAccessGroup[]> {
  const res = await d.t.http.get(`/audit/cases/${caseId}/access`).set(auditor.auth);
  if (res.status !== 200) throw new Error(`GET /audit/cases/{id}/access: ${res.status}`);
  return res.body;
}
