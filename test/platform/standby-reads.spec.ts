import { randomBytes } from 'node:crypto';
import path from 'node:path';
import pg from 'pg';
import { freeLocalPort } from '../../src/start-up/embedded-postgres.js';
import { type EmbeddedStandby, startEmbeddedStandby } from '../../src/start-up/embedded-standby.js';
import { type Api, call, deploy, type Deployment, login, seedStaff, startApi } from '../harness/spawned-api.js';
import { localToday } from '../harness/dates.js';

const SUPERUSER_PASSWORD = 'deploy-superuser';
const APP_PASSWORD = 'deploy-app';

/**
 * Reads that tolerate lag on a real streaming standby: built from the embedded primary with a
 * base backup and primary_conninfo (src/start-up/embedded-standby.ts), started on its own port,
 * streaming. The production build is pointed at both (DATABASE_REPLICA_URL).
 */
describe('lag-tolerant reads on a streaming standby', () => {
  let d: Deployment;
  let standby: EmbeddedStandby;
  let api: Api;
  let standbySuper: pg.Pool;
  let standbyApp: pg.Pool;
  let auth: {
    supervisorA: Record<string, string>;
    auditor: Record<string, string>;
    caseworkerA: Record<string, string>;
  };
  let ids: { agencyA: string; agencyB: string; supervisorA: string; caseA: string; caseworkerB: string };

  /** Waits until the standby has replayed everything the primary had written when called. */
  async function caughtUp(): Promise<void> {
    const { rows } = await d.owner.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn');
    for (;;) {
      const { rows: r } = await standbySuper.query<{ ok: boolean }>(
        'SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn AS ok',
        [rows[0]!.lsn],
      );
      if (r[0]!.ok) return;
      await new Promise((res) => setTimeout(res, 50));
    }
  }

  /** Readiness until `accept` holds for its replica report. */
  async function replicaUntil(accept: (r: { status: string; servingReads: boolean }) => boolean) {
    for (;;) {
      const ready = await call(api, 'GET', '/health/ready', {});
      if (ready.status === 200 && ready.body.replica && accept(ready.body.replica)) return ready.body.replica;
      await new Promise((res) => setTimeout(res, 100));
    }
  }

  /** Calls a route with its own request id; returns the response and its access entry, read on the PRIMARY. */
  async function audited(p: string, headers: Record<string, string>) {
    const requestId = `standby-${randomBytes(6).toString('hex')}`;
    const res = await fetch(`${api.base}${p}`, { headers: { ...headers, 'x-request-id': requestId } });
    const text = await res.text();
    const { rows } = await d.owner.query<{
      details: Record<string, unknown> | null;
      resource_ids: string[] | null;
      outcome: string;
    }>(`SELECT details, resource_ids, outcome FROM audit_event WHERE request_id = $1 AND category = 'access'`, [
      requestId,
    ]);
    return { status: res.status, text, entry: rows[0] };
  }

  /** Scans of these tables the standby has counted (its own statistics: reads that ran there). */
  async function standbyScans(tables: string[]): Promise<number> {
    const { rows } = await standbySuper.query<{ n: string }>(
      `SELECT coalesce(sum(seq_scan + coalesce(idx_scan, 0)), 0)::text AS n FROM pg_stat_user_tables WHERE relname = ANY($1)`,
      [tables],
    );
    return Number(rows[0]!.n);
  }

  beforeAll(async () => {
    d = await deploy();
    standby = await startEmbeddedStandby({
      primaryUrl: d.cluster.url('postgres'),
      dir: path.join(d.dir, 'standby'),
      port: await freeLocalPort(),
      slot: 'ctcm_test_standby',
      ephemeral: true,
    });
    standbySuper = new pg.Pool({ connectionString: standby.url('ctcm', 'postgres', SUPERUSER_PASSWORD), max: 1 });
    standbySuper.on('error', () => undefined);
    standbyApp = new pg.Pool({ connectionString: standby.url('ctcm', 'ctcm_app', APP_PASSWORD), max: 1 });
    standbyApp.on('error', () => undefined);
    api = await startApi(d, {
      DATABASE_REPLICA_URL: standby.url('ctcm', 'ctcm_app', APP_PASSWORD),
      DATABASE_REPLICA_MAX_LAG_MS: '2000',
      DATABASE_REPLICA_CHECK_INTERVAL_MS: '200',
    });
    const a = await seedStaff(api, [['caseworker', 'screener'], ['case_supervisor'], ['auditor']]);
    const b = await seedStaff(api, [['caseworker', 'screener']]);
    auth = {
      caseworkerA: await login(api, a.users[0]!.email),
      supervisorA: await login(api, a.users[1]!.email),
      auditor: await login(api, a.users[2]!.email),
    };
    const caseworkerB = await login(api, b.users[0]!.email);
    const caseFor = async (who: Record<string, string>, name: string) => {
      const person = await call(api, 'POST', '/persons', who, {
        names: { givenNameLatin: name },
        gender: 'Feminine',
        confirmNotDuplicate: true,
      });
      expect(person.status).toBe(201);
      const created = await call(api, 'POST', '/cases', who, { personId: person.body.id });
      expect(created.status).toBe(201);
      return created.body.id as string;
    };
    const caseA = await caseFor(auth.caseworkerA, 'Standby One');
    await caseFor(auth.caseworkerA, 'Standby Two');
    await caseFor(caseworkerB, 'Standby Three');
    ids = {
      agencyA: a.agencyId,
      agencyB: b.agencyId,
      supervisorA: a.users[1]!.id,
      caseA,
      caseworkerB: b.users[0]!.id,
    };
    await caughtUp();
  }, 600_000);

  afterAll(async () => {
    await api?.stop();
    await standbySuper?.end().catch(() => undefined);
    await standbyApp?.end().catch(() => undefined);
    await standby?.drop();
    await d?.close();
  }, 120_000);

  it('is a real streaming replica of the primary, and readiness reports it with its lag', async () => {
    const { rows } = await d.owner.query<{ application_name: string; state: string }>(
      'SELECT application_name, state FROM pg_stat_replication',
    );
    expect(rows).toEqual([{ application_name: 'ctcm_test_standby', state: 'streaming' }]);
    const { rows: receiver } = await standbySuper.query<{ status: string; in_recovery: boolean }>(
      'SELECT status, pg_is_in_recovery() AS in_recovery FROM pg_stat_wal_receiver',
    );
    expect(receiver).toEqual([{ status: 'streaming', in_recovery: true }]);
    const replica = await replicaUntil((r) => r.servingReads);
    expect(replica).toEqual({
      status: 'streaming',
      lagMs: expect.any(Number),
      maxLagMs: 2000,
      servingReads: true,
      checkedAt: expect.any(String),
    });
    // What the API wrote through the primary is on the standby.
    const { rows: cases } = await standbySuper.query('SELECT id FROM case_file WHERE id = $1', [ids.caseA]);
    expect(cases).toHaveLength(1);
  });

  it('applies row-level security on the standby: the same role, the same per-transaction context', async () => {
    const count = async (agencyId?: string, userId?: string) => {
      const client = await standbyApp.connect();
      try {
        await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
        if (agencyId)
          await client.query(`SELECT set_config('app.user_id', $1, true), set_config('app.agency_id', $2, true)`, [
            userId,
            agencyId,
          ]);
        const { rows } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM case_file');
        return rows[0]!.n;
      } finally {
        await client.query('ROLLBACK');
        client.release();
      }
    };
    expect(await count()).toBe(0);
    expect(await count(ids.agencyA, ids.supervisorA)).toBe(2);
    expect(await count(ids.agencyB, ids.caseworkerB)).toBe(1);
    // And nothing is written there, whatever the role tries.
    await expect(standbyApp.query(`INSERT INTO audit_event (category) VALUES ('access')`)).rejects.toMatchObject({
      code: '25006',
    });
  });

  it('serves the chosen routes from the standby, in the caller RLS scope, audited on the primary', async () => {
    await replicaUntil((r) => r.servingReads);
    const month = localToday().slice(0, 7);
    const scansBefore = await standbyScans(['case_file', 'audit_event', 'audit_chain', 'unmet_need']);
    const routes: [string, Record<string, string>][] = [
      ['/statistics/cases?by=province', auth.supervisorA],
      ['/reports/unmet-needs', auth.supervisorA],
      [`/reports/monthly?month=${month}&format=csv`, auth.supervisorA],
      ['/statistics/exports/ctdc', auth.supervisorA],
      ['/audit/events?limit=5', auth.auditor],
      [`/audit/cases/${ids.caseA}/access`, auth.auditor],
      ['/audit/verify', auth.auditor],
      ['/audit/export?format=ndjson', auth.auditor],
    ];
    for (const [route, who] of routes) {
      const { status, text, entry } = await audited(route, who);
      expect({ route, status }).toEqual({ route, status: 200 });
      // The access entry is on the primary, names the source, and the ids asked for.
      expect({ route, outcome: entry?.outcome, readFrom: entry?.details?.readFrom }).toEqual({
        route,
        outcome: 'allowed',
        readFrom: 'standby',
      });
      if (route.startsWith('/statistics/cases')) expect(JSON.parse(text).scope).toBe('agency');
      if (route.startsWith('/audit/cases/')) expect(entry!.resource_ids).toContain(ids.caseA);
      if (route === '/audit/verify') expect(JSON.parse(text).ok).toBe(true);
    }
    // The standby itself counted the scans (its statistics reach the view within seconds).
    for (;;) {
      if ((await standbyScans(['case_file', 'audit_event', 'audit_chain', 'unmet_need'])) > scansBefore) break;
      await new Promise((res) => setTimeout(res, 250));
    }
    // A case read is not lag-tolerant: the primary answers it, and its entry names no standby.
    const read = await audited(`/cases/${ids.caseA}`, auth.caseworkerA);
    expect(read.status).toBe(200);
    expect(read.entry?.details?.readFrom).toBeUndefined();
  });

  it('falls back to the primary while the standby lags beyond the bound, and returns to it', async () => {
    await replicaUntil((r) => r.servingReads);
    await standbySuper.query('SELECT pg_wal_replay_pause()');
    try {
      // Every request writes (its access entry), so the primary moves on while replay is paused.
      const replica = await replicaUntil((r) => r.status === 'lagging');
      expect(replica.servingReads).toBe(false);
      const { status, entry } = await audited('/statistics/cases', auth.supervisorA);
      expect(status).toBe(200);
      expect(entry?.details?.readFrom).toBe('primary');
    } finally {
      await standbySuper.query('SELECT pg_wal_replay_resume()');
    }
    await replicaUntil((r) => r.servingReads);
    expect((await audited('/statistics/cases', auth.supervisorA)).entry?.details?.readFrom).toBe('standby');
  });

  it('falls back to the primary while the standby is down, stays ready, and returns to it once back', async () => {
    await replicaUntil((r) => r.servingReads);
    await standby.stop();
    try {
      // At once, before any check noticed: the read that finds it gone is retried on the primary.
      const first = await audited('/statistics/cases', auth.supervisorA);
      expect(first.status).toBe(200);
      expect(first.entry?.details?.readFrom).toBe('primary');
      const exported = await audited('/audit/export?format=ndjson', auth.auditor);
      expect(exported.status).toBe(200);
      expect(exported.entry?.details?.readFrom).toBe('primary');
      const replica = await replicaUntil((r) => r.status === 'down');
      expect(replica).toMatchObject({ servingReads: false, lagMs: null });
    } finally {
      await standby.restart();
    }
    await replicaUntil((r) => r.servingReads);
    expect((await audited('/reports/unmet-needs', auth.supervisorA)).entry?.details?.readFrom).toBe('standby');
  });
});
