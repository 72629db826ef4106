import { localToday } from '../harness/dates.js';
import {
  type Api,
  call,
  deploy,
  type Deployment,
  login,
  postWithRetries,
  seedStaff,
  startApi,
} from '../harness/spawned-api.js';
import { type Receiver, startReceiver } from './receivers.js';

/**
 * Process-level: production builds of the API as replicas on one database, delivering to
 * real receivers on loopback.
 */
describe('webhook deliveries across replicas', () => {
  let d: Deployment;
  const receivers: Receiver[] = [];
  const apis: Api[] = [];
  const env = {
    WEBHOOK_ALLOW_LOOPBACK: 'true',
    WEBHOOK_RETRY_BASE_MS: '500',
    EVENTS_SCHEDULE_INTERVAL_MS: '0',
  };

  beforeAll(async () => {
    d = await deploy();
  }, 300_000);
  afterAll(async () => {
    for (const api of apis) await api.stop('SIGKILL').catch(() => undefined);
    for (const r of receivers) await r.close();
    await d.close();
  });

  const start = async (extra: Record<string, string> = {}) => {
    const api = await startApi(d, { ...env, ...extra });
    apis.push(api);
    return api;
  };

  const subscribe = async (api: Api, admin: Record<string, string>, r: Receiver) => {
    const sub = await call(api, 'POST', '/webhooks', admin, { url: r.url, eventTypes: ['return-notice.received'] });
    expect(sub.status).toBe(201);
    return sub.body.id as string;
  };

  /** An agency with an administrator and a caseworker, five receivers subscribed to its return notices. */
  async function agencyWithReceivers(api: Api, delayMs: number) {
    const staff = await seedStaff(api, [['agency_admin'], ['caseworker']]);
    const admin = await login(api, staff.users[0]!.email);
    const caseworker = await login(api, staff.users[1]!.email);
    const mine: Receiver[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await startReceiver();
      r.delayMs = delayMs;
      receivers.push(r);
      mine.push(r);
      await subscribe(api, admin, r);
    }
    return { admin, caseworker, receivers: mine };
  }

  // Bursts of creates on a busy machine may meet a 503 (database too slow): retried as a client would.
  const notice = (api: Api, auth: Record<string, string>) =>
    postWithRetries(api, '/return-notices', auth, {
      hostCountry: 'TH',
      hostAgency: 'MSDHS Thailand',
      borderCrossingCode: 'FRIENDSHIP_BRIDGE_1',
      expectedOn: localToday(),
      peopleCount: 2,
      childrenCount: 0,
    });

  const eventIdsOf = async (api: Api, auth: Record<string, string>) => {
    const ids: string[] = [];
    let after = '';
    for (;;) {
      const page = await call(api, 'GET', `/events?type=return-notice.received&limit=500${after}`, auth);
      ids.push(...page.body.items.map((e: { id: string }) => e.id));
      if (!page.body.next) return ids;
      after = `&after=${page.body.next}`;
    }
  };

  const waitFor = async (check: () => boolean, ms = 180_000) => {
    const t0 = Date.now();
    while (!check() && Date.now() - t0 < ms) await new Promise((r) => setTimeout(r, 200));
  };

  it('two API processes on one database deliver each event to each of five subscribers exactly once', async () => {
    const [a, b] = [await start(), await start()];
    const { admin, caseworker, receivers: five } = await agencyWithReceivers(a, 0);
    const N = 40;
    const created = await Promise.all(Array.from({ length: N }, (_, i) => notice(i % 2 ? b : a, caseworker)));
    expect(created.map((c) => c.status)).toEqual(Array(N).fill(201));
    const ids = await eventIdsOf(a, admin);
    expect(ids).toHaveLength(N);
    await waitFor(() => five.every((r) => r.accepted.length >= N));
    // A little longer: a duplicate would show up now.
    await new Promise((r) => setTimeout(r, 2000));
    for (const r of five) {
      const got = r.accepted.map((x) => x.headers['webhook-id'] as string);
      expect(got.sort()).toEqual([...ids].sort());
    }
    await Promise.all([a.stop(), b.stop()]);
  }, 600_000);

  it('a kill -9 of a replica in the middle of deliveries loses no event, beside a receiver answering 500 and one that hangs', async () => {
    const [a, b] = [await start(), await start()];
    // Slow receivers keep deliveries in flight when the replica dies.
    const { admin, caseworker, receivers: five } = await agencyWithReceivers(a, 150);
    const failing = await startReceiver('fail');
    const hanging = await startReceiver('hang');
    receivers.push(failing, hanging);
    for (const r of [failing, hanging]) await subscribe(a, admin, r);
    const N = 30;
    const created = await Promise.all(Array.from({ length: N }, () => notice(a, caseworker)));
    expect(created.map((c) => c.status)).toEqual(Array(N).fill(201));
    await waitFor(() => five.some((r) => r.received.length >= 3), 120_000);
    a.child.kill('SIGKILL');
    await a.exited;
    const ids = await eventIdsOf(b, admin);
    expect(ids).toHaveLength(N);
    // The survivor takes over the dead replica's jobs once its heartbeat is silent.
    await waitFor(() => five.every((r) => new Set(r.accepted.map((x) => x.headers['webhook-id'])).size >= N));
    for (const r of five) {
      const got = new Set(r.accepted.map((x) => x.headers['webhook-id'] as string));
      expect([...got].sort()).toEqual([...ids].sort());
    }
    // The misbehaving receivers were tried too (and are retried on their schedule).
    expect(failing.received.length).toBeGreaterThanOrEqual(1);
    expect(hanging.received.length).toBeGreaterThanOrEqual(1);
    await b.stop();
  }, 600_000);

  it('a receiver that hangs holds at most 16 requests open, and meanwhile the others get every event', async () => {
    // A long timeout keeps the hanging receiver's requests open for the whole test.
    const a = await start({ WEBHOOK_TIMEOUT_MS: '60000' });
    const { admin, caseworker, receivers: five } = await agencyWithReceivers(a, 0);
    const failing = await startReceiver('fail');
    const hanging = await startReceiver('hang');
    receivers.push(failing, hanging);
    const hangingId = await subscribe(a, admin, hanging);
    const failingId = await subscribe(a, admin, failing);
    const N = 40;
    const created = await Promise.all(Array.from({ length: N }, () => notice(a, caseworker)));
    expect(created.map((c) => c.status)).toEqual(Array(N).fill(201));
    await waitFor(() => five.every((r) => r.accepted.length >= N) && hanging.openRequests >= 16);
    // Every healthy subscriber has every event while the hanging one still holds its requests:
    // it never had more than 16 open (requests in flight per subscriber), and more than one.
    for (const r of five) expect(new Set(r.accepted.map((x) => x.headers['webhook-id'])).size).toBe(N);
    expect(hanging.openRequests).toBe(16);
    expect(hanging.maxOpenRequests).toBe(16);
    expect(failing.received.length).toBeGreaterThanOrEqual(1);
    // The delivery log: nothing delivered to either, every delivery still pending (retried later).
    const log = async (id: string) => (await call(a, 'GET', `/webhooks/${id}/deliveries?limit=100`, admin)).body;
    expect((await log(hangingId)).map((d: { status: string }) => d.status)).toEqual(Array(N).fill('pending'));
    const failed = await log(failingId);
    expect(failed.every((d: { status: string }) => d.status === 'pending')).toBe(true);
    expect(failed.some((d: { lastStatusCode: number | null }) => d.lastStatusCode === 500)).toBe(true);
    await a.stop();
  }, 600_000);
});
