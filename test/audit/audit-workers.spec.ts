import { AuditSealer } from '../../src/audit/audit-sealer.service.js';
import { AuditVerifier } from '../../src/audit/audit-verifier.service.js';
import { AuditWorkerPool } from '../../src/audit/audit-workers.js';
import { DomainError } from '../../src/common/errors/domain-error.js';
import { given, type Session } from '../harness/given.js';
import { startTestApp, type TestApp } from '../harness/test-app.js';

/** Resolves once `pool` runs `n` threads or fewer (a thread's exit is reported asynchronously). */
async function threadsAtMost(pool: AuditWorkerPool, n: number): Promise<number> {
  while (pool.threads > n) await new Promise((resolve) => setTimeout(resolve, 10));
  return pool.threads;
}

describe('audit worker threads (verification and export off the main thread)', () => {
  let t: TestApp;
  let auditor: Session;
  let caseworker: Session;
  let pool: AuditWorkerPool;
  let closed = false;

  const verify = async () => {
    const res = await t.http.get('/audit/verify').set(auditor.auth);
    return res;
  };

  beforeAll(async () => {
    t = await startTestApp();
    const g = given(t);
    const agency = await g.agency();
    auditor = await g.session(await g.user(agency, ['auditor']));
    caseworker = await g.session(await g.user(agency, ['caseworker']));
    // A checkpoint every few links, and segments of a handful of links: many segments.
    for (let round = 0; round < 6; round++) {
      for (let i = 0; i < 5; i++) await t.http.get('/agencies').set(caseworker.auth);
      await t.app.get(AuditSealer).sealPending();
    }
    t.app.get(AuditVerifier).segmentLinks = 8n;
    pool = t.app.get(AuditWorkerPool);
  });
  afterAll(async () => {
    if (!closed) await t.close();
  });

  it('starts no thread before the first verification or export', () => {
    expect(pool.threads).toBe(0);
  });

  it('detects a tampered entry in a segment verified on a worker thread', async () => {
    const intact = await verify();
    expect(intact.status).toBe(200);
    expect(intact.body).toMatchObject({ ok: true, firstBreak: null });
    expect(pool.threads).toBeGreaterThan(0);

    const [{ seq, event_id }] = (
      await t.ownerQuery(
        `SELECT seq::text AS seq, event_id::text AS event_id FROM audit_chain ORDER BY seq OFFSET 20 LIMIT 1`,
      )
    ).rows;
    await t.ownerQuery(
      `BEGIN; SET LOCAL session_replication_role = replica; UPDATE audit_event SET route = '/tampered' WHERE id = ${event_id}; COMMIT`,
    );
    try {
      const report = await verify();
      expect(report.status).toBe(200);
      expect(report.body.ok).toBe(false);
      expect(report.body.firstBreak).toMatchObject({ kind: 'entry_modified', seq, eventId: event_id });
      expect(report.body.checkedEntries).toBe(Number(seq) - 1);
    } finally {
      await t.ownerQuery(
        `BEGIN; SET LOCAL session_replication_role = replica; UPDATE audit_event SET route = '/agencies' WHERE id = ${event_id}; COMMIT`,
      );
    }
    expect((await verify()).body).toMatchObject({ ok: true });
  });

  it('fails the jobs of a thread that crashes with a 503 problem, and replaces the thread', async () => {
    // A pool of its own, so the crash hits the thread that holds the segment.
    const own = new AuditWorkerPool();
    try {
      const segment = own.openSegment(0n, 10n);
      expect(own.crashOneForTests()).toBe(true);
      const failure = await segment.finish().then(
        () => undefined,
        (err: unknown) => err,
      );
      segment.finished();
      expect(failure).toBeInstanceOf(DomainError);
      expect(failure).toMatchObject({ code: 'SERVICE_UNAVAILABLE', status: 503 });
      expect(await threadsAtMost(own, 0)).toBe(0);
      // The next job starts a new thread.
      expect(await own.checkpointSignatures([], new Map())).toEqual([]);
      expect(own.threads).toBe(1);
    } finally {
      await own.close();
    }
    expect(own.threads).toBe(0);
  });

  it('survives a crashed thread in the app: the next verification and export succeed', async () => {
    const before = pool.threads;
    expect(pool.crashOneForTests()).toBe(true);
    await threadsAtMost(pool, before - 1);
    const report = await verify();
    expect(report.status).toBe(200);
    expect(report.body).toMatchObject({ ok: true });
    const file = await t.http.get('/audit/export?format=ndjson').set(auditor.auth).buffer(true);
    expect(file.status).toBe(200);
    expect(String(file.text).trim().split('\n').at(-1)).toContain('"type":"manifest"');
  });

  it('answers a 503 problem, not a hang, when no thread can take the work', async () => {
    const threads = pool.threadIds;
    expect(threads.length).toBeGreaterThan(0);
    await pool.close();
    expect(pool.threads).toBe(0);
    const res = await verify();
    expect(res.status).toBe(503);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.code).toBe('SERVICE_UNAVAILABLE');
    const exp = await t.http.get('/audit/export?format=ndjson').set(auditor.auth);
    expect(exp.status).toBe(503);
    expect(exp.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(exp.headers['content-disposition']).toBeUndefined();
  });

  it('leaves no worker thread running once the app is closed', async () => {
    // A fresh app's pool, used, then closed with the app.
    const other = await startTestApp();
    const otherPool = other.app.get(AuditWorkerPool);
    const g = given(other);
    const agency = await g.agency();
    const otherAuditor = await g.session(await g.user(agency, ['auditor']));
    expect((await other.http.get('/audit/verify').set(otherAuditor.auth)).status).toBe(200);
    expect(otherPool.threads).toBeGreaterThan(0);
    await other.close();
    expect(otherPool.threads).toBe(0);
    await t.close();
    closed = true;
    expect(pool.threads).toBe(0);
  });
});
