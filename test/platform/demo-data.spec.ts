import { DEMO_ACCOUNTS, DEMO_FACILITIES, demoEmail } from '../../src/demo/demo-agencies.js';
import { type Api, call, deploy, type Deployment, startApi } from '../harness/spawned-api.js';

/**
 * `npm start -- --demo` (DEMO_DATA=true): the production build loads the demo data into the
 * database it runs, through its own services and HTTP interface, and every demo account signs
 * in with the demo password.
 */
async function startWithDemo(d: Deployment, password: string): Promise<Api> {
  const api = await startApi(d, { DEMO_DATA: 'true', DEMO_PASSWORD: password });
  const t0 = Date.now();
  while (!/loaded the demo data|demo data already present|loading the demo data failed/.test(api.output())) {
    if (Date.now() - t0 > 180_000) throw new Error(`demo data not loaded:\n${api.output()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  expect(api.output()).not.toContain('loading the demo data failed');
  return api;
}

async function signIn(api: Api, email: string, password: string): Promise<Record<string, string>> {
  const res = await call(api, 'POST', '/auth/login', { 'content-type': 'application/json' }, { email, password });
  expect({ email, status: res.status }).toEqual({ email, status: 200 });
  return { authorization: `Bearer ${res.body.accessToken}`, 'content-type': 'application/json' };
}

describe('demo data loaded by the API itself', () => {
  let d: Deployment;
  beforeAll(async () => {
    d = await deploy();
  }, 120_000);
  afterAll(() => d.close());

  it('refuses, before creating anything, to load the records when MFA_REQUIRED_ROLES requires a demo role', async () => {
    const api = await startApi(d, {
      DEMO_DATA: 'true',
      DEMO_PASSWORD: 'demo passphrase one',
      MFA_REQUIRED_ROLES: 'case_supervisor',
    });
    try {
      const t0 = Date.now();
      while (!/loading the demo data failed/.test(api.output())) {
        if (Date.now() - t0 > 180_000) throw new Error(`no refusal:\n${api.output()}`);
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(api.output()).toContain('start once without MFA_REQUIRED_ROLES');
      expect(api.output()).toContain('case_supervisor');
      // Nothing half-made: no demo agency, so the next start loads everything.
      const agencies = await d.owner.query(`SELECT 1 FROM agency WHERE code = 'MLSW-VTC'`);
      expect(agencies.rows).toHaveLength(0);
    } finally {
      await api.stop();
    }
  });

  it('creates the agencies, facilities, accounts and records at several stages, then resets the password on each demo start', async () => {
    const password = 'demo passphrase one';
    let api = await startWithDemo(d, password);
    try {
      expect(api.output()).toContain('loaded the demo data');
      // Every listed account signs in with the demo password, and holds the listed roles.
      for (const account of DEMO_ACCOUNTS) {
        const auth = await signIn(api, account.email, password);
        const me = await call(api, 'GET', '/auth/me', auth);
        expect(me.body.roles.sort()).toEqual([...account.roles].sort());
      }

      const supervisor = await signIn(api, demoEmail('MLSW-VTC', 'case_supervisor'), password);
      const cases = await call(api, 'GET', '/cases', supervisor);
      expect(cases.body.items.map((c: { stage: string }) => c.stage).sort()).toEqual([
        'intake',
        'reintegration',
        'screening',
      ]);
      const identified = await Promise.all(
        cases.body.items.map(async (c: { id: string }) => (await call(api, 'GET', `/cases/${c.id}`, supervisor)).body),
      );
      expect(identified.map((c) => c.identificationStatus)).toContain('ActualVictimOfTrafficking');

      const facilities = await call(api, 'GET', '/facilities', supervisor);
      expect(facilities.body.map((f: { code: string }) => f.code)).toEqual(
        expect.arrayContaining(DEMO_FACILITIES.map((f) => f.code)),
      );
      const childUnit = facilities.body.find((f: { code: string }) => f.code === 'CPC-CHILD');
      expect(childUnit).toMatchObject({ acceptsMaxAge: 17, occupied: 1 });

      // Referrals wait in the receivers' inboxes; one was declined, one completed.
      const province = await signIn(api, demoEmail('PLSW-SV', 'caseworker'), password);
      expect((await call(api, 'GET', '/referrals/inbox/counts', province)).body).toMatchObject({ pending: 1 });
      const cpc = await signIn(api, demoEmail('LWU-CPC', 'facility_officer'), password);
      expect((await call(api, 'GET', '/referrals/inbox/counts', cpc)).body).toMatchObject({ pending: 1, accepted: 1 });
      const statuses = (
        await d.owner.query<{ status: string }>('SELECT status FROM referral ORDER BY status')
      ).rows.map((r) => r.status);
      expect(statuses).toEqual(['accepted', 'completed', 'declined', 'pending', 'pending']);

      const reception = await signIn(api, demoEmail('MLSW-VTC', 'reception'), password);
      const notices = await call(api, 'GET', '/return-notices', reception);
      expect(
        notices.body.map((n: { arrivals: { status: string }[] }) =>
          n.arrivals
            .map((a) => a.status)
            .sort()
            .join(),
        ),
      ).toEqual(expect.arrayContaining(['arrived,arrived,expected', 'expected,expected']));

      // The expected notice names a returnee, whom the VTC's open tracing request finds among its candidates.
      const named = notices.body
        .flatMap((n: { arrivals: { status: string; returnee: { names: object } | null }[] }) => n.arrivals)
        .filter((a: { returnee: unknown }) => a.returnee !== null);
      expect(named).toEqual([
        expect.objectContaining({
          status: 'expected',
          returnee: expect.objectContaining({ names: expect.any(Object) }),
        }),
      ]);
      const vtcCaseworker = await signIn(api, demoEmail('MLSW-VTC', 'caseworker'), password);
      const tracing = await call(api, 'GET', '/tracing-requests', vtcCaseworker);
      expect(tracing.body.map((t: { status: string }) => t.status)).toEqual(['open']);
      const candidates = await call(api, 'GET', `/tracing-requests/${tracing.body[0].id}/candidates`, vtcCaseworker);
      expect(candidates.body.expectedReturnees.map((r: { expectedArrivalId: string }) => r.expectedArrivalId)).toEqual([
        named[0].id,
      ]);

      // The Savannakhet office has a lead transfer to answer.
      const svSupervisor = await signIn(api, demoEmail('PLSW-SV', 'case_supervisor'), password);
      const incoming = await call(api, 'GET', '/case-transfers?direction=incoming', svSupervisor);
      expect(incoming.body.map((t: { status: string }) => t.status)).toEqual(['pending']);

      // Through the application: names encrypted, changes audited with the demo users as actors.
      const stored = await d.owner.query<{ names: string }>(`SELECT encode(names_enc, 'escape') AS names FROM person`);
      expect(stored.rows).toHaveLength(3);
      for (const row of stored.rows) expect(row.names).not.toMatch(/Khamla|Noy|Dao/);
      const audited = await d.owner.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM audit_event
          WHERE category = 'change' AND resource_type = 'person' AND actor_user_id IS NOT NULL`,
      );
      expect(audited.rows[0]!.n).toBe(3);
    } finally {
      await api.stop();
    }

    // A demo start again, with another password: no second copy of the records, the new password works.
    api = await startWithDemo(d, 'demo passphrase two');
    try {
      expect(api.output()).toContain('demo data already present');
      const old = await call(
        api,
        'POST',
        '/auth/login',
        { 'content-type': 'application/json' },
        { email: demoEmail('MLSW-VTC', 'case_supervisor'), password },
      );
      expect(old.status).toBe(401);
      const supervisor = await signIn(api, demoEmail('MLSW-VTC', 'case_supervisor'), 'demo passphrase two');
      expect((await call(api, 'GET', '/cases', supervisor)).body.items).toHaveLength(3);
    } finally {
      await api.stop();
    }
  }, 600_000);
});
