import { runMigrations } from 'graphile-worker';
import { QUEUE_SCHEMA } from './queue.queries.js';

/** Installs or upgrades graphile-worker's tables as the application role (the queue does it at start too). */
export async function installQueueSchema(appUrl: string): Promise<void> {
  await runMigrations({ connectionString: appUrl, schema: QUEUE_SCHEMA, maxPoolSize: 2 });
}
