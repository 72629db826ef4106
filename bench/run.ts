/**
 * `npm run bench`: generates realistic data into an embedded PostgreSQL, starts the production
 * build against it and measures each scenario against two baselines measured in the same run.
 * Writes bench/results/<name>.json and <name>.md. See bench/README.md.
 */
import '../src/runtime-check.js';
import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { generate, type GenerateParams, type GeneratedMeta, readMeta, settleScheduledEvents } from './generate.js';
import { TokenMint } from './lib/auth.js';
import { type BenchCluster, dropDatabase, prepareDatabase, startBenchCluster } from './lib/cluster.js';
import type { LoadResult } from './lib/load.js';
import type { ExportResult } from './scenarios.js';
import { webhookDeliveries } from './scenarios/webhooks.js';
import { statistics } from './scenarios/statistics.js';
import { type BenchOptions, parseOptions, type ScenarioId, wants } from './lib/options.js';
import { waitForQuiet } from './lib/cpu.js';
import { koboIntake } from './scenarios/kobo-intake.js';
import { documentsScenario } from './scenarios/documents.js';
import { replicaScenario } from './scenarios/replica.js';
import { stopAll } from './lib/processes.js';
import { summariseProfile } from './lib/profile.js';
import { log, machineInfo, round, sleep } from './lib/util.js';
import {
  checkTargets,
  type DataSummary,
  markdown,
  type ProfileResult,
  type Results,
  type StatementStat,
  type WaitSample,
} from './report.js';
import {
  apiConfigSummary,
  auditEvents,
  auditExport,
  baselineNest,
  baselinePg,
  caseList,
  caseRead,
  caseReadUnderLogin,
  type Ctx,
  loadSamples,
  login,
  personMatch,
  referralAccept,
  type Samples,
  screeningCreate,
  startApi,
  startup,
  type Target,
  tmpRoot,
  verifyRangeDirect,
  verifyViaApi,
} from './scenarios.js';

const here = path.dirname(fileURLToPath(import.meta.url));
/** Statement timeout of the second attempt when an audit export or verification fails by timing out. */
const RAISED_TIMEOUT_MS = 600_000;

function findRepoRoot(): string {
  for (let dir = here; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg) && (JSON.parse(fs.readFileSync(pkg, 'utf8')) as { name?: string }).name === 'ctcm-api')
      return dir;
  }
  return process.cwd();
}

async function ensureData(
  ctx: Ctx,
  db: string,
  params: GenerateParams,
): Promise<{ meta: GeneratedMeta; summary: DataSummary }> {
  const existing = await readMeta(ctx.bc.ownerUrl(db), params);
  if (existing) {
    log(`${db}: reusing the data generated on ${existing.generatedAt}`);
    log(`${db}: ${await settleScheduledEvents(ctx.bc.ownerUrl(db))} scheduled events newly due, stated as handled`);
    return {
      meta: existing,
      summary: { db, reused: true, params, counts: existing.counts, generationMs: existing.timingsMs },
    };
  }
  await dropDatabase(ctx.bc, db);
  await prepareDatabase(ctx.bc, db);
  log(`${db}: generating ${params.cases} cases, ${params.audit} audit entries, ${params.agencies} agencies`);
  const meta = await generate(ctx.bc.ownerUrl(db), params, ctx.bc.keys);
  log(`${db}: ${await settleScheduledEvents(ctx.bc.ownerUrl(db))} scheduled events already due, stated as handled`);
  log(`${db}: generated in ${round(meta.timingsMs.total! / 1000)} s`);
  return { meta, summary: { db, reused: false, params, counts: meta.counts, generationMs: meta.timingsMs } };
}

function target(ctx: Ctx, db: string, meta: GeneratedMeta): Target {
  const owner = new pg.Pool({ connectionString: ctx.bc.ownerUrl(db), max: 3 });
  // An idle connection closed by a cluster restart must not crash the run.
  owner.on('error', () => undefined);
  return { db, meta, owner, mint: new TokenMint(ctx.bc.keys, owner) };
}

/**
 * A cold cache for the audit scenarios (--cold-audit): PostgreSQL restarted, so its shared
 * buffers are empty, and the operating system's page cache dropped, so every page comes from
 * disk. Runs under the bench lock only; needs root.
 */
async function coldCache(ctx: Ctx): Promise<void> {
  await ctx.bc.restart();
  execFileSync('sync');
  fs.writeFileSync('/proc/sys/vm/drop_caches', '3');
  log('  cold cache: PostgreSQL restarted, OS page cache dropped');
}

/** Runs one scenario; a failure is recorded and the run goes on. */
async function attempt<T>(
  results: Results,
  id: string,
  work: () => Promise<T>,
  quietWaitS = 0,
): Promise<T | undefined> {
  log(`scenario ${id}`);
  try {
    if (quietWaitS > 0) {
      const waited = await waitForQuiet(quietWaitS);
      if (waited > 1) results.quietWaitsS[id] = waited;
    }
    return await work();
  } catch (err) {
    // fetch() reports 'fetch failed' and keeps the reason (reset, refused, timeout) in its cause.
    const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
    const message = err instanceof Error ? `${err.message}${cause}` : String(err);
    results.errors[id] = message;
    log(`  ${id} FAILED: ${message}`);
    return undefined;
  }
}

type Profiled = { requests: number; summary: string; load?: LoadResult; export?: ExportResult };
const asLoad = (load: LoadResult): Profiled => ({ requests: load.requests, summary: `${round(load.rps)} req/s`, load });
const quick = (ctx: Ctx): Ctx => ({ ...ctx, o: { ...ctx.o, warmup: 0 } });

/** Scenarios the profiling pass can re-run; `ctx.o.duration` is the warm-up length on the first call. */
const PROFILABLE: Partial<Record<ScenarioId, (ctx: Ctx, t: Target, s: Samples, warmUp: boolean) => Promise<Profiled>>> =
  {
    'case-read': async (ctx, t, s) =>
      asLoad(await caseRead(ctx, t, s, 'GET /cases/{id} (profiled)', ctx.o.duration, 0)),
    'case-list': async (ctx, t, s) => asLoad(await caseList(quick(ctx), t, s, 'GET /cases (profiled)')),
    'person-match': async (ctx, t, s) => asLoad(await personMatch(quick(ctx), t, s)),
    'screening-create': async (ctx, t, s) => asLoad(await screeningCreate(quick(ctx), t, s)),
    'referral-accept': async (ctx, t) => asLoad(await referralAccept(quick(ctx), t)),
    'audit-events': async (ctx, t) => asLoad(await auditEvents(quick(ctx), t)),
    login: async (ctx, t) => asLoad(await login(quick(ctx), t)),
    'audit-export': async (ctx, t, _s, warmUp) => {
      const e = await auditExport(ctx, t, warmUp ? Math.ceil(ctx.o.exportEntries / 10) : ctx.o.exportEntries);
      return { requests: 1, summary: `${e.entriesPerS} entries/s`, export: e };
    },
  };

/**
 * What the API's PostgreSQL backends are doing, sampled every 25 ms from pg_stat_activity while
 * the profiled load runs: the share of samples per wait event among the backends running a
 * statement ('CPU' when not waiting). Lock waits (a hot row, e.g. one rate-limit counter every
 * request updates) show as Lock:tuple or Lock:transactionid.
 */
function sampleBackendWaits(owner: pg.Pool): { stop: () => void; result: Promise<WaitSample> } {
  let stopped = false;
  const result = (async () => {
    const counts = new Map<string, number>();
    let samples = 0;
    let active = 0;
    while (!stopped) {
      const rows = await owner
        .query<{ wait: string; n: number }>(
          `SELECT coalesce(wait_event_type || ':' || wait_event, 'CPU') AS wait, count(*)::int AS n FROM pg_stat_activity
            WHERE usename = 'ctcm_app' AND state = 'active' AND pid <> pg_backend_pid() GROUP BY 1`,
        )
        .then((r) => r.rows)
        .catch(() => []);
      samples++;
      for (const r of rows) {
        counts.set(r.wait, (counts.get(r.wait) ?? 0) + r.n);
        active += r.n;
      }
      await sleep(25);
    }
    return {
      samples,
      meanActiveBackends: round(active / Math.max(1, samples), 2),
      waits: [...counts.entries()]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 10)
        .map(([wait, n]) => ({ wait, pct: round((n / Math.max(1, active)) * 100, 1) })),
    };
  })();
  return { stop: () => (stopped = true), result };
}

/**
 * Re-runs scenarios against an API started with --cpu-prof, with pg_stat_statements loaded
 * (a cluster restart), to show where a request's time goes: CPU by component in the API
 * process and SQL statements per request.
 */
async function profilePass(ctx: Ctx, main: Target, samples: Samples, results: Results): Promise<Target> {
  const todo = ctx.o.profile.filter((s) => PROFILABLE[s]);
  if (!todo.length) return main;
  log(`profiling ${todo.join(', ')} (cluster restart with pg_stat_statements)`);
  await main.owner.query(`ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'`);
  await main.owner.end();
  await ctx.bc.restart();
  const t = target(ctx, main.db, main.meta);
  await t.owner.query(`CREATE EXTENSION IF NOT EXISTS pg_stat_statements`);
  await t.owner.query(`ALTER SYSTEM SET pg_stat_statements.track_planning = on`);
  await t.owner.query(`SELECT pg_reload_conf()`);
  const profDir = path.join(ctx.paths.workDir, 'cpu-profiles');
  try {
    for (const scenario of todo) {
      const result: ProfileResult = { scenario };
      const dir = path.join(profDir, scenario);
      fs.mkdirSync(dir, { recursive: true });
      try {
        if (ctx.o.quietWait > 0) await waitForQuiet(ctx.o.quietWait);
        const env: Record<string, string> =
          scenario === 'audit-export' ? { DATABASE_STATEMENT_TIMEOUT_MS: String(RAISED_TIMEOUT_MS) } : {};
        t.api = await startApi(ctx, main.db, `profile-${scenario}`, ['--cpu-prof', '--cpu-prof-dir', dir], env);
        // Warm the caches and the JIT, then measure with clean statement statistics.
        await PROFILABLE[scenario]!({ ...ctx, o: { ...ctx.o, duration: Math.max(1, ctx.o.warmup) } }, t, samples, true);
        await t.owner.query(`SELECT pg_stat_statements_reset()`);
        const sampler = sampleBackendWaits(t.owner);
        const profiled = await PROFILABLE[scenario]!(ctx, t, samples, false).finally(() => sampler.stop());
        result.waits = await sampler.result;
        result.load = profiled.load;
        result.export = profiled.export;
        result.summary = profiled.summary;
        const stats = await t.owner.query<{ query: string; calls: string; mean: number; total: number; plan: number }>(
          // Per call: mean_plan_time is per planning, and a prepared statement is planned on few of its calls.
          `SELECT query, calls, (total_exec_time + total_plan_time) / calls AS mean, total_exec_time + total_plan_time AS total, total_plan_time / calls AS plan FROM pg_stat_statements
            WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND userid = 'ctcm_app'::regrole
            ORDER BY total_exec_time + total_plan_time DESC LIMIT 40`,
        );
        const requests = Math.max(1, profiled.requests);
        const dbTotal = stats.rows.reduce((s, q) => s + q.total, 0);
        result.dbMsPerRequest = round(dbTotal / requests, 3);
        result.statements = stats.rows.slice(0, 14).map((q): StatementStat => ({
          query: q.query,
          calls: Number(q.calls),
          perRequest: round(Number(q.calls) / requests, 2),
          meanMs: round(q.mean, 3),
          planMs: round(q.plan, 3),
          totalMs: round(q.total, 1),
          pctOfDbTime: round((q.total / Math.max(1, dbTotal)) * 100, 1),
        }));
        await t.api.stop(30_000);
        t.api = undefined;
        const file = fs
          .readdirSync(dir)
          .filter((f) => f.endsWith('.cpuprofile'))
          .map((f) => path.join(dir, f))
          .sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs)[0];
        if (file) result.cpu = summariseProfile(file);
        else result.error = 'no CPU profile was written';
        log(
          `  ${scenario}: ${result.dbMsPerRequest} ms DB time per request; top components ${result.cpu?.byComponent
            .slice(0, 5)
            .map((c) => `${c.component} ${c.pct}%`)
            .join(', ')}`,
        );
      } catch (err) {
        result.error = err instanceof Error ? err.message : String(err);
        log(`  profiling ${scenario} failed: ${result.error}`);
      } finally {
        await t.api?.stop(30_000);
        t.api = undefined;
      }
      results.profiles.push(result);
    }
  } finally {
    await t.owner.query(`ALTER SYSTEM RESET shared_preload_libraries`).catch(() => undefined);
    await t.owner.query(`ALTER SYSTEM RESET pg_stat_statements.track_planning`).catch(() => undefined);
  }
  return t;
}

function write(o: BenchOptions, results: Results): void {
  fs.mkdirSync(o.outDir, { recursive: true });
  fs.writeFileSync(path.join(o.outDir, `${o.name}.json`), `${JSON.stringify(results, null, 2)}\n`);
  fs.writeFileSync(path.join(o.outDir, `${o.name}.md`), markdown(results));
}

async function main(): Promise<number> {
  const repoRoot = findRepoRoot();
  const o = parseOptions(process.argv.slice(2), repoRoot);
  const startedAt = new Date();
  const workDir = tmpRoot();
  const root = o.dataDir ?? path.join(workDir, 'cluster');
  const logDir = o.apiLogDir ?? path.join(workDir, 'logs');
  fs.mkdirSync(logDir, { recursive: true });
  log(`work folder ${workDir}${o.dataDir ? `, cluster in ${o.dataDir}` : ''}; API logs in ${logDir}`);

  let bc: BenchCluster | undefined;
  const targets: Target[] = [];
  let interrupted = false;
  const cleanup = async () => {
    await stopAll();
    for (const t of targets) await t.owner.end().catch(() => undefined);
    await bc?.stop().catch(() => undefined);
    if (!o.keepTemp) fs.rmSync(workDir, { recursive: true, force: true });
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      interrupted = true;
      log(`${signal}: stopping`);
      void cleanup().finally(() => process.exit(130));
    });
  }

  const machine = machineInfo();
  const results: Results = {
    name: o.name,
    startedAt: startedAt.toISOString(),
    machine: { ...machine, postgres: '' },
    options: {
      ...o,
      only: o.only ? [...o.only] : undefined,
      skip: [...o.skip],
      outDir: undefined,
      dataDir: o.dataDir ? '(persistent)' : undefined,
      apiLogDir: undefined,
    },
    apiConfig: {},
    data: {},
    scenarios: {},
    errors: {},
    quietWaitsS: {},
    targets: [],
    profiles: [],
  };
  try {
    bc = await startBenchCluster(root);
    results.machine.postgres = bc.version;
    const ctx: Ctx = {
      o,
      bc,
      paths: {
        mainJs: path.join(here, '..', 'src', 'main.js'),
        baselineNestJs: path.join(here, 'baseline-nest.js'),
        baselinePgJs: path.join(here, 'baseline-pg.js'),
        workDir,
        logDir,
      },
    };
    results.apiConfig = apiConfigSummary(ctx);
    log(
      `${machine.cpuModel}, ${machine.cores} cores, ${machine.ramGiB} GiB; Node ${machine.node}; ${bc.version.split(' on ')[0]}`,
    );

    const mainData = await ensureData(ctx, 'bench_main', {
      cases: o.cases,
      agencies: o.agencies,
      audit: o.audit,
      seed: 1,
    });
    results.data.main = mainData.summary;
    const needSmall = o.smallCases > 0 && (wants(o, 'case-list') || wants(o, 'audit-verify'));
    const smallData = needSmall
      ? await ensureData(ctx, 'bench_small', {
          cases: o.smallCases,
          agencies: o.agencies,
          audit: o.smallAudit,
          seed: 2,
        })
      : undefined;
    if (smallData) results.data.small = smallData.summary;

    let main = target(ctx, 'bench_main', mainData.meta);
    targets.push(main);
    const samples = await loadSamples(main);

    if (wants(o, 'baseline-nest')) {
      const r = await attempt(results, 'baseline-nest', () => baselineNest(ctx), o.quietWait);
      if (r) results.scenarios['baseline-nest'] = r;
    }
    if (wants(o, 'baseline-pg')) {
      const r = await attempt(results, 'baseline-pg', () => baselinePg(ctx, main, samples), o.quietWait);
      if (r) results.scenarios['baseline-pg'] = r;
    }

    const apiScenarios: ScenarioId[] = [
      'case-read',
      'case-list',
      'person-match',
      'screening-create',
      'referral-accept',
      'audit-events',
      'login',
      'case-read-under-login',
      'audit-export',
      'audit-verify',
      'statistics',
      'documents',
      'replica',
    ];
    if (apiScenarios.some((s) => wants(o, s)) || o.profile.length) {
      log('starting the API on bench_main');
      main.api = await startApi(ctx, 'bench_main', 'main');
      log(`  ready in ${main.api.readyMs} ms`);
      results.apiReadyMs = main.api.readyMs;
      const s = results.scenarios;
      if (wants(o, 'case-read'))
        s['case-read'] = await attempt(results, 'case-read', () => caseRead(ctx, main, samples), o.quietWait);
      if (wants(o, 'case-list')) {
        const full = await attempt(
          results,
          'case-list',
          () => caseList(ctx, main, samples, `GET /cases?limit=50&stage=active (${o.cases} cases)`),
          o.quietWait,
        );
        if (full) s['case-list'] = { full: { ...full, cases: o.cases } };
      }
      if (wants(o, 'person-match'))
        s['person-match'] = await attempt(results, 'person-match', () => personMatch(ctx, main, samples), o.quietWait);
      if (wants(o, 'screening-create'))
        s['screening-create'] = await attempt(
          results,
          'screening-create',
          () => screeningCreate(ctx, main, samples),
          o.quietWait,
        );
      if (wants(o, 'referral-accept'))
        s['referral-accept'] = await attempt(results, 'referral-accept', () => referralAccept(ctx, main), o.quietWait);
      if (wants(o, 'audit-events'))
        s['audit-events'] = await attempt(results, 'audit-events', () => auditEvents(ctx, main), o.quietWait);
      if (wants(o, 'documents'))
        s.documents = await attempt(results, 'documents', () => documentsScenario(ctx, main, samples), o.quietWait);
      if (wants(o, 'login')) s.login = await attempt(results, 'login', () => login(ctx, main), o.quietWait);
      if (wants(o, 'statistics'))
        s.statistics = await attempt(results, 'statistics', () => statistics(ctx, main), o.quietWait);
      if (wants(o, 'replica'))
        s.replica = await attempt(results, 'replica', () => replicaScenario(ctx, main, samples), o.quietWait);
      if (wants(o, 'case-read-under-login')) {
        const r = await attempt(
          results,
          'case-read-under-login',
          () => caseReadUnderLogin(ctx, main, samples),
          o.quietWait,
        );
        if (r) s['case-read-under-login'] = { ...r, p99Ratio: round(r.loaded.latencyMs.p99 / r.idle.latencyMs.p99, 2) };
      }
      if (wants(o, 'audit-verify') && o.verifyEntries > 0) {
        if (o.coldAudit) {
          await main.api.stop(30_000);
          await coldCache(ctx);
        }
        const direct = await attempt(
          results,
          'audit-verify',
          () => verifyRangeDirect(ctx, main, o.verifyEntries),
          o.quietWait,
        );
        if (direct) s['audit-verify'] = { direct };
        if (o.coldAudit) main.api = await startApi(ctx, 'bench_main', 'main-after-cold');
      }
      if (wants(o, 'audit-export') && o.exportEntries > 0) {
        // A fresh API process: the export's peak RSS growth is its own, not the heap the load
        // scenarios above left behind (V8 does not give it back).
        await main.api.stop(30_000);
        if (o.coldAudit) await coldCache(ctx);
        main.api = await startApi(ctx, 'bench_main', 'main-export');
        const exp = await attempt(results, 'audit-export', () => auditExport(ctx, main, o.exportEntries), o.quietWait);
        s['audit-export'] = exp;
        if (exp && exp.status !== 200) {
          // Measure the streaming itself too: the same API with statements allowed to run 10 minutes.
          log(
            `  the export failed (status ${exp.status}) with the default configuration; again with DATABASE_STATEMENT_TIMEOUT_MS=${RAISED_TIMEOUT_MS}`,
          );
          await main.api.stop(30_000);
          main.api = await startApi(ctx, 'bench_main', 'main-raised-timeout', [], {
            DATABASE_STATEMENT_TIMEOUT_MS: String(RAISED_TIMEOUT_MS),
          });
          const again = await attempt(
            results,
            'audit-export (raised timeout)',
            () => auditExport(ctx, main, o.exportEntries),
            o.quietWait,
          );
          if (again) s['audit-export'] = { ...again, defaultConfig: { status: exp.status, seconds: exp.seconds } };
        }
      }
      await main.api.stop(30_000);
      main.api = undefined;
    }

    if (wants(o, 'kobo-intake'))
      results.scenarios['kobo-intake'] = await attempt(
        results,
        'kobo-intake',
        () => koboIntake(ctx, main, o.koboSubmissions),
        o.quietWait,
      );

    // The baselines once more: the machine's speed drifts over a long run (it is a VM); ratios use the mean.
    if (wants(o, 'baseline-nest') && results.scenarios['baseline-nest']) {
      const r = await attempt(results, 'baseline-nest (again)', () => baselineNest(ctx), o.quietWait);
      if (r) results.scenarios['baseline-nest'].again = r;
    }
    if (wants(o, 'baseline-pg') && results.scenarios['baseline-pg']) {
      const r = await attempt(results, 'baseline-pg (again)', () => baselinePg(ctx, main, samples), o.quietWait);
      if (r) results.scenarios['baseline-pg'].again = r;
    }

    if (smallData) {
      const small = target(ctx, 'bench_small', smallData.meta);
      targets.push(small);
      log('starting the API on bench_small');
      if (o.coldAudit && wants(o, 'audit-verify')) await coldCache(ctx);
      small.api = await startApi(ctx, 'bench_small', 'small');
      const s = results.scenarios;
      if (wants(o, 'case-list') && s['case-list']?.full) {
        const smallSamples = await loadSamples(small);
        const r = await attempt(
          results,
          'case-list (small)',
          () => caseList(ctx, small, smallSamples, `GET /cases?limit=50&stage=active (${o.smallCases} cases)`),
          o.quietWait,
        );
        if (r) {
          s['case-list'].small = { ...r, cases: o.smallCases };
          s['case-list'].p95Ratio = round(s['case-list'].full.latencyMs.p95 / r.latencyMs.p95, 2);
        }
      }
      if (wants(o, 'audit-verify') && o.smallAudit > 0) {
        let r = await attempt(results, 'audit-verify (API)', () => verifyViaApi(small), o.quietWait);
        if (r && r.status !== 200) {
          log(
            `  GET /audit/verify failed (status ${r.status}) with the default configuration; again with DATABASE_STATEMENT_TIMEOUT_MS=${RAISED_TIMEOUT_MS}`,
          );
          await small.api.stop(30_000);
          small.api = await startApi(ctx, 'bench_small', 'small-raised-timeout', [], {
            DATABASE_STATEMENT_TIMEOUT_MS: String(RAISED_TIMEOUT_MS),
          });
          const first = r;
          const again = await attempt(
            results,
            'audit-verify (API, raised timeout)',
            () => verifyViaApi(small),
            o.quietWait,
          );
          if (again)
            r = { ...again, defaultConfig: { status: first.status, seconds: first.seconds, detail: first.detail } };
        }
        if (r) s['audit-verify'] = { ...s['audit-verify'], api: r };
      }
      await small.api.stop(30_000);
      small.api = undefined;
      await small.owner.end();
      targets.splice(targets.indexOf(small), 1);
    }

    if (wants(o, 'webhooks')) {
      const r = await attempt(
        results,
        'webhooks',
        () => webhookDeliveries(ctx, main, samples, o.webhookEvents),
        o.quietWait,
      );
      if (r) results.scenarios.webhooks = r;
    }

    if (wants(o, 'startup')) {
      const r = await attempt(results, 'startup', () => startup(ctx), o.quietWait);
      if (r) results.scenarios.startup = r;
    }

    if (o.profile.length && !interrupted) {
      const before = main;
      main = await profilePass(ctx, main, samples, results);
      targets[targets.indexOf(before)] = main;
    }
  } catch (err) {
    results.errors.run = err instanceof Error ? (err.stack ?? err.message) : String(err);
    log(`run failed: ${results.errors.run}`);
  } finally {
    const finishedAt = new Date();
    results.finishedAt = finishedAt.toISOString();
    results.wallTimeS = round((finishedAt.getTime() - startedAt.getTime()) / 1000);
    results.targets = checkTargets(results);
    write(o, results);
    log(`results: ${path.join(o.outDir, `${o.name}.json`)} and ${o.name}.md`);
    for (const t of results.targets)
      log(`  ${t.pass === null ? 'N/A ' : t.pass ? 'PASS' : 'FAIL'} ${t.target}: ${t.measured}`);
    if (!interrupted) await cleanup();
  }
  return Object.keys(results.errors).length ? 1 : 0;
}

process.exitCode = await main();
