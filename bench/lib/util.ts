import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';

const started = Date.now();

/** Progress on stderr (stdout stays free for a machine-readable summary). */
export function log(message: string): void {
  const t = ((Date.now() - started) / 1000).toFixed(1).padStart(7);
  process.stderr.write(`[bench ${t}s] ${message}\n`);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Wall time of an async step, in milliseconds. */
export async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const t0 = performance.now();
  const value = await work();
  return { value, ms: Math.round(performance.now() - t0) };
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export const round = (n: number, digits = 1) => (Number.isFinite(n) ? Math.round(n * 10 ** digits) / 10 ** digits : n);

/** A deterministic pseudo-random generator (mulberry32), so every run generates the same data shape. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)]!;
}

/** Picks by weight: `[['a', 3], ['b', 1]]` gives 'a' three times as often. */
export function weighted<T>(random: () => number, table: readonly (readonly [T, number])[]): T {
  const total = table.reduce((s, [, w]) => s + w, 0);
  let x = random() * total;
  for (const [value, w] of table) {
    x -= w;
    if (x < 0) return value;
  }
  return table[table.length - 1]![0];
}

export interface MachineInfo {
  cpuModel: string;
  cores: number;
  ramGiB: number;
  os: string;
  node: string;
  postgres?: string;
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  let cpuModel = cpus[0]?.model?.trim() ?? 'unknown';
  try {
    // Hypervisors often expose a short model name; lscpu sometimes knows more.
    const lscpu = execFileSync('lscpu', { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const name = /^Model name:\s*(.+)$/m.exec(lscpu)?.[1]?.trim();
    if (name && name.length > cpuModel.length) cpuModel = name;
  } catch {
    // lscpu is optional
  }
  let osName = `${os.type()} ${os.release()}`;
  try {
    const pretty = /^PRETTY_NAME="?([^"\n]+)"?$/m.exec(fs.readFileSync('/etc/os-release', 'utf8'))?.[1];
    if (pretty) osName = `${pretty} (${os.release()})`;
  } catch {
    // not Linux
  }
  return {
    cpuModel,
    cores: cpus.length,
    ramGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    os: osName,
    node: process.version,
  };
}

/** Resident set size of a process in bytes (Linux /proc), or undefined when gone. */
export function rssOf(pid: number): number | undefined {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status)?.[1];
    return kb ? Number(kb) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Samples a process's RSS every `intervalMs` until stopped; returns the peak. */
export function rssSampler(pid: number, intervalMs = 20): { stop(): { peak: number; first: number; samples: number } } {
  const first = rssOf(pid) ?? 0;
  let peak = first;
  let samples = 1;
  const timer = setInterval(() => {
    const rss = rssOf(pid);
    if (rss !== undefined) {
      samples += 1;
      if (rss > peak) peak = rss;
    }
  }, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      const last = rssOf(pid);
      if (last !== undefined && last > peak) peak = last;
      return { peak, first, samples };
    },
  };
}
