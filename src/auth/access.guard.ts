import { type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import type { Request, Response } from 'express';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { rateLimitBudgetOf, rateLimitHeaders, rateLimitPlan } from '../rate-limits/rate-limit-budgets.js';
import { type Actor, currentRequest, type RequestStore } from '../common/context/request-context.js';
import { DomainError } from '../common/errors/domain-error.js';
import { openApiPathOf } from '../common/http/route-template.js';
import { runsInRequestTransaction } from '../request-pipeline/request-transaction.interceptor.js';
import type { ActorRow } from './auth.queries.js';
import { PERMISSION_KEY, USER_CHECK_WITH_FIRST_STATEMENT } from './authorize.decorator.js';
import { tokenProblemOf, unauthenticated } from './bearer-challenge.js';
import { countersOf, type RateLimitedRequest } from './jwt.strategy.js';
import { RateLimitService } from './rate-limit.service.js';
import { Permission, PUBLIC_PERMISSIONS, ROLE_PERMISSIONS } from './permissions.js';

type AuthenticatedRequest = Request &
  RateLimitedRequest & { user?: Actor & { mustChangePassword?: boolean }; routeTemplate?: string };

const API_OPERATION_METADATA = 'swagger/apiOperation';

/**
 * The one global guard. Fails closed: a route without a declared permission is refused.
 * Public permissions pass; others need a valid access token whose user holds the permission.
 */
@Injectable()
export class AccessGuard extends AuthGuard('jwt') {
  constructor(
    private readonly reflector: Reflector,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(RateLimitService) private readonly rateLimits: RateLimitService,
  ) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const req = context.switchToHttp().getRequest<AuthenticatedRequest>();
    recordRouteTemplate(req);
    const permission = this.reflector.get<Permission | undefined>(PERMISSION_KEY, context.getHandler());
    const store = currentRequest();
    if (store) store.permission = permission;
    if (!permission) throw new DomainError('FORBIDDEN', 'This route declares no permission');
    rejectUnexpectedBody(req, context);
    const operationId = (
      Reflect.getMetadata(API_OPERATION_METADATA, context.getHandler()) as { operationId?: string } | undefined
    )?.operationId;
    const budget = rateLimitBudgetOf(operationId, permission);
    if (budget) req.rateLimitPlan = rateLimitPlan(this.config, budget, req.ip ?? req.socket.remoteAddress ?? 'unknown');
    if (PUBLIC_PERMISSIONS.has(permission)) {
      if (req.rateLimitPlan) await this.countByAddress(req, context);
      return true;
    }

    // A hot read sends the user re-check with its first statement (UserCheckWithFirstStatement).
    req.deferUserCheck =
      store !== undefined &&
      this.reflector.get<boolean | undefined>(USER_CHECK_WITH_FIRST_STATEMENT, context.getHandler()) === true &&
      runsInRequestTransaction(context.getHandler(), context.getClass());
    try {
      // Counts the request against the user's and the address's budgets in the user re-check itself.
      await super.canActivate(context);
    } catch (err) {
      // A refused token is counted against the address: guessing tokens is throttled like the rest.
      if (req.rateLimitPlan && !req.rateLimitCounters) await this.countByAddress(req, context);
      throw err;
    }
    const actor = req.user!;
    if (store) store.actor = actor;
    if (req.userCheck && store) {
      const { statement, values } = req.userCheck;
      store.openingCheck = {
        statement,
        values,
        verify: (rows) => this.judgeUserCheck(req, context, rows, permission, store),
      };
    }
    // After the actor is known, so a refusal is audited under their name.
    this.enforce(req, context);
    if (actor.mustChangePassword && permission !== Permission.AuthSelf)
      throw new DomainError('PASSWORD_CHANGE_REQUIRED');
    // Like a forced password change: the password alone opens the user's own /auth routes, nothing else.
    if (actor.mfaEnrolmentRequired && permission !== Permission.AuthSelf)
      throw new DomainError('MFA_ENROLMENT_REQUIRED');
    if (!actor.permissions.has(permission)) throw new DomainError('FORBIDDEN', missingPermissionDetail(permission));
    return true;
  }

  /**
   * The deferred user re-check's row, judged before anything the request transaction read is
   * used: as the strategy would have (no row: the token was revoked), and the row must carry the
   * claims the request ran on (a role change bumps the token version, so it always does for a
   * current token). Then the rate limits and a forced password change, as canActivate does.
   */
  private async judgeUserCheck(
    req: AuthenticatedRequest,
    context: ExecutionContext,
    rows: unknown[],
    permission: Permission,
    store: RequestStore,
  ): Promise<void> {
    const user = rows[0] as ActorRow | undefined;
    const actor = req.user!;
    if (user) req.rateLimitCounters = countersOf(user);
    if (!user || user.agency_id !== actor.agencyId || !sameRoles(user.roles, actor.roles)) {
      // As a refused token: no actor (the request's own store, not the transaction's copy), and
      // counted against the address.
      store.actor = undefined;
      if (req.rateLimitPlan && !req.rateLimitCounters) await this.countByAddress(req, context);
      throw unauthenticated('revoked_token');
    }
    this.enforce(req, context);
    if (user.must_change_password && permission !== Permission.AuthSelf)
      throw new DomainError('PASSWORD_CHANGE_REQUIRED');
  }

  private async countByAddress(req: AuthenticatedRequest, context: ExecutionContext): Promise<void> {
    req.rateLimitCounters = { ip: await this.rateLimits.hitMinute(req.rateLimitPlan!.ipKey) };
    this.enforce(req, context);
  }

  /** Sends the RateLimit fields on every answer; over a budget, 429 with Retry-After. */
  private enforce(req: AuthenticatedRequest, context: ExecutionContext): void {
    if (!req.rateLimitPlan || !req.rateLimitCounters) return;
    const { headers, exceeded, retryAfter } = rateLimitHeaders(req.rateLimitPlan, req.rateLimitCounters);
    const res = context.switchToHttp().getResponse<Response>();
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    if (exceeded)
      throw new DomainError('RATE_LIMITED', 'Too many requests; wait the seconds in Retry-After', {
        headers: { ...headers, 'retry-after': String(retryAfter) },
        extensions: { retryAfterSeconds: retryAfter },
      });
  }

  override handleRequest<T>(err: unknown, user: T, info: unknown, context: ExecutionContext): T {
    // Token problems arrive as `info` (a failed check); `err` is an error raised while checking the
    // user, e.g. the database being away, which must answer 503, never log the caller out with 401.
    if (err) throw err;
    if (!user) {
      const authorization = context.switchToHttp().getRequest<Request>().headers.authorization;
      throw unauthenticated(tokenProblemOf(authorization, info));
    }
    return user;
  }
}

const sameRoles = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n');

const ROUTE_ARGS_METADATA = '__routeArguments__';
const BODY_PARAM_TYPE = 3;
/** Where @ApiConsumes() keeps a route's request media types (@nestjs/swagger's DECORATORS.API_CONSUMES). */
const SWAGGER_CONSUMES = 'swagger/apiConsumes';

/** A route that takes no body refuses one: extra fields must never be silently carried along. */
function rejectUnexpectedBody(req: AuthenticatedRequest, context: ExecutionContext): void {
  const body = req.body as unknown;
  const hasBody =
    body !== undefined && body !== null && !(typeof body === 'object' && Object.keys(body as object).length === 0);
  if (!hasBody) return;
  const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, context.getClass(), context.getHandler().name) ??
    {}) as Record<string, unknown>;
  const takesBody = Object.keys(args).some((k) => k.split(':')[0] === String(BODY_PARAM_TYPE));
  // An upload route reads its multipart stream itself: a parsed JSON or form body is the wrong type, not extra fields.
  const consumes = (Reflect.getMetadata(SWAGGER_CONSUMES, context.getHandler()) ?? []) as string[];
  if (consumes.includes('multipart/form-data'))
    throw new DomainError('UNSUPPORTED_MEDIA_TYPE', 'Send the file as multipart/form-data (a part named "file")');
  if (!takesBody) {
    const fields = typeof body === 'object' ? Object.keys(body as object) : ['(body)'];
    throw new DomainError('VALIDATION_FAILED', 'This route takes no request body', {
      errors: fields.map((field) => ({ field, messages: [`property ${field} should not exist`] })),
    });
  }
}

/** The route template (`/cases/{id}`, as in openapi.json), never the raw URL: logs and audit use it. */
function recordRouteTemplate(req: AuthenticatedRequest): void {
  const template =
    openApiPathOf(`${req.baseUrl ?? ''}${(req.route as { path?: string } | undefined)?.path ?? ''}`) || '(unmatched)';
  req.routeTemplate = template;
  const store = currentRequest();
  if (store) store.routeTemplate = template;
}

/**
 * Says which permission was missing and which roles carry it (docs/roles.md publishes the same
 * table), so a caseworker at the Swagger desk knows whom to ask instead of guessing.
 */
function missingPermissionDetail(permission: Permission): string {
  const roles = Object.entries(ROLE_PERMISSIONS)
    .filter(([, permissions]) => permissions.includes(permission))
    .map(([role]) => role);
  const holders = roles.length ? `the role${roles.length > 1 ? 's' : ''} ${roles.join(', ')}` : 'no role';
  return `This needs the permission ${permission}, which ${holders} carr${roles.length > 1 ? 'y' : 'ies'}; your agency administrator assigns roles.`;
}
