import { type DynamicModule, Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { createDataSource } from './data-source.js';
import { StandbyService } from './standby.service.js';
import { TransactionService } from './transaction.service.js';

export const DATABASE_URL = Symbol('DATABASE_URL');

/**
 * Provides the application role's DataSource (the pool closes when the app shuts down) and the
 * standby for lag-tolerant reads, when one is configured.
 */
@Global()
@Module({})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(@Inject(DataSource) private readonly dataSource: DataSource) {}

  static forRoot(appUrl: string): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [
        { provide: DATABASE_URL, useValue: appUrl },
        TransactionService,
        StandbyService,
        {
          provide: DataSource,
          inject: [APP_CONFIG],
          useFactory: async (config: AppConfig) => {
            const ds = createDataSource({
              url: appUrl,
              poolSize: config.database.poolSize,
              statementTimeoutMs: config.database.statementTimeoutMs,
              connectTimeoutMs: config.database.connectTimeoutMs,
            });
            return ds.initialize();
          },
        },
      ],
      exports: [DataSource, DATABASE_URL, TransactionService, StandbyService],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }
}
