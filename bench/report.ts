import type { WebhookBenchResult } from './scenarios/webhooks.js';
import type { StatisticsResult } from './scenarios/statistics.js';
import type { KoboIntakeResult } from './scenarios/kobo-intake.js';
import type { ReplicaResult } from './scenarios/replica.js';
import type { DocumentsResult } from './scenarios/documents.js';
import type { GeneratedMeta } from './generate.js';
import type { LoadResult } from './lib/load.js';
import type { ProfileSummary } from './lib/profile.js';
import type { MachineInfo } from './lib/util.js';
import type { ExportResult, ScenarioResult, StartupResult, VerifyResult } from './scenarios.js';

export interface DataSummary {
  db: string;
  reused: boolean;
  params: GeneratedMeta['params'];
  counts: Record<string, number>;
  generationMs: Record<string, number>;
}

export interface StatementStat {
  query: string;
  calls: number;
  perRequest: number;
  /** Mean planning plus execution time; planMs is the planning part. */
  meanMs: number;
  planMs: number;
  totalMs: number;
  pctOfDbTime: number;
}

/** PostgreSQL backends of the API during a profiled run (bench/run.ts sampleBackendWaits). */
export interface WaitSample {
  samples: number;
  meanActiveBackends: number;
  waits: { wait: string; pct: number }[];
}

export interface ProfileResult {
  scenario: string;
  waits?: WaitSample;
  load?: LoadResult;
  export?: ExportResult;
  summary?: string;
  cpu?: ProfileSummary;
  statements?: StatementStat[];
  dbMsPerRequest?: number;
  error?: string;
}

export interface Results {
  name: string;
  startedAt: string;
  finishedAt?: string;
  wallTimeS?: number;
  machine: MachineInfo & { postgres: string };
  options: Record<string, unknown>;
  apiConfig: Record<string, string>;
  data: { main?: DataSummary; small?: DataSummary };
  scenarios: {
    'baseline-nest'?: Baseline;
    'baseline-pg'?: Baseline;
    'case-read'?: ScenarioResult;
    'case-list'?: {
      small?: ScenarioResult & { cases: number };
      full?: ScenarioResult & { cases: number };
      p95Ratio?: number;
    };
    'person-match'?: ScenarioResult;
    'screening-create'?: ScenarioResult;
    'referral-accept'?: ScenarioResult & { prepared: number };
    'audit-events'?: ScenarioResult;
    login?: ScenarioResult;
    'case-read-under-login'?: {
      idle: ScenarioResult;
      loaded: ScenarioResult;
      logins: LoadResult;
      loginRatePerS: number;
      p99Ratio: number;
    };
    'audit-export'?: ExportResult;
    documents?: DocumentsResult;
    'audit-verify'?: { direct?: VerifyResult; api?: VerifyResult };
    startup?: StartupResult;
    webhooks?: WebhookBenchResult;
    statistics?: StatisticsResult;
    'kobo-intake'?: KoboIntakeResult;
    replica?: ReplicaResult;
  };
  /** Time to /health/ready of the API started on the main benchmark database. */
  apiReadyMs?: number;
  errors: Record<string, string>;
  /** Seconds waited before a scenario for other processes to leave the machine idle. */
  quietWaitsS: Record<string, number>;
  targets: TargetCheck[];
  profiles: ProfileResult[];
}

/** A baseline measured before the API scenarios and `again` after them. */
export type Baseline = LoadResult & { again?: LoadResult };

/** Throughput of a baseline: the mean of its two measurements. */
export const baselineRps = (b: Baseline | undefined) => (b ? (b.again ? (b.rps + b.again.rps) / 2 : b.rps) : undefined);

export interface TargetCheck {
  id: string;
  target: string;
  measured: string;
  /** null: not measured in this run. */
  pass: boolean | null;
}

const fmt = (n: number | undefined, digits = 0) =>
  n === undefined || !Number.isFinite(n)
    ? '–'
    : n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const ratio = (a: number | undefined, b: number | undefined) => (a !== undefined && b ? a / b : undefined);
const pct = (r: number | undefined) => (r === undefined ? '–' : `${(r * 100).toFixed(r < 0.1 ? 1 : 0)} %`);

export function checkTargets(r: Results): TargetCheck[] {
  const s = r.scenarios;
  const out: TargetCheck[] = [];
  const read = s['case-read'];
  const bRps = baselineRps(s['baseline-pg']);
  if (read) {
    const share = ratio(read.rps, bRps);
    const bad = read.errors + read.non2xx + read.timeouts;
    out.push({
      id: 'case-read',
      target: `Audited GET /cases/{id} at 32 connections${read.connections === 32 ? '' : ` (measured at ${read.connections})`}: ≥ 30 % of baseline B throughput, p99 ≤ 50 ms, zero errors`,
      measured: `${fmt(read.rps)} req/s = ${pct(share)} of baseline B (${fmt(bRps)} req/s); p99 ${fmt(read.latencyMs.p99, 1)} ms; ${bad} errors/non-2xx`,
      pass: share === undefined ? null : share >= 0.3 && read.latencyMs.p99 <= 50 && bad === 0,
    });
  }
  const list = s['case-list'];
  if (list?.full) {
    out.push({
      id: 'case-list',
      target: 'GET /cases?limit=50&stage=active: p95 at full scale ≤ 1.5 × p95 at 10k cases',
      measured: list.small
        ? `p95 ${fmt(list.full.latencyMs.p95, 1)} ms at ${fmt(list.full.cases)} cases vs ${fmt(list.small.latencyMs.p95, 1)} ms at ${fmt(list.small.cases)} = ${fmt(list.p95Ratio, 2)}×`
        : 'no small-database measurement',
      pass: list.p95Ratio === undefined ? null : list.p95Ratio <= 1.5,
    });
  }
  const exp = s['audit-export'];
  if (exp) {
    out.push({
      id: 'audit-export',
      target: 'Audit export of 1M entries: ≥ 100,000 entries/s, peak RSS growth ≤ 100 MB',
      measured: `${exp.defaultConfig ? `default configuration: status ${exp.defaultConfig.status} after ${fmt(exp.defaultConfig.seconds, 1)} s; with a 600 s statement timeout: ` : ''}${fmt(exp.entries)} entries at ${fmt(exp.entriesPerS)}/s; RSS +${fmt(exp.rssGrowthMiB, 1)} MiB (status ${exp.status})`,
      pass: !exp.defaultConfig && exp.status === 200 && exp.entriesPerS >= 100_000 && exp.rssGrowthMiB <= 100,
    });
  }
  const ver = s['audit-verify'];
  const v = ver?.api ?? ver?.direct;
  if (v) {
    out.push({
      id: 'audit-verify',
      target: 'Chain verification of 1M entries: ≥ 100,000 entries/s',
      measured: [
        ver?.api?.defaultConfig
          ? `GET /audit/verify with the default configuration: status ${ver.api.defaultConfig.status} after ${fmt(ver.api.defaultConfig.seconds, 1)} s`
          : '',
        ver?.api
          ? `GET /audit/verify${ver.api.defaultConfig ? ' with a 600 s statement timeout' : ''}: ${fmt(ver.api.entries)} entries at ${fmt(ver.api.entriesPerS)}/s${ver.api.ok ? '' : ` (FAILED: status ${ver.api.status}${ver.api.detail ? `, ${ver.api.detail}` : ''})`}`
          : '',
        ver?.direct ? `verifier code directly: ${fmt(ver.direct.entries)} at ${fmt(ver.direct.entriesPerS)}/s` : '',
      ]
        .filter(Boolean)
        .join('; '),
      pass: v.ok && !ver?.api?.defaultConfig && v.entriesPerS >= 100_000,
    });
  }
  const scr = s['screening-create'];
  if (scr)
    out.push({
      id: 'screening-create',
      target: 'POST /screenings (60 answers) ≥ 200/s',
      measured: `${fmt(scr.rps)}/s, ${scr.non2xx + scr.errors} errors/non-2xx`,
      pass: scr.rps >= 200 && scr.non2xx + scr.errors === 0,
    });
  const acc = s['referral-accept'];
  if (acc)
    out.push({
      id: 'referral-accept',
      target: 'POST /referrals/{id}/accept ≥ 300/s',
      measured: `${fmt(acc.rps)}/s, ${acc.non2xx + acc.errors} errors/non-2xx`,
      pass: acc.rps >= 300 && acc.non2xx + acc.errors === 0,
    });
  const ul = s['case-read-under-login'];
  if (ul) {
    out.push({
      id: 'case-read-under-login',
      target: 'p99 of GET /cases/{id} while logins run at the rate limit ≤ 2 × idle',
      measured: `${fmt(ul.loaded.latencyMs.p99, 1)} ms vs ${fmt(ul.idle.latencyMs.p99, 1)} ms idle = ${fmt(ul.p99Ratio, 2)}× (${ul.loginRatePerS} logins/s, ${ul.logins.ok} ok)`,
      pass: ul.p99Ratio <= 2,
    });
  }
  const st = s.startup;
  if (st) {
    out.push({
      id: 'restart',
      target: 'Restart on an existing data folder ≤ 10 s',
      measured: `${fmt(st.restartMs / 1000, 2)} s`,
      pass: st.restartMs <= 10_000,
    });
    out.push({
      id: 'first-start',
      target: 'First start (embedded, no DATABASE_URL) ≤ 30 s',
      measured: `${fmt(st.firstStartMs / 1000, 2)} s`,
      pass: st.firstStartMs <= 30_000,
    });
  }
  const hooks = s.webhooks;
  if (hooks) {
    const u = hooks.underLoad;
    const b = hooks.burst;
    out.push({
      id: 'webhooks-latency',
      target: 'Event to webhook delivery p95 ≤ 2 s while GET /cases/{id} runs at full load',
      measured: `p95 ${fmt(u.latencyMs.p95)} ms (p50 ${fmt(u.latencyMs.p50)}, max ${fmt(u.latencyMs.max)}) over ${fmt(u.deliveries)} deliveries of ${fmt(u.events)} events; case read ${fmt(u.caseRead.rps)} req/s; ${u.undelivered} undelivered`,
      pass: u.undelivered === 0 && u.latencyMs.p95 <= 2000,
    });
    out.push({
      id: 'webhooks-burst',
      target: `A burst of 10,000 events to ${b.subscribers} subscribers across two replicas, one killed with SIGKILL: zero loss`,
      measured: `${fmt(b.events)} events, ${b.lost} lost, ${b.duplicates} duplicates (dropped by webhook-id); drained in ${fmt(b.drainSeconds, 1)} s = ${fmt(b.deliveriesPerS)} deliveries/s (peak ${fmt(b.peakDeliveriesPerS)}/s; ${fmt(b.drainAfterCreatesSeconds, 1)} s after the last create)`,
      pass: b.events >= 10_000 && b.lost === 0,
    });
  }
  return out;
}

/** Share of the machine other processes used during a run (they compete for the two cores). */
const noise = (l: LoadResult, cores: number) => (l.cpu ? l.cpu.otherS / Math.max(0.001, l.cpu.windowS * cores) : 0);

function loadRow(name: string, l: LoadResult | undefined, r: Results, note = ''): string {
  if (!l) return '';
  if (noise(l, r.machine.cores) > 0.1) note += ` ⚠ ${Math.round(noise(l, r.machine.cores) * 100)} %`;
  const b = baselineRps(r.scenarios['baseline-pg']);
  const a = baselineRps(r.scenarios['baseline-nest']);
  const conns = l.overallRate ? `${l.connections} (${l.overallRate}/s)` : String(l.connections);
  const cpu = l.cpu ? `${fmt(l.cpu.msPerRequest.api, 2)} / ${fmt(l.cpu.msPerRequest.postgres, 2)}` : '–';
  return `| ${name}${note} | ${conns} | ${fmt(l.rps)} | ${fmt(l.latencyMs.p50, 1)} | ${fmt(l.latencyMs.p95, 1)} | ${fmt(l.latencyMs.p99, 1)} | ${l.errors + l.timeouts} / ${l.non2xx} | ${pct(ratio(l.rps, b))} | ${pct(ratio(l.rps, a))} | ${cpu} |\n`;
}

export function markdown(r: Results): string {
  const s = r.scenarios;
  const m = r.machine;
  let md = `# ctcm-api benchmark results\n\n`;
  md += `Run \`${r.name}\` on ${r.startedAt.slice(0, 16).replace('T', ' ')} UTC, ${fmt(r.wallTimeS)} s wall time (\`npm run bench\`, bench/README.md).\n\n`;
  md += `| Machine | |\n|---|---|\n`;
  md += `| CPU | ${m.cpuModel}, ${m.cores} cores |\n| RAM | ${m.ramGiB} GiB |\n| OS | ${m.os} |\n| Node.js | ${m.node} |\n| PostgreSQL | ${m.postgres.split(' on ')[0]} (embedded, same machine, loopback) |\n`;
  md += `| API | production build \`node dist/src/main.js\`, ${Object.entries(r.apiConfig)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ')} |\n`;
  md += `| Load | autocannon in the benchmark process, same machine; ${r.options.warmup} s warm-up + ${r.options.duration} s per run |\n\n`;

  const d = r.data.main;
  if (d) {
    md += `## Data\n\n`;
    md += `| Database | Agencies | Persons | Cases | Screenings | Referrals | Service records | Audit entries | Generated in |\n|---|---:|---:|---:|---:|---:|---:|---:|---|\n`;
    for (const x of [r.data.main, r.data.small]) {
      if (!x) continue;
      const gen = `${x.reused ? 'reused from an earlier run, which generated it in ' : ''}${fmt((x.generationMs.total ?? 0) / 1000, 1)} s (${Object.entries(
        x.generationMs,
      )
        .filter(([k]) => k !== 'total')
        .map(([k, v]) => `${k} ${fmt(v / 1000, 1)} s`)
        .join(', ')})`;
      md += `| ${x.db} | ${x.params.agencies} | ${fmt(x.counts.persons)} | ${fmt(x.counts.cases)} | ${fmt(x.counts.screenings)} | ${fmt(x.counts.referrals)} | ${fmt(x.counts.serviceRecords)} | ${fmt(x.counts.auditEntries)} | ${gen} |\n`;
    }
    md += `\nPersons' names and birth data are encrypted with the real codec and keys (AES-256-GCM bound to the row), with name blind indexes; the audit entries are hash-chained with signed checkpoints every 5,000 entries, as the sealer does.\n\n`;
  }

  md += `## Throughput and latency\n\n`;
  md += `| Scenario | Connections | 2xx req/s | p50 ms | p95 ms | p99 ms | errors / non-2xx | vs baseline B | vs baseline A | CPU ms/req server / PostgreSQL |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n`;
  md += loadRow(
    'Baseline A: bare NestJS route',
    s['baseline-nest'],
    r,
    s['baseline-nest']?.again ? ' (before the API runs)' : '',
  );
  md += loadRow('Baseline A, after the API runs', s['baseline-nest']?.again, r);
  md += loadRow(
    'Baseline B: node:http + pg, row by primary key',
    s['baseline-pg'],
    r,
    s['baseline-pg']?.again ? ' (before the API runs)' : '',
  );
  md += loadRow('Baseline B, after the API runs', s['baseline-pg']?.again, r);
  md += loadRow('GET /cases/{id} (JWT, access check, RLS, decryption, audit entry)', s['case-read'], r);
  const list = s['case-list'];
  if (list?.small) md += loadRow(`GET /cases?limit=50&stage=active, ${fmt(list.small.cases)} cases`, list.small, r);
  if (list?.full)
    md += loadRow(
      `GET /cases?limit=50&stage=active, ${fmt(list.full.cases)} cases`,
      list.full,
      r,
      list.p95Ratio !== undefined ? ` (p95 ${fmt(list.p95Ratio, 2)}× the small one)` : '',
    );
  md += loadRow('POST /persons/matches (blind indexes)', s['person-match'], r);
  md += loadRow('POST /screenings, 60 indicator answers', s['screening-create'], r);
  md += loadRow('POST /referrals/{id}/accept (If-Match)', s['referral-accept'], r);
  md += loadRow('GET /audit/events?limit=50', s['audit-events'], r);
  md += loadRow('POST /auth/login (argon2id 19 MiB, t=2)', s.login, r);
  const ul = s['case-read-under-login'];
  if (ul) {
    md += loadRow('GET /cases/{id}, idle reference', ul.idle, r);
    md += loadRow(
      `GET /cases/{id} while ${ul.loginRatePerS} logins/s run (rate limit)`,
      ul.loaded,
      r,
      ` (p99 ${fmt(ul.p99Ratio, 2)}× idle)`,
    );
  }
  md += `\nBaseline A is the framework ceiling (one bare NestJS route), baseline B the database ceiling (node:http + pg, one row by primary key, no framework, no auth, no audit); both run in their own process against the same machine, before and after the API scenarios; the ratios use the mean of the two. ⚠ marks runs during which other processes used that share of the machine (results less reliable). "2xx req/s" counts successful responses only. CPU per request is measured from /proc over the measured run: the server process (API or baseline, all threads) and all PostgreSQL processes.\n`;
  const server = [
    ['GET /cases/{id}', s['case-read']],
    ['GET /cases (full scale)', list?.full],
    ['POST /screenings', s['screening-create']],
    ['POST /referrals/{id}/accept', s['referral-accept']],
    ['POST /persons/matches', s['person-match']],
  ] as const;
  const serverRows = server.filter(([, x]) => x?.serverMs);
  if (serverRows.length) {
    md += `\nServer-side durations recorded in the requests' own audit entries (ms): ${serverRows.map(([n, x]) => `${n} p50 ${x!.serverMs!.p50} / p95 ${x!.serverMs!.p95} / p99 ${x!.serverMs!.p99}`).join('; ')}.\n`;
  }

  const exp = s['audit-export'];
  const ver = s['audit-verify'];
  if (exp || ver) {
    md += `\n## Audit trail at scale\n\n| Operation | Entries | Time s | Entries/s | Notes |\n|---|---:|---:|---:|---|\n`;
    if (exp?.defaultConfig)
      md += `| GET /audit/export, default configuration (15 s statement timeout) | 0 | ${fmt(exp.defaultConfig.seconds, 2)} | – | FAILED: status ${exp.defaultConfig.status} |\n`;
    if (exp)
      md += `| GET /audit/export (NDJSON, signed manifest)${exp.defaultConfig ? ', 600 s statement timeout' : ''} | ${fmt(exp.entries)} | ${fmt(exp.seconds, 2)} | ${fmt(exp.entriesPerS)} | ${fmt(exp.mbPerS, 1)} MB/s; API RSS ${fmt(exp.rssBeforeMiB)} → peak ${fmt(exp.rssPeakMiB)} MiB (+${fmt(exp.rssGrowthMiB, 1)}); manifest count ${exp.manifestCount ?? 'missing'}; status ${exp.status} |\n`;
    if (ver?.api?.defaultConfig)
      md += `| GET /audit/verify (whole chain of the small database), default configuration | 0 | ${fmt(ver.api.defaultConfig.seconds, 2)} | – | FAILED: status ${ver.api.defaultConfig.status}${ver.api.defaultConfig.detail ? ` (${ver.api.defaultConfig.detail})` : ''} |\n`;
    if (ver?.api)
      md += `| GET /audit/verify (whole chain of the small database)${ver.api.defaultConfig ? ', 600 s statement timeout' : ''} | ${fmt(ver.api.entries)} | ${fmt(ver.api.seconds, 2)} | ${fmt(ver.api.entriesPerS)} | ${ver.api.ok ? 'ok' : `FAILED (status ${ver.api.status}${ver.api.detail ? `, ${ver.api.detail}` : ''})`}; ${fmt(ver.api.checkpoints)} checkpoints |\n`;
    if (ver?.direct)
      md += `| Verifier code run directly (last links of the main chain) | ${fmt(ver.direct.entries)} | ${fmt(ver.direct.seconds, 2)} | ${fmt(ver.direct.entriesPerS)} | ${ver.direct.ok ? 'ok' : 'FAILED'}; ${fmt(ver.direct.checkpoints)} checkpoint signatures${ver.direct.breakdown ? `; ${fmt(ver.direct.breakdown.queryS, 1)} s in the page queries, ${fmt(ver.direct.breakdown.hashS, 1)} s hashing in JavaScript` : ''} |\n`;
  }

  const st = s.startup;
  if (st || r.apiReadyMs !== undefined) {
    md += `\n## Start-up (time to /health/ready)\n\n| Start | Seconds |\n|---|---:|\n`;
    if (st) {
      md += `| First start, embedded PostgreSQL, empty data folder (initdb, migrations, reference data, secrets, admin) | ${fmt(st.firstStartMs / 1000, 2)} |\n`;
      md += `| Restart on that data folder | ${fmt(st.restartMs / 1000, 2)} |\n`;
    }
    if (r.apiReadyMs !== undefined)
      md += `| Start against the benchmark database (DATABASE_URL + owner URL: migration check, reference data upsert; ${fmt(r.data.main?.counts.cases)} cases, ${fmt(r.data.main?.counts.auditEntries)} audit entries) | ${fmt(r.apiReadyMs / 1000, 2)} |\n`;
  }

  const hooks = s.webhooks;
  if (hooks) {
    const b = hooks.burst;
    md += `\n## Webhooks (two replicas, receivers on loopback)\n\n`;
    md += `| Measure | Value |\n|---|---:|\n`;
    md += `| Under load: events / deliveries | ${fmt(hooks.underLoad.events)} / ${fmt(hooks.underLoad.deliveries)} |\n`;
    md += `| Under load: delivery latency p50 / p95 / p99 / max ms | ${fmt(hooks.underLoad.latencyMs.p50)} / ${fmt(hooks.underLoad.latencyMs.p95)} / ${fmt(hooks.underLoad.latencyMs.p99)} / ${fmt(hooks.underLoad.latencyMs.max)} |\n`;
    md += `| Under load: GET /cases/{id} req/s, p99 ms | ${fmt(hooks.underLoad.caseRead.rps)}, ${fmt(hooks.underLoad.caseRead.latencyMs.p99, 1)} |\n`;
    md += `| Burst: events, created in s | ${fmt(b.events)}, ${fmt(b.createSeconds, 1)} |\n`;
    md += `| Burst: replica B killed (SIGKILL) after events | ${fmt(b.killedAfterEvents)} |\n`;
    md += `| Burst: create requests that failed and were retried | ${fmt(b.createFailures)} |\n`;
    md += `| Burst: all delivered to ${b.subscribers} subscribers after s | ${fmt(b.drainSeconds, 1)} |\n`;
    md += `| Burst: deliveries/s (all events × subscribers / time to drain) | ${fmt(b.deliveriesPerS)} |\n`;
    md += `| Burst: peak deliveries in one second | ${fmt(b.peakDeliveriesPerS)} |\n`;
    md += `| Burst: drained s after the last create answered | ${fmt(b.drainAfterCreatesSeconds, 1)} |\n`;
    md += `| Burst: delivery latency p50 / p95 / max ms | ${fmt(b.latencyMs.p50)} / ${fmt(b.latencyMs.p95)} / ${fmt(b.latencyMs.max)} |\n`;
    md += `| Burst: lost / duplicates | ${b.lost} / ${b.duplicates} |\n`;
    md += `| Burst: attempts to the 500 and the hanging receiver | ${fmt(b.failingAttempts)} |\n`;
    for (const n of hooks.notes) md += `\nNote: ${n}\n`;
  }
  md += `\n## Targets\n\n| Target | Measured | Result |\n|---|---|---|\n`;
  for (const t of r.targets)
    md += `| ${t.target} | ${t.measured} | ${t.pass === null ? 'not measured' : t.pass ? '**PASS**' : '**FAIL**'} |\n`;

  for (const p of r.profiles) {
    md += `\n## Where the time goes: ${p.scenario}\n\n`;
    if (p.error) {
      md += `Profiling failed: ${p.error}\n`;
      continue;
    }
    if (p.summary)
      md += `Re-run under \`node --cpu-prof\` with pg_stat_statements: ${p.summary} (profiling slows it down).\n\n`;
    if (p.cpu) {
      md += `API process CPU by component (self time, ${fmt(p.cpu.busyMs)} ms busy of ${fmt(p.cpu.sampledMs)} ms sampled):\n\n| Component | % of busy CPU |\n|---|---:|\n`;
      for (const c of p.cpu.byComponent.slice(0, 14)) md += `| ${c.component} | ${c.pct} |\n`;
      md += `\nApplication functions by inclusive CPU time:\n\n| Function | % of busy CPU |\n|---|---:|\n`;
      for (const f of p.cpu.topAppInclusive.slice(0, 12)) md += `| \`${f.fn}\` | ${f.pct} |\n`;
    }
    if (p.statements?.length) {
      md += `\nSQL per ${p.export ? 'export' : 'request'} (pg_stat_statements${p.dbMsPerRequest !== undefined ? `, ${fmt(p.dbMsPerRequest, 2)} ms of database time per request` : ''}):\n\n| Statement | Calls per ${p.export ? 'export' : 'request'} | Mean ms (plan + execute) | of which planning | % of DB time |\n|---|---:|---:|---:|---:|\n`;
      for (const q of p.statements)
        md += `| \`${q.query.replaceAll('|', '\\|').replace(/\s+/g, ' ').slice(0, 140)}\` | ${fmt(q.perRequest, 2)} | ${fmt(q.meanMs, 3)} | ${fmt(q.planMs, 3)} | ${fmt(q.pctOfDbTime, 1)} |\n`;
    }
    if (p.waits?.samples) {
      md += `\nThe API's PostgreSQL backends running a statement, sampled every 25 ms (${fmt(p.waits.samples)} samples, ${fmt(p.waits.meanActiveBackends, 2)} active on average): share of samples per wait event (CPU: not waiting).\n\n| Wait | % of samples |\n|---|---:|\n`;
      for (const w of p.waits.waits) md += `| ${w.wait} | ${fmt(w.pct, 1)} |\n`;
    }
  }
  if (Object.keys(r.errors).length) {
    md += `\n## Errors\n\n`;
    for (const [k, v] of Object.entries(r.errors)) md += `- ${k}: ${v.replaceAll('\n', ' ').slice(0, 500)}\n`;
  }
  const rep = s.replica;
  if (rep) {
    md += `\n## Reads on a streaming standby\n\n`;
    md += `Case reads (GET /cases/{id}, ${rep.idle.connections} connections) on the primary while audit exports of ${fmt(rep.exportEntries)} entries run back to back; the standby (built in ${fmt(rep.standbyBuildS, 1)} s) runs on the same machine.\n\n`;
    md += `| Condition | case reads 2xx/s | share of idle | p99 ms | exports done | export s (mean) | entries/s |\n|---|---:|---:|---:|---:|---:|---:|\n`;
    const idleRow = (label: string, x: ScenarioResult) =>
      `| ${label} | ${fmt(x.rps)} | 1.00 | ${fmt(x.latencyMs.p99)} | | | |\n`;
    md += idleRow('no export (API without a standby)', rep.idle);
    md += idleRow('no export (API with a standby)', rep.idleWithStandby);
    for (const [label, x, share] of [
      ['export on the primary (API without a standby)', rep.exportOnPrimary, rep.rpsShare.exportOnPrimary],
      ['export on the standby (API with a standby)', rep.exportOnStandby, rep.rpsShare.exportOnStandby],
    ] as const) {
      const mean = x.exports.seconds.length
        ? x.exports.seconds.reduce((a, b) => a + b, 0) / x.exports.seconds.length
        : 0;
      md += `| ${label} | ${fmt(x.caseRead.rps)} | ${fmt(share, 2)} | ${fmt(x.caseRead.latencyMs.p99)} | ${x.exports.exports} | ${fmt(mean, 2)} | ${fmt(x.exports.entriesPerS)} |\n`;
    }
  }
  return md;
}
