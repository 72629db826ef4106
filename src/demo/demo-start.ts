import type { INestApplication } from '@nestjs/common';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import type { AppConfig } from '../config/app-config.js';
import { printDemoAccounts } from './demo-console.js';
import { loadDemoData } from './demo-loader.js';

/**
 * Loads the demo data into the running API (it must be listening: the records go through its
 * HTTP interface). A failure is logged and leaves the API running with what was loaded.
 */
export async function startDemoData(app: INestApplication, config: AppConfig, logger: Logger): Promise<void> {
  const { port } = app.getHttpServer().address() as AddressInfo;
  const host = ['0.0.0.0', '::', ''].includes(config.http.host) ? '127.0.0.1' : config.http.host;
  try {
    printDemoAccounts(
      await loadDemoData(app, config, `http://${host.includes(':') ? `[${host}]` : host}:${port}`, logger),
    );
  } catch (err) {
    logger.error(
      { err: { type: (err as Error)?.name, message: (err as Error)?.message } },
      'loading the demo data failed',
    );
  }
}
