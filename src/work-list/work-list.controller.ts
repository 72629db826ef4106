import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { Authorize } from '../auth/authorize.decorator.js';
import { Permission } from '../auth/permissions.js';
import type { Actor } from '../common/context/request-context.js';
import { CurrentActor } from '../common/http/actor.decorator.js';
import { WorkListResponse } from './dto/work-list.dto.js';
import { WorkListService } from './work-list.service.js';

@Controller('me')
export class WorkListController {
  constructor(@Inject(WorkListService) private readonly workList: WorkListService) {}

  @Get('tasks')
  @Authorize(Permission.AuthSelf)
  @ApiOperation({
    operationId: 'listMyTasks',
    summary: 'What needs you or your agency now: referrals to answer, closures, identifications, visits, returnees',
    description:
      'Computed from current state, for the kinds of work your roles take on (`kinds`), over exactly the records each ' +
      "kind's own list shows you. Counts are complete; each list shows at most 100 items. Ids, case numbers and codes only.",
  })
  @ApiOkResponse({ type: WorkListResponse })
  tasks(@CurrentActor() actor: Actor): Promise<WorkListResponse> {
    return this.workList.forActor(actor);
  }
}
