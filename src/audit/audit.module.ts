import { Global, Module } from '@nestjs/common';
import { AUTH_EVENT_SINK } from '../auth/auth.service.js';
import { AuditService } from './audit.service.js';

@Global()
@Module({
  providers: [AuditService, { provide: AUTH_EVENT_SINK, useExisting: AuditService }],
  exports: [AuditService, AUTH_EVENT_SINK],
})
export class AuditModule {}
