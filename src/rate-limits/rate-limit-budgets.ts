import type { AppConfig } from '../config/app-config.js';
import { Permission } from '../auth/permissions.js';

/** Every budget counts requests in fixed windows of this length, shared by all replicas. */
export const RATE_LIMIT_WINDOW_SECONDS = 60;

/**
 * Operations that read the most per request (exports, matching, reports) spend the heavy budget;
 * by permission for reports and audit exports, by operation for matching. A new export or report
 * route joins by its permission or by adding its operationId here.
 */
const HEAVY_PERMISSIONS: ReadonlySet<string> = new Set([
  Permission.ReportRead,
  Permission.AuditExport,
  Permission.AuditVerify,
]);
const HEAVY_OPERATIONS: ReadonlySet<string> = new Set([
  'findPersonMatches',
  'listTracingCandidates',
  'listArrivalCandidates',
  'exportAuditEvents',
  'getUnmetNeedsReport',
]);
/** Liveness answers from memory (an orchestrator must never restart replicas for a database outage): not counted. */
const UNCOUNTED_OPERATIONS: ReadonlySet<string> = new Set(['checkLiveness']);

export type RateLimitBudget = 'default' | 'heavy';

export function rateLimitBudgetOf(
  operationId: string | undefined,
  permission: string | undefined,
): RateLimitBudget | undefined {
  if (operationId && UNCOUNTED_OPERATIONS.has(operationId)) return undefined;
  if ((operationId && HEAVY_OPERATIONS.has(operationId)) || (permission && HEAVY_PERMISSIONS.has(permission)))
    return 'heavy';
  return 'default';
}

export interface RateLimitPlan {
  budget: RateLimitBudget;
  userLimit: number;
  ipLimit: number;
  ipKey: string;
  userKey(userId: string): string;
}

export function rateLimitPlan(config: AppConfig, budget: RateLimitBudget, clientIp: string): RateLimitPlan {
  const heavy = budget === 'heavy';
  return {
    budget,
    userLimit: heavy ? config.rateLimits.heavyUserPerMinute : config.rateLimits.userPerMinute,
    ipLimit: heavy ? config.rateLimits.heavyIpPerMinute : config.rateLimits.ipPerMinute,
    ipKey: `rl:ip:${budget}:${clientIp}`.slice(0, 200),
    userKey: (userId) => `rl:user:${budget}:${userId}`,
  };
}

export interface CounterState {
  count: number;
  /** Seconds until the window restarts. */
  resetSeconds: number;
}

/** The IETF RateLimit / RateLimit-Policy fields (draft-ietf-httpapi-ratelimit-headers) and, over budget, Retry-After. */
export function rateLimitHeaders(
  plan: RateLimitPlan,
  counters: { user?: CounterState; ip: CounterState },
): { headers: Record<string, string>; exceeded: boolean; retryAfter: number } {
  const name = (who: string) => (plan.budget === 'heavy' ? `heavy-${who}` : who);
  const entries: { name: string; limit: number; state: CounterState }[] = [];
  if (counters.user) entries.push({ name: name('user'), limit: plan.userLimit, state: counters.user });
  entries.push({ name: name('ip'), limit: plan.ipLimit, state: counters.ip });
  const over = entries.filter((e) => e.state.count > e.limit);
  return {
    headers: {
      'ratelimit-policy': entries.map((e) => `"${e.name}";q=${e.limit};w=${RATE_LIMIT_WINDOW_SECONDS}`).join(', '),
      ratelimit: entries
        .map((e) => `"${e.name}";r=${Math.max(0, e.limit - e.state.count)};t=${e.state.resetSeconds}`)
        .join(', '),
    },
    exceeded: over.length > 0,
    retryAfter: Math.max(1, ...over.map((e) => e.state.resetSeconds)),
  };
}
