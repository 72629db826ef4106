import { ClsPluginTransactional } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import type { Request } from 'express';
import { ClsModule } from 'nestjs-cls';
import { LoggerModule } from 'nestjs-pino';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import { PermissionGuard } from './auth/permission.guard.js';
import { ProblemFilter } from './common/errors/problem.filter.js';
import { requestIdOf } from './common/http/request-id.js';
import { httpLoggerOptions } from './common/logging/logger-options.js';
import type { AppConfig } from './config/app-config.js';
import { ConfigModule } from './config/config.module.js';
import { DatabaseModule } from './database/database.module.js';
import { HealthModule } from './health/health.module.js';
import { ReferenceDataModule } from './reference-data/reference-data.module.js';

export interface AppModuleOptions {
  config: AppConfig;
  /** Connection URL of the application role. */
  databaseUrl: string;
  logger: Logger;
}

@Module({})
export class AppModule {
  static register({ config, databaseUrl, logger }: AppModuleOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot({ pinoHttp: { ...httpLoggerOptions(config), logger } }),
        DatabaseModule.forRoot(databaseUrl),
        ClsModule.forRoot({
          global: true,
          middleware: {
            mount: true,
            generateId: true,
            idGenerator: (req: Request) => requestIdOf(req),
            setup: (cls, req: Request) => cls.set('requestId', requestIdOf(req)),
          },
          plugins: [
            new ClsPluginTransactional({
              adapter: new TransactionalAdapterTypeOrm({ dataSourceToken: DataSource }),
              enableTransactionProxy: true,
            }),
          ],
        }),
        HealthModule,
        ReferenceDataModule,
      ],
      providers: [
        { provide: APP_GUARD, useClass: PermissionGuard },
        { provide: APP_FILTER, useClass: ProblemFilter },
      ],
    };
  }
}
