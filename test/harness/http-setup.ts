import { randomBytes } from 'node:crypto';
import { pino } from 'pino';
import type { Role } from '../../src/auth/permissions.js';
import { ensureBootstrapAdmin } from '../../src/users/bootstrap-admin.js';
import { startTestApp, type TestApp, type TestAppOptions } from './test-app.js';

/**
 * Set-up through the HTTP API alone, as a fresh deployment is set up: the bootstrap
 * administrator (what `npm start` creates on first start), who creates agencies and users;
 * each user signs in with the one-time password and sets their own.
 */

export const STAFF_ROLES: Role[] = [
  'agency_admin',
  'screener',
  'identification_officer',
  'caseworker',
  'case_supervisor',
  'facility_officer',
];

export interface HttpSession {
  name: string;
  userId: string | null;
  roles: Role[];
  auth: Record<string, string>;
}

const ADMIN_EMAIL = 'bootstrap.admin@test.example';
const ADMIN_PASSWORD = 'Bootstrap admin passphrase 2026';
export const suffix = () => randomBytes(4).toString('hex');

/** Throws with the answer when a set-up request did not succeed. */
export function succeeded<T extends { status: number; body: unknown }>(res: T, what: string): T {
  if (res.status >= 300) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
  return res;
}

export interface HttpDeployment {
  t: TestApp;
  admin: HttpSession;
  agency(name: string): Promise<string>;
  user(name: string, agencyId: string, roles: Role[]): Promise<HttpSession>;
}

/** A fresh deployment: a test app whose only given is the bootstrap administrator. */
export async function freshDeployment(options: TestAppOptions = {}): Promise<HttpDeployment> {
  const t = await startTestApp({
    ...options,
    env: { BOOTSTRAP_ADMIN_EMAIL: ADMIN_EMAIL, BOOTSTRAP_ADMIN_PASSWORD: ADMIN_PASSWORD, ...options.env },
  });
  await ensureBootstrapAdmin(t.config.database.url!, t.config, pino({ level: 'silent' }));
  const login = succeeded(
    await t.http.post('/auth/login').send({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD }),
    'admin login',
  );
  const admin: HttpSession = {
    name: 'admin',
    userId: null,
    roles: ['system_admin'],
    auth: { authorization: `Bearer ${login.body.accessToken}` },
  };
  return {
    t,
    admin,
    async agency(name) {
      const res = await t.http
        .post('/agencies')
        .set(admin.auth)
        .send({
          code: `AG-${suffix().toUpperCase()}`,
          nameEn: `Agency ${name}`,
          htcdsOrgType: 'NGO',
          localType: 'shelter',
        });
      return succeeded(res, `agency ${name}`).body.id as string;
    },
    async user(name, agencyId, roles) {
      const created = succeeded(
        await t.http
          .post('/users')
          .set(admin.auth)
          .send({ agencyId, email: `${name}-${suffix()}@test.example`, displayName: `Test ${name}`, roles }),
        `user ${name}`,
      );
      const first = succeeded(
        await t.http.post('/auth/login').send({ email: created.body.email, password: created.body.oneTimePassword }),
        `login ${name}`,
      );
      const changed = succeeded(
        await t.http
          .post('/auth/password')
          .set({ authorization: `Bearer ${first.body.accessToken}` })
          .send({
            currentPassword: created.body.oneTimePassword,
            newPassword: `A long passphrase for ${name} ${suffix()}`,
          }),
        `password ${name}`,
      );
      return { name, userId: created.body.id, roles, auth: { authorization: `Bearer ${changed.body.accessToken}` } };
    },
  };
}
