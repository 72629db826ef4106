import type { components } from './generated/openapi.js';

export type Problem = components['schemas']['Problem'];
/** Every stable error code the API answers with (branch on it; titles are for people). */
export type ProblemCode = Problem['code'];

/**
 * An answer of the API other than 2xx: its application/problem+json body as a typed exception.
 * `code` is stable; quote `requestId` to support. Subclasses name the statuses a front-end
 * usually handles on their own (catch them with `instanceof`).
 */
export class ApiProblemError extends Error {
  readonly status: number;
  readonly code: ProblemCode | string;
  readonly requestId: string | undefined;
  readonly title: string;
  readonly detail: string | undefined;
  /** Per-field messages of a 400 (`field` is the JSON property, or a header such as If-Match). */
  readonly fieldErrors: { field: string; messages: string[] }[];
  /** The whole problem body, including extensions (e.g. `currentVersion` on 412, `candidates` on 409). */
  readonly problem: Partial<Problem> & Record<string, unknown>;
  /** Seconds to wait, from Retry-After (429, 503). */
  readonly retryAfterSeconds: number | undefined;

  constructor(status: number, problem: Partial<Problem> & Record<string, unknown>, headers: Headers) {
    const code = typeof problem.code === 'string' ? problem.code : `HTTP_${status}`;
    super(`${status} ${code}: ${problem.detail ?? problem.title ?? 'request failed'}`);
    this.name = new.target.name;
    this.status = status;
    this.code = code;
    this.requestId =
      (typeof problem.requestId === 'string' ? problem.requestId : undefined) ??
      headers.get('x-request-id') ??
      undefined;
    this.title = typeof problem.title === 'string' ? problem.title : '';
    this.detail = typeof problem.detail === 'string' ? problem.detail : undefined;
    this.fieldErrors = Array.isArray(problem.errors) ? problem.errors : [];
    this.problem = problem;
    const retryAfter = Number(headers.get('retry-after'));
    this.retryAfterSeconds = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined;
  }
}

/** 400: fix the fields named in `fieldErrors`. */
export class ValidationProblem extends ApiProblemError {}
/** 401: the session ended (the client already tried to refresh it): sign in again. */
export class AuthenticationProblem extends ApiProblemError {}
/** 403: the role lacks the permission, or the password must be changed first. */
export class PermissionProblem extends ApiProblemError {}
/** 404: no such record, or one you may not see (the API answers both alike). */
export class NotFoundProblem extends ApiProblemError {}
/** 409: a state conflict (ILLEGAL_TRANSITION, POSSIBLE_DUPLICATE, FACILITY_FULL, CONFLICT …). */
export class ConflictProblem extends ApiProblemError {}
/** 412: someone changed the record since you read it: read it again, show the change, let the user decide. */
export class StaleRecordProblem extends ApiProblemError {
  /** The current ETag, from the 412's ETag header. */
  get currentEtag(): string | undefined {
    return typeof this.problem.currentVersion === 'number' ? `"${this.problem.currentVersion}"` : undefined;
  }
}
/** 428: the update needs If-Match and the client had not read the record: read it first. */
export class PreconditionRequiredProblem extends ApiProblemError {}
/** 422: well-formed but not possible (CONSENT_REQUIRED, IDEMPOTENCY_KEY_REUSED …). */
export class UnprocessableProblem extends ApiProblemError {}
/** 429 and 503: wait `retryAfterSeconds` (the client already retried where that is safe). */
export class TemporaryProblem extends ApiProblemError {}

const BY_STATUS: Record<
  number,
  new (status: number, problem: Record<string, unknown>, headers: Headers) => ApiProblemError
> = {
  400: ValidationProblem,
  401: AuthenticationProblem,
  403: PermissionProblem,
  404: NotFoundProblem,
  409: ConflictProblem,
  412: StaleRecordProblem,
  422: UnprocessableProblem,
  428: PreconditionRequiredProblem,
  429: TemporaryProblem,
  503: TemporaryProblem,
};

/** The typed exception for an error answer (its body already parsed by openapi-fetch, or undefined). */
export function problemFrom(response: Response, body: unknown): ApiProblemError {
  const problem =
    body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
  const Type = BY_STATUS[response.status] ?? ApiProblemError;
  return new Type(response.status, problem, response.headers);
}
