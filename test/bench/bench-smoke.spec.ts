import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { testClusterInfo } from '../harness/test-cluster.js';

/**
 * The benchmark harness (bench/, `npm run bench`) at tiny scale: it compiles bench/ into a
 * temporary folder (npm test builds src only), generates two tiny databases in its own embedded
 * PostgreSQL, runs both baselines and a few API scenarios against the built API for a second
 * each, and writes its JSON and markdown results.
 */
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

interface Run {
  code: number | null;
  output: string;
}

let running: ChildProcess | undefined;

function run(args: string[], timeoutMs: number): Promise<Run> {
  return new Promise((resolve, reject) => {
    let output = '';
    const child = spawn(process.execPath, args, {
      cwd: repo,
      env: { PATH: process.env.PATH ?? '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running = child;
    child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => child.kill('SIGTERM'), timeoutMs);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      running = undefined;
      resolve({ code, output });
    });
  });
}

describe('benchmark harness (smoke)', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ctcm-bench-smoke-'));
  const build = path.join(tmp, 'build');
  const out = path.join(tmp, 'results');

  afterAll(async () => {
    // The harness stops its API, baselines and PostgreSQL on SIGTERM.
    if (running) {
      const exited = new Promise((r) => running!.once('exit', r));
      running.kill('SIGTERM');
      await exited;
    }
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('measures baselines and the audited case read at tiny scale, with zero errors', async () => {
    // A private build: bench/ plus the sources it imports (and src/main.ts), resolving packages from the repository.
    fs.mkdirSync(build, { recursive: true });
    fs.writeFileSync(path.join(build, 'package.json'), '{ "type": "module" }\n');
    fs.symlinkSync(path.join(repo, 'node_modules'), path.join(build, 'node_modules'), 'dir');
    const compiled = await run(
      [path.join(repo, 'node_modules/typescript-7/bin/tsc'), '-p', 'bench/tsconfig.json', '--outDir', build],
      300_000,
    );
    expect(compiled.output).toBe('');
    expect(compiled.code).toBe(0);

    const scenarios = [
      'baseline-nest',
      'baseline-pg',
      'case-read',
      'case-list',
      'screening-create',
      'audit-export',
      'audit-verify',
    ];
    const bench = await run(
      [
        path.join(build, 'bench', 'run.js'),
        ...['--cases', '200', '--agencies', '2', '--audit', '5000', '--export', '2000', '--verify', '2000'],
        ...[
          '--small-cases',
          '100',
          '--small-audit',
          '2000',
          // A fixed number of requests per run, not a duration: a busy machine makes the smoke
          // run slower, never empty. It checks that the harness works, not how fast this machine is.
          '--requests',
          '40',
          '--duration',
          '1',
          '--warmup',
          '0.5',
          '--connections',
          '8',
        ],
        ...[
          '--only',
          scenarios.join(','),
          '--no-profile',
          '--quiet-wait',
          '0',
          '--name',
          'smoke',
          '--out',
          out,
          '--api-log-dir',
          testClusterInfo().logDir,
          // Start-up and pooled connections wait as long as a busy machine needs.
          '--api-env',
          'DATABASE_CONNECT_TIMEOUT_MS=30000',
          '--api-env',
          'DATABASE_STATEMENT_TIMEOUT_MS=120000',
        ],
      ],
      // The whole file takes about 70 s on a quiet machine: well over ten times that here.
      1_200_000,
    );
    expect({ code: bench.code, output: bench.code === 0 ? '' : bench.output }).toEqual({ code: 0, output: '' });

    const results = JSON.parse(fs.readFileSync(path.join(out, 'smoke.json'), 'utf8'));
    // On a failure, the harness log says why (the API's own log is in the run's log folder).
    expect({
      errors: results.errors,
      log: Object.keys(results.errors).length ? bench.output.slice(-6000) : '',
    }).toEqual({ errors: {}, log: '' });
    expect(results.machine).toMatchObject({
      cores: expect.any(Number),
      ramGiB: expect.any(Number),
      cpuModel: expect.any(String),
    });
    expect(results.machine.postgres).toMatch(/^PostgreSQL \d+/);
    expect(results.data.main.counts).toMatchObject({ cases: 200, persons: 200, auditEntries: 5000 });

    for (const id of ['baseline-nest', 'baseline-pg', 'case-read', 'screening-create']) {
      const s = results.scenarios[id];
      expect(s).toBeDefined();
      expect(s.rps).toBeGreaterThan(0);
      for (const p of ['p50', 'p95', 'p99']) expect(Number.isFinite(s.latencyMs[p])).toBe(true);
    }
    const read = results.scenarios['case-read'];
    expect({
      errors: read.errors,
      timeouts: read.timeouts,
      non2xx: read.non2xx,
      status: Object.keys(read.status),
    }).toEqual({ errors: 0, timeouts: 0, non2xx: 0, status: ['200'] });
    expect(read.ok).toBeGreaterThan(0);
    expect(read.serverMs.entries).toBeGreaterThan(0);

    const list = results.scenarios['case-list'];
    expect(list.full.rps).toBeGreaterThan(0);
    expect(list.small.rps).toBeGreaterThan(0);
    expect(list.p95Ratio).toEqual(expect.any(Number));

    // The generated, pre-sealed chain verifies: directly and through GET /audit/verify.
    expect(results.scenarios['audit-verify'].direct).toMatchObject({ ok: true, entries: 2000 });
    expect(results.scenarios['audit-verify'].api).toMatchObject({ ok: true, status: 200 });
    expect(results.scenarios['audit-verify'].api.entries).toBeGreaterThanOrEqual(2000);
    expect(results.scenarios['audit-export']).toMatchObject({ status: 200, entries: 2000, manifestCount: 2000 });

    expect(results.targets.map((t: { id: string }) => t.id)).toEqual(
      expect.arrayContaining(['case-read', 'case-list', 'audit-export', 'audit-verify', 'screening-create']),
    );
    const md = fs.readFileSync(path.join(out, 'smoke.md'), 'utf8');
    expect(md).toContain('| Baseline A: bare NestJS route');
    expect(md).toContain('## Targets');
  }, 1_600_000);
});
