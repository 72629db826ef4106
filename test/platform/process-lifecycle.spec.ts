import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freeLocalPort } from '../../src/start-up/embedded-postgres.js';
import { SUPPORTED_NODE_MAJOR } from '../../src/runtime-check.js';
import { ownListeningPort } from '../harness/listening-port.js';

/**
 * The production build as a user runs it: `node dist/src/main.js` with no configuration
 * but ports and a data folder. Needs `npm run build` (npm test runs it first).
 */
interface Running {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** Every API this file starts, so a failed test cannot leave one running after the suite. */
const started: ChildProcess[] = [];

function start(env: Record<string, string>): Running {
  let out = '';
  const child = spawn(process.execPath, ['dist/src/main.js'], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.push(child);
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => out, exited };
}

/** The base URL of the process once it answers ready (it listens on a port the system chose). */
async function waitReady(proc: ReturnType<typeof start>, timeoutMs: number): Promise<string> {
  const t0 = Date.now();
  const base = `http://127.0.0.1:${await ownListeningPort(proc.child, proc.output, timeoutMs)}`;
  while (Date.now() - t0 < timeoutMs) {
    try {
      const res = await fetch(`${base}/health/ready`);
      if (res.status === 200) return base;
    } catch {
      // not answering yet
    }
    if (proc.child.exitCode !== null) throw new Error(`exited with ${proc.child.exitCode}:\n${proc.output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`not ready within ${timeoutMs} ms`);
}

describe('process lifecycle (built app, embedded database)', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ctcm-lifecycle-'));
  afterAll(() => {
    for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  /** Its exit code, and on a failure the end of its output (why it did not stop cleanly). */
  const stoppedCleanly = async (p: ReturnType<typeof start>) => {
    const code = await p.exited;
    return { code, output: code === 0 ? '' : p.output().slice(-4000) };
  };

  it('starts with no configuration, survives a restart with its data, and stops cleanly on SIGTERM', async () => {
    const dbPort = await freeLocalPort();
    const env = { PORT: '0', EMBEDDED_DB_PORT: String(dbPort), DATA_DIR: dataDir, LOG_LEVEL: 'debug' };

    // A first start (initdb, migrations) takes about 10 s on a quiet machine, a restart 2 s; the
    // bounds are ten times that, for a hung process, not a slow one: timings belong to the benchmark.
    const first = start(env);
    const base = await waitReady(first, 120_000);
    // npm test runs on the Node that the project pins, and the start log names it.
    expect(process.versions.node.split('.')[0]).toBe(String(SUPPORTED_NODE_MAJOR));
    expect(first.output()).toContain(`"node":"${process.versions.node}"`);
    const docs = await fetch(`${base}/docs/`);
    expect(docs.status).toBe(200);

    const secrets = JSON.parse(fs.readFileSync(path.join(dataDir, 'secrets.json'), 'utf8')) as Record<string, string>;
    expect(fs.statSync(path.join(dataDir, 'secrets.json')).mode & 0o077).toBe(0);
    const owner = new pg.Client({
      connectionString: `postgres://postgres:${secrets.postgresSuperuserPassword}@127.0.0.1:${dbPort}/ctcm`,
    });
    await owner.connect();
    await owner.query('CREATE TABLE restart_marker (note text)');
    await owner.query("INSERT INTO restart_marker VALUES ('kept')");
    await owner.end();

    // Another process on the same data folder (an admin command, a second `npm start`) must not
    // stop the server it did not start: it refuses, and the running API keeps answering.
    const intruder = start(env);
    expect(await intruder.exited).toBe(1);
    expect(intruder.output()).toContain('it is left running');
    expect((await fetch(`${base}/health/ready`)).status).toBe(200);

    first.child.kill('SIGTERM');
    expect(await stoppedCleanly(first)).toEqual({ code: 0, output: '' });
    expect(first.output()).toContain('"msg":"stopped"');

    const second = start(env);
    await waitReady(second, 120_000);
    // Postgres' own log reaches ours at debug level: a clean stop leaves no crash recovery.
    expect(second.output()).toContain('database system is ready to accept connections');
    expect(second.output()).not.toMatch(/not properly shut down|automatic recovery in progress/);
    const again = new pg.Client({
      connectionString: `postgres://postgres:${secrets.postgresSuperuserPassword}@127.0.0.1:${dbPort}/ctcm`,
    });
    await again.connect();
    expect((await again.query('SELECT note FROM restart_marker')).rows).toEqual([{ note: 'kept' }]);
    await again.end();

    second.child.kill('SIGTERM');
    expect(await stoppedCleanly(second)).toEqual({ code: 0, output: '' });
  }, 300_000);

  it('refuses to start with a bad variable and names it', async () => {
    const bad = start({ PORT: 'not-a-port', DATA_DIR: dataDir });
    expect(await bad.exited).toBe(1);
    expect(bad.output()).toContain('PORT');
    expect(bad.output()).toContain('Invalid configuration');
  });

  it('refuses to start on a Node.js major it does not support, and says how to start it', async () => {
    const script = `Object.defineProperty(process.versions, 'node', { value: '20.20.2' });
      await import('./dist/src/main.js');`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(code).toBe(1);
    expect(out).toContain('runs on Node.js 24 LTS; this is Node.js 20.20.2');
    expect(out).toContain('npm start');
  });
});
