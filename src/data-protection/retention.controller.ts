import { Body, Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authorize } from '../auth/authorize.decorator.js';
import { Permission } from '../auth/permissions.js';
import type { Actor } from '../common/context/request-context.js';
import { CurrentActor } from '../common/http/actor.decorator.js';
import { IdParam } from '../common/http/params.js';
import {
  CaseRetentionResponse,
  LegalHoldResponse,
  LiftLegalHold,
  PlaceLegalHold,
  RetentionReport,
  RetentionRunResponse,
  RetentionScheduleResponse,
} from './dto/retention.dto.js';
import { LegalHoldsService } from './legal-holds.service.js';
import { RetentionService } from './retention.service.js';

@ApiTags('data protection')
@Controller('retention')
export class RetentionController {
  constructor(@Inject(RetentionService) private readonly retention: RetentionService) {}

  @Get('schedules')
  @Authorize(Permission.RetentionRead)
  @ApiOperation({
    operationId: 'getRetentionSchedules',
    summary: 'How long each record type is kept after its case closed, and what is erased then',
  })
  @ApiOkResponse({ type: [RetentionScheduleResponse] })
  schedules(): RetentionScheduleResponse[] {
    return this.retention.schedules();
  }

  @Get('dry-run')
  @Authorize(Permission.RetentionRead)
  @ApiOperation({
    operationId: 'getRetentionDryRun',
    summary: 'What a retention run now would erase (changes nothing)',
  })
  @ApiOkResponse({ type: RetentionReport })
  dryRun(@CurrentActor() actor: Actor): Promise<RetentionReport> {
    return this.retention.dryRun(actor);
  }

  @Post('runs')
  @Authorize(Permission.RetentionRun)
  @ApiOperation({
    operationId: 'createRetentionRun',
    summary: 'Run retention now, as the schedule does: erase the personal values whose time has come',
  })
  @ApiCreatedResponse({ type: RetentionReport })
  run(@CurrentActor() actor: Actor): Promise<RetentionReport> {
    return this.retention.runNow(actor);
  }

  @Get('runs')
  @Authorize(Permission.RetentionRead)
  @ApiOperation({
    operationId: 'listRetentionRuns',
    summary: 'The latest retention runs and their counts (at most 100)',
  })
  @ApiOkResponse({ type: [RetentionRunResponse] })
  runs(): Promise<RetentionRunResponse[]> {
    return this.retention.listRuns();
  }
}

@ApiTags('data protection')
@Controller('cases')
export class LegalHoldsController {
  constructor(@Inject(LegalHoldsService) private readonly holds: LegalHoldsService) {}

  @Get(':id/retention')
  @Authorize(Permission.CaseRead)
  @ApiOperation({
    operationId: 'getCaseRetention',
    summary: "A case's legal holds, what retention erased of it and the de-identified facts it keeps",
  })
  @ApiOkResponse({ type: CaseRetentionResponse })
  get(@CurrentActor() actor: Actor, @Param() { id }: IdParam): Promise<CaseRetentionResponse> {
    return this.holds.caseRetention(actor, id);
  }

  @Post(':id/legal-hold')
  @Authorize(Permission.CaseLegalHold)
  @ApiOperation({
    operationId: 'createCaseLegalHold',
    summary: 'Place a legal hold: retention erases nothing of the case until it is lifted (lead agency)',
  })
  @ApiCreatedResponse({ type: LegalHoldResponse })
  place(
    @CurrentActor() actor: Actor,
    @Param() { id }: IdParam,
    @Body() body: PlaceLegalHold,
  ): Promise<LegalHoldResponse> {
    return this.holds.place(actor, id, body);
  }

  @Post(':id/legal-hold/lift')
  @HttpCode(200)
  @Authorize(Permission.CaseLegalHold)
  @ApiOperation({ operationId: 'withdrawCaseLegalHold', summary: "Lift the case's legal hold (lead agency)" })
  @ApiOkResponse({ type: LegalHoldResponse })
  lift(
    @CurrentActor() actor: Actor,
    @Param() { id }: IdParam,
    @Body() body: LiftLegalHold,
  ): Promise<LegalHoldResponse> {
    return this.holds.lift(actor, id, body);
  }
}
