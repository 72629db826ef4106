import http from 'node:http';
import path from 'node:path';
import { freeLocalPort } from '../../src/start-up/embedded-postgres.js';
import { startEmbeddedStandby } from '../../src/start-up/embedded-standby.js';
import type { Started } from '../lib/processes.js';
import { log, round, sleep } from '../lib/util.js';
import { type Ctx, caseRead, type Samples, type ScenarioResult, startApi, type Target } from '../scenarios.js';

export interface ExportLoop {
  /** Exports completed while the case reads were measured (each streams the whole range). */
  exports: number;
  seconds: number[];
  entriesPerS: number;
  /** Where the API's access entry says the export read from (details.readFrom). */
  readFrom: string | null;
}

export interface ReplicaResult {
  /** Seconds to build the standby (base backup of the whole cluster) and see it stream. */
  standbyBuildS: number;
  exportEntries: number;
  /** Case reads on an API without a standby, nothing else running. */
  idle: ScenarioResult;
  /** The same case reads while audit exports run back to back, on the primary (no standby configured). */
  exportOnPrimary: { caseRead: ScenarioResult; exports: ExportLoop };
  /** Case reads on the API with a standby configured, nothing else running (its own reference, warmed up). */
  idleWithStandby: ScenarioResult;
  /** The same while the exports run on the standby (DATABASE_REPLICA_URL set; case reads stay on the primary). */
  exportOnStandby: { caseRead: ScenarioResult; exports: ExportLoop };
  /** Case-read throughput under export as a share of the same API's idle one. */
  rpsShare: { exportOnPrimary: number; exportOnStandby: number };
}

/** One audit export of [from, to): resolves with its status and duration once the last byte arrived. */
function exportOnce(api: Started, token: string, from: string, to: string): Promise<{ status: number; ms: number }> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.get(
      `${api.url}/audit/export?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`,
      { headers: { authorization: token } },
      (res) => {
        res.on('data', () => undefined);
        res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - t0 }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.setTimeout(600_000, () => req.destroy(new Error('timed out')));
  });
}

/** Case reads on `api` measured while exports run back to back on `exportApi`. */
async function caseReadDuringExports(
  ctx: Ctx,
  t: Target,
  samples: Samples,
  api: Started,
  label: string,
  range: { from: string; to: string; entries: number },
  token: string,
): Promise<{ caseRead: ScenarioResult; exports: ExportLoop }> {
  let stop = false;
  const seconds: number[] = [];
  const since = new Date();
  const loop = (async () => {
    while (!stop) {
      const r = await exportOnce(api, token, range.from, range.to);
      if (r.status !== 200) throw new Error(`the audit export answered ${r.status}`);
      if (!stop) seconds.push(round(r.ms / 1000, 2));
    }
  })();
  loop.catch(() => undefined);
  // The first export under way before the measurement starts.
  await sleep(1000);
  const read = await caseRead(ctx, { ...t, api }, samples, label);
  stop = true;
  await loop;
  const { rows } = await t.owner.query<{ read_from: string | null }>(
    `SELECT details->>'readFrom' AS read_from FROM audit_event
      WHERE route = '/audit/export' AND occurred_at >= $1 ORDER BY occurred_at DESC LIMIT 1`,
    [since],
  );
  const mean = seconds.length ? seconds.reduce((a, b) => a + b, 0) / seconds.length : 0;
  return {
    caseRead: read,
    exports: {
      exports: seconds.length,
      seconds,
      entriesPerS: mean ? Math.round(range.entries / mean) : 0,
      readFrom: rows[0]?.read_from ?? null,
    },
  };
}

/**
 * The primary's case-read throughput while an audit export runs on the standby, against the
 * same export on the primary. The standby is a real streaming replica of the benchmark cluster
 * (src/start-up/embedded-standby.ts), on the same machine: it shares the cores with the
 * primary, so the figure shows what moving the export off the primary's buffers, locks and
 * connections buys, not what a second machine would (bench/README.md).
 */
export async function replicaScenario(ctx: Ctx, t: Target, samples: Samples): Promise<ReplicaResult> {
  const entries = Math.min(ctx.o.exportEntries, t.meta.audit.count);
  const layout = t.meta.audit;
  const bounds = await t.owner.query<{ from: string; to: string }>(
    `SELECT to_char((SELECT occurred_at FROM audit_event WHERE id = $1) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS from,
            to_char(((SELECT occurred_at FROM audit_event WHERE id = $2) + interval '1 millisecond') AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS to`,
    [layout.count - entries + 1, layout.count],
  );
  const range = { ...bounds.rows[0]!, entries };
  const a = t.meta.actors.auditor;
  const token = await t.mint.bearer({ id: a.id, agencyId: a.agencyId, roles: ['auditor'] });

  log('  building a streaming standby of the benchmark cluster');
  const t0 = performance.now();
  const standby = await startEmbeddedStandby({
    primaryUrl: ctx.bc.ownerUrl('postgres'),
    dir: path.join(ctx.paths.workDir, 'standby'),
    port: await freeLocalPort(),
    slot: 'bench_standby',
  });
  const standbyBuildS = round((performance.now() - t0) / 1000, 1);
  log(`  standby streaming after ${standbyBuildS} s`);
  let withStandby: Started | undefined;
  try {
    const primaryOnly = t.api!;
    const idle = await caseRead(ctx, t, samples, 'GET /cases/{id} (no export running)');
    const exportOnPrimary = await caseReadDuringExports(
      ctx,
      t,
      samples,
      primaryOnly,
      'GET /cases/{id} while audit exports run on the primary',
      range,
      token,
    );
    withStandby = await startApi(ctx, t.db, 'replica', [], {
      DATABASE_REPLICA_URL: standby.url(t.db, 'ctcm_app', ctx.bc.keys.appPassword),
      DATABASE_REPLICA_MAX_LAG_MS: '60000',
    });
    for (;;) {
      const ready = (await (await fetch(`${withStandby.url}/health/ready`)).json()) as {
        replica?: { servingReads: boolean };
      };
      if (ready.replica?.servingReads) break;
      await sleep(200);
    }
    const idleWithStandby = await caseRead(
      ctx,
      { ...t, api: withStandby },
      samples,
      'GET /cases/{id} (API with a standby, no export running)',
    );
    const exportOnStandby = await caseReadDuringExports(
      ctx,
      t,
      samples,
      withStandby,
      'GET /cases/{id} while audit exports run on the standby',
      range,
      token,
    );
    if (exportOnStandby.exports.readFrom !== 'standby')
      throw new Error(`the exports were served from ${exportOnStandby.exports.readFrom}, not the standby`);
    return {
      standbyBuildS,
      exportEntries: entries,
      idle,
      exportOnPrimary,
      idleWithStandby,
      exportOnStandby,
      rpsShare: {
        exportOnPrimary: round(exportOnPrimary.caseRead.rps / idle.rps, 2),
        exportOnStandby: round(exportOnStandby.caseRead.rps / idleWithStandby.rps, 2),
      },
    };
  } finally {
    await withStandby?.stop(30_000);
    await standby.drop();
  }
}
