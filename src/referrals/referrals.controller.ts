import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { Authorize } from '../auth/authorize.decorator.js';
import { Permission } from '../auth/permissions.js';
import type { Actor } from '../common/context/request-context.js';
import { CurrentActor } from '../common/http/actor.decorator.js';
import { IfMatchVersion } from '../common/http/etag.js';
import { IdParam } from '../common/http/params.js';
import {
  CreateReferralRequest,
  DeclineRequest,
  EndReferralRequest,
  FamilyAssessmentRequest,
  FamilyAssessmentResponse,
  InboxCounts,
  InboxQuery,
  ReferralResponse,
} from './dto/referral.dto.js';
import { ReferralsService } from './referrals.service.js';

@Controller()
export class ReferralsController {
  constructor(@Inject(ReferralsService) private readonly referrals: ReferralsService) {}

  @Post('cases/:id/referrals')
  @Authorize(Permission.ReferralCreate)
  @ApiOperation({
    operationId: 'createReferral',
    summary: "Refer the case to another agency's inbox",
    description:
      "Needs the person's consent covering that agency (422 CONSENT_REQUIRED) unless a supervisor overrides with a reason; a facility that cannot take the person answers 422 NOT_ELIGIBLE naming the rule, and the unmet need is recorded.",
  })
  @ApiCreatedResponse({ type: ReferralResponse })
  @ApiUnprocessableEntityResponse({ description: 'CONSENT_REQUIRED or NOT_ELIGIBLE' })
  create(
    @CurrentActor() actor: Actor,
    @Param() { id }: IdParam,
    @Body() body: CreateReferralRequest,
  ): Promise<ReferralResponse> {
    return this.referrals.create(actor, id, body);
  }

  @Get('cases/:id/referrals')
  @Authorize(Permission.ReferralRead)
  @ApiOperation({ operationId: 'listCaseReferrals' })
  @ApiOkResponse({ type: [ReferralResponse] })
  forCase(@CurrentActor() actor: Actor, @Param() { id }: IdParam): Promise<ReferralResponse[]> {
    return this.referrals.forCase(actor, id);
  }

  @Get('referrals/inbox')
  @Authorize(Permission.ReferralRead)
  @ApiOperation({
    operationId: 'listReferralInbox',
    summary: "Your agency's inbox: pending (by due time), overdue or accepted (at most 500, soonest due first)",
  })
  @ApiOkResponse({ type: [ReferralResponse] })
  inbox(@CurrentActor() actor: Actor, @Query() q: InboxQuery): Promise<ReferralResponse[]> {
    return this.referrals.inbox(actor, q.view ?? 'pending');
  }

  @Get('referrals/inbox/counts')
  @Authorize(Permission.ReferralRead)
  @ApiOperation({ operationId: 'getReferralInboxCounts', summary: 'Counts for dashboards' })
  @ApiOkResponse({ type: InboxCounts })
  counts(@CurrentActor() actor: Actor): Promise<InboxCounts> {
    return this.referrals.counts(actor);
  }

  @Get('referrals/:id')
  @Authorize(Permission.ReferralRead)
  @ApiOperation({ operationId: 'getReferral' })
  @ApiOkResponse({ type: ReferralResponse })
  get(@CurrentActor() actor: Actor, @Param() { id }: IdParam): Promise<ReferralResponse> {
    return this.referrals.get(actor, id);
  }

  @Post('referrals/:id/accept')
  @HttpCode(200)
  @Authorize(Permission.ReferralRespond)
  @ApiOperation({ operationId: 'acceptReferral' })
  @ApiOkResponse({ type: ReferralResponse })
  accept(
    @CurrentActor() actor: Actor,
    @Param() { id }: IdParam,
    @IfMatchVersion() version: number,
  ): Promise<ReferralResponse> {
    return this.referrals.move(actor, id, version, 'accept');
  }

  @Post('referrals/:id/decline')
  @HttpCode(200)
  @Authorize(Permission.ReferralRespond)
  @ApiOperation({ operationId: 'declineReferral' })
  @ApiOkResponse({ type: ReferralResponse })
  decline(
    @CurrentActor() actor: Actor,
    @Param() { id }: IdParam,
    @IfMatchVersion() version: number,
    @Body() body: DeclineRequest,
  ): Promise<ReferralResponse> {
    return this.referrals.move(actor, id, version, 'decline', body.reason);
  }

  @Post('referrals/:id/withdraw')
  @HttpCode(200)
  @Authorize(Permission.ReferralCreate)
  @ApiOperation({ operationId: 'withdrawReferral' })
  @ApiOkResponse({ type: ReferralResponse })
  withdraw(
    @CurrentActor() actor: Actor,
    @Param() { id }: IdParam,
    @IfMatchVersion() version: number,
    @Body() body: EndReferralRequest,
  ): Promise<ReferralResponse> {
    return this.referrals.move(actor, id, version, 'withdraw', body.reason);
  }

  @Post('referrals/:id/complete')
  @HttpCode(200)
  @Authorize(Permission.ReferralRespond)
  @ApiOperation({ operationId: 'completeReferral' })
  @ApiOkResponse({ type: ReferralResponse })
  complete(
    @CurrentActor() actor: Actor,
    @Param() { id }: IdParam,
    @IfMatchVersion() version: number,
    @Body() body: EndReferralRequest,
  ): Promise<ReferralResponse> {
    return this.referrals.move(actor, id, version, 'complete', body.reason);
  }

  @Post('referrals/:id/cancel')
  @HttpCode(200)
  @Authorize(Permission.ReferralRespond)
  @ApiOperation({ operationId: 'cancelReferral' })
  @ApiOkResponse({ type: ReferralResponse })
  cancel(
    @CurrentActor() actor: Actor,
    @Param() { id }: IdParam,
    @IfMatchVersion() version: number,
    @Body() body: EndReferralRequest,
  ): Promise<ReferralResponse> {
    return this.referrals.move(actor, id, version, 'cancel', body.reason);
  }

  @Post('referrals/:id/family-assessment')
  @Authorize(Permission.ReferralRespond)
  @ApiOperation({
    operationId: 'createFamilyAssessment',
    summary: 'Record the family tracing and assessment result (home-province social welfare)',
  })
  @ApiCreatedResponse({ type: FamilyAssessmentResponse })
  familyAssessment(
    @CurrentActor() actor: Actor,
    @Param() { id }: IdParam,
    @Body() body: FamilyAssessmentRequest,
  ): Promise<FamilyAssessmentResponse> {
    return this.referrals.recordFamilyAssessment(actor, id, body);
  }

  @Get('cases/:id/family-assessments')
  @Authorize(Permission.CaseRead)
  @ApiOperation({ operationId: 'listFamilyAssessments' })
  @ApiOkResponse({ type: [FamilyAssessmentResponse] })
  familyAssessments(@CurrentActor() actor: Actor, @Param() { id }: IdParam): Promise<FamilyAssessmentResponse[]> {
    return this.referrals.familyAssessments(actor, id);
  }
}
