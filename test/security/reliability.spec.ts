import { localToday } from '../harness/dates.js';
import { CANARIES } from '../harness/canaries.js';
import { STAFF_PASSWORD } from '../desk/desk-setup.js';
import { call, deploy, type Deployment, login, seedStaff, startApi } from '../harness/spawned-api.js';

describe('reliability of the production build on a real PostgreSQL server', () => {
  let d: Deployment;
  beforeAll(async () => {
    d = await deploy();
  }, 300_000);
  afterAll(() => d.close());

  it('fails fast with 503 while the database is away, turns readiness red, and recovers without a restart', async () => {
    // Fail fast is what is tested here: a one-second wait for a connection.
    const api = await startApi(d, { DATABASE_CONNECT_TIMEOUT_MS: '1000', DATABASE_STATEMENT_TIMEOUT_MS: '3000' });
    try {
      const staff = await seedStaff(api, [['caseworker', 'screener']]);
      const auth = await login(api, staff.users[0]!.email);
      const person = await call(api, 'POST', '/persons', auth, {
        names: { givenNameLatin: CANARIES.givenNameLatin, familyNameLatin: CANARIES.familyNameLatin },
        contacts: [{ type: 'phone', value: CANARIES.phone }],
        gender: 'Feminine',
      });
      expect(person.status).toBe(201);

      await d.stopDatabase();
      try {
        const read = await call(api, 'GET', `/persons/${person.body.id}`, auth);
        expect(read.status).toBe(503);
        expect(read.body.code).toBe('SERVICE_UNAVAILABLE');
        // Ten times the one-second connect timeout: slower than that is hanging, not failing fast.
        expect(read.ms).toBeLessThan(10_000);
        const ready = await call(api, 'GET', '/health/ready', {});
        expect(ready.status).toBe(503);
        expect(ready.ms).toBeLessThan(10_000);
        expect((await call(api, 'GET', '/health/live', {})).status).toBe(200);
      } finally {
        await d.restartDatabase();
      }
      let back = 0;
      const t0 = Date.now();
      while (Date.now() - t0 < 60_000) {
        if ((await call(api, 'GET', '/health/ready', {})).status === 200) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      for (let i = 0; i < 5; i++)
        if ((await call(api, 'GET', `/persons/${person.body.id}`, auth)).status === 200) back += 1;
      expect(back).toBeGreaterThanOrEqual(4);
      for (const value of Object.values(CANARIES)) expect(api.output()).not.toContain(value);
    } finally {
      await api.stop();
    }
  }, 300_000);

  it('keeps every acknowledged write through a kill -9, none half-written, and the audit chain verifies', async () => {
    let api = await startApi(d);
    const staff = await seedStaff(api, [['caseworker', 'screener'], ['auditor']]);
    const auth = await login(api, staff.users[0]!.email);
    const personId = (
      await call(api, 'POST', '/persons', auth, { names: { givenNameLatin: 'Crash' }, gender: 'Masculine' })
    ).body.id;
    const caseId = (await call(api, 'POST', '/cases', auth, { personId })).body.id;
    const acknowledged: string[] = [];
    let stop = false;
    const writers = Array.from({ length: 4 }, async (_, w) => {
      for (let i = 0; !stop && i < 400; i++) {
        try {
          const res = await call(api, 'POST', `/cases/${caseId}/notes`, auth, { text: `${CANARIES.note} ${w}-${i}` });
          if (res.status === 201) acknowledged.push(res.body.id);
        } catch {
          // the process died mid-request: not acknowledged
        }
      }
    });
    // Killed once enough writes are acknowledged, however long a busy machine takes for them.
    const t0 = Date.now();
    while (acknowledged.length < 20 && Date.now() - t0 < 120_000) await new Promise((r) => setTimeout(r, 50));
    api.child.kill('SIGKILL');
    stop = true;
    await Promise.all(writers);
    await api.exited;
    expect(acknowledged.length).toBeGreaterThanOrEqual(20);

    api = await startApi(d);
    try {
      const auth2 = await login(api, staff.users[0]!.email);
      const notes = await call(api, 'GET', `/cases/${caseId}/notes`, auth2);
      const stored = new Set(notes.body.map((n: { id: string }) => n.id));
      expect(acknowledged.filter((id) => !stored.has(id))).toEqual([]);
      // Never half-written: every note has its timeline event and its audit change entry.
      const [counts] = (
        await d.owner.query(
          `SELECT (SELECT count(*) FROM case_note WHERE case_id = $1)::int AS notes,
                (SELECT count(*) FROM case_timeline_event WHERE case_id = $1 AND kind = 'note_added')::int AS timeline,
                (SELECT count(*) FROM audit_event WHERE category = 'change' AND resource_type = 'case_note' AND $1 = ANY(case_ids))::int AS audited`,
          [caseId],
        )
      ).rows;
      expect(counts.timeline).toBe(counts.notes);
      expect(counts.audited).toBe(counts.notes);
      const auditor = await login(api, staff.users[1]!.email);
      await new Promise((r) => setTimeout(r, 600));
      const verify = await call(api, 'GET', '/audit/verify', auditor);
      expect(verify.body).toMatchObject({ ok: true, firstBreak: null });
    } finally {
      await api.stop();
    }
  }, 300_000);

  it('stays correct with two instances on one database', async () => {
    const a = await startApi(d, { AUTH_RATE_LIMIT_PER_MINUTE: '1000' });
    const b = await startApi(d, { AUTH_RATE_LIMIT_PER_MINUTE: '1000' });
    try {
      const staff = await seedStaff(a, [
        ['caseworker', 'screener', 'case_supervisor', 'facility_officer', 'agency_admin'],
        ['auditor'],
        ['caseworker'],
      ]);
      const authA = await login(a, staff.users[0]!.email);
      const authB = await login(b, staff.users[0]!.email);

      // Lockout and backoff: failures on A and B add up.
      const victim = staff.users[2]!.email;
      const wrong = (api: typeof a) =>
        call(
          api,
          'POST',
          '/auth/login',
          { 'content-type': 'application/json' },
          { email: victim, password: 'not the password!' },
        );
      for (let i = 0; i < 5; i++) expect((await wrong(i % 2 ? a : b)).status).toBe(401);
      expect(
        (
          await call(
            b,
            'POST',
            '/auth/login',
            { 'content-type': 'application/json' },
            { email: victim, password: STAFF_PASSWORD },
          )
        ).status,
      ).toBe(429);

      // Case numbers stay unique under concurrent creation on both.
      const people = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          call(i % 2 ? a : b, 'POST', '/persons', i % 2 ? authA : authB, {
            names: { givenNameLatin: `Twin${i}` },
            gender: 'Feminine',
            confirmNotDuplicate: true,
          }),
        ),
      );
      const cases = await Promise.all(
        people.map((p, i) => call(i % 2 ? b : a, 'POST', '/cases', i % 2 ? authB : authA, { personId: p.body.id })),
      );
      expect(cases.map((c) => c.status)).toEqual(cases.map(() => 201));
      expect(new Set(cases.map((c) => c.body.caseNumber)).size).toBe(12);

      // The same Idempotency-Key through both instances creates one record.
      const note = { text: 'sent twice over a flaky link' };
      const [n1, n2] = await Promise.all([
        call(
          a,
          'POST',
          `/cases/${cases[0]!.body.id}/notes`,
          { ...authA, 'idempotency-key': 'twin-instances-01' },
          note,
        ),
        call(
          b,
          'POST',
          `/cases/${cases[0]!.body.id}/notes`,
          { ...authB, 'idempotency-key': 'twin-instances-01' },
          note,
        ),
      ]);
      expect([n1.status, n2.status]).toEqual([201, 201]);
      expect(n1.body.id).toBe(n2.body.id);

      // The last bed: one admission succeeds across both instances.
      const facility = await call(a, 'POST', '/facilities', authA, {
        agencyId: staff.agencyId,
        code: 'TWIN-BED',
        nameEn: 'One bed',
        kind: 'shelter',
        provinceCode: 'LA-VT',
        acceptsGenders: ['Feminine'],
        bedCapacity: 1,
      });
      const today = localToday();
      const admissions = await Promise.all(
        [1, 2, 3, 4].map((i) =>
          call(i % 2 ? a : b, 'POST', `/facilities/${facility.body.id}/admissions`, i % 2 ? authA : authB, {
            caseId: cases[i]!.body.id,
            admittedOn: today,
          }),
        ),
      );
      expect(admissions.map((r) => r.status).sort()).toEqual([201, 409, 409, 409]);

      // Referral expiry runs on both: each overdue referral expires once.
      const other = await seedStaff(a, [['caseworker']]);
      await call(a, 'POST', `/cases/${cases[5]!.body.id}/consents`, authA, {
        purposes: ['sharing_for_referral'],
        coveredAgencyIds: [other.agencyId],
        givenBy: 'person',
        method: 'written',
        givenOn: today,
      });
      const referral = await call(a, 'POST', `/cases/${cases[5]!.body.id}/referrals`, authA, {
        toAgencyId: other.agencyId,
        purpose: 'medical',
        urgency: 'emergency',
      });
      expect(referral.status).toBe(201);
      await d.owner.query(`UPDATE referral SET due_by = now() - interval '1 second' WHERE id = $1`, [referral.body.id]);
      const expiries = async () =>
        (
          await d.owner.query(
            `SELECT count(*)::int AS n FROM audit_event WHERE action = 'expire' AND $1 = ANY(resource_ids)`,
            [referral.body.id],
          )
        ).rows[0].n as number;
      // Wait for the first expiry (each instance tries every 200 ms), then for several more rounds.
      const t0 = Date.now();
      while ((await expiries()) === 0 && Date.now() - t0 < 60_000) await new Promise((r) => setTimeout(r, 100));
      await new Promise((r) => setTimeout(r, 1500));
      expect(await expiries()).toBe(1);
      expect((await call(b, 'GET', `/referrals/${referral.body.id}`, authB)).body.status).toBe('expired');

      // Both instances seal the audit chain, and it verifies.
      await new Promise((r) => setTimeout(r, 800));
      const auditor = await login(b, staff.users[1]!.email);
      const verify = await call(b, 'GET', '/audit/verify', auditor);
      expect(verify.body).toMatchObject({ ok: true, firstBreak: null });
    } finally {
      await a.stop();
      await b.stop();
    }
  }, 300_000);
});
