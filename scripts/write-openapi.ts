/** Writes openapi.json from the app's own metadata; `npm test` fails when the committed file is stale. */
import '../src/runtime-check.js';
import fs from 'node:fs';
import path from 'node:path';
import { pino } from 'pino';
import { createApp } from '../src/app.factory.js';
import { loadConfig } from '../src/config/app-config.js';
import { withScratchDatabase } from '../src/start-up/scratch-database.js';
import { buildOpenApiDocument } from '../src/openapi.js';

const file = path.resolve(import.meta.dirname, '..', '..', 'openapi.json');

await withScratchDatabase(async ({ appUrl }) => {
  const config = loadConfig({ NODE_ENV: 'test', DATABASE_URL: appUrl, LOG_LEVEL: 'warn' });
  const app = await createApp(config, appUrl, pino({ level: 'warn' }));
  try {
    fs.writeFileSync(file, `${JSON.stringify(buildOpenApiDocument(app), null, 2)}\n`);
  } finally {
    await app.close();
  }
});
process.stdout.write(`wrote ${file}\n`);
