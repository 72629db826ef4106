import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { type Checkpoint, checkCheckpoints } from '../src/audit/audit-chain.js';
import { AuditSigner } from '../src/audit/audit-signing.js';
import { poolCopyStream, verifyChainSpan } from '../src/audit/audit-verifier.service.js';
import { AuditWorkerPool } from '../src/audit/audit-workers.js';
import { findChainNeighbours } from '../src/audit/audit.queries.js';
import { freeLocalPort } from '../src/start-up/embedded-postgres.js';
import { CONSENT_ITEMS } from '../src/reference-data/data/code-lists.js';
import { PROVINCES } from '../src/reference-data/data/provinces.js';
import { adultLabourCodes, FAMILY_NAMES, GIVEN_NAMES, type GeneratedMeta } from './generate.js';
import type { BenchUser, TokenMint } from './lib/auth.js';
import type { BenchCluster } from './lib/cluster.js';
import { CpuMeter } from './lib/cpu.js';
import { type LoadResult, runLoad } from './lib/load.js';
import type { BenchOptions } from './lib/options.js';
import { type Started, startNode } from './lib/processes.js';
import { log, pick, rng, round, rssOf, rssSampler, sleep } from './lib/util.js';

export interface Paths {
  mainJs: string;
  baselineNestJs: string;
  baselinePgJs: string;
  workDir: string;
  logDir: string;
}

/** One generated database and the API process serving it. */
export interface Target {
  db: string;
  meta: GeneratedMeta;
  owner: pg.Pool;
  mint: TokenMint;
  api?: Started;
}

export interface Ctx {
  o: BenchOptions;
  bc: BenchCluster;
  paths: Paths;
}

const random = rng(42);

/** CPU of the server under test (API or baseline), PostgreSQL and the load generator. */
const meter = (ctx: Ctx, pid: () => number | undefined) => new CpuMeter(pid, path.join(ctx.bc.pgDir, 'postmaster.pid'));
const SCREENING_ANSWERS = 60;

// --- processes ---------------------------------------------------------------------------

/** The API environment: production mode, every secret given, the databases of the benchmark cluster. */
export function apiEnv(ctx: Ctx, db: string, extra: Record<string, string> = {}): Record<string, string> {
  const k = ctx.bc.keys;
  return {
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    DATABASE_URL: ctx.bc.appUrl(db),
    DATABASE_OWNER_URL: ctx.bc.ownerUrl(db),
    DATA_DIR: path.join(ctx.paths.workDir, `api-data-${db}`),
    LOG_LEVEL: ctx.o.logLevel,
    AUTH_RATE_LIMIT_PER_MINUTE: String(ctx.o.authRateLimit),
    // The login scenarios stand for many client addresses behind one reverse proxy.
    TRUST_PROXY_HOPS: '1',
    // A few minted users make thousands of requests a second: budgets no scenario reaches, so the
    // figures include the cost of counting every request but never a refusal.
    RATE_LIMIT_USER_PER_MINUTE: '1000000',
    RATE_LIMIT_IP_PER_MINUTE: '10000000',
    RATE_LIMIT_HEAVY_USER_PER_MINUTE: '1000000',
    RATE_LIMIT_HEAVY_IP_PER_MINUTE: '10000000',
    ENCRYPTION_KEYS: k.encryptionKeys,
    BLIND_INDEX_KEY: k.blindIndexKey,
    JWT_SECRET: k.jwtSecret,
    AUDIT_SIGNING_KEY: k.auditSigningKeyPem,
    ...ctx.o.apiEnv,
    ...extra,
  };
}

/** The non-secret part of the API configuration, for the results. */
export function apiConfigSummary(ctx: Ctx): Record<string, string> {
  const env = apiEnv(ctx, 'db');
  const shown = [
    'NODE_ENV',
    'LOG_LEVEL',
    'AUTH_RATE_LIMIT_PER_MINUTE',
    'TRUST_PROXY_HOPS',
    'RATE_LIMIT_USER_PER_MINUTE',
    'RATE_LIMIT_IP_PER_MINUTE',
  ];
  return {
    ...Object.fromEntries(shown.map((k) => [k, env[k]!])),
    DATABASE_POOL_SIZE: '10 (default)',
    AUDIT_SEAL_INTERVAL_MS: '1000 (default)',
    DATABASE_STATEMENT_TIMEOUT_MS: '15000 (default)',
  };
}

export async function startApi(
  ctx: Ctx,
  db: string,
  label: string,
  nodeArgs: string[] = [],
  extraEnv: Record<string, string> = {},
): Promise<Started> {
  return startNode({
    entry: ctx.paths.mainJs,
    env: apiEnv(ctx, db, extraEnv),
    readyPath: '/health/ready',
    logFile: path.join(ctx.paths.logDir, `api-${label}.log`),
    nodeArgs,
    readyTimeoutMs: 120_000,
  });
}

// --- data the scenarios pick from ----------------------------------------------------------

export interface Samples {
  /** Per agency index: cases it leads (its supervisor sees them in full). */
  casesByAgency: string[][];
  /** Per agency index: adults screened by its screener (adult_labour screenings). */
  adultsByAgency: string[][];
}

export async function loadSamples(t: Target, perAgency = 2000): Promise<Samples> {
  const agencies = t.meta.actors.agencies;
  const casesByAgency: string[][] = [];
  const adultsByAgency: string[][] = [];
  for (const a of agencies) {
    const cases = await t.owner.query<{ id: string }>(
      `SELECT id FROM case_file WHERE lead_agency_id = $1 ORDER BY md5(id::text) LIMIT $2`,
      [a.id, perAgency],
    );
    casesByAgency.push(cases.rows.map((r) => r.id));
    const adults = await t.owner.query<{ id: string }>(
      `SELECT DISTINCT s.person_id AS id FROM screening s WHERE s.agency_id = $1 AND s.profile = 'adult_labour' AND s.person_id IS NOT NULL LIMIT 300`,
      [a.id],
    );
    adultsByAgency.push(adults.rows.map((r) => r.id));
  }
  return { casesByAgency, adultsByAgency };
}

const supervisor = (t: Target, a: number): BenchUser => ({
  id: t.meta.actors.supervisors[a]!,
  agencyId: t.meta.actors.agencies[a]!.id,
  roles: ['case_supervisor'],
});
const screener = (t: Target, a: number): BenchUser => ({
  id: t.meta.actors.screeners[a]!,
  agencyId: t.meta.actors.agencies[a]!.id,
  roles: ['screener'],
});

async function bearers(t: Target, users: BenchUser[]): Promise<string[]> {
  const out: string[] = [];
  for (const u of users) out.push(await t.mint.bearer(u));
  return out;
}

/** Agencies that lead at least one case (weights follow how many cases each leads). */
function agencyPicker(samples: string[][]): () => number {
  const usable = samples.map((s, i) => [i, s.length] as const).filter(([, n]) => n > 0);
  if (!usable.length) throw new Error('no agency leads a case');
  const total = usable.reduce((s, [, n]) => s + n, 0);
  return () => {
    let x = random() * total;
    for (const [i, n] of usable) {
      x -= n;
      if (x < 0) return i;
    }
    return usable[usable.length - 1]![0];
  };
}

// --- server-side timing from the audit trail ----------------------------------------------

/** Every request writes its duration into its access entry: the server's own view of the latency. */
async function serverDurations(
  t: Target,
  route: string,
  since: Date,
): Promise<{ entries: number; p50: number; p95: number; p99: number } | undefined> {
  const r = await t.owner.query<{ n: string; p50: number; p95: number; p99: number }>(
    `SELECT count(*) AS n, percentile_cont(0.5) WITHIN GROUP (ORDER BY duration_ms) AS p50,
            percentile_cont(0.95) WITHIN GROUP (ORDER BY duration_ms) AS p95, percentile_cont(0.99) WITHIN GROUP (ORDER BY duration_ms) AS p99
       FROM audit_event WHERE occurred_at >= $1 AND route = $2 AND category = 'access'`,
    [since, route],
  );
  const row = r.rows[0];
  return row && Number(row.n) > 0
    ? { entries: Number(row.n), p50: round(row.p50), p95: round(row.p95), p99: round(row.p99) }
    : undefined;
}

// --- baselines --------------------------------------------------------------------------------

export async function baselineNest(ctx: Ctx): Promise<LoadResult> {
  const proc = await startNode({
    entry: ctx.paths.baselineNestJs,
    env: { NODE_ENV: 'production' },
    readyPath: '/ping',
    logFile: path.join(ctx.paths.logDir, 'baseline-nest.log'),
  });
  try {
    return await runLoad('baseline A (bare NestJS route)', {
      baseUrl: proc.url,
      meter: meter(ctx, () => proc.pid),
      connections: ctx.o.connections,
      duration: ctx.o.duration,
      requests: ctx.o.requests,
      warmup: ctx.o.warmup,
      next: () => ({ path: '/ping' }),
    });
  } finally {
    await proc.stop(3000);
  }
}

export async function baselinePg(ctx: Ctx, t: Target, samples: Samples): Promise<LoadResult> {
  const proc = await startNode({
    entry: ctx.paths.baselinePgJs,
    env: { DATABASE_URL: ctx.bc.ownerUrl(t.db), POOL_SIZE: '10', NODE_ENV: 'production' },
    readyPath: '/health',
    logFile: path.join(ctx.paths.logDir, 'baseline-pg.log'),
  });
  const ids = samples.casesByAgency.flat();
  try {
    return await runLoad('baseline B (node:http + pg, one row by primary key)', {
      baseUrl: proc.url,
      meter: meter(ctx, () => proc.pid),
      connections: ctx.o.connections,
      duration: ctx.o.duration,
      requests: ctx.o.requests,
      warmup: ctx.o.warmup,
      next: () => ({ path: `/cases/${pick(random, ids)}` }),
    });
  } finally {
    await proc.stop(3000);
  }
}

// --- API scenarios ----------------------------------------------------------------------------

export type ScenarioResult = LoadResult & { serverMs?: Awaited<ReturnType<typeof serverDurations>>; notes?: string[] };

export async function caseRead(
  ctx: Ctx,
  t: Target,
  samples: Samples,
  label = 'GET /cases/{id}',
  durationS = ctx.o.duration,
  warmupS = ctx.o.warmup,
): Promise<ScenarioResult> {
  const agencies = t.meta.actors.agencies.length;
  const tokens = await bearers(
    t,
    Array.from({ length: agencies }, (_, a) => supervisor(t, a)),
  );
  const pickAgency = agencyPicker(samples.casesByAgency);
  const since = new Date();
  const r = await runLoad(label, {
    baseUrl: t.api!.url,
    meter: meter(ctx, () => t.api?.pid),
    connections: ctx.o.connections,
    duration: durationS,
    requests: ctx.o.requests,
    warmup: warmupS,
    next: () => {
      const a = pickAgency();
      return { path: `/cases/${pick(random, samples.casesByAgency[a]!)}`, headers: { authorization: tokens[a]! } };
    },
  });
  return { ...r, serverMs: await serverDurations(t, '/cases/{id}', since) };
}

export async function caseList(ctx: Ctx, t: Target, samples: Samples, label: string): Promise<ScenarioResult> {
  const agencies = t.meta.actors.agencies.length;
  const tokens = await bearers(
    t,
    Array.from({ length: agencies }, (_, a) => supervisor(t, a)),
  );
  const pickAgency = agencyPicker(samples.casesByAgency);
  const since = new Date();
  const r = await runLoad(label, {
    baseUrl: t.api!.url,
    meter: meter(ctx, () => t.api?.pid),
    connections: 8,
    duration: ctx.o.duration,
    requests: ctx.o.requests,
    warmup: ctx.o.warmup,
    next: () => ({ path: '/cases?limit=50&stage=active', headers: { authorization: tokens[pickAgency()]! } }),
  });
  return { ...r, serverMs: await serverDurations(t, '/cases', since) };
}

export async function personMatch(ctx: Ctx, t: Target, samples: Samples): Promise<ScenarioResult> {
  const agencies = t.meta.actors.agencies.length;
  const tokens = await bearers(
    t,
    Array.from({ length: agencies }, (_, a) => supervisor(t, a)),
  );
  const pickAgency = agencyPicker(samples.casesByAgency);
  const year = new Date().getUTCFullYear();
  const since = new Date();
  const r = await runLoad('POST /persons/matches', {
    baseUrl: t.api!.url,
    meter: meter(ctx, () => t.api?.pid),
    connections: 16,
    duration: ctx.o.duration,
    requests: ctx.o.requests,
    warmup: ctx.o.warmup,
    next: () => ({
      method: 'POST',
      path: '/persons/matches',
      headers: { authorization: tokens[pickAgency()]!, 'content-type': 'application/json' },
      body: JSON.stringify({
        names: { givenNameLatin: pick(random, GIVEN_NAMES), familyNameLatin: pick(random, FAMILY_NAMES) },
        birthYear: year - 20 - Math.floor(random() * 30),
        homeProvinceCode: pick(random, PROVINCES).code,
      }),
    }),
  });
  return { ...r, serverMs: await serverDurations(t, '/persons/matches', since) };
}

export async function screeningCreate(ctx: Ctx, t: Target, samples: Samples): Promise<ScenarioResult> {
  const agencies = samples.adultsByAgency.map((s, a) => [a, s] as const).filter(([, s]) => s.length > 0);
  if (!agencies.length) throw new Error('no screened adult to interview again');
  const tokens = new Map<number, string>();
  for (const [a] of agencies) tokens.set(a, await t.mint.bearer(screener(t, a)));
  const codes = adultLabourCodes();
  const since = new Date();
  const r = await runLoad(`POST /screenings (${SCREENING_ANSWERS} answers)`, {
    baseUrl: t.api!.url,
    meter: meter(ctx, () => t.api?.pid),
    connections: 16,
    duration: ctx.o.duration,
    requests: ctx.o.requests,
    warmup: ctx.o.warmup,
    next: () => {
      const [a, persons] = pick(random, agencies);
      const answered = [...codes].sort(() => random() - 0.5).slice(0, SCREENING_ANSWERS);
      return {
        method: 'POST',
        path: '/screenings',
        headers: { authorization: tokens.get(a)!, 'content-type': 'application/json' },
        body: JSON.stringify({
          personId: pick(random, persons),
          profile: 'adult_labour',
          conductedAt: new Date(Date.now() - 3600_000).toISOString(),
          place: { type: 'border_crossing', borderCrossingCode: 'FRIENDSHIP_BRIDGE_1' },
          interviewLanguage: 'lao',
          interpreter: { used: false },
          consent: CONSENT_ITEMS.map((item) => ({ item, decision: 'given', givenBy: 'person' })),
          exitMode: 'deportation',
          victimContext: {
            exploitationTypes: ['ForcedLabour'],
            isicSections: ['A'],
            exploitationCountries: ['TH'],
            meansOfControl: ['DebtBondage', 'WithholdsDocuments'],
          },
          immediateNeeds: ['medical', 'shelter'],
          risks: ['debt'],
          answers: answered.map((indicatorCode) => ({
            indicatorCode,
            answer: pick(random, ['yes', 'no', 'no', 'unknown', 'declined']),
          })),
        }),
      };
    },
  });
  return { ...r, serverMs: await serverDurations(t, '/screenings', since) };
}

/** Pending referrals to one receiving agency, made for this run (each accept needs a fresh one). */
async function pendingReferrals(t: Target, receiver: number, count: number): Promise<string[]> {
  const to = t.meta.actors.agencies[receiver]!.id;
  const open = `FROM case_file c WHERE c.lead_agency_id <> $1 AND c.stage NOT IN ('closed', 'closed_referred')`;
  const n = Number((await t.owner.query<{ n: string }>(`SELECT count(*) AS n ${open}`, [to])).rows[0]!.n);
  if (n === 0) throw new Error('no open case led by another agency');
  const r = await t.owner.query<{ id: string }>(
    `WITH src AS MATERIALIZED (
       SELECT c.id, c.lead_agency_id, c.created_by, row_number() OVER (ORDER BY md5(c.id::text)) AS rn ${open}
     ), picked AS (
       SELECT s.*, p.gender FROM generate_series(0, $2 - 1) g JOIN src s ON s.rn = 1 + g % $3 JOIN case_file c ON c.id = s.id JOIN person p ON p.id = c.person_id
     ), ins AS (
       INSERT INTO referral (id, case_id, from_agency_id, to_agency_id, purpose, urgency, status, due_by, profile_gender, profile_age_group, created_by)
       SELECT gen_random_uuid(), id, lead_agency_id, $1, 'psychosocial', 'normal', 'pending', now() + interval '3 days', gender, 'adult', created_by FROM picked
       RETURNING id, case_id
     ), grants AS (
       INSERT INTO case_access_grant (id, case_id, grantee_agency_id, kind, view, reason, source_id)
       SELECT gen_random_uuid(), case_id, $1, 'referral', 'limited', 'referral ' || id, id FROM ins RETURNING 1
     )
     SELECT id FROM ins`,
    [to, count, n],
  );
  return r.rows.map((row) => row.id);
}

export async function referralAccept(ctx: Ctx, t: Target): Promise<ScenarioResult & { prepared: number }> {
  const receiver = 1 % t.meta.actors.agencies.length;
  const connections = 16;
  const wanted = Math.ceil(900 * (ctx.o.duration + ctx.o.warmup)) + 200;
  const ids = await pendingReferrals(t, receiver, wanted);
  const officer: BenchUser = {
    id: t.meta.actors.facilityOfficers[receiver]!,
    agencyId: t.meta.actors.agencies[receiver]!.id,
    roles: ['facility_officer'],
  };
  const token = await t.mint.bearer(officer);
  let next = 0;
  const since = new Date();
  try {
    const r = await runLoad('POST /referrals/{id}/accept', {
      baseUrl: t.api!.url,
      meter: meter(ctx, () => t.api?.pid),
      connections,
      duration: ctx.o.duration,
      requests: ctx.o.requests,
      warmup: ctx.o.warmup,
      exhausted: () => next >= ids.length - connections,
      next: () => ({
        method: 'POST',
        path: `/referrals/${ids[Math.min(next++, ids.length - 1)]}/accept`,
        headers: { authorization: token, 'if-match': '"1"' },
      }),
    });
    const notes =
      next >= ids.length - connections ? [`stopped early: all ${ids.length} prepared referrals were used`] : [];
    return { ...r, prepared: ids.length, notes, serverMs: await serverDurations(t, '/referrals/{id}/accept', since) };
  } finally {
    // The prepared referrals and their access grants go again, so later scenarios (and runs reusing
    // the data) see the generated data set, not one grown by ~10,000 open referrals per run.
    await t.owner.query(`DELETE FROM case_access_grant WHERE source_id = ANY($1::uuid[])`, [ids]);
    await t.owner.query(`DELETE FROM referral WHERE id = ANY($1::uuid[])`, [ids]);
  }
}

export async function auditEvents(ctx: Ctx, t: Target): Promise<ScenarioResult> {
  const a = t.meta.actors.auditor;
  const token = await t.mint.bearer({ id: a.id, agencyId: a.agencyId, roles: ['auditor'] });
  const since = new Date();
  const r = await runLoad('GET /audit/events?limit=50', {
    baseUrl: t.api!.url,
    meter: meter(ctx, () => t.api?.pid),
    connections: 8,
    duration: ctx.o.duration,
    requests: ctx.o.requests,
    warmup: ctx.o.warmup,
    next: () => ({ path: '/audit/events?limit=50', headers: { authorization: token } }),
  });
  return { ...r, serverMs: await serverDurations(t, '/audit/events', since) };
}

/** Login throughput: every request from a new client address, so the per-address limit never caps it. */
export async function login(ctx: Ctx, t: Target): Promise<ScenarioResult> {
  const users = t.meta.actors.loginUsers;
  let n = 0;
  const since = new Date();
  const r = await runLoad('POST /auth/login (argon2id)', {
    baseUrl: t.api!.url,
    meter: meter(ctx, () => t.api?.pid),
    connections: 8,
    duration: ctx.o.duration,
    requests: ctx.o.requests,
    warmup: ctx.o.warmup,
    next: () => {
      n += 1;
      return {
        method: 'POST',
        path: '/auth/login',
        headers: {
          'content-type': 'application/json',
          'x-forwarded-for': `10.${100 + ((n >> 16) & 0x7f)}.${(n >> 8) & 0xff}.${n & 0xff}`,
        },
        body: JSON.stringify({ email: users[n % users.length]!.email, password: t.meta.actors.loginPassword }),
      };
    },
  });
  return { ...r, serverMs: await serverDurations(t, '/auth/login', since) };
}

/**
 * p99 of the audited case read idle, then while `loginClients` client addresses each log in at
 * exactly the per-address rate limit (AUTH_RATE_LIMIT_PER_MINUTE).
 */
export async function caseReadUnderLogin(
  ctx: Ctx,
  t: Target,
  samples: Samples,
): Promise<{ idle: ScenarioResult; loaded: ScenarioResult; logins: LoadResult; loginRatePerS: number }> {
  const idle = await caseRead(ctx, t, samples, 'GET /cases/{id} idle (reference)');
  const users = t.meta.actors.loginUsers;
  const clients = ctx.o.loginClients;
  const rate = Math.max(1, Math.round((clients * ctx.o.authRateLimit) / 60));
  let n = 0;
  const loginLoad = runLoad(
    `POST /auth/login at the rate limit (${clients} addresses x ${ctx.o.authRateLimit}/min = ${rate}/s)`,
    {
      baseUrl: t.api!.url,
      connections: Math.min(clients, rate),
      duration: ctx.o.warmup + ctx.o.duration + 1,
      warmup: 0,
      overallRate: rate,
      next: () => {
        n += 1;
        return {
          method: 'POST',
          path: '/auth/login',
          headers: { 'content-type': 'application/json', 'x-forwarded-for': `10.200.0.${1 + (n % clients)}` },
          body: JSON.stringify({ email: users[n % users.length]!.email, password: t.meta.actors.loginPassword }),
        };
      },
    },
  );
  await sleep(500);
  const loaded = await caseRead(ctx, t, samples, 'GET /cases/{id} while logins run at the rate limit');
  const logins = await loginLoad;
  return { idle, loaded, logins, loginRatePerS: rate };
}

// --- audit export and verification ---------------------------------------------------------------

export interface ExportResult {
  entries: number;
  requestedEntries: number;
  seconds: number;
  entriesPerS: number;
  bytes: number;
  mbPerS: number;
  status: number;
  rssBeforeMiB: number;
  rssPeakMiB: number;
  rssGrowthMiB: number;
  rssSamples: number;
  manifestCount?: number;
  from: string;
  to: string;
  /** When the default configuration failed and this result comes from a second attempt. */
  defaultConfig?: { status: number; seconds: number };
}

/** Exports the most recent `count` generated entries and samples the API's RSS while it streams. */
export async function auditExport(ctx: Ctx, t: Target, count: number): Promise<ExportResult> {
  const layout = t.meta.audit;
  const firstId = layout.count - count + 1;
  const bounds = await t.owner.query<{ from: string; to: string }>(
    `SELECT to_char((SELECT occurred_at FROM audit_event WHERE id = $1) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS from,
            to_char(((SELECT occurred_at FROM audit_event WHERE id = $2) + interval '1 millisecond') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS to`,
    [firstId, layout.count],
  );
  const { from, to } = bounds.rows[0]!;
  const a = t.meta.actors.auditor;
  const token = await t.mint.bearer({ id: a.id, agencyId: a.agencyId, roles: ['auditor'] });
  const api = t.api!;
  await sleep(1500);
  const before = rssOf(api.pid) ?? 0;
  const sampler = rssSampler(api.pid, 20);
  const t0 = performance.now();
  const res = await new Promise<{ status: number; bytes: number; lines: number; last: string }>((resolve, reject) => {
    const req = http.get(
      `${api.url}/audit/export?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`,
      { headers: { authorization: token } },
      (response) => {
        let bytes = 0;
        let lines = 0;
        // The client must not be the bottleneck: count newlines, keep the last two chunks as
        // bytes (the manifest line) and decode only those, at the end.
        let previous: Buffer | undefined;
        let last: Buffer | undefined;
        response.on('data', (chunk: Buffer) => {
          bytes += chunk.length;
          for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines += 1;
          previous = last;
          last = chunk;
        });
        response.on('end', () => {
          const tail = Buffer.concat([previous ?? Buffer.alloc(0), last ?? Buffer.alloc(0)]).toString('utf8');
          resolve({ status: response.statusCode ?? 0, bytes, lines, last: tail.trimEnd().split('\n').at(-1) ?? '' });
        });
        response.on('error', reject);
      },
    );
    req.on('error', reject);
    req.setTimeout(600_000, () => req.destroy(new Error('export timed out')));
  });
  const seconds = (performance.now() - t0) / 1000;
  const rss = sampler.stop();
  let manifestCount: number | undefined;
  try {
    const manifest = JSON.parse(res.last) as { type?: string; count?: number };
    if (manifest.type === 'manifest') manifestCount = manifest.count;
  } catch {
    // no manifest: reported as such
  }
  const entries = Math.max(0, res.lines - 1);
  const result: ExportResult = {
    entries,
    requestedEntries: count,
    seconds: round(seconds, 2),
    entriesPerS: Math.round(entries / seconds),
    bytes: res.bytes,
    mbPerS: round(res.bytes / 1024 ** 2 / seconds, 1),
    status: res.status,
    rssBeforeMiB: round(before / 1024 ** 2),
    rssPeakMiB: round(rss.peak / 1024 ** 2),
    rssGrowthMiB: round((rss.peak - before) / 1024 ** 2),
    rssSamples: rss.samples,
    manifestCount,
    from,
    to,
  };
  log(
    `  audit export: ${entries} entries in ${result.seconds} s = ${result.entriesPerS}/s (${result.mbPerS} MB/s), status ${res.status}, manifest count ${manifestCount}, RSS ${result.rssBeforeMiB} -> peak ${result.rssPeakMiB} MiB (+${result.rssGrowthMiB})`,
  );
  return result;
}

export interface VerifyResult {
  how: string;
  entries: number;
  checkpoints?: number;
  seconds: number;
  entriesPerS: number;
  ok: boolean;
  status?: number;
  firstBreak?: unknown;
  detail?: string;
  /** When the default configuration failed and this result comes from a second attempt. */
  defaultConfig?: { status?: number; seconds: number; detail?: string };
  /** Direct run: seconds the main thread waited vs. spent moving COPY bytes (hashing runs on worker threads). */
  breakdown?: { queryS: number; hashS: number };
}

/**
 * The verifier's own work over the last `count` links of the main chain, run directly: the same
 * page query as AuditVerifier, the same ChainWalker and checkpoint checks, starting from the link
 * before the range as a trusted horizon (as after retention).
 */
export async function verifyRangeDirect(ctx: Ctx, t: Target, count: number): Promise<VerifyResult> {
  const last = t.meta.audit.count;
  const startSeq = last - count;
  const pool = new pg.Pool({ connectionString: ctx.bc.appUrl(t.db), max: 3 });
  const signer = new AuditSigner(ctx.bc.keys.auditSigningKeyPem);
  // The API's worker threads: the per-entry work runs there, as in GET /audit/verify.
  const workers = new AuditWorkerPool();
  try {
    const t0 = performance.now();
    const head =
      startSeq > 0
        ? (await pool.query<{ chain_hash: Buffer }>(`SELECT chain_hash FROM audit_chain WHERE seq = $1`, [startSeq]))
            .rows[0]!.chain_hash
        : Buffer.alloc(32);
    const checkpoints: Checkpoint[] = (
      await pool.query<{ seq: string; chain_hash: Buffer; key_id: string; signature: Buffer }>(
        `SELECT k.seq::text AS seq, k.chain_hash, k.key_id, k.signature FROM audit_checkpoint k WHERE k.seq > $1 AND k.seq <= $2 ORDER BY k.seq`,
        [startSeq, last],
      )
    ).rows.map((r) => ({ seq: r.seq, chainHash: r.chain_hash, keyId: r.key_id, signature: r.signature }));
    const tWalk = performance.now();
    const walk = await verifyChainSpan(
      poolCopyStream(pool),
      {
        neighbours: (seq) =>
          findChainNeighbours(
            { query: async <T>(sql: string, params?: unknown[]) => (await pool.query(sql, params)).rows as T },
            seq,
          ),
      },
      { start: { seq: BigInt(startSeq), chainHash: head }, end: BigInt(last), checkpoints },
      undefined,
      undefined,
      workers,
    );
    const walkMs = performance.now() - tWalk;
    const firstBreak =
      walk.firstBreak ??
      checkCheckpoints(
        checkpoints,
        (seq) => walk.hashesBySeq.get(seq),
        walk.lastSeq,
        new Map([[signer.keyId, signer.publicKeyPem]]),
        BigInt(startSeq) + 1n,
      );
    const seconds = (performance.now() - t0) / 1000;
    const result: VerifyResult = {
      how: `verifier code run directly on links ${startSeq + 1}..${last} of the main chain`,
      entries: walk.checked,
      checkpoints: checkpoints.length,
      seconds: round(seconds, 2),
      entriesPerS: Math.round(walk.checked / seconds),
      ok: !firstBreak,
      firstBreak: firstBreak ?? undefined,
      breakdown: { queryS: round((walkMs - walk.nodeMs) / 1000, 2), hashS: round(walk.nodeMs / 1000, 2) },
    };
    log(
      `  chain verification (direct): ${result.entries} entries, ${checkpoints.length} checkpoints in ${result.seconds} s = ${result.entriesPerS}/s, ok=${result.ok} (main thread idle ${result.breakdown!.queryS} s, busy ${result.breakdown!.hashS} s; the hashing runs on worker threads)`,
    );
    return result;
  } finally {
    await workers.close();
    await pool.end();
  }
}

/** GET /audit/verify over a whole chain (the small database's), as an auditor calls it. */
export async function verifyViaApi(t: Target): Promise<VerifyResult> {
  const a = t.meta.actors.auditor;
  const token = await t.mint.bearer({ id: a.id, agencyId: a.agencyId, roles: ['auditor'] });
  // Measured on a quiet chain: the verifier reads the checkpoints first and walks the links
  // after, so links sealed meanwhile (the sealer runs every second) end in an unsigned tail.
  for (let i = 0; i < 50; i++) {
    const pending = await t.owner.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit_pending`);
    if (pending.rows[0]!.n === 0) break;
    await sleep(200);
  }
  await sleep(1200);
  let t0 = performance.now();
  const verify = () =>
    fetch(`${t.api!.url}/audit/verify`, { headers: { authorization: token }, signal: AbortSignal.timeout(900_000) });
  // A kept-alive connection the server closed while idle fails before the request is sent
  // ('fetch failed', other side closed): the GET is safe to send once more on a new one.
  const res = await verify().catch((err: unknown) => {
    if (!(err instanceof TypeError)) throw err;
    t0 = performance.now();
    return verify();
  });
  const body = (await res.json()) as {
    ok?: boolean;
    checkedEntries?: number;
    checkedCheckpoints?: number;
    firstBreak?: unknown;
    durationMs?: number;
    code?: string;
    title?: string;
  };
  const seconds = (performance.now() - t0) / 1000;
  const entries = body.checkedEntries ?? 0;
  const result: VerifyResult = {
    how: 'GET /audit/verify over the whole chain of the small database',
    entries,
    checkpoints: body.checkedCheckpoints,
    seconds: round(seconds, 2),
    entriesPerS: Math.round(entries / seconds),
    ok: res.status === 200 && body.ok === true,
    status: res.status,
    firstBreak: body.firstBreak ?? undefined,
    detail: res.status === 200 ? undefined : `${body.code ?? ''} ${body.title ?? ''}`.trim(),
  };
  log(
    `  GET /audit/verify: status ${res.status}, ${entries} entries in ${result.seconds} s = ${result.entriesPerS}/s, ok=${result.ok}${result.detail ? ` (${result.detail})` : ''}`,
  );
  return result;
}

// --- start-up ------------------------------------------------------------------------------------

export interface StartupResult {
  firstStartMs: number;
  restartMs: number;
  firstStopCode: number | null;
  restartStopCode: number | null;
}

/** `node dist/src/main.js` with no DATABASE_URL: first start (initdb, migrations, seed) and restart on the same folder. */
export async function startup(ctx: Ctx): Promise<StartupResult> {
  const dataDir = fs.mkdtempSync(path.join(ctx.paths.workDir, 'startup-'));
  const env = {
    NODE_ENV: 'development',
    EMBEDDED_DB_PORT: String(await freeLocalPort()),
    DATA_DIR: dataDir,
    LOG_LEVEL: ctx.o.logLevel,
  };
  try {
    const first = await startNode({
      entry: ctx.paths.mainJs,
      env,
      readyPath: '/health/ready',
      logFile: path.join(ctx.paths.logDir, 'startup-first.log'),
      readyTimeoutMs: 120_000,
    });
    log(`  first start (embedded, empty data folder): ready in ${first.readyMs} ms`);
    const firstStopCode = await first.stop(30_000);
    const again = await startNode({
      entry: ctx.paths.mainJs,
      env,
      readyPath: '/health/ready',
      logFile: path.join(ctx.paths.logDir, 'startup-restart.log'),
      readyTimeoutMs: 120_000,
    });
    log(`  restart (existing data folder): ready in ${again.readyMs} ms`);
    const restartStopCode = await again.stop(30_000);
    return { firstStartMs: first.readyMs, restartMs: again.readyMs, firstStopCode, restartStopCode };
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

export const tmpRoot = () => fs.mkdtempSync(path.join(os.tmpdir(), 'ctcm-bench-'));
