import autocannon, { type AutocannonRequest } from 'autocannon';
import type { CpuMeter, CpuUse } from './cpu.js';
import { log, percentile, round } from './util.js';

export interface RequestSpec {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface LoadSpec {
  baseUrl: string;
  connections: number;
  /** Seconds of measured load. */
  duration: number;
  /** Requests of the measured run instead of the duration. */
  requests?: number;
  /** Seconds of identical load before measuring, discarded. */
  warmup: number;
  /** Open-loop rate over all connections, requests per second (closed loop when absent). */
  overallRate?: number;
  /** Checked after every response: true stops the run early (e.g. a pool of ids is used up). */
  exhausted?: () => boolean;
  /** Measures CPU use of the server, PostgreSQL and the load generator during the measured run. */
  meter?: CpuMeter;
  /** Called for every request: a new path, headers or body each time. */
  next: () => RequestSpec;
}

export interface LoadResult {
  requests: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  durationS: number;
  /** Successful (2xx) responses per second. */
  rps: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number; mean: number };
  status: Record<string, number>;
  connections: number;
  overallRate?: number;
  /** CPU seconds in the measured window, and per successful request (ms). */
  cpu?: CpuUse & { msPerRequest: { api: number; postgres: number; loadGenerator: number } };
}

async function once(spec: LoadSpec, duration: number, amount?: number): Promise<LoadResult> {
  const latencies: number[] = [];
  const status: Record<string, number> = {};
  let ok = 0;
  let stopped = false;
  const request: AutocannonRequest = {
    setupRequest: (req) => {
      const r = spec.next();
      return { ...req, method: r.method ?? 'GET', path: r.path, headers: r.headers ?? {}, body: r.body };
    },
  };
  const t0 = performance.now();
  const instance = autocannon({
    url: spec.baseUrl,
    connections: spec.connections,
    ...(amount ? { amount } : { duration }),
    overallRate: spec.overallRate,
    timeout: 30,
    requests: [request],
  });
  instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
    latencies.push(responseTime);
    status[statusCode] = (status[statusCode] ?? 0) + 1;
    if (statusCode >= 200 && statusCode < 300) ok += 1;
    if (spec.exhausted?.() && !stopped) {
      stopped = true;
      instance.stop();
    }
  });
  const result = await instance;
  const durationS = (performance.now() - t0) / 1000;
  const sorted = Float64Array.from(latencies).sort();
  const mean = latencies.reduce((s, v) => s + v, 0) / Math.max(1, latencies.length);
  return {
    requests: latencies.length,
    ok,
    non2xx: latencies.length - ok,
    errors: result.errors,
    timeouts: result.timeouts,
    durationS: round(durationS, 2),
    rps: round(ok / durationS, 1),
    latencyMs: {
      p50: round(percentile(sorted, 50), 2),
      p95: round(percentile(sorted, 95), 2),
      p99: round(percentile(sorted, 99), 2),
      max: round(sorted.length ? sorted[sorted.length - 1]! : NaN, 2),
      mean: round(mean, 2),
    },
    status,
    connections: spec.connections,
    overallRate: spec.overallRate,
  };
}

/** Warm-up, then one measured run: time-bounded, or of a fixed number of requests. */
export async function runLoad(name: string, spec: LoadSpec): Promise<LoadResult> {
  if (spec.warmup > 0) await once(spec, spec.warmup);
  spec.meter?.begin();
  const r = await once(spec, spec.duration, spec.requests);
  const cpu = spec.meter?.end();
  if (cpu) {
    const per = (s: number) => round((s * 1000) / Math.max(1, r.ok), 3);
    r.cpu = {
      ...cpu,
      msPerRequest: { api: per(cpu.apiS), postgres: per(cpu.postgresS), loadGenerator: per(cpu.loadGeneratorS) },
    };
  }
  log(
    `  ${name}: ${r.rps} req/s ok, p50 ${r.latencyMs.p50} ms, p95 ${r.latencyMs.p95} ms, p99 ${r.latencyMs.p99} ms, ${r.non2xx} non-2xx, ${r.errors} errors ${JSON.stringify(r.status)}${r.cpu ? `; CPU ms/request: server ${r.cpu.msPerRequest.api}, postgres ${r.cpu.msPerRequest.postgres}, load generator ${r.cpu.msPerRequest.loadGenerator}; machine ${Math.round(r.cpu.machineBusy * 100)}% busy, other processes ${r.cpu.otherS} CPU s` : ''}`,
  );
  return r;
}
