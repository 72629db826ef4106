import http from 'node:http';
import path from 'node:path';
import { uuidv7 } from '../../src/common/uuid.js';
import { CpuMeter } from '../lib/cpu.js';
import { type LoadResult, runLoad } from '../lib/load.js';
import { round, rssOf, rssSampler, sleep } from '../lib/util.js';
import type { Ctx, Target } from '../scenarios.js';

export interface StatisticsResult {
  /** GET /statistics/{measure}?by=… over the last 12 months, rotating through measures and dimensions, 8 connections. */
  statistic: LoadResult;
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

export async function statistics(ctx: Ctx, t: Target): Promise<StatisticsResult> {
  const token = await analystToken(t);
  const api = t.api!;
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
  return {
    statistic,
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
  };
}
