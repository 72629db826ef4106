import { Controller, Delete, Get, HttpCode, Inject, Param } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { Authorize } from '../auth/authorize.decorator.js';
import { Permission } from '../auth/permissions.js';
import type { Actor } from '../common/context/request-context.js';
import { CurrentActor } from '../common/http/actor.decorator.js';
import { IdParam } from '../common/http/params.js';
import { SessionResponse, UserSessionParams } from './dto/session.dto.js';
import { SessionsService } from './sessions.service.js';

@Controller()
export class SessionsController {
  constructor(@Inject(SessionsService) private readonly sessions: SessionsService) {}

  @Get('auth/sessions')
  @Authorize(Permission.AuthSelf)
  @ApiOperation({
    operationId: 'listSessions',
    summary: 'Your open sessions: device (User-Agent), address, when signed in and last used',
  })
  @ApiOkResponse({ type: [SessionResponse] })
  listMine(@CurrentActor() actor: Actor): Promise<SessionResponse[]> {
    return this.sessions.listMine(actor);
  }

  @Delete('auth/sessions/:id')
  @HttpCode(204)
  @Authorize(Permission.AuthSelf)
  @ApiOperation({
    operationId: 'closeSession',
    summary: 'End one of your sessions: its refresh token stops working and its access token at once',
  })
  @ApiNoContentResponse()
  endMine(@CurrentActor() actor: Actor, @Param() { id }: IdParam): Promise<void> {
    return this.sessions.endMine(actor, id);
  }

  @Get('users/:id/sessions')
  @Authorize(Permission.UserManage)
  @ApiOperation({ operationId: 'listUserSessions', summary: "A user's open sessions (administrators)" })
  @ApiOkResponse({ type: [SessionResponse] })
  listOfUser(@CurrentActor() actor: Actor, @Param() { id }: IdParam): Promise<SessionResponse[]> {
    return this.sessions.listOfUser(actor, id);
  }

  @Delete('users/:id/sessions/:sessionId')
  @HttpCode(204)
  @Authorize(Permission.UserManage)
  @ApiOperation({ operationId: 'closeUserSession', summary: "End one of a user's sessions (administrators)" })
  @ApiNoContentResponse()
  endOfUser(@CurrentActor() actor: Actor, @Param() { id, sessionId }: UserSessionParams): Promise<void> {
    return this.sessions.endOfUser(actor, id, sessionId);
  }
}
