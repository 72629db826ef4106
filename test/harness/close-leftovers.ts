import fs from 'node:fs';
import path from 'node:path';
import { closeLeftoverTestApps } from './test-app.js';
import { TEST_CLUSTER_ENV, type TestClusterInfo } from './test-cluster.js';

// After each file's own afterAll: close any app whose start outlived its beforeAll hook.
afterAll(() => closeLeftoverTestApps(), 180_000);

const GRACE_MS = 10_000;

/** Live child processes of this jest process (zombies are already gone), with their command lines. */
function children(): { pid: number; cmd: string }[] {
  const own = String(process.pid);
  const found: { pid: number; cmd: string }[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid …: comm may hold spaces, so read after the last ')'.
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (ppid !== own || state === 'Z') continue;
      const cmd = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
      found.push({ pid: Number(entry), cmd });
    } catch {
      // gone while we looked
    }
  }
  return found;
}

/** The run's shared PostgreSQL, a child of the main jest process when tests run in band. */
function sharedClusterPid(): number | undefined {
  const raw = process.env[TEST_CLUSTER_ENV];
  if (!raw) return undefined;
  const info = JSON.parse(raw) as TestClusterInfo;
  try {
    return Number(fs.readFileSync(path.join(info.dir, 'pg', 'postmaster.pid'), 'utf8').split('\n')[0]);
  } catch {
    return undefined;
  }
}

// Last: a test file must stop every process it started (an API, a cluster, a browser). One left
// running keeps the jest worker alive ("a worker process has failed to exit gracefully") and
// holds ports and memory for the rest of the run; it is killed here and the file fails.
afterAll(async () => {
  const shared = sharedClusterPid();
  const deadline = Date.now() + GRACE_MS;
  let left = children().filter((c) => c.pid !== shared);
  while (left.length && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 200));
    left = children().filter((c) => c.pid !== shared);
  }
  for (const c of left) process.kill(c.pid, 'SIGKILL');
  if (left.length)
    throw new Error(
      `processes left running by this file (killed now): ${left.map((c) => c.cmd.slice(0, 160)).join('; ')}`,
    );
}, 30_000);
