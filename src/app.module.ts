import { type DynamicModule, Module, type Type } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { PermissionGuard } from './auth/permission.guard.js';
import { ProblemFilter } from './common/errors/problem.filter.js';
import type { AppConfig } from './config/app-config.js';
import { ConfigModule } from './config/config.module.js';
import { DatabaseModule } from './database/database.module.js';
import { HealthModule } from './health/health.module.js';
import { ReferenceDataModule } from './reference-data/reference-data.module.js';

export interface AppModuleOptions {
  config: AppConfig;
  /** Connection URL of the application role. */
  databaseUrl: string;
  /** Test-only additions; production passes none. */
  extraModules?: Type[];
}

@Module({})
export class AppModule {
  static register({ config, databaseUrl, extraModules = [] }: AppModuleOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule.forRoot(databaseUrl),
        HealthModule,
        ReferenceDataModule,
        ...extraModules,
      ],
      providers: [
        { provide: APP_GUARD, useClass: PermissionGuard },
        { provide: APP_FILTER, useClass: ProblemFilter },
      ],
    };
  }
}
