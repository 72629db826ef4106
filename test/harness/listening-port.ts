import type { ChildProcess } from 'node:child_process';

/**
 * The port an API process started with PORT=0 actually bound, read from its own
 * "API ready at …" console line. Choosing a free port first and passing it in races with
 * other processes on a busy machine: another test's API can take it, and a readiness
 * check would then be answered by the wrong process.
 */
export async function ownListeningPort(
  child: ChildProcess,
  output: () => string,
  timeoutMs = 120_000,
): Promise<number> {
  const t0 = Date.now();
  for (;;) {
    for (const line of output().split('\n')) {
      // Printed on stderr at every log level, once the server listens.
      const port = Number(/^API ready at http:\/\/[^/\s]*:(\d+)/.exec(line)?.[1]);
      if (port > 0) return port;
    }
    if (child.exitCode !== null) throw new Error(`API exited with ${child.exitCode} before it listened:\n${output()}`);
    // A start takes 1-3 s on a quiet machine; the bound is for a hung process, not a slow one.
    if (Date.now() - t0 > timeoutMs) throw new Error(`API did not start listening:\n${output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
