import './resolve-ts.cjs';
import fs from 'node:fs';
import type { EmbeddedCluster } from '../../src/database/embedded-postgres.js';

export default async function globalTeardown(): Promise<void> {
  const state = (globalThis as Record<string, unknown>).__CTCM_TEST__ as { cluster: EmbeddedCluster; dir: string } | undefined;
  if (!state) return;
  await state.cluster.stop();
  fs.rmSync(state.dir, { recursive: true, force: true });
}
