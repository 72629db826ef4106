import './runtime-check.js';
import 'reflect-metadata';
import { pino } from 'pino';
import { createApp } from './app.factory.js';
import { ConfigError, loadConfig } from './config/app-config.js';
import { baseLoggerOptions } from './common/logging/logger-options.js';
import { openDatabase, prepareDatabase } from './start-up/database-bootstrap.js';
import { startDemoData } from './demo/demo-start.js';
import { type FirstStartCredentials, showOneTimePassword } from './users/first-start-notice.js';

async function main(): Promise<void> {
  let config;
  try {
    // `npm start -- --demo` is DEMO_DATA=true.
    config = loadConfig(process.argv.includes('--demo') ? { ...process.env, DEMO_DATA: 'true' } : process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\nSee .env.example for every variable.\n`);
      process.exit(1);
    }
    throw err;
  }
  const logger = pino(baseLoggerOptions(config));
  const startedAt = Date.now();

  let db: Awaited<ReturnType<typeof openDatabase>>;
  try {
    db = await openDatabase(config, logger);
  } catch (err) {
    logger.fatal({ err: { type: (err as Error)?.name, message: (err as Error)?.message } }, 'start-up failed');
    logger.flush();
    process.exit(1);
  }
  let app: Awaited<ReturnType<typeof createApp>> | undefined;
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: draining requests');
    const force = setTimeout(() => {
      logger.warn('grace period over: closing remaining connections');
      app?.getHttpServer().closeAllConnections();
    }, config.http.shutdownGraceMs);
    try {
      await app?.close();
    } finally {
      clearTimeout(force);
      await db.close();
      logger.info('stopped');
      logger.flush();
      process.exit(0);
    }
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));

  let firstStart: FirstStartCredentials | undefined;
  try {
    firstStart = await prepareDatabase(config, db, logger);
    app = await createApp(config, db.appUrl, logger);
    await app.listen(config.http.port, config.http.host);
    if (config.demo.enabled) await startDemoData(app, config, logger);
  } catch (err) {
    if (err instanceof ConfigError) process.stderr.write(`${err.message}\n`);
    logger.fatal({ err: { type: (err as Error)?.name, message: (err as Error)?.message } }, 'start-up failed');
    // The administrator exists now: its password must not be lost with this start.
    if (firstStart) showOneTimePassword(firstStart, { dataDir: config.dataDir });
    await db.close();
    process.exit(1);
  }
  // PORT=0 asks the system for a free port: report the one actually bound.
  const bound = app?.getHttpServer().address();
  const port = typeof bound === 'object' && bound ? bound.port : config.http.port;
  const url = `http://${browsableHost(config.http.host)}:${port}`;
  const docsUrl = config.http.swaggerEnabled ? `${url}/docs` : undefined;
  logger.info(
    {
      url: `http://${config.http.host}:${port}`,
      node: process.versions.node,
      docs: config.http.swaggerEnabled ? '/docs' : 'disabled',
      startupMs: Date.now() - startedAt,
    },
    'ctcm-api listening',
  );
  // For the person at the console: a link, not JSON (stderr, beside the JSON log on stdout).
  process.stderr.write(`API ready at ${docsUrl ?? url}\n`);
  if (firstStart) showOneTimePassword(firstStart, { dataDir: config.dataDir, docsUrl });
}

/** A wildcard listen address is not one a browser can open. */
function browsableHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}

void main();
