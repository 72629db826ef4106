import { call, deploy, type Deployment, startApi } from '../harness/spawned-api.js';

/**
 * A job whose completion loses its database connection (the server restarted or cut it) must
 * not end the API. Found by a run of the suite with both cores busy: reliability.spec.ts stopped
 * the database while a referral-expiry job was completing, graphile-worker left the failed
 * completion as a rejected promise nobody awaited, and Node ended the process. Here the cut is
 * made on purpose: every completion waits in a trigger, and the test terminates that backend as
 * a database restart would.
 */
describe('the job queue when a job completion loses its connection', () => {
  let d: Deployment;
  beforeAll(async () => {
    d = await deploy();
  }, 300_000);
  afterAll(() => d.close(), 120_000);

  const sleepingCompletions = async () =>
    (
      await d.owner.query<{ pid: number }>(
        `SELECT pid FROM pg_stat_activity
          WHERE wait_event = 'PgSleep' AND query ILIKE '%delete from%_private_jobs%'`,
      )
    ).rows.map((r) => r.pid);

  async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 120_000): Promise<T> {
    const t0 = Date.now();
    for (;;) {
      const value = await probe();
      if (value !== undefined) return value;
      if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it('keeps the API serving, starts the queue again, hands back the interrupted job, and completes jobs', async () => {
    // The referral-expiry job every 500 ms: a steady supply of completions to cut.
    const api = await startApi(d, { REFERRAL_EXPIRY_INTERVAL_MS: '500' });
    try {
      // While test_hold has a row, every completion waits in a trigger (short sleeps, so letting
      // them go needs no lock that the waiting ones hold).
      await d.owner.query('CREATE TABLE public.test_hold (held boolean)');
      await d.owner
        .query(`CREATE FUNCTION public.test_hold_completion() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS $$
        BEGIN
          FOR i IN 1..3000 LOOP
            EXIT WHEN NOT EXISTS (SELECT 1 FROM public.test_hold);
            PERFORM pg_sleep(0.1);
          END LOOP;
          RETURN OLD;
        END $$`);
      await d.owner.query(`CREATE TRIGGER test_hold_completion BEFORE DELETE ON job_queue._private_jobs
        FOR EACH ROW EXECUTE FUNCTION public.test_hold_completion()`);
      await d.owner.query('INSERT INTO public.test_hold VALUES (true)');

      const [pid] = await until('a completion held in the trigger', async () => {
        const pids = await sleepingCompletions();
        return pids.length ? pids : undefined;
      });
      const { rows: held } = await d.owner.query<{ id: string }>(
        'SELECT id::text FROM job_queue._private_jobs WHERE locked_by IS NOT NULL',
      );
      expect(held.length).toBeGreaterThan(0);
      await d.owner.query('SELECT pg_terminate_backend($1)', [pid]);
      await d.owner.query('DELETE FROM public.test_hold');

      // The queue's runner stops (the job's state is unknown to it) and is started again.
      await until('the runner to start again', async () => {
        if (api.child.exitCode !== null)
          throw new Error(`the API ended (exit ${api.child.exitCode}):\n${api.output().slice(-3000)}`);
        return /starting it again/.test(api.output()) ? true : undefined;
      });
      // The interrupted job is handed back (unlocked) at once, not after graphile-worker's
      // four-hour lock expiry; a recurring job has used its single attempt and stays for
      // inspection, the next run is already queued.
      await until('the interrupted jobs to be unlocked', async () => {
        const { rows } = await d.owner.query(
          'SELECT 1 FROM job_queue._private_jobs WHERE id = ANY($1::bigint[]) AND locked_by IS NOT NULL',
          [held.map((h) => h.id)],
        );
        return rows.length === 0 ? true : undefined;
      });
      // And the new workers complete jobs again: a job waiting now is gone soon after.
      const { rows: waiting } = await d.owner.query<{ id: string }>(
        'SELECT id::text FROM job_queue._private_jobs WHERE locked_by IS NULL AND attempts < max_attempts',
      );
      expect(waiting.length).toBeGreaterThan(0);
      await until('a waiting job to be completed', async () => {
        const { rows } = await d.owner.query('SELECT id FROM job_queue._private_jobs WHERE id = ANY($1::bigint[])', [
          waiting.map((w) => w.id),
        ]);
        return rows.length < waiting.length ? true : undefined;
      });
      expect(api.child.exitCode).toBeNull();
      expect((await call(api, 'GET', '/health/ready', {})).status).toBe(200);
      expect(api.output()).not.toMatch(/Unhandled|UnhandledPromiseRejection|Node\.js v\d/);
    } finally {
      await api.stop();
    }
  }, 300_000);
});
