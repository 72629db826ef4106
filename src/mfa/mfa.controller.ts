import { Body, Controller, Get, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTooManyRequestsResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { AuthService } from '../auth/auth.service.js';
import { Authorize } from '../auth/authorize.decorator.js';
import { TokenResponse } from '../auth/dto/auth.dto.js';
import { Permission } from '../auth/permissions.js';
import type { Actor } from '../common/context/request-context.js';
import { ClientIp, CurrentActor } from '../common/http/actor.decorator.js';
import { TransactionService } from '../database/transaction.service.js';
import { NoRequestTransaction } from '../request-pipeline/request-transaction.interceptor.js';
import {
  MfaCodeRequest,
  MfaEnrolledResponse,
  MfaEnrolmentResponse,
  MfaStatusResponse,
  RECOVERY_CODES_NOTE,
  VerifySecondFactorRequest,
} from './dto/mfa.dto.js';
import { MfaService } from './mfa.service.js';

@Controller('auth/mfa')
@NoRequestTransaction()
export class MfaController {
  constructor(
    @Inject(AuthService) private readonly auth: AuthService,
    @Inject(MfaService) private readonly mfa: MfaService,
    @Inject(TransactionService) private readonly tx: TransactionService,
  ) {}

  @Get()
  @Authorize(Permission.AuthSelf)
  @ApiOperation({
    operationId: 'getMfaStatus',
    summary: 'Whether you have a second factor, and whether your role needs one',
  })
  @ApiOkResponse({ type: MfaStatusResponse })
  status(@CurrentActor() actor: Actor): Promise<MfaStatusResponse> {
    return this.mfa.status(this.tx.manager(), actor.userId, actor.roles);
  }

  @Post('enrolment')
  @HttpCode(200)
  @Authorize(Permission.AuthSelf)
  @ApiOperation({
    operationId: 'createMfaEnrolment',
    summary: 'Start setting up a TOTP second factor: the secret and its otpauth:// URI (for a QR code), shown once',
    description:
      'Starting again before confirming replaces the secret. Refused (MFA_ALREADY_ENROLLED) once a factor is set up: ' +
      'an administrator resets it (POST /users/{id}/reset-second-factor).',
  })
  @ApiOkResponse({ type: MfaEnrolmentResponse })
  startEnrolment(@CurrentActor() actor: Actor): Promise<MfaEnrolmentResponse> {
    return this.auth.startMfaEnrolment(actor);
  }

  @Post('enrolment/confirm')
  @HttpCode(200)
  @Authorize(Permission.AuthSelf)
  @ApiOperation({
    operationId: 'confirmMfaEnrolment',
    summary:
      'Confirm the second factor with a first code; ends every session and returns new tokens and recovery codes',
  })
  @ApiOkResponse({ type: MfaEnrolledResponse })
  @ApiUnauthorizedResponse({ description: 'INVALID_MFA_CODE: not the code the app shows now' })
  @ApiTooManyRequestsResponse({ description: 'RATE_LIMITED: five wrong codes; see Retry-After' })
  async confirmEnrolment(@CurrentActor() actor: Actor, @Body() body: MfaCodeRequest): Promise<MfaEnrolledResponse> {
    return { ...(await this.auth.confirmMfaEnrolment(actor, body.code)), message: RECOVERY_CODES_NOTE };
  }

  @Post('verify')
  @HttpCode(200)
  @Authorize(Permission.AuthLogin)
  @ApiOperation({
    operationId: 'verifySecondFactor',
    summary: 'Finish signing in: the challenge from POST /auth/login and a code from the app (or a recovery code)',
    description:
      'Codes of the previous, current and next 30-second step are accepted; a code already used is refused. Five ' +
      'wrong codes end the challenge; five wrong codes for a user in 15 minutes answer 429 until then.',
  })
  @ApiOkResponse({ type: TokenResponse })
  @ApiUnauthorizedResponse({
    description: 'INVALID_MFA_CHALLENGE (expired, used or unknown: sign in again) or INVALID_MFA_CODE',
  })
  @ApiTooManyRequestsResponse({ description: 'RATE_LIMITED: too many wrong codes or attempts; see Retry-After' })
  async verify(@Body() body: VerifySecondFactorRequest, @ClientIp() ip: string): Promise<TokenResponse> {
    await this.auth.throttleIp(ip);
    return this.auth.verifySecondFactor(body.challengeToken, body.code);
  }
}
