import { Body, Controller, Get, HttpCode, Inject, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { Authorize } from '../auth/authorize.decorator.js';
import { Permission } from '../auth/permissions.js';
import type { Actor } from '../common/context/request-context.js';
import { CurrentActor } from '../common/http/actor.decorator.js';
import { IdParam } from '../common/http/params.js';
import {
  CreateUserRequest,
  UpdateUserRequest,
  UserListQuery,
  UserResponse,
  UserWithPasswordResponse,
} from './dto/user.dto.js';
import { UsersService } from './users.service.js';

@Controller('users')
export class UsersController {
  constructor(@Inject(UsersService) private readonly users: UsersService) {}

  @Get()
  @Authorize(Permission.UserRead)
  @ApiOperation({
    operationId: 'listUsers',
    summary: 'Users in your scope (agency admins: own agency; system admins: all, or one agency)',
  })
  @ApiOkResponse({ type: [UserResponse] })
  list(@CurrentActor() actor: Actor, @Query() query: UserListQuery): Promise<UserResponse[]> {
    return this.users.list(actor, query.agencyId);
  }

  @Get(':id')
  @Authorize(Permission.UserRead)
  @ApiOperation({ operationId: 'getUser' })
  @ApiOkResponse({ type: UserResponse })
  get(@CurrentActor() actor: Actor, @Param() { id }: IdParam): Promise<UserResponse> {
    return this.users.get(actor, id);
  }

  @Post()
  @Authorize(Permission.UserManage)
  @ApiOperation({ operationId: 'createUser', summary: 'Create a user; the response shows a one-time password once' })
  @ApiCreatedResponse({ type: UserWithPasswordResponse })
  create(@CurrentActor() actor: Actor, @Body() body: CreateUserRequest): Promise<UserWithPasswordResponse> {
    return this.users.create(actor, body);
  }

  @Patch(':id')
  @Authorize(Permission.UserManage)
  @ApiOperation({
    operationId: 'updateUser',
    summary: 'Rename a user or change their roles (a role change ends their sessions)',
  })
  @ApiOkResponse({ type: UserResponse })
  update(
    @CurrentActor() actor: Actor,
    @Param() { id }: IdParam,
    @Body() body: UpdateUserRequest,
  ): Promise<UserResponse> {
    return this.users.update(actor, id, body);
  }

  @Post(':id/deactivate')
  @HttpCode(200)
  @Authorize(Permission.UserManage)
  @ApiOperation({ operationId: 'deactivateUser', summary: "Deactivate: access ends on the user's next request" })
  @ApiOkResponse({ type: UserResponse })
  deactivate(@CurrentActor() actor: Actor, @Param() { id }: IdParam): Promise<UserResponse> {
    return this.users.setActive(actor, id, false);
  }

  @Post(':id/activate')
  @HttpCode(200)
  @Authorize(Permission.UserManage)
  @ApiOperation({ operationId: 'activateUser' })
  @ApiOkResponse({ type: UserResponse })
  activate(@CurrentActor() actor: Actor, @Param() { id }: IdParam): Promise<UserResponse> {
    return this.users.setActive(actor, id, true);
  }

  @Post(':id/unlock')
  @HttpCode(200)
  @Authorize(Permission.UserManage)
  @ApiOperation({ operationId: 'unlockUser', summary: 'Unlock an account locked after repeated failed logins' })
  @ApiOkResponse({ type: UserResponse })
  unlock(@CurrentActor() actor: Actor, @Param() { id }: IdParam): Promise<UserResponse> {
    return this.users.unlock(actor, id);
  }

  @Post(':id/reset-password')
  @HttpCode(200)
  @Authorize(Permission.UserManage)
  @ApiOperation({
    operationId: 'resetUserPassword',
    summary: 'Issue a one-time password; the user must change it at next login',
  })
  @ApiOkResponse({ type: UserWithPasswordResponse })
  resetPassword(@CurrentActor() actor: Actor, @Param() { id }: IdParam): Promise<UserWithPasswordResponse> {
    return this.users.resetPassword(actor, id);
  }

  @Post(':id/reset-second-factor')
  @HttpCode(204)
  @Authorize(Permission.UserManage)
  @ApiOperation({
    operationId: 'resetUserSecondFactor',
    summary: "Remove a user's second factor (lost phone); their sessions end and they set it up again",
  })
  @ApiNoContentResponse()
  resetSecondFactor(@CurrentActor() actor: Actor, @Param() { id }: IdParam): Promise<void> {
    return this.users.resetSecondFactor(actor, id);
  }

  @Post(':id/logout-all')
  @HttpCode(204)
  @Authorize(Permission.UserManage)
  @ApiOperation({ operationId: 'signOutUserEverywhere', summary: 'End every session of the user' })
  @ApiNoContentResponse()
  logoutAll(@CurrentActor() actor: Actor, @Param() { id }: IdParam): Promise<void> {
    return this.users.logoutEverywhere(actor, id);
  }
}
