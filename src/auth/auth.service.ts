import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { type EntityManager } from 'typeorm';
import { AgencyEntity } from '../agencies/agency.entity.js';
import { type Actor, currentRequest } from '../common/context/request-context.js';
import { DomainError } from '../common/errors/domain-error.js';
import { uuidv7 } from '../common/uuid.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { TransactionService } from '../database/transaction.service.js';
import {
  countChallengeFailure,
  consumeChallenge,
  deleteStaleChallenges,
  insertChallenge,
  lockChallenge,
} from '../mfa/mfa.queries.js';
import { challengeTokenHash, MfaService, newChallengeToken } from '../mfa/mfa.service.js';
import { UserEntity } from '../users/user.entity.js';
import { invalidCredentials, tooManyAttempts } from './auth.errors.js';
import {
  lockRefreshToken,
  recordFailedLogin,
  revokeAllSessionsOf,
  revokeSessionAtLogout,
  revokeSessionForTokenReuse,
  setChangedPassword,
  touchSession,
} from './auth.queries.js';
import type { MeResponse, MfaChallengeResponse, TokenResponse } from './dto/auth.dto.js';
import { PasswordService } from './password.service.js';
import { permissionsOf } from './permissions.js';
import { RateLimitService } from './rate-limit.service.js';
import { RefreshTokenEntity, SessionEntity } from './session.entity.js';
import { TokenService } from './token.service.js';

/** Consecutive failures before backoff starts, and before the account locks (admin unlock). */
export const BACKOFF_AFTER_FAILURES = 5;
export const LOCK_AFTER_FAILURES = 10;
const MAX_BACKOFF_SECONDS = 15 * 60;
const FAILURE_MEMORY_SECONDS = 3600;

export const backoffSeconds = (failures: number) =>
  failures < BACKOFF_AFTER_FAILURES ? 0 : Math.min(2 ** (failures - BACKOFF_AFTER_FAILURES), MAX_BACKOFF_SECONDS);

const emailKey = (email: string) => `login-fail:${createHash('sha256').update(email).digest('hex')}`;

/** A sign-in challenge lives five minutes and takes five wrong codes. */
const CHALLENGE_TTL_SECONDS = 300;
const CHALLENGE_MAX_FAILURES = 5;
/** Wrong second-factor codes per user, whichever challenge they came through: five, then 15 minutes' wait. */
export const MFA_MAX_FAILURES = 5;
const MFA_FAILURE_MEMORY_SECONDS = 15 * 60;
const mfaFailureKey = (userId: string) => `mfa-fail:${userId}`;

/** How a session's sign-in went: the factor proved, and whether its tokens only serve enrolment. */
interface SessionStart {
  secondFactor: 'totp' | 'recovery_code' | null;
  enrolmentOnly: boolean;
}

export type AuthEvent =
  | 'login_succeeded'
  | 'login_failed'
  | 'login_throttled'
  | 'account_locked'
  | 'token_refreshed'
  | 'refresh_token_reused'
  | 'logout'
  | 'logout_everywhere'
  | 'password_changed'
  | 'mfa_challenge_issued'
  | 'mfa_failed'
  | 'mfa_code_replayed'
  | 'mfa_throttled'
  | 'mfa_enrolment_started'
  | 'mfa_enrolled'
  | 'recovery_code_used'
  | 'session_ended';

/** Authentication events that record a refusal. */
export const DENIED_AUTH_EVENTS: ReadonlySet<AuthEvent> = new Set<AuthEvent>([
  'login_failed',
  'login_throttled',
  'refresh_token_reused',
  'mfa_failed',
  'mfa_code_replayed',
  'mfa_throttled',
]);

/** Where authentication events go; the audit module plugs in here. */
export interface AuthEventSink {
  authEvent(event: AuthEvent, details: { userId?: string; agencyId?: string; reason?: string }): Promise<void>;
}
export const AUTH_EVENT_SINK = Symbol('AUTH_EVENT_SINK');

@Injectable()
export class AuthService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(TransactionService) private readonly tx: TransactionService,
    @Inject(PasswordService) private readonly passwords: PasswordService,
    @Inject(TokenService) private readonly tokens: TokenService,
    @Inject(RateLimitService) private readonly rateLimits: RateLimitService,
    @Inject(AUTH_EVENT_SINK) private readonly events: AuthEventSink,
    @Inject(MfaService) private readonly mfa: MfaService,
  ) {}

  /** Per-IP limit on every /auth route, shared by all replicas through PostgreSQL. */
  async throttleIp(ip: string): Promise<void> {
    const { count, windowStart } = await this.rateLimits.hit(`auth-ip:${ip}`, 60);
    if (count > this.config.auth.rateLimitPerMinute) {
      throw tooManyAttempts(60 - (Date.now() - windowStart.getTime()) / 1000, {
        name: 'auth-ip',
        quota: this.config.auth.rateLimitPerMinute,
        windowSeconds: 60,
      });
    }
  }

  /**
   * Checks the password. A user with a second factor gets a short-lived challenge, not tokens
   * (POST /auth/mfa/verify exchanges it with a code); a user who must have one and has not set it up
   * gets tokens good only for enrolling.
   */
  async login(emailInput: string, password: string): Promise<TokenResponse | MfaChallengeResponse> {
    const email = emailInput.trim().toLowerCase();
    const failures = await this.rateLimits.peek(emailKey(email));
    if (failures && Date.now() - failures.windowStart.getTime() < FAILURE_MEMORY_SECONDS * 1000) {
      const wait = backoffSeconds(failures.count) - (Date.now() - failures.windowStart.getTime()) / 1000;
      if (wait > 0) {
        await this.events.authEvent('login_throttled', { reason: 'backoff' });
        throw tooManyAttempts(wait, {
          name: 'login-failures',
          quota: BACKOFF_AFTER_FAILURES,
          windowSeconds: FAILURE_MEMORY_SECONDS,
        });
      }
    }
    const user = await this.tx.manager().getRepository(UserEntity).findOneBy({ email });
    const agency = user ? await this.tx.manager().getRepository(AgencyEntity).findOneBy({ id: user.agencyId }) : null;
    // Verify even for unknown or disabled accounts, so every refusal costs the same time.
    const passwordOk = await this.passwords.verify(user?.passwordHash, password);
    if (!user || !passwordOk || !user.active || user.lockedAt || !agency?.active) {
      await this.recordFailure(email, user);
      throw invalidCredentials();
    }
    await this.rateLimits.reset(emailKey(email));
    return this.tx.run(async (m) => {
      await m.update(UserEntity, { id: user.id }, { failedLoginCount: 0, lastLoginAt: () => 'now()' });
      if (await this.mfa.isEnrolled(m, user.id)) return this.openChallenge(m, user);
      const enrolmentOnly = this.mfa.isRequiredFor(user.roles);
      const result = await this.startSession(m, user, { secondFactor: null, enrolmentOnly });
      await this.events.authEvent('login_succeeded', {
        userId: user.id,
        agencyId: user.agencyId,
        reason: enrolmentOnly ? 'mfa_enrolment_required' : undefined,
      });
      return result;
    });
  }

  private async openChallenge(m: EntityManager, user: UserEntity): Promise<MfaChallengeResponse> {
    await deleteStaleChallenges(m, user.id);
    const { token, hash } = newChallengeToken();
    const expiresAt = await insertChallenge(m, uuidv7(), user.id, hash, CHALLENGE_TTL_SECONDS);
    await this.events.authEvent('mfa_challenge_issued', { userId: user.id, agencyId: user.agencyId });
    return { mfaRequired: true, challengeToken: token, challengeExpiresAt: expiresAt.toISOString() };
  }

  /**
   * Exchanges a sign-in challenge and a code (TOTP or a recovery code) for tokens. Wrong codes count
   * against the challenge and the user (both outlive the transaction: a refusal is still counted).
   */
  async verifySecondFactor(challengeToken: string, code: string): Promise<TokenResponse> {
    const outcome = await this.tx.run(async (m): Promise<TokenResponse | DomainError> => {
      const challenge = (await lockChallenge(m, challengeTokenHash(challengeToken)))[0];
      if (
        !challenge ||
        challenge.consumed_at ||
        challenge.expired ||
        challenge.failed_attempts >= CHALLENGE_MAX_FAILURES
      )
        return new DomainError('INVALID_MFA_CHALLENGE');
      const user = await m.getRepository(UserEntity).findOneBy({ id: challenge.user_id });
      const agency = user ? await m.getRepository(AgencyEntity).findOneBy({ id: user.agencyId }) : null;
      if (!user || !user.active || user.lockedAt || !agency?.active) return new DomainError('INVALID_MFA_CHALLENGE');
      const refusal = await this.mfaThrottle(user);
      if (refusal) return refusal;
      const check = await this.mfa.checkCode(m, user.id, code);
      if (!check.ok) {
        await countChallengeFailure(m, challenge.id);
        return this.mfaFailure(user, check.reason);
      }
      await consumeChallenge(m, challenge.id);
      await this.rateLimits.reset(mfaFailureKey(user.id));
      const result = await this.startSession(m, user, { secondFactor: check.kind, enrolmentOnly: false });
      if (check.kind === 'recovery_code')
        await this.events.authEvent('recovery_code_used', { userId: user.id, agencyId: user.agencyId });
      await this.events.authEvent('login_succeeded', { userId: user.id, agencyId: user.agencyId, reason: check.kind });
      return result;
    });
    // Thrown after the commit: the failed attempt and its audit entry stay.
    if (outcome instanceof DomainError) throw outcome;
    return outcome;
  }

  /** A new secret for the signed-in user's authenticator app (otpauth:// URI for a QR code). */
  async startMfaEnrolment(actor: Actor): Promise<{ secret: string; otpauthUri: string }> {
    return this.tx.run(async (m) => {
      const user = await m.getRepository(UserEntity).findOneByOrFail({ id: actor.userId });
      const { secret, uri } = await this.mfa.startEnrolment(m, user.id, user.email);
      await this.events.authEvent('mfa_enrolment_started', { userId: user.id, agencyId: user.agencyId });
      return { secret, otpauthUri: uri };
    });
  }

  /**
   * Confirms the enrolment with a first code: every session ends (they were opened with the
   * password alone) and a new one starts, signed in with the second factor; the recovery codes are
   * returned this once.
   */
  async confirmMfaEnrolment(actor: Actor, code: string): Promise<TokenResponse & { recoveryCodes: string[] }> {
    const outcome = await this.tx.run(
      async (m): Promise<(TokenResponse & { recoveryCodes: string[] }) | DomainError> => {
        const user = await m.getRepository(UserEntity).findOneByOrFail({ id: actor.userId });
        const refusal = await this.mfaThrottle(user);
        if (refusal) return refusal;
        const recoveryCodes = await this.mfa.confirmEnrolment(m, user.id, code);
        if (!recoveryCodes) return this.mfaFailure(user, 'wrong_code');
        await this.rateLimits.reset(mfaFailureKey(user.id));
        await this.revokeAllSessions(m, user.id, 'mfa_enrolled');
        await this.events.authEvent('mfa_enrolled', { userId: user.id, agencyId: user.agencyId });
        const tokens = await this.startSession(m, user, { secondFactor: 'totp', enrolmentOnly: false });
        return { ...tokens, recoveryCodes };
      },
    );
    if (outcome instanceof DomainError) throw outcome;
    return outcome;
  }

  /** 429 while the user's wrong codes are over the limit (audited as a throttled attempt). */
  private async mfaThrottle(user: UserEntity): Promise<DomainError | undefined> {
    const failures = await this.rateLimits.peek(mfaFailureKey(user.id));
    if (!failures || failures.count < MFA_MAX_FAILURES) return undefined;
    const wait = MFA_FAILURE_MEMORY_SECONDS - (Date.now() - failures.windowStart.getTime()) / 1000;
    if (wait <= 0) return undefined;
    await this.events.authEvent('mfa_throttled', { userId: user.id, agencyId: user.agencyId });
    return tooManyAttempts(wait, {
      name: 'mfa-failures',
      quota: MFA_MAX_FAILURES,
      windowSeconds: MFA_FAILURE_MEMORY_SECONDS,
    });
  }

  private async mfaFailure(user: UserEntity, reason: 'wrong_code' | 'replayed'): Promise<DomainError> {
    await this.rateLimits.streak(mfaFailureKey(user.id), MFA_FAILURE_MEMORY_SECONDS);
    await this.events.authEvent(reason === 'replayed' ? 'mfa_code_replayed' : 'mfa_failed', {
      userId: user.id,
      agencyId: user.agencyId,
      reason,
    });
    return new DomainError('INVALID_MFA_CODE');
  }

  private async recordFailure(email: string, user: UserEntity | null): Promise<void> {
    await this.rateLimits.streak(emailKey(email), FAILURE_MEMORY_SECONDS);
    await this.tx.run(async (m) => {
      let reason = 'invalid_credentials';
      if (user) {
        const rows = await recordFailedLogin(m, user.id, LOCK_AFTER_FAILURES);
        const row = rows[0]!;
        if (!user.active) reason = 'inactive';
        else if (user.lockedAt) reason = 'locked';
        if (!user.lockedAt && row.locked_at)
          await this.events.authEvent('account_locked', { userId: user.id, agencyId: user.agencyId });
      } else {
        reason = 'unknown_account';
      }
      await this.events.authEvent('login_failed', { userId: user?.id, agencyId: user?.agencyId, reason });
    });
  }

  /** Rotates a refresh token. Presenting one that was already used revokes the whole session. */
  async refresh(token: string): Promise<TokenResponse> {
    const hash = this.tokens.hashRefreshToken(token);
    const result = await this.tx.run(async (m) => {
      const rows = await lockRefreshToken(m, hash);
      const row = rows[0];
      if (!row) return undefined;
      const user = await m.getRepository(UserEntity).findOneBy({ id: row.user_id });
      if (!user) return undefined;
      if (row.used_at) {
        await revokeSessionForTokenReuse(m, row.session_id);
        await this.events.authEvent('refresh_token_reused', { userId: user.id, agencyId: user.agencyId });
        return undefined;
      }
      const agency = await m.getRepository(AgencyEntity).findOneBy({ id: user.agencyId });
      const now = Date.now();
      if (
        row.revoked_at ||
        row.expires_at.getTime() <= now ||
        row.absolute_expires_at.getTime() <= now ||
        !user.active ||
        user.lockedAt ||
        !agency?.active
      ) {
        return undefined;
      }
      await m.update(RefreshTokenEntity, { id: row.id }, { usedAt: () => 'now()' });
      await touchSession(m, row.session_id);
      const issued = await this.issueRefreshToken(m, row.session_id, row.absolute_expires_at);
      // Asked again at every refresh: a role that now needs a second factor limits the session.
      const enrolmentOnly = this.mfa.isRequiredFor(user.roles) && !(await this.mfa.isEnrolled(m, user.id));
      const access = this.tokens.signAccessToken({
        sub: user.id,
        agency: user.agencyId,
        roles: user.roles,
        tv: user.tokenVersion,
        sid: row.session_id,
        ...(enrolmentOnly ? { enr: true } : {}),
      });
      await this.events.authEvent('token_refreshed', { userId: user.id, agencyId: user.agencyId });
      return this.tokenResponse(access, issued, row.absolute_expires_at, user.mustChangePassword, enrolmentOnly);
    });
    // Thrown after the commit: a reuse still revokes the session.
    if (!result) throw new DomainError('INVALID_REFRESH_TOKEN');
    return result;
  }

  async logout(actor: Actor): Promise<void> {
    await this.tx.run(async (m) => {
      await revokeSessionAtLogout(m, actor.sessionId);
      await this.events.authEvent('logout', { userId: actor.userId, agencyId: actor.agencyId });
    });
  }

  async logoutEverywhere(actor: Actor): Promise<void> {
    await this.tx.run(async (m) => {
      await this.revokeAllSessions(m, actor.userId, 'logout_everywhere');
      await this.events.authEvent('logout_everywhere', { userId: actor.userId, agencyId: actor.agencyId });
    });
  }

  /** Changing the password ends every session (including this one) and starts a new one. */
  async changePassword(actor: Actor, currentPassword: string, newPassword: string): Promise<TokenResponse> {
    const user = await this.tx.manager().getRepository(UserEntity).findOneByOrFail({ id: actor.userId });
    if (!(await this.passwords.verify(user.passwordHash, currentPassword))) {
      throw new DomainError('VALIDATION_FAILED', 'The current password is wrong', {
        errors: [{ field: 'currentPassword', messages: ['currentPassword is wrong'] }],
      });
    }
    this.passwords.assertAcceptable(newPassword, { email: user.email }, 'newPassword');
    if (await this.passwords.verify(user.passwordHash, newPassword)) {
      throw new DomainError('VALIDATION_FAILED', 'Choose a new password', {
        errors: [{ field: 'newPassword', messages: ['newPassword must differ from the current one'] }],
      });
    }
    const hash = await this.passwords.hash(newPassword);
    return this.tx.run(async (m) => {
      await setChangedPassword(m, user.id, hash);
      await this.revokeAllSessions(m, user.id, 'password_changed');
      await this.events.authEvent('password_changed', { userId: user.id, agencyId: user.agencyId });
      const fresh = await m.getRepository(UserEntity).findOneByOrFail({ id: user.id });
      // The new session keeps what the old one proved: the user was signed in with it a moment ago.
      const enrolled = await this.mfa.isEnrolled(m, user.id);
      return this.startSession(m, fresh, {
        secondFactor: enrolled ? 'totp' : null,
        enrolmentOnly: !enrolled && this.mfa.isRequiredFor(fresh.roles),
      });
    });
  }

  async me(actor: Actor): Promise<MeResponse> {
    const m = this.tx.manager();
    const user = await m.getRepository(UserEntity).findOneByOrFail({ id: actor.userId });
    const agency = await m.getRepository(AgencyEntity).findOneByOrFail({ id: user.agencyId });
    return {
      id: user.id,
      email: user.email,
      displayName: user.displayName,
      agency: { id: agency.id, code: agency.code, nameEn: agency.nameEn },
      roles: [...user.roles].sort(),
      permissions: [...permissionsOf(user.roles)].sort(),
      mustChangePassword: user.mustChangePassword,
      mfaEnrolmentRequired: actor.mfaEnrolmentRequired === true,
    };
  }

  async revokeAllSessions(m: EntityManager, userId: string, reason: string): Promise<void> {
    await revokeAllSessionsOf(m, userId, reason);
  }

  private async startSession(m: EntityManager, user: UserEntity, start: SessionStart): Promise<TokenResponse> {
    const sessionId = uuidv7();
    const absoluteExpiresAt = new Date(Date.now() + this.config.auth.sessionMaxHours * 3600_000);
    const facts = currentRequest()?.facts;
    await m.insert(SessionEntity, {
      id: sessionId,
      userId: user.id,
      absoluteExpiresAt,
      userAgent: facts?.userAgent?.slice(0, 300) ?? null,
      clientIp: facts?.clientIp?.slice(0, 64) ?? null,
      lastUsedAt: () => 'now()',
      secondFactor: start.secondFactor,
    });
    const issued = await this.issueRefreshToken(m, sessionId, absoluteExpiresAt);
    const access = this.tokens.signAccessToken({
      sub: user.id,
      agency: user.agencyId,
      roles: user.roles,
      tv: user.tokenVersion,
      sid: sessionId,
      ...(start.enrolmentOnly ? { enr: true } : {}),
    });
    return this.tokenResponse(access, issued, absoluteExpiresAt, user.mustChangePassword, start.enrolmentOnly);
  }

  private async issueRefreshToken(
    m: EntityManager,
    sessionId: string,
    absoluteExpiresAt: Date,
  ): Promise<{ token: string; expiresAt: Date }> {
    const { token, hash } = this.tokens.newRefreshToken();
    const expiresAt = new Date(
      Math.min(Date.now() + this.config.auth.refreshTokenIdleSeconds * 1000, absoluteExpiresAt.getTime()),
    );
    await m.insert(RefreshTokenEntity, { id: uuidv7(), sessionId, tokenHash: hash, expiresAt });
    return { token, expiresAt };
  }

  private tokenResponse(
    access: { token: string; expiresIn: number },
    refresh: { token: string; expiresAt: Date },
    sessionExpiresAt: Date,
    mustChangePassword: boolean,
    mfaEnrolmentRequired: boolean,
  ): TokenResponse {
    return {
      accessToken: access.token,
      tokenType: 'Bearer',
      expiresIn: access.expiresIn,
      refreshToken: refresh.token,
      refreshTokenExpiresAt: refresh.expiresAt.toISOString(),
      sessionExpiresAt: sessionExpiresAt.toISOString(),
      mustChangePassword,
      mfaEnrolmentRequired,
    };
  }
}
