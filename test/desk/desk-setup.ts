import { randomBytes } from 'node:crypto';

export const ADMIN = { email: 'admin@desk.test', password: 'Desk bootstrap passphrase 2026' };
export const STAFF_PASSWORD = 'sticky rice and jeow bong 2026';

export interface Answer {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- bodies are asserted field by field, as with supertest
  body: any;
  headers: Headers;
}

export async function api(
  base: string,
  method: string,
  path: string,
  token?: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(60_000),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
}

export async function signIn(base: string, email: string, password: string): Promise<string> {
  const res = await api(base, 'POST', '/auth/login', undefined, { email, password });
  if (res.status !== 200) throw new Error(`sign-in of ${email} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.accessToken as string;
}

function expectStatus(res: Answer, status: number, what: string): void {
  if (res.status !== status) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
}

/**
 * Staff created as an administrator would, through the API: an agency, users with the roles
 * asked for, each signing in with the one-time password and choosing STAFF_PASSWORD.
 * Needs the API started with BOOTSTRAP_ADMIN_EMAIL/PASSWORD = ADMIN.
 */
export async function createStaff(
  base: string,
  agency: { code?: string; nameEn: string; localType: string; htcdsOrgType: string; provinceCode: string },
  people: { name: string; roles: string[] }[],
): Promise<{ agencyId: string; users: { id: string; email: string; token: string }[] }> {
  const admin = await signIn(base, ADMIN.email, ADMIN.password);
  const code = agency.code ?? `DESK-${randomBytes(3).toString('hex').toUpperCase()}`;
  const created = await api(base, 'POST', '/agencies', admin, { ...agency, code });
  expectStatus(created, 201, 'POST /agencies');
  const users = [];
  for (const person of people) {
    const email = `${person.name}.${randomBytes(3).toString('hex')}@${code.toLowerCase()}.desk.test`;
    const user = await api(base, 'POST', '/users', admin, {
      agencyId: created.body.id,
      email,
      displayName: person.name,
      roles: person.roles,
    });
    expectStatus(user, 201, 'POST /users');
    const first = await signIn(base, email, user.body.oneTimePassword);
    const changed = await api(base, 'POST', '/auth/password', first, {
      currentPassword: user.body.oneTimePassword,
      newPassword: STAFF_PASSWORD,
    });
    expectStatus(changed, 200, 'POST /auth/password');
    users.push({ id: user.body.id as string, email, token: changed.body.accessToken as string });
  }
  return { agencyId: created.body.id as string, users };
}
