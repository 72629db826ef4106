import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authorize } from '../auth/authorize.decorator.js';
import { Permission } from '../auth/permissions.js';
import type { Actor } from '../common/context/request-context.js';
import { CurrentActor } from '../common/http/actor.decorator.js';
import { IfMatchVersion } from '../common/http/etag.js';
import { IdParam } from '../common/http/params.js';
import {
  ConfirmMatchRequest,
  CreateTracingRequest,
  RecordOutcomeRequest,
  TracingCandidatesResponse,
  TracingListQuery,
  TracingRequestResponse,
} from './dto/tracing.dto.js';
import { TracingService } from './tracing.service.js';

@ApiTags('tracing')
@Controller('tracing-requests')
export class TracingController {
  constructor(@Inject(TracingService) private readonly tracing: TracingService) {}

  @Post()
  @Authorize(Permission.TracingManage)
  @ApiOperation({
    operationId: 'createTracingRequest',
    summary: "Record a family's request to trace a missing migrant (inquirer and person encrypted)",
  })
  @ApiCreatedResponse({ type: TracingRequestResponse })
  create(@CurrentActor() actor: Actor, @Body() body: CreateTracingRequest): Promise<TracingRequestResponse> {
    return this.tracing.create(actor, body);
  }

  @Get()
  @Authorize(Permission.TracingRead)
  @ApiOperation({
    operationId: 'listTracingRequests',
    summary: "Your agency's tracing requests, latest first (at most 200)",
  })
  @ApiOkResponse({ type: [TracingRequestResponse] })
  list(@CurrentActor() actor: Actor, @Query() q: TracingListQuery): Promise<TracingRequestResponse[]> {
    return this.tracing.list(actor, q.status);
  }

  @Get(':id')
  @Authorize(Permission.TracingRead)
  @ApiOperation({ operationId: 'getTracingRequest', summary: 'One tracing request of your agency' })
  @ApiOkResponse({ type: TracingRequestResponse })
  get(@CurrentActor() actor: Actor, @Param() { id }: IdParam): Promise<TracingRequestResponse> {
    return this.tracing.get(actor, id);
  }

  @Get(':id/candidates')
  @Authorize(Permission.TracingRead)
  @ApiOperation({
    operationId: 'listTracingCandidates',
    summary: 'Candidate matches among the persons, expected returnees and cases you may see',
    description:
      'Blind indexes only; Lao, Latin and Thai-script names. A candidate is a lead for staff, never an answer for the family.',
  })
  @ApiOkResponse({ type: TracingCandidatesResponse })
  candidates(@CurrentActor() actor: Actor, @Param() { id }: IdParam): Promise<TracingCandidatesResponse> {
    return this.tracing.candidates(actor, id);
  }

  @Post(':id/match')
  @HttpCode(200)
  @Authorize(Permission.TracingManage)
  @ApiOperation({
    operationId: 'confirmTracingMatch',
    summary: 'Confirm which person, expected returnee or case is the missing person',
  })
  @ApiOkResponse({ type: TracingRequestResponse })
  confirm(
    @CurrentActor() actor: Actor,
    @Param() { id }: IdParam,
    @IfMatchVersion() version: number,
    @Body() body: ConfirmMatchRequest,
  ): Promise<TracingRequestResponse> {
    return this.tracing.confirm(actor, id, version, body);
  }

  @Post(':id/outcome')
  @HttpCode(200)
  @Authorize(Permission.TracingManage)
  @ApiOperation({ operationId: 'recordTracingOutcome', summary: 'Record how the tracing ended; closes the request' })
  @ApiOkResponse({ type: TracingRequestResponse })
  outcome(
    @CurrentActor() actor: Actor,
    @Param() { id }: IdParam,
    @IfMatchVersion() version: number,
    @Body() body: RecordOutcomeRequest,
  ): Promise<TracingRequestResponse> {
    return this.tracing.recordOutcome(actor, id, version, body);
  }
}
