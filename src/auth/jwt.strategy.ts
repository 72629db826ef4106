import { createSecretKey } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import type { Request } from 'express';
import { DataSource } from 'typeorm';
import type { CounterState, RateLimitPlan } from '../rate-limits/rate-limit-budgets.js';
import type { Actor } from '../common/context/request-context.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { KEY_MATERIAL, type KeyMaterial } from '../config/key-material.js';
import { type ActorRow, currentActorStatement, findCurrentActor } from './auth.queries.js';
import { unauthenticated } from './bearer-challenge.js';
import { permissionsOf } from './permissions.js';
import { type AccessTokenClaims, JWT_ALGORITHM } from './token.service.js';

/** What the guard hands the strategy (the request's budget) and gets back (the counts after this request). */
export interface RateLimitedRequest {
  rateLimitPlan?: RateLimitPlan;
  rateLimitCounters?: { user?: CounterState; ip: CounterState };
  /** Set by the guard: the route may send the user re-check with its first statement. */
  deferUserCheck?: boolean;
  /** The re-check the strategy left to be sent (the actor then stands on the token's claims). */
  userCheck?: { statement: { name: string; text: string }; values: unknown[] };
}

/** The counters of a re-check row, as the guard reports them. */
export function countersOf(user: ActorRow): { user: CounterState; ip: CounterState } {
  return {
    user: { count: user.user_count, resetSeconds: Math.max(1, user.user_reset) },
    ip: { count: user.ip_count, resetSeconds: Math.max(1, user.ip_reset) },
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Clock difference tolerated between the signer and the checker (exp and iat). */
const CLOCK_SKEW_SECONDS = 5;

/**
 * Verifies the signature (HS256 only), issuer, audience and expiry, then checks the user on
 * every request: deactivation, a password change or "log out everywhere" (token version),
 * a revoked session and a deactivated agency all cut access on the next request.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(KEY_MATERIAL) keys: KeyMaterial,
    @Inject(DataSource) private readonly dataSource: DataSource,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      // A KeyObject, not the string: given a string, jsonwebtoken first tries to parse it as a
      // public key and builds a key object on every request (8 % of a case read's CPU).
      // passport-jwt passes it to jsonwebtoken unchanged; its typings only predate KeyObject.
      secretOrKey: createSecretKey(Buffer.from(keys.jwtSecret, 'utf8')) as unknown as Buffer,
      algorithms: [JWT_ALGORITHM],
      issuer: config.auth.issuer,
      audience: config.auth.audience,
      ignoreExpiration: false,
      jsonWebTokenOptions: { clockTolerance: CLOCK_SKEW_SECONDS },
      passReqToCallback: true,
    });
  }

  async validate(
    req: Request & RateLimitedRequest,
    payload: AccessTokenClaims & { sub?: string; exp?: unknown; iat?: unknown },
  ): Promise<Actor & { mustChangePassword: boolean }> {
    if (typeof payload.sub !== 'string' || typeof payload.sid !== 'string' || typeof payload.tv !== 'number') {
      throw unauthenticated('invalid_token');
    }
    // jsonwebtoken checks exp only when present, and never iat: a token without an expiry, or one
    // "issued" in the future (beyond the clock skew allowed for exp), was not made by this API.
    const nowSeconds = Date.now() / 1000;
    if (
      typeof payload.exp !== 'number' ||
      typeof payload.iat !== 'number' ||
      payload.iat > nowSeconds + CLOCK_SKEW_SECONDS
    ) {
      throw unauthenticated('invalid_token');
    }
    const plan = req.rateLimitPlan!;
    if (
      req.deferUserCheck &&
      UUID.test(payload.sub) &&
      typeof payload.agency === 'string' &&
      UUID.test(payload.agency) &&
      Array.isArray(payload.roles) &&
      payload.roles.every((r) => typeof r === 'string')
    ) {
      // The re-check goes with the route's first statement; until it is judged the actor stands
      // on the claims, which the re-check's row must match (AccessGuard.judgeUserCheck).
      req.userCheck = currentActorStatement(
        payload.sub,
        payload.sid,
        payload.tv,
        plan.userKey(payload.sub),
        plan.ipKey,
      );
      return {
        userId: payload.sub,
        agencyId: payload.agency,
        roles: payload.roles,
        permissions: permissionsOf(payload.roles),
        tokenVersion: payload.tv,
        sessionId: payload.sid,
        mustChangePassword: false,
        mfaEnrolmentRequired: payload.enr === true,
      };
    }
    const rows = await findCurrentActor(
      this.dataSource.manager,
      payload.sub,
      payload.sid,
      payload.tv,
      plan.userKey(payload.sub),
      plan.ipKey,
    );
    const user = rows[0];
    if (user) req.rateLimitCounters = countersOf(user);
    // Signed out, password changed, "log out everywhere", deactivated or locked: the token was revoked.
    if (!user) throw unauthenticated('revoked_token');
    return {
      userId: user.id,
      agencyId: user.agency_id,
      roles: user.roles,
      permissions: permissionsOf(user.roles),
      tokenVersion: user.token_version,
      sessionId: payload.sid,
      mustChangePassword: user.must_change_password,
      mfaEnrolmentRequired: payload.enr === true,
    };
  }
}
