import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post, Query, StreamableFile } from '@nestjs/common';
import {
  ApiBody,
  ApiCreatedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { Authorize } from '../auth/authorize.decorator.js';
import { Permission } from '../auth/permissions.js';
import type { Actor } from '../common/context/request-context.js';
import { CurrentActor } from '../common/http/actor.decorator.js';
import { IdParam } from '../common/http/params.js';
import { CatalogueVersionParam } from '../screening/dto/screening.dto.js';
import {
  CorrectIntakeSubmissionRequest,
  CreateIntakeConnectionRequest,
  INTAKE_SECRET_HEADER,
  IntakeConnectionResponse,
  IntakeConnectionSecretResponse,
  IntakeReceiptResponse,
  IntakeSubmissionListQuery,
  IntakeSubmissionResponse,
  IntakeSubmissionSummaryResponse,
  SubmitIntakeSubmissionRequest,
  SubmittedIntakeResponse,
} from './dto/intake.dto.js';
import { IntakeConnectionsService } from './intake-connections.service.js';
import { IntakeFormService } from './intake-form.service.js';
import { IntakeSubmissionsService } from './intake-submissions.service.js';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

@Controller('screening-catalogues')
export class XlsFormController {
  constructor(@Inject(IntakeFormService) private readonly forms: IntakeFormService) {}

  @Get(':version/xlsform')
  @Authorize(Permission.CatalogueRead)
  @ApiOperation({
    operationId: 'getScreeningCatalogueXlsForm',
    summary: 'The XLSForm (XLSX) of a published catalogue version, for KoboToolbox',
  })
  @ApiProduces(XLSX)
  @ApiOkResponse({ description: 'XLSForm workbook: survey, choices and settings sheets' })
  async xlsform(@Param() { version }: CatalogueVersionParam): Promise<StreamableFile> {
    const { fileName, content } = await this.forms.workbook(version);
    return new StreamableFile(content, { type: XLSX, disposition: `attachment; filename="${fileName}"` });
  }
}

@Controller('intake')
export class IntakeController {
  constructor(
    @Inject(IntakeConnectionsService) private readonly connections: IntakeConnectionsService,
    @Inject(IntakeSubmissionsService) private readonly submissions: IntakeSubmissionsService,
  ) {}

  @Post('connections')
  @Authorize(Permission.IntakeManage)
  @ApiOperation({
    operationId: 'createIntakeConnection',
    summary: 'Create an intake connection for a KoboToolbox form (the secret is shown once)',
  })
  @ApiCreatedResponse({ type: IntakeConnectionSecretResponse })
  create(
    @CurrentActor() actor: Actor,
    @Body() body: CreateIntakeConnectionRequest,
  ): Promise<IntakeConnectionSecretResponse> {
    return this.connections.create(actor, body);
  }

  @Get('connections')
  @Authorize(Permission.IntakeManage)
  @ApiOperation({ operationId: 'listIntakeConnections', summary: "The agency's intake connections" })
  @ApiOkResponse({ type: [IntakeConnectionResponse] })
  list(@CurrentActor() actor: Actor): Promise<IntakeConnectionResponse[]> {
    return this.connections.list(actor);
  }

  @Get('connections/:id')
  @Authorize(Permission.IntakeManage)
  @ApiOperation({ operationId: 'getIntakeConnection', summary: 'One intake connection' })
  @ApiOkResponse({ type: IntakeConnectionResponse })
  get(@CurrentActor() actor: Actor, @Param() { id }: IdParam): Promise<IntakeConnectionResponse> {
    return this.connections.get(actor, id);
  }

  @Post('connections/:id/rotate-secret')
  @HttpCode(200)
  @Authorize(Permission.IntakeManage)
  @ApiOperation({
    operationId: 'rotateIntakeConnectionSecret',
    summary: 'Replace the secret (the new one is shown once; the old one stops working)',
  })
  @ApiOkResponse({ type: IntakeConnectionSecretResponse })
  rotate(@CurrentActor() actor: Actor, @Param() { id }: IdParam): Promise<IntakeConnectionSecretResponse> {
    return this.connections.rotate(actor, id);
  }

  @Post('connections/:id/revoke')
  @HttpCode(200)
  @Authorize(Permission.IntakeManage)
  @ApiOperation({
    operationId: 'revokeIntakeConnection',
    summary: 'Revoke a connection for good (its submissions stay)',
  })
  @ApiOkResponse({ type: IntakeConnectionResponse })
  revoke(@CurrentActor() actor: Actor, @Param() { id }: IdParam): Promise<IntakeConnectionResponse> {
    return this.connections.revoke(actor, id);
  }

  @Post('kobo/:id')
  @HttpCode(200)
  @Authorize(Permission.IntakeReceive)
  @ApiOperation({
    operationId: 'receiveKoboSubmission',
    summary: "KoboToolbox REST Service endpoint: one submission (Kobo's JSON), stored once",
  })
  @ApiHeader({ name: INTAKE_SECRET_HEADER, required: true, description: "The connection's secret" })
  @ApiBody({ schema: { type: 'object', additionalProperties: true } })
  @ApiOkResponse({ type: IntakeReceiptResponse })
  @ApiUnauthorizedResponse({ description: 'Missing, wrong or revoked secret (no detail)' })
  receive(
    @Param() { id }: IdParam,
    @Headers(INTAKE_SECRET_HEADER) secret: string | undefined,
    @Body() body: Record<string, unknown>,
  ): Promise<IntakeReceiptResponse> {
    return this.submissions.receive(id, secret, body);
  }

  @Get('submissions')
  @Authorize(Permission.IntakeReview)
  @ApiOperation({ operationId: 'listIntakeSubmissions', summary: "The agency's intake review queue (oldest first)" })
  @ApiOkResponse({ type: [IntakeSubmissionSummaryResponse] })
  queue(
    @CurrentActor() actor: Actor,
    @Query() q: IntakeSubmissionListQuery,
  ): Promise<IntakeSubmissionSummaryResponse[]> {
    return this.submissions.queue(actor, q);
  }

  @Get('quarantine')
  @Authorize(Permission.IntakeManage)
  @ApiOperation({
    operationId: 'listQuarantinedIntakeSubmissions',
    summary: 'Submissions that could not be read, with the reasons',
  })
  @ApiOkResponse({ type: [IntakeSubmissionSummaryResponse] })
  quarantine(
    @CurrentActor() actor: Actor,
    @Query() q: IntakeSubmissionListQuery,
  ): Promise<IntakeSubmissionSummaryResponse[]> {
    return this.submissions.quarantine(actor, q);
  }

  @Get('submissions/:id')
  @Authorize(Permission.IntakeReview)
  @ApiOperation({
    operationId: 'getIntakeSubmission',
    summary: 'One draft: the screening read from the field, the suggestion and possible duplicates',
  })
  @ApiOkResponse({ type: IntakeSubmissionResponse })
  getSubmission(@CurrentActor() actor: Actor, @Param() { id }: IdParam): Promise<IntakeSubmissionResponse> {
    return this.submissions.get(actor, id);
  }

  @Post('submissions/:id/corrections')
  @HttpCode(200)
  @Authorize(Permission.IntakeReview)
  @ApiOperation({
    operationId: 'correctIntakeSubmission',
    summary: 'Correct what the field got wrong (audited; the suggestion is computed again)',
  })
  @ApiOkResponse({ type: IntakeSubmissionResponse })
  correct(
    @CurrentActor() actor: Actor,
    @Param() { id }: IdParam,
    @Body() body: CorrectIntakeSubmissionRequest,
  ): Promise<IntakeSubmissionResponse> {
    return this.submissions.correct(actor, id, body);
  }

  @Post('submissions/:id/submit')
  @HttpCode(200)
  @Authorize(Permission.IntakeReview)
  @ApiOperation({
    operationId: 'submitIntakeSubmission',
    summary: 'Submit the reviewed draft as a screening, for a matched or newly registered person',
  })
  @ApiOkResponse({ type: SubmittedIntakeResponse })
  submit(
    @CurrentActor() actor: Actor,
    @Param() { id }: IdParam,
    @Body() body: SubmitIntakeSubmissionRequest,
  ): Promise<SubmittedIntakeResponse> {
    return this.submissions.submit(actor, id, body);
  }

  @Post('submissions/:id/reprocess')
  @HttpCode(200)
  @Authorize(Permission.IntakeManage)
  @ApiOperation({
    operationId: 'reprocessIntakeSubmission',
    summary: 'Read a quarantined submission again (e.g. after its catalogue version was published)',
  })
  @ApiOkResponse({ type: IntakeSubmissionSummaryResponse })
  reprocess(@CurrentActor() actor: Actor, @Param() { id }: IdParam): Promise<IntakeSubmissionSummaryResponse> {
    return this.submissions.reprocess(actor, id);
  }
}
