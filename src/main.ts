import './runtime-check.js';
import 'reflect-metadata';
import { pino } from 'pino';
import { createApp } from './app.factory.js';
import { ConfigError, loadConfig } from './config/app-config.js';
import { baseLoggerOptions } from './common/logging/logger-options.js';
import { openDatabase, prepareDatabase } from './database/database-bootstrap.js';
import { startDemoData } from './demo/demo-start.js';

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

  try {
    await prepareDatabase(config, db, logger);
    app = await createApp(config, db.appUrl, logger);
    await app.listen(config.http.port, config.http.host);
    if (config.demo.enabled) await startDemoData(app, config, logger);
  } catch (err) {
    logger.fatal({ err: { type: (err as Error)?.name, message: (err as Error)?.message } }, 'start-up failed');
    await db.close();
    process.exit(1);
  }
  logger.info(
    {
      url: `http://${config.http.host}:${config.http.port}`,
      node: process.versions.node,
      docs: config.http.swaggerEnabled ? '/docs' : 'disabled',
      startupMs: Date.now() - startedAt,
    },
    'ctcm-api listening',
  );
}

void main();
