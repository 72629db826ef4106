import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces } from '@nestjs/swagger';
import type { Response } from 'express';
import { Authorize } from '../auth/authorize.decorator.js';
import { Permission } from '../auth/permissions.js';
import type { Actor } from '../common/context/request-context.js';
import { CurrentActor } from '../common/http/actor.decorator.js';
import { IdParam } from '../common/http/params.js';
import { NoRequestTransaction } from '../request-pipeline/request-transaction.interceptor.js';
import { AuditQueryService } from './audit-query.service.js';
import { AuditSealer } from './audit-sealer.service.js';
import { AuditVerifier } from './audit-verifier.service.js';
import {
  AuditEventPage,
  AuditEventsQuery,
  AuditExportQuery,
  CaseAccessSummary,
  SigningKeyResponse,
  VerificationResponse,
} from './dto/audit.dto.js';

@Controller('audit')
export class AuditController {
  constructor(
    @Inject(AuditQueryService) private readonly query: AuditQueryService,
    @Inject(AuditVerifier) private readonly verifier: AuditVerifier,
    @Inject(AuditSealer) private readonly sealer: AuditSealer,
  ) {}

  @Get('events')
  @Authorize(Permission.AuditRead)
  @ApiOperation({
    operationId: 'listAuditEvents',
    summary: 'Search the audit trail (newest first, keyset pagination)',
    description: 'Default range: the last 24 hours. Entries hold identifiers and metadata, never victim content.',
  })
  @ApiOkResponse({ type: AuditEventPage })
  events(@Query() q: AuditEventsQuery): Promise<AuditEventPage> {
    return this.query.events(q);
  }

  @Get('cases/:id/access')
  @Authorize(Permission.AuditRead)
  @ApiOperation({
    operationId: 'listCaseAccessEvents',
    summary: 'Everyone who read or changed one case, through which route, how often, when',
  })
  @ApiOkResponse({ type: [CaseAccessSummary] })
  caseAccess(@Param() { id }: IdParam): Promise<CaseAccessSummary[]> {
    return this.query.caseAccess(id);
  }

  @Get('verify')
  @Authorize(Permission.AuditVerify)
  @ApiOperation({
    operationId: 'verifyAuditChain',
    summary: 'Verify the hash chain and signed checkpoints; reports the first broken link',
  })
  @ApiOkResponse({ type: VerificationResponse })
  verify(): Promise<VerificationResponse> {
    return this.verifier.verify();
  }

  @Get('signing-key')
  @Authorize(Permission.AuditVerify)
  @ApiOperation({
    operationId: 'getAuditSigningKey',
    summary: 'The public key that signs checkpoints and export manifests',
  })
  @ApiOkResponse({ type: SigningKeyResponse })
  signingKey(): SigningKeyResponse {
    return { keyId: this.sealer.signer.keyId, publicKeyPem: this.sealer.signer.publicKeyPem };
  }

  @Get('export')
  @Authorize(Permission.AuditExport)
  @NoRequestTransaction()
  @ApiOperation({
    operationId: 'exportAuditEvents',
    summary: 'Stream a filtered range as NDJSON or CSV, ending with a signed manifest',
    description: 'Verify offline with `npm run audit:verify-export -- <file> --public-key <pem>`.',
  })
  @ApiProduces('application/x-ndjson', 'text/csv')
  @ApiOkResponse({ description: 'One entry per line in chain order, then the manifest line' })
  export(@Query() q: AuditExportQuery, @Res() res: Response, @CurrentActor() actor: Actor): Promise<void> {
    return this.query.export(q, res, actor.userId);
  }
}
