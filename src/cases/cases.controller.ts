import { Body, Controller, Get, HttpCode, Inject, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
} from '@nestjs/swagger';
import { Authorize, UserCheckWithFirstStatement } from '../auth/authorize.decorator.js';
import { Permission } from '../auth/permissions.js';
import type { Actor } from '../common/context/request-context.js';
import { CurrentActor } from '../common/http/actor.decorator.js';
import { IfMatchVersion } from '../common/http/etag.js';
import { IdParam } from '../common/http/params.js';
import type { CaseStage } from './case-stages.js';
import { CasesService } from './cases.service.js';
import {
  AccessGrantResponse,
  AssignCaseRequest,
  BreakGlassRequest,
  CaseCountsResponse,
  CaseListQuery,
  CasePage,
  CaseResponse,
  ClosureRequest,
  CreateCaseRequest,
  LinkScreeningRequest,
  OpenCaseFromScreeningRequest,
  ReopenRequest,
  TimelineEventResponse,
  TransitionRequest,
  UpdateCaseRequest,
} from './dto/case.dto.js';

@Controller('cases')
export class CasesController {
  constructor(@Inject(CasesService) private readonly cases: CasesService) {}

  @Post()
  @Authorize(Permission.CaseCreate)
  @ApiOperation({
    operationId: 'createCase',
    summary:
      'Open a case for a person; your agency leads it. The case number is unique and readable (e.g. VT-2026-000123).',
  })
  @ApiCreatedResponse({ type: CaseResponse })
  create(@CurrentActor() actor: Actor, @Body() body: CreateCaseRequest): Promise<CaseResponse> {
    return this.cases.create(actor, body);
  }

  @Get()
  @Authorize(Permission.CaseRead)
  @UserCheckWithFirstStatement()
  @ApiOperation({
    operationId: 'listCases',
    summary: 'Cases you may see, filtered; keyset pagination with sort keys from an allowlist',
  })
  @ApiOkResponse({ type: CasePage })
  list(@CurrentActor() actor: Actor, @Query() q: CaseListQuery): Promise<CasePage> {
    return this.cases.list(actor, q);
  }

  @Get('counts')
  @Authorize(Permission.CaseRead)
  @ApiOperation({
    operationId: 'getCaseCounts',
    summary: 'Dashboard counts: closure requests awaiting a supervisor, overdue follow-ups',
  })
  @ApiOkResponse({ type: CaseCountsResponse })
  counts(@CurrentActor() actor: Actor): Promise<CaseCountsResponse> {
    return this.cases.counts(actor);
  }

  @Get(':id')
  @Authorize(Permission.CaseRead)
  @UserCheckWithFirstStatement()
  @ApiOperation({
    operationId: 'getCase',
    summary: 'One case, if you may see it (404 otherwise, exactly as for a missing case)',
  })
  @ApiOkResponse({ type: CaseResponse })
  @ApiNotFoundResponse({ description: 'No such case, or not visible to you' })
  get(@CurrentActor() actor: Actor, @Param() { id }: IdParam): Promise<CaseResponse> {
    return this.cases.get(actor, id);
  }

  @Patch(':id')
  @Authorize(Permission.CaseUpdate)
  @ApiOperation({ operationId: 'updateCase' })
  @ApiOkResponse({ type: CaseResponse })
  update(
    @CurrentActor() actor: Actor,
    @Param() { id }: IdParam,
    @IfMatchVersion() version: number,
    @Body() body: UpdateCaseRequest,
  ): Promise<CaseResponse> {
    return this.cases.update(actor, id, version, body);
  }

  @Post(':id/assignment')
  @HttpCode(200)
  @Authorize(Permission.CaseAssign)
  @ApiOperation({ operationId: 'assignCase', summary: 'Assign the caseworker and supervisor (supervisors)' })
  @ApiOkResponse({ type: CaseResponse })
  assign(
    @CurrentActor() actor: Actor,
    @Param() { id }: IdParam,
    @IfMatchVersion() version: number,
    @Body() body: AssignCaseRequest,
  ): Promise<CaseResponse> {
    return this.cases.assign(actor, id, version, body);
  }

  @Post(':id/transitions')
  @HttpCode(200)
  @Authorize(Permission.CaseUpdate)
  @ApiOperation({
    operationId: 'transitionCase',
    summary: 'Move the case to its next stage (server-enforced transitions)',
  })
  @ApiOkResponse({ type: CaseResponse })
  @ApiConflictResponse({ description: 'ILLEGAL_TRANSITION, with the allowed next stages' })
  transition(
    @CurrentActor() actor: Actor,
    @Param() { id }: IdParam,
    @IfMatchVersion() version: number,
    @Body() body: TransitionRequest,
  ): Promise<CaseResponse> {
    return this.cases.transition(actor, id, version, body.to as CaseStage, body.reason);
  }

  @Post(':id/closure-request')
  @HttpCode(200)
  @Authorize(Permission.CaseUpdate)
  @ApiOperation({
    operationId: 'requestCaseClosure',
    summary: 'Ask a supervisor to close the case, with a reason from the fixed list',
  })
  @ApiOkResponse({ type: CaseResponse })
  requestClosure(
    @CurrentActor() actor: Actor,
    @Param() { id }: IdParam,
    @IfMatchVersion() version: number,
    @Body() body: ClosureRequest,
  ): Promise<CaseResponse> {
    return this.cases.requestClosure(actor, id, version, body.reason);
  }

  @Post(':id/close')
  @HttpCode(200)
  @Authorize(Permission.CaseClose)
  @ApiOperation({
    operationId: 'closeCase',
    summary: 'Close the case (supervisors): closed, or closed-referred with the agency that takes it over',
  })
  @ApiOkResponse({ type: CaseResponse })
  close(
    @CurrentActor() actor: Actor,
    @Param() { id }: IdParam,
    @IfMatchVersion() version: number,
    @Body() body: ClosureRequest,
  ): Promise<CaseResponse> {
    return this.cases.close(actor, id, version, body.reason, body.transferredToAgencyId);
  }

  @Post(':id/reopen')
  @HttpCode(200)
  @Authorize(Permission.CaseClose)
  @ApiOperation({ operationId: 'reopenCase', summary: 'Reopen a closed case (supervisors), with a reason' })
  @ApiOkResponse({ type: CaseResponse })
  reopen(
    @CurrentActor() actor: Actor,
    @Param() { id }: IdParam,
    @IfMatchVersion() version: number,
    @Body() body: ReopenRequest,
  ): Promise<CaseResponse> {
    return this.cases.reopen(actor, id, version, body.reason, body.stage as CaseStage | undefined);
  }

  @Get(':id/timeline')
  @Authorize(Permission.CaseRead)
  @ApiOperation({ operationId: 'getCaseTimeline', summary: 'Everything that happened to the case, in order' })
  @ApiOkResponse({ type: [TimelineEventResponse] })
  timeline(@CurrentActor() actor: Actor, @Param() { id }: IdParam): Promise<TimelineEventResponse[]> {
    return this.cases.timelineOf(actor, id);
  }

  @Post(':id/break-glass')
  @Authorize(Permission.CaseBreakGlass)
  @ApiOperation({
    operationId: 'breakGlassCase',
    summary:
      'Emergency access to a case outside your scope, for a few hours, with a reason (audited, shown to the lead agency)',
  })
  @ApiCreatedResponse({ type: AccessGrantResponse })
  breakGlass(
    @CurrentActor() actor: Actor,
    @Param() { id }: IdParam,
    @Body() body: BreakGlassRequest,
  ): Promise<AccessGrantResponse> {
    return this.cases.breakGlass(actor, id, body.reason);
  }

  @Get(':id/access-grants')
  @Authorize(Permission.CaseGrantsRead)
  @ApiOperation({
    operationId: 'listCaseAccessGrants',
    summary: 'Who outside the lead agency can see this case: referrals and break-the-glass grants',
  })
  @ApiOkResponse({ type: [AccessGrantResponse] })
  accessGrants(@CurrentActor() actor: Actor, @Param() { id }: IdParam): Promise<AccessGrantResponse[]> {
    return this.cases.accessGrants(actor, id);
  }
}

@Controller('screenings')
export class ScreeningCaseController {
  constructor(@Inject(CasesService) private readonly cases: CasesService) {}

  @Post(':id/open-case')
  @Authorize(Permission.CaseCreate)
  @ApiOperation({ operationId: 'openCaseFromScreening', summary: 'Open a case from this screening' })
  @ApiCreatedResponse({ type: CaseResponse })
  openCase(
    @CurrentActor() actor: Actor,
    @Param() { id }: IdParam,
    @Body() body: OpenCaseFromScreeningRequest,
  ): Promise<CaseResponse> {
    return this.cases.openFromScreening(actor, id, body);
  }

  @Post(':id/link-case')
  @HttpCode(200)
  @Authorize(Permission.CaseUpdate)
  @ApiOperation({
    operationId: 'linkScreeningToCase',
    summary: 'Link this screening to an existing case of the same person',
  })
  @ApiOkResponse({ type: CaseResponse })
  linkCase(
    @CurrentActor() actor: Actor,
    @Param() { id }: IdParam,
    @Body() body: LinkScreeningRequest,
  ): Promise<CaseResponse> {
    return this.cases.linkScreening(actor, id, body.caseId);
  }
}
