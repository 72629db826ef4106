import { type DynamicModule, Module, type Type } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { AgenciesModule } from './agencies/agencies.module.js';
import { AuditModule } from './audit/audit.module.js';
import { AuthModule } from './auth/auth.module.js';
import { CasesModule } from './cases/cases.module.js';
import { RequestTransactionInterceptor } from './request-pipeline/request-transaction.interceptor.js';
import { UsersModule } from './users/users.module.js';
import { SessionsModule } from './sessions/sessions.module.js';
import { CryptoModule } from './crypto/crypto.module.js';
import { PersonsModule } from './persons/persons.module.js';
import { ScreeningModule } from './screening/screening.module.js';
import { ReferralsModule } from './referrals/referrals.module.js';
import { TracingModule } from './tracing/tracing.module.js';
import { CaseTransfersModule } from './case-transfers/case-transfers.module.js';
import { WorkListModule } from './work-list/work-list.module.js';
import { NotificationsModule } from './notifications/notifications.module.js';
import { AccessGuard } from './auth/access.guard.js';
import { ProblemFilter } from './common/errors/problem.filter.js';
import { EtagInterceptor } from './common/http/etag.js';
import type { AppConfig } from './config/app-config.js';
import { ConfigModule } from './config/config.module.js';
import { DatabaseModule } from './database/database.module.js';
import { HealthModule } from './health/health.module.js';
import { ReferenceDataModule } from './reference-data/reference-data.module.js';
import { I18nModule } from './i18n/i18n.module.js';
import { QueueModule } from './queue/queue.module.js';
import { EventsModule } from './events/events.module.js';
import { WebhooksModule } from './webhooks/webhooks.module.js';
import { StatisticsModule } from './statistics/statistics.module.js';
import { DataProtectionModule } from './data-protection/data-protection.module.js';
import { IntakeModule } from './intake/intake.module.js';
import { DocumentsModule } from './documents/documents.module.js';

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
        QueueModule,
        EventsModule,
        CryptoModule,
        AuditModule,
        AuthModule,
        HealthModule,
        ReferenceDataModule,
        I18nModule,
        AgenciesModule,
        UsersModule,
        SessionsModule,
        CasesModule,
        PersonsModule,
        ScreeningModule,
        IntakeModule,
        ReferralsModule,
        TracingModule,
        CaseTransfersModule,
        WorkListModule,
        NotificationsModule,
        WebhooksModule,
        StatisticsModule,
        DataProtectionModule,
        DocumentsModule,
        ...extraModules,
      ],
      providers: [
        { provide: APP_GUARD, useClass: AccessGuard },
        { provide: APP_FILTER, useClass: ProblemFilter },
        { provide: APP_INTERCEPTOR, useClass: EtagInterceptor },
        { provide: APP_INTERCEPTOR, useClass: RequestTransactionInterceptor },
      ],
    };
  }
}
