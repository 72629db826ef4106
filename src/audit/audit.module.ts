import { Global, Module } from '@nestjs/common';
import { AUTH_EVENT_SINK } from '../auth/auth.service.js';
import { AuditMaintenance } from './audit-maintenance.service.js';
import { AuditQueryService } from './audit-query.service.js';
import { AuditSealer } from './audit-sealer.service.js';
import { AuditVerifier } from './audit-verifier.service.js';
import { AuditWorkerPool } from './audit-workers.js';
import { AuditController } from './audit.controller.js';
import { AuditService } from './audit.service.js';

@Global()
@Module({
  controllers: [AuditController],
  providers: [
    AuditService,
    AuditSealer,
    AuditVerifier,
    AuditQueryService,
    AuditMaintenance,
    AuditWorkerPool,
    { provide: AUTH_EVENT_SINK, useExisting: AuditService },
  ],
  exports: [AuditService, AuditSealer, AuditVerifier, AUTH_EVENT_SINK],
})
export class AuditModule {}
