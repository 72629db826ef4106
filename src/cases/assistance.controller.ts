import { Body, Controller, Get, HttpCode, Inject, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional } from 'class-validator';
import { Authorize } from '../auth/authorize.decorator.js';
import { Permission } from '../auth/permissions.js';
import type { Actor } from '../common/context/request-context.js';
import { CurrentActor } from '../common/http/actor.decorator.js';
import { IfMatchVersion } from '../common/http/etag.js';
import { IdParam } from '../common/http/params.js';
import { BooleanQuery } from '../common/http/query-transforms.js';
import { AssistanceService } from './assistance.service.js';
import {
  AssessmentResponse,
  CancelFollowUpRequest,
  ConsentResponse,
  CreateAssessmentRequest,
  CreateNoteRequest,
  CreateServiceRecordRequest,
  CreateSupportPlanRequest,
  FollowUpResponse,
  NoteResponse,
  OverdueFollowUpResponse,
  RecordConsentRequest,
  RecordFollowUpRequest,
  RecordIdParams,
  RescheduleFollowUpRequest,
  ScheduleFollowUpsRequest,
  ServiceRecordResponse,
  SupportPlanResponse,
  UpcomingFollowUpResponse,
  UpcomingFollowUpsQuery,
  UpdateSupportPlanRequest,
} from './dto/case.dto.js';

class NotesQuery {
  @ApiPropertyOptional({ description: 'Every version of every note, not only the current ones' })
  @IsOptional()
  @BooleanQuery()
  @IsBoolean()
  history?: boolean;
}

@Controller('cases/:id')
export class AssistanceController {
  constructor(@Inject(AssistanceService) private readonly assistance: AssistanceService) {}

  @Post('consents')
  @Authorize(Permission.ConsentManage)
  @ApiOperation({
    operationId: 'recordConsent',
    summary:
      'Record a new consent version (purposes, agencies covered, who gave it, how); it supersedes the previous one',
  })
  @ApiCreatedResponse({ type: ConsentResponse })
  recordConsent(
    @CurrentActor() actor: Actor,
    @Param() { id }: IdParam,
    @Body() body: RecordConsentRequest,
  ): Promise<ConsentResponse> {
    return this.assistance.recordConsent(actor, id, body);
  }

  @Get('consents')
  @Authorize(Permission.ConsentManage)
  @ApiOperation({ operationId: 'listConsents' })
  @ApiOkResponse({ type: [ConsentResponse] })
  consents(@CurrentActor() actor: Actor, @Param() { id }: IdParam): Promise<ConsentResponse[]> {
    return this.assistance.consents(actor, id);
  }

  @Post('consents/:recordId/withdraw')
  @HttpCode(200)
  @Authorize(Permission.ConsentManage)
  @ApiOperation({
    operationId: 'withdrawConsent',
    summary: 'Withdraw consent: further sharing stops and open referral access is revoked',
  })
  @ApiOkResponse({ type: ConsentResponse })
  withdraw(@CurrentActor() actor: Actor, @Param() p: RecordIdParams): Promise<ConsentResponse> {
    return this.assistance.withdrawConsent(actor, p.id, p.recordId);
  }

  @Post('assessments')
  @Authorize(Permission.CaseRecordWrite)
  @ApiOperation({
    operationId: 'createAssessment',
    summary: 'Record an individual, household or community assessment (repeatable)',
  })
  @ApiCreatedResponse({ type: AssessmentResponse })
  createAssessment(
    @CurrentActor() actor: Actor,
    @Param() { id }: IdParam,
    @Body() body: CreateAssessmentRequest,
  ): Promise<AssessmentResponse> {
    return this.assistance.createAssessment(actor, id, body);
  }

  @Get('assessments')
  @Authorize(Permission.CaseRead)
  @ApiOperation({ operationId: 'listAssessments' })
  @ApiOkResponse({ type: [AssessmentResponse] })
  assessments(@CurrentActor() actor: Actor, @Param() { id }: IdParam): Promise<AssessmentResponse[]> {
    return this.assistance.assessments(actor, id);
  }

  @Post('support-plans')
  @Authorize(Permission.CaseRecordWrite)
  @ApiOperation({ operationId: 'createSupportPlan' })
  @ApiCreatedResponse({ type: SupportPlanResponse })
  createPlan(
    @CurrentActor() actor: Actor,
    @Param() { id }: IdParam,
    @Body() body: CreateSupportPlanRequest,
  ): Promise<SupportPlanResponse> {
    return this.assistance.createPlan(actor, id, body);
  }

  @Get('support-plans')
  @Authorize(Permission.CaseRead)
  @ApiOperation({ operationId: 'listSupportPlans' })
  @ApiOkResponse({ type: [SupportPlanResponse] })
  plans(@CurrentActor() actor: Actor, @Param() { id }: IdParam): Promise<SupportPlanResponse[]> {
    return this.assistance.plans(actor, id);
  }

  @Patch('support-plans/:recordId')
  @Authorize(Permission.CaseRecordWrite)
  @ApiOperation({ operationId: 'updateSupportPlan' })
  @ApiOkResponse({ type: SupportPlanResponse })
  updatePlan(
    @CurrentActor() actor: Actor,
    @Param() p: RecordIdParams,
    @IfMatchVersion() version: number,
    @Body() body: UpdateSupportPlanRequest,
  ): Promise<SupportPlanResponse> {
    return this.assistance.updatePlan(actor, p.id, p.recordId, version, body);
  }

  @Post('services')
  @Authorize(Permission.ServiceRecordWrite)
  @ApiOperation({
    operationId: 'createService',
    summary: 'Record a service delivered (type, provider, date, quantity, cost in LAK, outcome)',
  })
  @ApiCreatedResponse({ type: ServiceRecordResponse })
  createService(
    @CurrentActor() actor: Actor,
    @Param() { id }: IdParam,
    @Body() body: CreateServiceRecordRequest,
  ): Promise<ServiceRecordResponse> {
    return this.assistance.createService(actor, id, body);
  }

  @Get('services')
  @Authorize(Permission.CaseRead)
  @ApiOperation({ operationId: 'listServices' })
  @ApiOkResponse({ type: [ServiceRecordResponse] })
  services(@CurrentActor() actor: Actor, @Param() { id }: IdParam): Promise<ServiceRecordResponse[]> {
    return this.assistance.services(actor, id);
  }

  @Post('follow-ups')
  @Authorize(Permission.CaseRecordWrite)
  @ApiOperation({
    operationId: 'scheduleFollowUp',
    summary: 'Schedule follow-up visits from a reference date (default plan FOLLOW_UP_PLAN_MONTHS)',
  })
  @ApiCreatedResponse({ type: [FollowUpResponse] })
  schedule(
    @CurrentActor() actor: Actor,
    @Param() { id }: IdParam,
    @Body() body: ScheduleFollowUpsRequest,
  ): Promise<FollowUpResponse[]> {
    return this.assistance.scheduleFollowUps(actor, id, body);
  }

  @Get('follow-ups')
  @Authorize(Permission.FollowUpRead)
  @ApiOperation({ operationId: 'listFollowUps' })
  @ApiOkResponse({ type: [FollowUpResponse] })
  followUps(@CurrentActor() actor: Actor, @Param() { id }: IdParam): Promise<FollowUpResponse[]> {
    return this.assistance.followUps(actor, id);
  }

  @Patch('follow-ups/:recordId')
  @Authorize(Permission.CaseRecordWrite)
  @ApiOperation({ operationId: 'recordFollowUp', summary: 'Record a follow-up visit' })
  @ApiOkResponse({ type: FollowUpResponse })
  recordFollowUp(
    @CurrentActor() actor: Actor,
    @Param() p: RecordIdParams,
    @IfMatchVersion() version: number,
    @Body() body: RecordFollowUpRequest,
  ): Promise<FollowUpResponse> {
    return this.assistance.recordFollowUp(actor, p.id, p.recordId, version, body);
  }

  @Post('follow-ups/:recordId/cancel')
  @HttpCode(200)
  @Authorize(Permission.CaseRecordWrite)
  @ApiOperation({ operationId: 'cancelFollowUp', summary: 'Cancel a scheduled follow-up visit, with a reason' })
  @ApiOkResponse({ type: FollowUpResponse })
  cancelFollowUp(
    @CurrentActor() actor: Actor,
    @Param() p: RecordIdParams,
    @IfMatchVersion() version: number,
    @Body() body: CancelFollowUpRequest,
  ): Promise<FollowUpResponse> {
    return this.assistance.cancelFollowUp(actor, p.id, p.recordId, version, body);
  }

  @Post('follow-ups/:recordId/reschedule')
  @HttpCode(200)
  @Authorize(Permission.CaseRecordWrite)
  @ApiOperation({
    operationId: 'rescheduleFollowUp',
    summary: 'Move a scheduled follow-up visit to another date, with a reason',
  })
  @ApiOkResponse({ type: FollowUpResponse })
  rescheduleFollowUp(
    @CurrentActor() actor: Actor,
    @Param() p: RecordIdParams,
    @IfMatchVersion() version: number,
    @Body() body: RescheduleFollowUpRequest,
  ): Promise<FollowUpResponse> {
    return this.assistance.rescheduleFollowUp(actor, p.id, p.recordId, version, body);
  }

  @Post('notes')
  @Authorize(Permission.CaseRecordWrite)
  @ApiOperation({ operationId: 'addNote', summary: 'Add a case note (encrypted, never edited)' })
  @ApiCreatedResponse({ type: NoteResponse })
  addNote(
    @CurrentActor() actor: Actor,
    @Param() { id }: IdParam,
    @Body() body: CreateNoteRequest,
  ): Promise<NoteResponse> {
    return this.assistance.addNote(actor, id, body.text);
  }

  @Post('notes/:recordId/corrections')
  @Authorize(Permission.CaseRecordWrite)
  @ApiOperation({
    operationId: 'correctNote',
    summary: 'Correct a note: adds a new version that supersedes it; the old one stays',
  })
  @ApiCreatedResponse({ type: NoteResponse })
  correctNote(
    @CurrentActor() actor: Actor,
    @Param() p: RecordIdParams,
    @Body() body: CreateNoteRequest,
  ): Promise<NoteResponse> {
    return this.assistance.addNote(actor, p.id, body.text, p.recordId);
  }

  @Get('notes')
  @Authorize(Permission.CaseRead)
  @ApiOperation({ operationId: 'listNotes' })
  @ApiOkResponse({ type: [NoteResponse] })
  notes(@CurrentActor() actor: Actor, @Param() { id }: IdParam, @Query() q: NotesQuery): Promise<NoteResponse[]> {
    return this.assistance.notes(actor, id, q.history ?? false);
  }
}

@Controller('follow-ups')
export class FollowUpsController {
  constructor(@Inject(AssistanceService) private readonly assistance: AssistanceService) {}

  @Get('overdue')
  @Authorize(Permission.FollowUpRead)
  @ApiOperation({ operationId: 'listOverdueFollowUps', summary: "Your agency's overdue follow-up visits" })
  @ApiOkResponse({ type: [OverdueFollowUpResponse] })
  overdue(@CurrentActor() actor: Actor): Promise<OverdueFollowUpResponse[]> {
    return this.assistance.overdue(actor);
  }

  @Get('upcoming')
  @Authorize(Permission.FollowUpRead)
  @ApiOperation({
    operationId: 'listUpcomingFollowUps',
    summary: "Your agency's scheduled visits due in a date range (default the next 30 days)",
  })
  @ApiOkResponse({ type: [UpcomingFollowUpResponse] })
  upcoming(@CurrentActor() actor: Actor, @Query() q: UpcomingFollowUpsQuery): Promise<UpcomingFollowUpResponse[]> {
    return this.assistance.upcoming(actor, q);
  }
}
