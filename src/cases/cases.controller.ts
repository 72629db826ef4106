import { Body, Controller, Get, Inject, Param, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authorize } from '../auth/authorize.decorator.js';
import { Permission } from '../auth/permissions.js';
import type { Actor } from '../common/context/request-context.js';
import { CurrentActor } from '../common/http/actor.decorator.js';
import { IdParam } from '../common/http/params.js';
import { CasesService } from './cases.service.js';
import { AccessGrantResponse, BreakGlassRequest, CaseSummaryResponse } from './dto/case.dto.js';

@ApiTags('cases')
@Controller('cases')
export class CasesController {
  constructor(@Inject(CasesService) private readonly cases: CasesService) {}

  @Get(':id')
  @Authorize(Permission.CaseRead)
  @ApiOperation({ summary: 'One case, if you may see it (404 otherwise, exactly as for a missing case)' })
  @ApiOkResponse({ type: CaseSummaryResponse })
  @ApiNotFoundResponse({ description: 'No such case, or not visible to you' })
  get(@CurrentActor() actor: Actor, @Param() { id }: IdParam): Promise<CaseSummaryResponse> {
    return this.cases.get(actor, id);
  }

  @Post(':id/break-glass')
  @Authorize(Permission.CaseBreakGlass)
  @ApiOperation({ summary: 'Emergency access to a case outside your scope, for a few hours, with a reason (audited, shown to the lead agency)' })
  @ApiCreatedResponse({ type: AccessGrantResponse })
  breakGlass(@CurrentActor() actor: Actor, @Param() { id }: IdParam, @Body() body: BreakGlassRequest): Promise<AccessGrantResponse> {
    return this.cases.breakGlass(actor, id, body.reason);
  }

  @Get(':id/access-grants')
  @Authorize(Permission.CaseGrantsRead)
  @ApiOperation({ summary: 'Who outside the lead agency can see this case: referrals and break-the-glass grants' })
  @ApiOkResponse({ type: [AccessGrantResponse] })
  accessGrants(@CurrentActor() actor: Actor, @Param() { id }: IdParam): Promise<AccessGrantResponse[]> {
    return this.cases.accessGrants(actor, id);
  }
}
