import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { log, sleep } from './util.js';

let ticksPerSecond = 100;
try {
  ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
} catch {
  // the usual Linux value
}

/** CPU seconds (user + system, all threads) of a process from /proc/<pid>/stat; 0 when gone. */
function cpuOf(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
  } catch {
    return 0;
  }
}

/** Context switches of a process's main thread (the JavaScript thread of a Node.js process). */
function switchesOf(pid: number): { voluntary: number; involuntary: number } {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    return {
      voluntary: Number(/^voluntary_ctxt_switches:\s+(\d+)$/m.exec(status)?.[1] ?? 0),
      involuntary: Number(/^nonvoluntary_ctxt_switches:\s+(\d+)$/m.exec(status)?.[1] ?? 0),
    };
  } catch {
    return { voluntary: 0, involuntary: 0 };
  }
}

/** The postmaster and every process it started (backends, walwriter, checkpointer, ...). */
function postgresPids(postmasterPid: number): number[] {
  const pids = [postmasterPid];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === postmasterPid) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

function machineBusy(): { busy: number; total: number } {
  const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  const idle = (line[3] ?? 0) + (line[4] ?? 0);
  const total = line.reduce((s, v) => s + v, 0);
  return { busy: (total - idle) / ticksPerSecond, total: total / ticksPerSecond };
}

export interface CpuUse {
  /** CPU seconds used during the window. */
  apiS: number;
  postgresS: number;
  /** The benchmark process itself: the load generator (autocannon). */
  loadGeneratorS: number;
  /** Share of all cores busy during the window (1 = every core saturated). */
  machineBusy: number;
  /** CPU seconds used by anything else on the machine (other processes, kernel): noise when high. */
  otherS: number;
  /** Context switches of the server's main thread: involuntary ones are preemptions (cores shared with PostgreSQL). */
  serverSwitches: { voluntary: number; involuntary: number };
  windowS: number;
}

/** Measures CPU use of the API, PostgreSQL and the load generator over a window. */
export class CpuMeter {
  private start?: {
    api: number;
    switches: { voluntary: number; involuntary: number };
    pg: Map<number, number>;
    self: NodeJS.CpuUsage;
    machine: { busy: number; total: number };
    at: number;
  };

  constructor(
    private readonly apiPid: () => number | undefined,
    private readonly postmasterPidFile: string,
  ) {}

  private postmaster(): number | undefined {
    try {
      return Number(fs.readFileSync(this.postmasterPidFile, 'utf8').split('\n')[0]);
    } catch {
      return undefined;
    }
  }

  begin(): void {
    const pm = this.postmaster();
    const pg = new Map<number, number>();
    if (pm) for (const pid of postgresPids(pm)) pg.set(pid, cpuOf(pid));
    const api = this.apiPid();
    this.start = {
      api: api ? cpuOf(api) : 0,
      switches: api ? switchesOf(api) : { voluntary: 0, involuntary: 0 },
      pg,
      self: process.cpuUsage(),
      machine: machineBusy(),
      at: performance.now(),
    };
  }

  end(): CpuUse | undefined {
    const s = this.start;
    if (!s) return undefined;
    const pm = this.postmaster();
    let pgS = 0;
    if (pm) for (const pid of postgresPids(pm)) pgS += cpuOf(pid) - (s.pg.get(pid) ?? 0);
    const api = this.apiPid();
    const self = process.cpuUsage(s.self);
    const m = machineBusy();
    const r = (n: number) => Math.round(n * 100) / 100;
    const apiS = api ? cpuOf(api) - s.api : 0;
    const loadGeneratorS = (self.user + self.system) / 1e6;
    const sw = api ? switchesOf(api) : s.switches;
    return {
      apiS: r(apiS),
      postgresS: r(pgS),
      loadGeneratorS: r(loadGeneratorS),
      machineBusy: r((m.busy - s.machine.busy) / Math.max(0.001, m.total - s.machine.total)),
      otherS: r(Math.max(0, m.busy - s.machine.busy - apiS - pgS - loadGeneratorS)),
      serverSwitches: {
        voluntary: sw.voluntary - s.switches.voluntary,
        involuntary: sw.involuntary - s.switches.involuntary,
      },
      windowS: r((performance.now() - s.at) / 1000),
    };
  }
}

/**
 * Waits (at most `maxWaitS`) until the machine is mostly idle between scenarios: with two cores
 * shared by the load generator, the API and PostgreSQL, another process (a build, a test run,
 * autovacuum after a bulk write) changes every number.
 */
export async function waitForQuiet(maxWaitS: number, threshold = 0.3): Promise<number> {
  const t0 = performance.now();
  let warned = false;
  for (;;) {
    const a = machineBusy();
    await sleep(1000);
    const b = machineBusy();
    const busy = (b.busy - a.busy) / Math.max(0.001, b.total - a.total);
    const waited = (performance.now() - t0) / 1000;
    if (busy <= threshold || waited >= maxWaitS) {
      if (busy > threshold)
        log(`  the machine is still ${Math.round(busy * 100)} % busy after ${Math.round(waited)} s: measuring anyway`);
      return Math.round(waited);
    }
    if (!warned)
      log(`  the machine is ${Math.round(busy * 100)} % busy (another process?): waiting up to ${maxWaitS} s`);
    warned = true;
  }
}
