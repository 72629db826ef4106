import { Body, Controller, Get, HttpCode, Inject, Post } from '@nestjs/common';
import {
  ApiExtraModels,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
  getSchemaPath,
} from '@nestjs/swagger';
import type { Actor } from '../common/context/request-context.js';
import { ClientIp, CurrentActor } from '../common/http/actor.decorator.js';
import { NoRequestTransaction } from '../request-pipeline/request-transaction.interceptor.js';
import { AuthService } from './auth.service.js';
import { Authorize } from './authorize.decorator.js';
import {
  AUTHORISE_AGAIN,
  ChangePasswordRequest,
  LoginRequest,
  MeResponse,
  MfaChallengeResponse,
  PasswordChangedResponse,
  RefreshRequest,
  TokenResponse,
} from './dto/auth.dto.js';
import { Permission } from './permissions.js';

@Controller('auth')
@NoRequestTransaction()
export class AuthController {
  constructor(@Inject(AuthService) private readonly auth: AuthService) {}

  @Post('login')
  @HttpCode(200)
  @Authorize(Permission.AuthLogin)
  @ApiOperation({
    operationId: 'signIn',
    summary: 'Sign in with email and password',
    description:
      'Unknown email and wrong password get the same 401. Backoff after 5 failures (429 with Retry-After); the account locks after 10 until an administrator unlocks it. ' +
      'A user with a second factor gets a challenge instead of tokens (`mfaRequired: true`): finish with POST /auth/mfa/verify.',
  })
  @ApiExtraModels(TokenResponse, MfaChallengeResponse)
  @ApiOkResponse({
    description: 'Tokens, or a second-factor challenge',
    schema: { oneOf: [{ $ref: getSchemaPath(TokenResponse) }, { $ref: getSchemaPath(MfaChallengeResponse) }] },
  })
  @ApiUnauthorizedResponse({ description: 'INVALID_CREDENTIALS: unknown email, wrong password or locked account' })
  @ApiTooManyRequestsResponse({ description: 'RATE_LIMITED: rate limit or backoff; see Retry-After' })
  async login(@Body() body: LoginRequest, @ClientIp() ip: string): Promise<TokenResponse | MfaChallengeResponse> {
    await this.auth.throttleIp(ip);
    return this.auth.login(body.email, body.password);
  }

  @Post('refresh')
  @HttpCode(200)
  @Authorize(Permission.AuthLogin)
  @ApiOperation({
    operationId: 'refreshSession',
    summary: 'Rotate a refresh token',
    description: 'Each refresh token works once. Presenting a used one revokes the whole session.',
  })
  @ApiOkResponse({ type: TokenResponse })
  @ApiUnauthorizedResponse({ description: 'INVALID_REFRESH_TOKEN: expired, revoked or already used; sign in again' })
  @ApiTooManyRequestsResponse({ description: 'RATE_LIMITED: too many attempts from this address; see Retry-After' })
  async refresh(@Body() body: RefreshRequest, @ClientIp() ip: string): Promise<TokenResponse> {
    await this.auth.throttleIp(ip);
    return this.auth.refresh(body.refreshToken);
  }

  @Post('logout')
  @HttpCode(204)
  @Authorize(Permission.AuthSelf)
  @ApiOperation({ operationId: 'signOut', summary: 'End this session (its access and refresh tokens stop working)' })
  @ApiNoContentResponse()
  logout(@CurrentActor() actor: Actor): Promise<void> {
    return this.auth.logout(actor);
  }

  @Post('logout-all')
  @HttpCode(204)
  @Authorize(Permission.AuthSelf)
  @ApiOperation({ operationId: 'signOutEverywhere', summary: 'End every session of the signed-in user' })
  @ApiNoContentResponse()
  logoutAll(@CurrentActor() actor: Actor): Promise<void> {
    return this.auth.logoutEverywhere(actor);
  }

  @Post('password')
  @HttpCode(200)
  @Authorize(Permission.AuthSelf)
  @ApiOperation({
    operationId: 'changePassword',
    summary: 'Change your password',
    description: 'Ends every session and returns tokens for a new one, with a message saying to authorise again.',
  })
  @ApiOkResponse({ type: PasswordChangedResponse })
  async changePassword(
    @CurrentActor() actor: Actor,
    @Body() body: ChangePasswordRequest,
  ): Promise<PasswordChangedResponse> {
    return {
      ...(await this.auth.changePassword(actor, body.currentPassword, body.newPassword)),
      message: AUTHORISE_AGAIN,
    };
  }

  @Get('me')
  @Authorize(Permission.AuthSelf)
  @ApiOperation({ operationId: 'getCurrentUser', summary: 'The signed-in user, agency, roles and permissions' })
  @ApiOkResponse({ type: MeResponse })
  me(@CurrentActor() actor: Actor): Promise<MeResponse> {
    return this.auth.me(actor);
  }
}
