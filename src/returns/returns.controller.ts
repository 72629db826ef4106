import { Body, Controller, Get, HttpCode, Inject, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { Authorize } from '../auth/authorize.decorator.js';
import { Permission } from '../auth/permissions.js';
import { CaseResponse } from '../cases/dto/case.dto.js';
import type { Actor } from '../common/context/request-context.js';
import { CurrentActor } from '../common/http/actor.decorator.js';
import { IfMatchVersion } from '../common/http/etag.js';
import { IdParam } from '../common/http/params.js';
import {
  ArrivalCandidatesResponse,
  ArrivalRequest,
  CreateReturnNoticeRequest,
  ExpectedArrivalResponse,
  ReturnNoticeResponse,
} from './dto/return.dto.js';
import { ReturnsService } from './returns.service.js';

@Controller()
export class ReturnsController {
  constructor(@Inject(ReturnsService) private readonly returns: ReturnsService) {}

  @Post('return-notices')
  @Authorize(Permission.ReturnManage)
  @ApiOperation({
    operationId: 'createReturnNotice',
    summary: 'Record a pre-arrival notice from a host country; it creates the expected arrivals',
  })
  @ApiCreatedResponse({ type: ReturnNoticeResponse })
  create(@CurrentActor() actor: Actor, @Body() body: CreateReturnNoticeRequest): Promise<ReturnNoticeResponse> {
    return this.returns.createNotice(actor, body);
  }

  @Get('return-notices')
  @Authorize(Permission.ReturnManage)
  @ApiOperation({
    operationId: 'listReturnNotices',
    summary: 'Notices to your agency, latest expected first (at most 500)',
  })
  @ApiOkResponse({ type: [ReturnNoticeResponse] })
  list(@CurrentActor() actor: Actor): Promise<ReturnNoticeResponse[]> {
    return this.returns.notices(actor);
  }

  @Get('return-notices/:id')
  @Authorize(Permission.ReturnManage)
  @ApiOperation({
    operationId: 'getReturnNotice',
    summary: 'One notice to your agency, with its expected arrivals and named returnees',
  })
  @ApiOkResponse({ type: ReturnNoticeResponse })
  get(@CurrentActor() actor: Actor, @Param() { id }: IdParam): Promise<ReturnNoticeResponse> {
    return this.returns.notice(actor, id);
  }

  @Get('expected-arrivals/:id')
  @Authorize(Permission.ReturnManage)
  @ApiOperation({
    operationId: 'getExpectedArrival',
    summary: 'One expected arrival of your agency (the named returnee, if any)',
  })
  @ApiOkResponse({ type: ExpectedArrivalResponse })
  arrival(@CurrentActor() actor: Actor, @Param() { id }: IdParam): Promise<ExpectedArrivalResponse> {
    return this.returns.arrival(actor, id);
  }

  @Get('expected-arrivals/:id/candidates')
  @Authorize(Permission.ReturnManage)
  @ApiOperation({
    operationId: 'listArrivalCandidates',
    summary: 'Known persons (and, for tracing staff, open family tracing requests) resembling a named returnee',
    description: 'Blind indexes only; Lao, Latin and Thai-script names. Candidates are leads for staff to confirm.',
  })
  @ApiOkResponse({ type: ArrivalCandidatesResponse })
  candidates(@CurrentActor() actor: Actor, @Param() { id }: IdParam): Promise<ArrivalCandidatesResponse> {
    return this.returns.candidates(actor, id);
  }

  @Post('expected-arrivals/:id/arrival')
  @HttpCode(201)
  @Authorize(Permission.ReturnManage)
  @ApiOperation({
    operationId: 'recordArrival',
    summary: 'Record the arrival at its real time: a case opens that day, led by the receiving agency',
    description:
      'Give personId of a registered person, or omit it for a named returnee to register them from the notice (409 POSSIBLE_DUPLICATE with candidates on a strong match).',
  })
  @ApiCreatedResponse({ type: CaseResponse })
  arrive(
    @CurrentActor() actor: Actor,
    @Param() { id }: IdParam,
    @IfMatchVersion() version: number,
    @Body() body: ArrivalRequest,
  ): Promise<CaseResponse> {
    return this.returns.arrive(actor, id, version, body);
  }
}
