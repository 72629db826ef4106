import './resolve-ts.cjs';
import fs from 'node:fs';
import path from 'node:path';
import { CANARY_VALUES } from './canaries.js';
import type { EmbeddedCluster } from '../../src/start-up/embedded-postgres.js';

/**
 * Stops the cluster, then reads every log line the API wrote during the whole run: a single
 * canary personal value in any of them fails the run.
 */
export default async function globalTeardown(): Promise<void> {
  const state = (globalThis as Record<string, unknown>).__CTCM_TEST__ as
    { cluster: EmbeddedCluster; dir: string } | undefined;
  if (!state) return;
  await state.cluster.stop();
  const logDir = path.join(state.dir, 'logs');
  const leaks: string[] = [];
  let lines = 0;
  for (const file of fs.existsSync(logDir) ? fs.readdirSync(logDir) : []) {
    const text = fs.readFileSync(path.join(logDir, file), 'utf8');
    lines += text.split('\n').length;
    for (const value of CANARY_VALUES) if (text.includes(value)) leaks.push(`${file}: ${value}`);
  }
  fs.rmSync(state.dir, { recursive: true, force: true });
  if (lines === 0)
    throw new Error('no API log was written during the test run: the log canary check would prove nothing');
  if (leaks.length) throw new Error(`personal data reached the logs:\n${leaks.join('\n')}`);
}
