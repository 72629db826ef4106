import type { INestApplication } from '@nestjs/common';
import type { OpenAPIObject } from '@nestjs/swagger';
import { type Permission, PUBLIC_PERMISSIONS } from '../auth/permissions.js';
import { IF_MATCH_DESCRIPTION, readIfMatchVersion } from '../common/http/etag.js';
import { listRoutes } from '../common/http/route-inventory.js';
import { rateLimitBudgetOf } from '../rate-limits/rate-limit-budgets.js';
import { runsInRequestTransaction } from '../request-pipeline/request-transaction.interceptor.js';

/**
 * What a route honours and can answer, read from the metadata the server itself acts on (the
 * permission decorator, the If-Match parameter decorator, the request transaction that claims
 * Idempotency-Key, the body and path parameters), never declared by hand per route: a new route is
 * documented the moment it exists, and the document cannot promise what the server does not do.
 */
export interface RouteTraits {
  method: string;
  /** OpenAPI spelling: `/cases/{id}`. */
  path: string;
  operationId: string | undefined;
  permission: Permission | undefined;
  isPublic: boolean;
  /** POST in the request transaction with a signed-in actor: the Idempotency-Key is claimed there. */
  honoursIdempotencyKey: boolean;
  /** The handler reads `@IfMatchVersion()`: If-Match is required (428 without, 412 when stale). */
  requiresIfMatch: boolean;
  takesBody: boolean;
  /** Path parameters or a body name records: a missing or invisible one answers 404. */
  namesRecords: boolean;
  /** Writes in the request transaction: unique and serialization conflicts answer 409. */
  writes: boolean;
  /** Needs the database: 503 with Retry-After while it is away. */
  needsDatabase: boolean;
  /** Counted against the per-user and per-address budgets (RateLimit headers; 429 over budget). */
  rateLimited: boolean;
  /** The class of the handler's `@Query()` argument, whose validators bound the query parameters. */
  queryType: (new () => unknown) | undefined;
}

const ROUTE_ARGS_METADATA = '__routeArguments__';
const BODY_PARAM_TYPE = 3;
const QUERY_PARAM_TYPE = 4;
const API_OPERATION_METADATA = 'swagger/apiOperation';
/** Liveness answers from memory, so an orchestrator never restarts replicas during a database outage. */
const MEMORY_ONLY_OPERATIONS = new Set(['checkLiveness']);

/** The traits of every route of the running app. */
export function routeTraitsOf(app: INestApplication): RouteTraits[] {
  return listRoutes(app).map((route) => {
    const permission = route.permission as Permission | undefined;
    const isPublic = permission !== undefined && PUBLIC_PERMISSIONS.has(permission);
    const args = Object.entries(
      (Reflect.getMetadata(ROUTE_ARGS_METADATA, route.controllerType, route.handler) ?? {}) as Record<
        string,
        { factory?: unknown }
      >,
    );
    const takesBody = args.some(([key]) => key.split(':')[0] === String(BODY_PARAM_TYPE));
    const transactional = runsInRequestTransaction(route.handlerFn, route.controllerType);
    const operationId = (
      Reflect.getMetadata(API_OPERATION_METADATA, route.handlerFn) as { operationId?: string } | undefined
    )?.operationId;
    const query = args.find(([key]) => key.split(':')[0] === String(QUERY_PARAM_TYPE))?.[1] as
      { index?: number } | undefined;
    const paramTypes = (Reflect.getMetadata('design:paramtypes', route.controllerType, route.handler) ?? []) as (
      (new () => unknown) | undefined
    )[];
    return {
      method: route.method,
      path: route.path,
      operationId,
      permission,
      isPublic,
      honoursIdempotencyKey: route.method === 'POST' && !isPublic && transactional,
      requiresIfMatch: args.some(([, arg]) => arg.factory === readIfMatchVersion),
      takesBody,
      namesRecords: route.path.includes('{') || (takesBody && !isPublic),
      writes: route.method !== 'GET' && transactional,
      needsDatabase: !MEMORY_ONLY_OPERATIONS.has(operationId ?? ''),
      rateLimited: rateLimitBudgetOf(operationId, permission) !== undefined,
      queryType: query?.index === undefined ? undefined : paramTypes[query.index],
    };
  });
}

interface Parameter {
  $ref?: string;
  name?: string;
  in?: string;
}

interface Response {
  $ref?: string;
  description?: string;
  headers?: Record<string, unknown>;
  content?: Record<string, { schema?: { $ref?: string; type?: string; items?: unknown } }>;
}

interface Operation {
  operationId?: string;
  parameters?: Parameter[];
  responses: Record<string, Response>;
  security?: unknown[];
}

const PROBLEM_CONTENT = { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } };

/** The shared error responses, by status; a route's own description (e.g. its domain code) keeps an inline copy. */
const ERROR_RESPONSE_NAMES: Record<string, string> = {
  '400': 'BadRequest',
  '401': 'Unauthorized',
  '403': 'Forbidden',
  '404': 'NotFound',
  '409': 'Conflict',
  '412': 'PreconditionFailed',
  '413': 'PayloadTooLarge',
  '415': 'UnsupportedMediaType',
  '422': 'Unprocessable',
  '428': 'PreconditionRequired',
  '429': 'TooManyRequests',
  '503': 'ServiceUnavailable',
};

const ERROR_DESCRIPTIONS: Record<string, string> = {
  '400': 'VALIDATION_FAILED, MALFORMED_JSON or BAD_REQUEST: `errors` names each field',
  '401': 'UNAUTHENTICATED: missing, expired or invalid access token (sign in or refresh)',
  '403': 'FORBIDDEN (your role lacks the permission), PASSWORD_CHANGE_REQUIRED or MFA_ENROLMENT_REQUIRED',
  '404': 'NOT_FOUND: no such record, or one you may not see (answered alike)',
  '409': 'CONFLICT: a concurrent change or a duplicate unique value; read again and retry',
  '412': 'PRECONDITION_FAILED: the record changed since you read it; the ETag header carries the current version',
  '413': 'PAYLOAD_TOO_LARGE: the request body is over the size limit',
  '415': 'UNSUPPORTED_MEDIA_TYPE: send the body as application/json (an upload: multipart/form-data)',
  '422':
    'UNPROCESSABLE (or a domain code such as DATE_OUT_OF_RANGE, IDEMPOTENCY_KEY_REUSED): well-formed but not possible',
  '428': 'PRECONDITION_REQUIRED: send If-Match with the ETag of your last read',
  '429':
    'RATE_LIMITED: over the per-user or per-address budget (RateLimit / RateLimit-Policy say which), or too many ' +
    'sign-in attempts; wait the seconds in Retry-After',
  '503': 'SERVICE_UNAVAILABLE: the database is away or slow; retry after Retry-After seconds',
};

export const CONTRACT_PARAMETERS = {
  IdempotencyKey: {
    name: 'Idempotency-Key',
    in: 'header',
    required: false,
    description:
      'Makes this POST safe to retry: the first request with a key runs; a retry with the same key and body ' +
      'answers the stored result again (header Idempotency-Replayed: true) and creates nothing; the same key with ' +
      'another body answers 422 IDEMPOTENCY_KEY_REUSED, and while the first is still running 409. Keys are per ' +
      'user and kept for a limited time. Use a fresh random key (e.g. a UUID) per intended creation.',
    schema: { type: 'string', pattern: '^[A-Za-z0-9_.:-]{8,200}$', minLength: 8, maxLength: 200 },
  },
  IfMatch: {
    name: 'If-Match',
    in: 'header',
    required: true,
    description: `${IF_MATCH_DESCRIPTION} Read it again after a 412; a weak ETag (W/"3") never matches.`,
    schema: { type: 'string', pattern: '^"\\d{1,9}"$', maxLength: 11 },
  },
  RequestId: {
    name: 'X-Request-Id',
    in: 'header',
    required: false,
    description:
      'Your correlation id, echoed in the X-Request-Id response header and in every error body; when absent or ' +
      'malformed the server makes one.',
    schema: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]{7,99}$', minLength: 8, maxLength: 100 },
  },
};

export const CONTRACT_HEADERS = {
  RequestId: {
    description: 'The request id (yours when well-formed, else the server’s); quote it to support',
    schema: { type: 'string' },
  },
  ETag: {
    description: 'The version of the record, to send back in If-Match on the next change',
    schema: { type: 'string', pattern: '^"\\d{1,9}"$' },
  },
  IdempotencyReplayed: {
    description: '`true` when this is the stored answer to an earlier request with the same Idempotency-Key',
    schema: { type: 'string', enum: ['true'] },
  },
  RetryAfter: { description: 'Seconds to wait before retrying', schema: { type: 'integer', minimum: 1 } },
  RateLimitPolicy: {
    description:
      'The budgets this request counts against (IETF draft-ietf-httpapi-ratelimit-headers): `"user";q=1200;w=60, ' +
      '"ip";q=12000;w=60` is 1200 requests a minute for you and 12000 for your address (`heavy-` for exports, ' +
      'matching and reports); shared by every replica',
    schema: { type: 'string' },
  },
  RateLimit: {
    description: 'What is left of each budget: `r` requests remaining, `t` seconds until the window restarts',
    schema: { type: 'string' },
  },
  WwwAuthenticate: {
    description: 'The bearer challenge (RFC 6750), naming the token problem',
    schema: { type: 'string' },
  },
};

const ref = (kind: 'parameters' | 'headers', name: string) => ({ $ref: `#/components/${kind}/${name}` });

function addParameter(op: Operation, name: keyof typeof CONTRACT_PARAMETERS): void {
  const header = CONTRACT_PARAMETERS[name].name.toLowerCase();
  // One declaration: a route's own @ApiHeader of the same header gives way to the shared one.
  op.parameters = (op.parameters ?? []).filter((p) => !(p.in === 'header' && p.name?.toLowerCase() === header));
  op.parameters.push(ref('parameters', name));
}

/** The headers an answer with this status carries. */
function responseHeaders(status: string): Record<string, unknown> {
  const headers: Record<string, unknown> = { 'X-Request-Id': ref('headers', 'RequestId') };
  if (status === '412') headers.ETag = ref('headers', 'ETag');
  if (status === '429' || status === '503') headers['Retry-After'] = ref('headers', 'RetryAfter');
  if (status === '429') {
    headers['RateLimit-Policy'] = ref('headers', 'RateLimitPolicy');
    headers.RateLimit = ref('headers', 'RateLimit');
  }
  if (status === '401') headers['WWW-Authenticate'] = ref('headers', 'WwwAuthenticate');
  return headers;
}

/** components.responses: one problem+json answer per error status, and the catch-all `default`. */
export function errorResponses(): Record<string, Response> {
  return {
    ...Object.fromEntries(
      Object.entries(ERROR_RESPONSE_NAMES).map(([status, name]) => [
        name,
        { description: ERROR_DESCRIPTIONS[status]!, headers: responseHeaders(status), content: PROBLEM_CONTENT },
      ]),
    ),
    Problem: { description: 'Error (problem+json)', headers: responseHeaders('default'), content: PROBLEM_CONTENT },
  };
}

function addError(op: Operation, status: string): void {
  const own = op.responses[status]?.description;
  op.responses[status] = own
    ? { description: own, headers: responseHeaders(status), content: PROBLEM_CONTENT }
    : { $ref: `#/components/responses/${ERROR_RESPONSE_NAMES[status] ?? 'Problem'}` };
}

/**
 * Declares, on every operation, the headers the server honours and sends, and the error statuses
 * it can answer, from each route's traits. Operations are found by the route's method and path.
 */
export function applyRouteContract(document: OpenAPIObject, traits: RouteTraits[]): void {
  const schemas = (document.components?.schemas ?? {}) as Record<string, { properties?: Record<string, unknown> }>;
  const versioned = (schema: { $ref?: string } | undefined) => {
    const name = schema?.$ref?.replace('#/components/schemas/', '');
    const version = name ? (schemas[name]?.properties?.version as { type?: string } | undefined) : undefined;
    return version?.type === 'integer' || version?.type === 'number';
  };
  document.components = {
    ...document.components,
    parameters: { ...document.components?.parameters, ...CONTRACT_PARAMETERS } as never,
    headers: { ...document.components?.headers, ...CONTRACT_HEADERS } as never,
    responses: { ...document.components?.responses, ...errorResponses() } as never,
  };
  for (const route of traits) {
    const op = (document.paths[route.path] as Record<string, Operation> | undefined)?.[route.method.toLowerCase()];
    if (!op) continue;
    if (route.isPublic) op.security = [];
    addParameter(op, 'RequestId');
    if (route.honoursIdempotencyKey) addParameter(op, 'IdempotencyKey');
    if (route.requiresIfMatch) addParameter(op, 'IfMatch');

    const errors = ['400'];
    if (!route.isPublic) errors.push('401', '403');
    if (route.namesRecords) errors.push('404');
    if (route.writes) errors.push('409');
    if (route.requiresIfMatch) errors.push('412', '428');
    // The body limit and the JSON check apply to every request of these methods that carries a body.
    if (['POST', 'PATCH', 'PUT'].includes(route.method)) errors.push('413', '415');
    // Domain rules (CONSENT_REQUIRED, DATE_OUT_OF_RANGE …) and a reused Idempotency-Key.
    if (route.writes) errors.push('422');
    if (route.rateLimited) errors.push('429');
    if (route.needsDatabase) errors.push('503');
    // Statuses a route declares itself (429 on sign-in) and the derived ones, all as problem+json.
    const declared = Object.keys(op.responses).filter((status) => /^[45]\d\d$/.test(status));
    for (const status of new Set([...errors, ...declared])) addError(op, status);

    op.responses.default = { $ref: '#/components/responses/Problem' };
    for (const [status, response] of Object.entries(op.responses)) {
      if (response.$ref || !status.startsWith('2')) continue;
      const headers: Record<string, unknown> = { ...response.headers, 'X-Request-Id': ref('headers', 'RequestId') };
      if (versioned(response.content?.['application/json']?.schema)) headers.ETag = ref('headers', 'ETag');
      if (route.honoursIdempotencyKey) headers['Idempotency-Replayed'] = ref('headers', 'IdempotencyReplayed');
      if (route.rateLimited) {
        headers['RateLimit-Policy'] = ref('headers', 'RateLimitPolicy');
        headers.RateLimit = ref('headers', 'RateLimit');
      }
      response.headers = headers;
    }
  }
  // Only the shared answers some operation uses (a status every route declares inline needs none).
  const used = JSON.stringify(document.paths);
  const responses = document.components.responses as Record<string, unknown>;
  for (const name of Object.keys(errorResponses()))
    if (!used.includes(`"#/components/responses/${name}"`)) delete responses[name];
}
