import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import { log, sleep } from './util.js';

/** Every process this run started, so a failure or Ctrl-C stops them all (by pid, nothing else). */
const children = new Set<ChildProcess>();

export interface Started {
  pid: number;
  port: number;
  url: string;
  logFile: string;
  /** Milliseconds from spawn to the first successful readiness answer. */
  readyMs: number;
  exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code. */
  stop(graceMs?: number): Promise<number | null>;
}

export interface StartOptions {
  entry: string;
  env: Record<string, string>;
  readyPath: string;
  logFile: string;
  nodeArgs?: string[];
  readyTimeoutMs?: number;
  cwd?: string;
}

function tail(file: string, lines = 30): string {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/**
 * The port a process started with PORT=0 reports when it listens. Picking a free
 * port beforehand races with other processes: a readiness check could reach someone else's.
 */
function listeningPort(file: string, from: number): number | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file).subarray(from).toString('utf8');
  } catch {
    return undefined;
  }
  for (const line of text.split('\n')) {
    // The API's console line (printed at any log level), or a baseline's JSON line.
    const m = /^API ready at http:\/\/[^/\s]*:(\d+)|"msg":"listening".*"url":"http:\/\/[^"]*:(\d+)"/.exec(line);
    const port = Number(m?.[1] ?? m?.[2]);
    if (port > 0) return port;
  }
  return undefined;
}

/**
 * Starts `node <entry>` with only the given environment (and PORT=0), output to a file, and
 * waits until it says where it listens and answers there.
 */
export async function startNode(o: StartOptions): Promise<Started> {
  const out = fs.openSync(o.logFile, 'a');
  const logStart = fs.fstatSync(out).size;
  const t0 = performance.now();
  const child = spawn(process.execPath, [...(o.nodeArgs ?? []), o.entry], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...o.env, PORT: '0' },
    stdio: ['ignore', out, out],
    cwd: o.cwd,
  });
  fs.closeSync(out);
  children.add(child);
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code, signal) => {
      children.delete(child);
      exitCode = code ?? (signal ? -1 : null);
      resolve(exitCode);
    }),
  );
  const deadline = Date.now() + (o.readyTimeoutMs ?? 60_000);
  let port: number | undefined;
  let readyMs = -1;
  while (Date.now() < deadline) {
    if (exitCode !== undefined)
      throw new Error(`${o.entry} exited with ${exitCode} before it was ready:\n${tail(o.logFile)}`);
    port ??= listeningPort(o.logFile, logStart);
    if (port === undefined) {
      await sleep(25);
      continue;
    }
    try {
      const url = `http://127.0.0.1:${port}`;
      const res = await fetch(`${url}${o.readyPath}`, { signal: AbortSignal.timeout(2000) });
      await res.arrayBuffer();
      if (res.status === 200) {
        readyMs = Math.round(performance.now() - t0);
        break;
      }
    } catch {
      // not listening yet
    }
    await sleep(25);
  }
  if (readyMs < 0) {
    child.kill('SIGKILL');
    throw new Error(`${o.entry} was not ready within ${o.readyTimeoutMs ?? 60_000} ms:\n${tail(o.logFile)}`);
  }
  return {
    pid: child.pid!,
    port: port!,
    url: `http://127.0.0.1:${port}`,
    logFile: o.logFile,
    readyMs,
    exited,
    async stop(graceMs = 15_000) {
      if (exitCode !== undefined) return exitCode;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** Stops whatever is still running (used on failure and on SIGINT/SIGTERM). */
export async function stopAll(): Promise<void> {
  const pending = [...children].map(
    (child) =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  );
  if (pending.length) log(`stopping ${pending.length} process(es)`);
  await Promise.all(pending);
}
