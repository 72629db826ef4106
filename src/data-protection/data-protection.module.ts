import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { CaseTransfersModule } from '../case-transfers/case-transfers.module.js';
import { CasesModule } from '../cases/cases.module.js';
import { DocumentsModule } from '../documents/documents.module.js';
import { IntakeModule } from '../intake/intake.module.js';
import { PersonsModule } from '../persons/persons.module.js';
import { ReferralsModule } from '../referrals/referrals.module.js';
import { ScreeningModule } from '../screening/screening.module.js';
import { TracingModule } from '../tracing/tracing.module.js';
import { FeatureErasers } from './feature-erasers.js';
import { LegalHoldsService } from './legal-holds.service.js';
import { LegalHoldsController, RetentionController } from './retention.controller.js';
import { RetentionErasersModule } from './retention-erasers.module.js';
import { RetentionService } from './retention.service.js';
import { SubjectAccessExporter } from './subject-access-export.js';
import { SubjectRequestsController } from './subject-requests.controller.js';
import { SubjectRequestsService } from './subject-requests.service.js';

/**
 * Data protection through a record's life (docs/data-protection.md): retention by rule with
 * legal holds, and the data subject's requests (access, restriction, erasure). RetentionErasers is the one interface other features use: import RetentionErasersModule
 * (re-exported here) and register an eraser for the personal values the feature holds.
 */
@Module({
  imports: [
    AuthModule,
    PersonsModule,
    CasesModule,
    ReferralsModule,
    ScreeningModule,
    TracingModule,
    CaseTransfersModule,
    DocumentsModule,
    IntakeModule,
    RetentionErasersModule,
  ],
  controllers: [RetentionController, LegalHoldsController, SubjectRequestsController],
  providers: [FeatureErasers, RetentionService, LegalHoldsService, SubjectAccessExporter, SubjectRequestsService],
  exports: [RetentionErasersModule],
})
export class DataProtectionModule {}
