import http from 'node:http';
import path from 'node:path';
import { uuidv7 } from '../../src/common/uuid.js';
import { CpuMeter } from '../lib/cpu.js';
import { type LoadResult, runLoad } from '../lib/load.js';
import { round, rssOf, rssSampler, sleep } from '../lib/util.js';
import type { Ctx, Target } from '../scenarios.js';

export interface StatisticsResult {
  /**
   * Where the answers came from: the precomputed counts (after waiting for their refresh of today,
   * whose duration is the API's own record) or the raw rows (STATISTICS_REFRESH_INTERVAL_MS=0).
   */
  source: { kind: 'precomputed' | 'raw'; waitedS?: number; fullRefreshMs?: number | null; rows?: number };
  /** GET /statistics/{measure}?by=… over the last 12 months, rotating through measures and dimensions, 8 connections. */
  statistic: LoadResult;
  /** Each query of the rotation on its own: PER_QUERY_REQUESTS requests at 8 connections. */
  perQuery: Record<string, { p50: number; p95: number; max: number; non2xx: number }>;
  /** GET /reports/monthly (HTML) for this month, three times in a row. */
  monthlyReportMs: number[];
  /** GET /statistics/exports/ctdc as CSV, streamed. */
  ctdcExport: {
    rows: number;
    seconds: number;
    rowsPerS: number;
    rssBeforeMiB: number;
    rssPeakMiB: number;
    rssGrowthMiB: number;
    status: number;
  };
  /** The same export as XLSX (rows: those of the CSV; bytes of the file). */
  ctdcExportXlsx?: {
    rows: number;
    bytes: number;
    seconds: number;
    rowsPerS: number;
    rssBeforeMiB: number;
    rssPeakMiB: number;
    rssGrowthMiB: number;
    status: number;
  };
}

/** The statistics a dashboard asks for, one dimension each (the cases measure does most work). */
const QUERIES = [
  'cases?by=province',
  'cases?by=sex',
  'cases?by=ageGroup',
  'cases?by=exploitationType',
  'cases?by=countryOfExploitation',
  'cases?by=identificationStatus',
  'cases?by=agency',
  'cases?period=quarter',
  'referrals?by=outcome',
  'referrals?by=receivingAgency',
  'closures?by=closureReason',
  'services?by=serviceType',
  'followUps?by=timeliness',
  'unmetNeeds?by=sex',
  'occupancy?by=agency',
  'caseload?by=caseloadBand',
  'identificationTime?by=timeToDecision',
];

/** An analyst of the first agency (national scope), as the system administrator would create one. */
async function analystToken(t: Target): Promise<string> {
  const agencyId = t.meta.actors.agencies[0]!.id;
  const { rows } = await t.owner.query<{ id: string }>(
    `INSERT INTO app_user (id, agency_id, email, display_name, roles, password_hash)
     VALUES ($1, $2, 'bench.analyst@bench.la', 'Bench analyst', '{analyst}', 'not-a-hash')
     ON CONFLICT (email) DO UPDATE SET roles = '{analyst}' RETURNING id`,
    [uuidv7(), agencyId],
  );
  return t.mint.bearer({ id: rows[0]!.id, agencyId, roles: ['analyst'] });
}

function get(url: string, token: string, onData: (chunk: Buffer) => void = () => undefined): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers: { authorization: token } }, (res) => {
      res.on('data', onData);
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.setTimeout(600_000, () => req.destroy(new Error('timed out')));
  });
}

const PER_QUERY_REQUESTS = 48;
const REFRESH_WAIT_MS = 3_600_000;

/**
 * With precomputed counts (the default), waits until the API's refresh job has recomputed the
 * whole history for today (the first run of a day does; a new API brings it forward).
 */
async function awaitRefresh(ctx: Ctx, t: Target): Promise<StatisticsResult['source']> {
  if (ctx.o.apiEnv.STATISTICS_REFRESH_INTERVAL_MS === '0') return { kind: 'raw' };
  const t0 = performance.now();
  for (;;) {
    const { rows } = await t.owner.query<{ full_ms: number | null; rows: number }>(
      `SELECT r.full_ms, (SELECT count(*)::int FROM statistic_count) AS rows FROM statistic_refresh r
        WHERE r.full_today = (now() AT TIME ZONE r.time_zone)::date`,
    );
    if (rows[0])
      return {
        kind: 'precomputed',
        waitedS: round((performance.now() - t0) / 1000, 1),
        fullRefreshMs: rows[0].full_ms,
        rows: rows[0].rows,
      };
    if (performance.now() - t0 > REFRESH_WAIT_MS) throw new Error('the statistics refresh did not finish in an hour');
    await sleep(2000);
  }
}

export async function statistics(ctx: Ctx, t: Target): Promise<StatisticsResult> {
  const token = await analystToken(t);
  const api = t.api!;
  const source = await awaitRefresh(ctx, t);
  const month = new Date().toISOString().slice(0, 7);
  let n = 0;
  const statistic = await runLoad('GET /statistics/{measure}?by=… (12 months)', {
    baseUrl: api.url,
    meter: new CpuMeter(() => api.pid, path.join(ctx.bc.pgDir, 'postmaster.pid')),
    connections: 8,
    duration: ctx.o.duration,
    requests: ctx.o.requests,
    warmup: ctx.o.warmup,
    next: () => ({ path: `/statistics/${QUERIES[n++ % QUERIES.length]}`, headers: { authorization: token } }),
  });

  const perQuery: StatisticsResult['perQuery'] = {};
  for (const q of QUERIES) {
    const r = await runLoad(`  GET /statistics/${q}`, {
      baseUrl: api.url,
      connections: 8,
      duration: ctx.o.duration,
      requests: PER_QUERY_REQUESTS,
      warmup: 0,
      next: () => ({ path: `/statistics/${q}`, headers: { authorization: token } }),
    });
    perQuery[q] = { p50: r.latencyMs.p50, p95: r.latencyMs.p95, max: r.latencyMs.max, non2xx: r.non2xx };
  }

  const monthlyReportMs: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    const status = await get(`${api.url}/reports/monthly?month=${month}&lang=lo`, token);
    if (status !== 200) throw new Error(`monthly report answered ${status}`);
    monthlyReportMs.push(round(performance.now() - t0));
  }

  await sleep(1500);
  const before = rssOf(api.pid) ?? 0;
  const sampler = rssSampler(api.pid, 20);
  const t0 = performance.now();
  let lines = 0;
  const status = await get(`${api.url}/statistics/exports/ctdc?format=csv`, token, (chunk) => {
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines += 1;
  });
  const seconds = (performance.now() - t0) / 1000;
  const rss = sampler.stop();
  const rows = Math.max(0, lines - 2); // the header and the manifest line

  await sleep(1500);
  const xBefore = rssOf(api.pid) ?? 0;
  const xSampler = rssSampler(api.pid, 20);
  const x0 = performance.now();
  let bytes = 0;
  const xStatus = await get(`${api.url}/statistics/exports/ctdc?format=xlsx`, token, (chunk) => {
    bytes += chunk.length;
  });
  const xSeconds = (performance.now() - x0) / 1000;
  const xRss = xSampler.stop();
  return {
    source,
    statistic,
    perQuery,
    monthlyReportMs,
    ctdcExport: {
      rows,
      seconds: round(seconds, 2),
      rowsPerS: Math.round(rows / seconds),
      rssBeforeMiB: round(before / 1024 ** 2),
      rssPeakMiB: round(rss.peak / 1024 ** 2),
      rssGrowthMiB: round((rss.peak - before) / 1024 ** 2),
      status,
    },
    ctdcExportXlsx: {
      rows,
      bytes,
      seconds: round(xSeconds, 2),
      rowsPerS: Math.round(rows / xSeconds),
      rssBeforeMiB: round(xBefore / 1024 ** 2),
      rssPeakMiB: round(xRss.peak / 1024 ** 2),
      rssGrowthMiB: round((xRss.peak - xBefore) / 1024 ** 2),
      status: xStatus,
    },
  };
}
