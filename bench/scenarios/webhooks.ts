import http from 'node:http';
import { uuidv7 } from '../../src/common/uuid.js';
import type { LoadResult } from '../lib/load.js';
import { type Started } from '../lib/processes.js';
import { log, percentile, round, sleep } from '../lib/util.js';
import { caseRead, type Ctx, type Samples, startApi, type Target } from '../scenarios.js';

/**
 * Partner webhooks, end to end: return notices created through the API become
 * `return-notice.received` events, which two API replicas deliver to real HTTP receivers on
 * loopback. Loopback receivers are refused in production (WEBHOOK_ALLOW_LOOPBACK), so these
 * replicas run with NODE_ENV=development and every production secret still given; nothing
 * else in the API depends on NODE_ENV.
 */

const EVENT_TYPE = 'return-notice.received';
const HEALTHY_RECEIVERS = 5;
const DRAIN_TIMEOUT_MS = 15 * 60_000;

/** A receiver on loopback that notes when each delivery arrived (this process's clock). */
interface Receiver {
  url: string;
  /** Arrival time (performance.now) of each delivery, by return notice id (the event's subject). */
  arrivals: Map<string, number[]>;
  /** webhook-id of every delivery received, repeats included. */
  webhookIds: string[];
  close(): Promise<void>;
}

type Behaviour = 'ok' | 'fail' | 'hang';

function startReceiver(behaviour: Behaviour): Promise<Receiver> {
  const arrivals = new Map<string, number[]>();
  const webhookIds: string[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const at = performance.now();
      if (behaviour === 'hang') return; // the sender's timeout ends it
      if (behaviour === 'fail') {
        res.writeHead(500).end();
        return;
      }
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { subject?: { id?: string } };
      const subject = body.subject?.id ?? '';
      arrivals.set(subject, [...(arrivals.get(subject) ?? []), at]);
      webhookIds.push(String(req.headers['webhook-id']));
      res.writeHead(204).end();
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      resolve({
        url: `http://127.0.0.1:${port}/hooks`,
        arrivals,
        webhookIds,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    }),
  );
}

export interface WebhookBenchResult {
  replicas: number;
  /** Deliveries of events created at a steady pace while the case read runs at full load. */
  underLoad: {
    caseRead: LoadResult;
    events: number;
    deliveries: number;
    latencyMs: { p50: number; p95: number; p99: number; max: number };
    undelivered: number;
  };
  /** A burst through both replicas, one of them killed with SIGKILL half-way and started again. */
  burst: {
    events: number;
    subscribers: number;
    createFailures: number;
    createSeconds: number;
    killedAfterEvents: number;
    drainSeconds: number;
    /** From the last create's answer until every healthy subscriber has every event. */
    drainAfterCreatesSeconds: number;
    deliveriesPerS: number;
    /** Most deliveries to the healthy subscribers in any one second of the burst. */
    peakDeliveriesPerS: number;
    lost: number;
    duplicates: number;
    latencyMs: { p50: number; p95: number; max: number };
    /** Two more subscribers: one answers 500, one never answers. */
    failingAttempts: number;
  };
  notes: string[];
}

interface Staff {
  admin: string;
  officer: string;
}

/** The agency's administrator (webhook.manage) and facility officer (return notices), as bench users. */
async function staffOf(t: Target): Promise<Staff> {
  const agencyId = t.meta.actors.agencies[0]!.id;
  const email = `agency-admin@${t.meta.actors.agencies[0]!.code.toLowerCase()}.bench.example`;
  // Bench data set-up, as bench/generate.ts does for every other bench user.
  const { rows } = await t.owner.query<{ id: string }>(
    `INSERT INTO app_user (id, agency_id, email, display_name, roles, password_hash)
     SELECT $1, $2, $3, 'Bench agency admin', ARRAY['agency_admin'], password_hash FROM app_user LIMIT 1
     ON CONFLICT DO NOTHING RETURNING id`,
    [uuidv7(), agencyId, email],
  );
  const adminId =
    rows[0]?.id ??
    (await t.owner.query<{ id: string }>(`SELECT id FROM app_user WHERE email = $1`, [email])).rows[0]!.id;
  return {
    admin: await t.mint.bearer({ id: adminId, agencyId, roles: ['agency_admin'] }),
    officer: await t.mint.bearer({
      id: t.meta.actors.facilityOfficers[0]!,
      agencyId,
      roles: ['facility_officer'],
    }),
  };
}

async function api(base: string, method: string, p: string, auth: string, body?: unknown) {
  const res = await fetch(`${base}${p}`, {
    method,
    headers: { authorization: auth, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(60_000),
  });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

const today = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Vientiane' }).format(new Date());
const noticeBody = () => ({
  hostCountry: 'TH',
  hostAgency: 'MSDHS Thailand',
  borderCrossingCode: 'FRIENDSHIP_BRIDGE_1',
  expectedOn: today(),
  peopleCount: 2,
  childrenCount: 0,
});

/** Creates one return notice, trying each replica in turn; its id and when its answer came. */
async function createNotice(
  replicas: () => string[],
  first: number,
  officer: string,
): Promise<{ id: string; at: number; failures: number }> {
  let failures = 0;
  for (let attempt = 0; ; attempt++) {
    const all = replicas();
    const base = all[(first + attempt) % all.length]!;
    try {
      const r = await api(base, 'POST', '/return-notices', officer, noticeBody());
      if (r.status === 201) return { id: String(r.body.id), at: performance.now(), failures };
      failures++;
    } catch {
      failures++; // the replica is gone: the client tries another, as a partner would
    }
    if (attempt > 50) throw new Error('return notices could not be created on any replica');
    await sleep(100);
  }
}

async function subscribe(base: string, admin: string, url: string): Promise<string> {
  const r = await api(base, 'POST', '/webhooks', admin, { url, eventTypes: [EVENT_TYPE] });
  if (r.status !== 201) throw new Error(`POST /webhooks answered ${r.status}`);
  return String(r.body.id);
}

const latencies = (receivers: Receiver[], createdAt: Map<string, number>) =>
  receivers.flatMap((r) =>
    [...createdAt].flatMap(([id, at]) => {
      const first = r.arrivals.get(id)?.[0];
      return first === undefined ? [] : [Math.max(0, first - at)];
    }),
  );

const summary = (unsorted: number[]) => {
  const xs = [...unsorted].sort((a, b) => a - b);
  return {
    p50: round(percentile(xs, 50)),
    p95: round(percentile(xs, 95)),
    p99: round(percentile(xs, 99)),
    max: round(xs.at(-1) ?? 0),
  };
};

async function waitUntil(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await sleep(100);
  }
  return true;
}

export async function webhookDeliveries(
  ctx: Ctx,
  t: Target,
  samples: Samples,
  burstEvents: number,
): Promise<WebhookBenchResult> {
  const notes: string[] = [];
  const env = { NODE_ENV: 'development', WEBHOOK_ALLOW_LOOPBACK: 'true' };
  const start = (label: string) => startApi(ctx, t.db, label, [], env);
  const replicas: Started[] = [await start('webhooks-a'), await start('webhooks-b')];
  const urls = () => replicas.map((r) => r.url);
  const receivers: Receiver[] = [];
  const subscriptions: string[] = [];
  try {
    const staff = await staffOf(t);
    // An interrupted earlier run may have left subscriptions to receivers long closed: their
    // pending deliveries would load every later scenario on this database.
    const left = await api(urls()[0]!, 'GET', '/webhooks', staff.admin);
    for (const s of (left.body as unknown as { id: string }[] | undefined) ?? [])
      await api(urls()[0]!, 'DELETE', `/webhooks/${s.id}`, staff.admin);
    for (let i = 0; i < HEALTHY_RECEIVERS; i++) {
      const r = await startReceiver('ok');
      receivers.push(r);
      subscriptions.push(await subscribe(urls()[0]!, staff.admin, r.url));
    }

    // 1. Event to delivery while the case read runs at full load on replica A.
    log('  webhooks: deliveries while GET /cases/{id} runs at full load');
    const paced = new Map<string, number>();
    let pacing = true;
    const pace = (async () => {
      while (pacing) {
        const next = performance.now() + 200;
        const n = await createNotice(() => [urls()[1]!], 0, staff.officer);
        paced.set(n.id, n.at);
        await sleep(Math.max(0, next - performance.now()));
      }
    })();
    const aOnly: Target = { ...t, api: replicas[0] };
    const load = await caseRead(ctx, aOnly, samples, 'GET /cases/{id} while webhooks are delivered');
    pacing = false;
    await pace;
    await waitUntil(() => receivers.every((r) => [...paced.keys()].every((id) => r.arrivals.has(id))), 60_000);
    const underLoad = latencies(receivers, paced);
    const expectedUnderLoad = paced.size * receivers.length;

    // 2. A burst through both replicas; one killed half-way. Two more subscribers misbehave.
    const failing = await startReceiver('fail');
    const hanging = await startReceiver('hang');
    receivers.push(failing, hanging);
    subscriptions.push(await subscribe(urls()[0]!, staff.admin, failing.url));
    subscriptions.push(await subscribe(urls()[0]!, staff.admin, hanging.url));
    log(`  webhooks: a burst of ${burstEvents} events, 16 clients, replica B killed half-way`);
    const healthy = receivers.slice(0, HEALTHY_RECEIVERS);
    const sinceDb = (await t.owner.query<{ now: Date }>('SELECT now() AS now')).rows[0]!.now;
    const burst = new Map<string, number>();
    let createFailures = 0;
    let issued = 0;
    let killedAfter = -1;
    let restarting: Promise<void> | undefined;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: 16 }, async (_, client) => {
        while (issued < burstEvents) {
          issued++;
          const n = await createNotice(urls, client, staff.officer);
          burst.set(n.id, n.at);
          createFailures += n.failures;
          if (killedAfter < 0 && burst.size >= burstEvents / 2) {
            killedAfter = burst.size;
            const b = replicas[1]!;
            process.kill(b.pid, 'SIGKILL');
            replicas.splice(1, 1);
            restarting = (async () => {
              await b.exited;
              replicas.push(await start('webhooks-b-restarted'));
            })();
          }
        }
      }),
    );
    const createSeconds = (performance.now() - t0) / 1000;
    await restarting;
    const expected = (
      await t.owner.query<{ id: string }>(
        `SELECT id FROM domain_event WHERE type = $1 AND occurred_at >= $2 AND $3 = ANY (agency_ids)`,
        [EVENT_TYPE, sinceDb, t.meta.actors.agencies[0]!.id],
      )
    ).rows.map((r) => r.id);
    // Every receiver's ids so far, kept as a set while it grows (the check runs every 100 ms).
    const seen = healthy.map(() => new Set<string>());
    const read = healthy.map(() => 0);
    const delivered = () =>
      healthy.every((r, i) => {
        for (; read[i]! < r.webhookIds.length; read[i]!++) seen[i]!.add(r.webhookIds[read[i]!]!);
        return expected.every((id) => seen[i]!.has(id));
      });
    const drained = await waitUntil(delivered, DRAIN_TIMEOUT_MS);
    const drainedAt = performance.now();
    const drainSeconds = (drainedAt - t0) / 1000;
    const lastCreate = Math.max(...burst.values());
    const perSecond = new Map<number, number>();
    for (const r of healthy)
      for (const id of burst.keys())
        for (const at of r.arrivals.get(id) ?? []) {
          const k = Math.floor((at - t0) / 1000);
          perSecond.set(k, (perSecond.get(k) ?? 0) + 1);
        }
    if (!drained) notes.push(`not every delivery arrived within ${DRAIN_TIMEOUT_MS / 60_000} minutes`);
    if (expected.length !== burst.size)
      notes.push(`${expected.length} events for ${burst.size} acknowledged notices (a retried create may add one)`);
    const lost = healthy.reduce((sum, r) => {
      const got = new Set(r.webhookIds);
      return sum + expected.filter((id) => !got.has(id)).length;
    }, 0);
    const duplicates = healthy.reduce((sum, r) => sum + r.webhookIds.length - new Set(r.webhookIds).size, 0);
    const burstLatency = latencies(healthy, burst);
    const failingAttempts = (
      await t.owner.query<{ n: string }>(
        `SELECT coalesce(sum(attempts), 0) AS n FROM webhook_delivery WHERE subscription_id = ANY ($1)`,
        [subscriptions.slice(HEALTHY_RECEIVERS)],
      )
    ).rows[0]!.n;
    return {
      replicas: 2,
      underLoad: {
        caseRead: load,
        events: paced.size,
        deliveries: underLoad.length,
        latencyMs: summary(underLoad),
        undelivered: expectedUnderLoad - underLoad.length,
      },
      burst: {
        events: expected.length,
        subscribers: HEALTHY_RECEIVERS,
        createFailures,
        createSeconds: round(createSeconds),
        killedAfterEvents: killedAfter,
        drainSeconds: round(drainSeconds),
        drainAfterCreatesSeconds: round(Math.max(0, drainedAt - lastCreate) / 1000),
        peakDeliveriesPerS: Math.max(0, ...perSecond.values()),
        deliveriesPerS: round((expected.length * HEALTHY_RECEIVERS) / drainSeconds),
        lost,
        duplicates,
        latencyMs: (({ p50, p95, max }) => ({ p50, p95, max }))(summary(burstLatency)),
        failingAttempts: Number(failingAttempts),
      },
      notes,
    };
  } finally {
    // Subscriptions go, so later runs on this database deliver nothing to receivers long closed.
    const admin = await staffOf(t).then((s) => s.admin);
    for (const id of subscriptions) await api(urls()[0]!, 'DELETE', `/webhooks/${id}`, admin).catch(() => undefined);
    for (const r of replicas) await r.stop(30_000);
    for (const r of receivers) await r.close();
  }
}
