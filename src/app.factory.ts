import type { Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { NestPinoLogger } from './common/logging/nest-pino-logger.js';
import type { Logger as PinoLogger } from 'pino';
import { AppModule } from './app.module.js';
import type { AppConfig } from './config/app-config.js';
import { configureApp } from './configure-app.js';
import { KEY_MATERIAL, type KeyMaterial } from './config/key-material.js';

/** Builds the configured Nest application (not listening yet). Used by main.ts and tests. */
export async function createApp(
  config: AppConfig,
  databaseUrl: string,
  logger: PinoLogger,
  extraModules: Type[] = [],
): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.register({ config, databaseUrl, extraModules }),
    {
      bufferLogs: true,
      bodyParser: false,
      abortOnError: false,
    },
  );
  app.useLogger(new NestPinoLogger(logger));
  const keys = app.get<KeyMaterial>(KEY_MATERIAL);
  if (keys.generated.length) {
    logger.warn(
      { secrets: keys.generated, file: `${config.dataDir}/secrets.json` },
      'using development keys kept in the data folder; configure them for production',
    );
  }
  configureApp(app, config, logger);
  await app.init();
  return app;
}
