import { HttpException } from '@nestjs/common';
import type { Response } from 'express';
import { QueryFailedError } from 'typeorm';
import { languageOf } from '../../i18n/request-language.js';
import { localizeProblem } from '../../i18n/localize-problem.js';
import { JsonBodyRejected } from '../http/json-body.js';
import { DomainError, type FieldError } from './domain-error.js';
import { ERROR_CATALOG, type ErrorCode } from './error-catalog.js';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export interface Problem {
  type: string;
  title: string;
  status: number;
  code: ErrorCode;
  detail?: string;
  requestId: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

export interface MappedError {
  problem: Problem;
  headers?: Record<string, string>;
  /** Safe to log: never an error message that could carry personal data. */
  logContext: Record<string, unknown>;
  unexpected: boolean;
  /** Client input that validation should have refused reached the database: worth a warning. */
  safetyNet?: boolean;
}

const typeUri = (code: ErrorCode) => `urn:ctcm:problem:${code.toLowerCase().replaceAll('_', '-')}`;

const RESERVED = new Set(['type', 'title', 'status', 'code', 'detail', 'requestId']);

function problemOf(code: ErrorCode, requestId: string, detail?: string, extra: Partial<Problem> = {}): Problem {
  const { status, title } = ERROR_CATALOG[code];
  // Extensions never overwrite the standard members.
  const extensions = Object.fromEntries(Object.entries(extra).filter(([k]) => !RESERVED.has(k)));
  return { type: typeUri(code), title, status, code, ...(detail ? { detail } : {}), requestId, ...extensions };
}

const CONNECTION_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH']);

/** Whether an error means the database cannot be reached (the answer is 503, not 500). */
export function isDatabaseUnavailable(err: unknown): boolean {
  const e = err as { code?: string; message?: string; driverError?: { code?: string } } | undefined;
  const code = e?.driverError?.code ?? e?.code;
  if (
    code &&
    (CONNECTION_ERRORS.has(code) ||
      code.startsWith('08') ||
      code === '57P01' ||
      code === '57P02' ||
      code === '57P03' ||
      code === '53300')
  )
    return true;
  const msg = e?.message ?? '';
  return /Connection terminated|timeout exceeded when trying to connect|Connection refused|the database system is (starting|shutting) up/i.test(
    msg,
  );
}

/**
 * Maps anything thrown to a problem. Database errors map by SQLSTATE, never by message,
 * and their text (which can quote values) is neither returned nor logged.
 */
export function mapError(err: unknown, requestId: string): MappedError {
  if (err instanceof DomainError) {
    return {
      problem: problemOf(err.code, requestId, err.detail, {
        ...(err.options.errors ? { errors: err.options.errors } : {}),
        ...err.options.extensions,
      }),
      headers: err.options.headers,
      logContext: { code: err.code },
      unexpected: false,
    };
  }
  if (err instanceof QueryFailedError || (err as { driverError?: unknown })?.driverError) {
    const driver = ((err as { driverError?: Record<string, string> }).driverError ?? {}) as Record<
      string,
      string | undefined
    >;
    const sqlState = driver.code;
    const logContext = { sqlState, constraint: driver.constraint, table: driver.table };
    if (isDatabaseUnavailable(err))
      return {
        problem: problemOf('SERVICE_UNAVAILABLE', requestId),
        headers: { 'retry-after': '5' },
        logContext,
        unexpected: false,
      };
    if (sqlState === '23505')
      return {
        problem: problemOf('CONFLICT', requestId, 'A record with the same unique value exists'),
        logContext,
        unexpected: false,
      };
    if (sqlState === '40001' || sqlState === '40P01')
      return {
        problem: problemOf('CONFLICT', requestId, 'A concurrent change conflicted with this request; retry it'),
        logContext,
        unexpected: false,
      };
    if (sqlState?.startsWith('22'))
      // A data exception (bad date, number out of range, invalid text) is the client's input that
      // validation should have refused: a last safety net, logged so the cause is fixed there.
      return {
        problem: problemOf('VALIDATION_FAILED', requestId, 'A value is out of range or not valid for its field'),
        logContext: { ...logContext, safetyNet: 'data exception' },
        unexpected: false,
        safetyNet: true,
      };
    if (sqlState === '57014')
      return {
        problem: problemOf('SERVICE_UNAVAILABLE', requestId, 'The database took too long to answer'),
        headers: { 'retry-after': '5' },
        logContext,
        unexpected: false,
      };
    return { problem: problemOf('INTERNAL_ERROR', requestId), logContext, unexpected: true };
  }
  if (isDatabaseUnavailable(err)) {
    return {
      problem: problemOf('SERVICE_UNAVAILABLE', requestId),
      headers: { 'retry-after': '5' },
      logContext: { code: (err as { code?: string }).code },
      unexpected: false,
    };
  }
  if (err instanceof HttpException) {
    const status = err.getStatus();
    const code: ErrorCode =
      status === 404
        ? 'ROUTE_NOT_FOUND'
        : status === 401
          ? 'UNAUTHENTICATED'
          : status === 403
            ? 'FORBIDDEN'
            : status === 405
              ? 'METHOD_NOT_ALLOWED'
              : status === 413
                ? 'PAYLOAD_TOO_LARGE'
                : status === 415
                  ? 'UNSUPPORTED_MEDIA_TYPE'
                  : status === 429
                    ? 'RATE_LIMITED'
                    : status >= 500
                      ? 'INTERNAL_ERROR'
                      : 'BAD_REQUEST';
    return { problem: problemOf(code, requestId), logContext: { status }, unexpected: status >= 500 };
  }
  // The depth check throws through body-parser as is; body-parser strips the reviver's error
  // down to its message, so the key is read back from it.
  const parseMessage = (err as { type?: string })?.type === 'entity.parse.failed' ? (err as Error).message : '';
  const forbiddenKey = /property name (\S+) is not allowed/.exec(parseMessage)?.[1];
  const controlIn = /property (\S+) holds a NUL or control character/.exec(parseMessage)?.[1];
  const surrogateIn = /property (\S+) holds a lone surrogate/.exec(parseMessage)?.[1];
  const rejected = forbiddenKey
    ? new JsonBodyRejected(forbiddenKey, 'forbidden_key')
    : controlIn
      ? new JsonBodyRejected(controlIn, 'control_character')
      : surrogateIn
        ? new JsonBodyRejected(surrogateIn, 'lone_surrogate')
        : err instanceof JsonBodyRejected
          ? err
          : undefined;
  if (rejected) {
    return {
      problem: problemOf('VALIDATION_FAILED', requestId, 'The request body has a forbidden shape', {
        errors: [{ field: rejected.field, messages: [rejected.message] }],
      }),
      logContext: { rule: rejected.rule },
      unexpected: false,
    };
  }
  // body-parser errors carry a `type` and a status.
  const parserError = err as { type?: string; status?: number };
  if (parserError?.type === 'entity.too.large')
    return { problem: problemOf('PAYLOAD_TOO_LARGE', requestId), logContext: {}, unexpected: false };
  if (parserError?.type === 'entity.parse.failed') return malformedJson(parseMessage, requestId);
  if (parserError?.type === 'charset.unsupported' || parserError?.type === 'encoding.unsupported') {
    return { problem: problemOf('UNSUPPORTED_MEDIA_TYPE', requestId), logContext: {}, unexpected: false };
  }
  if (typeof parserError?.status === 'number' && parserError.status >= 400 && parserError.status < 500) {
    return {
      problem: problemOf('BAD_REQUEST', requestId),
      logContext: { status: parserError.status },
      unexpected: false,
    };
  }
  const e = err as Error | undefined;
  return {
    problem: problemOf('INTERNAL_ERROR', requestId),
    logContext: { errorType: e?.name, stack: e?.stack },
    unexpected: true,
  };
}

/**
 * Where JSON.parse stopped, and nothing else: its message can quote the body (personal data).
 * Node says "… in JSON at position 12 (line 1 column 13)" or, at the end, "Unexpected end of JSON input".
 */
function malformedJson(message: string, requestId: string): MappedError {
  const at = /at position (\d+)(?: \(line (\d+) column (\d+)\))?/.exec(message);
  const position = at
    ? { position: Number(at[1]), ...(at[2] ? { line: Number(at[2]), column: Number(at[3]) } : {}) }
    : {};
  const where = at
    ? `at position ${at[1]}${at[2] ? ` (line ${at[2]}, column ${at[3]})` : ''}`
    : /end of (JSON|data) input/i.test(message)
      ? 'at the end of the body (it stops early)'
      : '';
  return {
    problem: problemOf('MALFORMED_JSON', requestId, `The body is not valid JSON${where ? `: error ${where}` : ''}`, {
      ...position,
    }),
    logContext: {},
    unexpected: false,
  };
}

/** How the audit trail classifies a failure: refused by policy, or failed. */
export function outcomeOf(status: number): 'denied' | 'failed' {
  return status === 401 || status === 403 || status === 429 ? 'denied' : 'failed';
}

export function sendProblem(res: Response, mapped: MappedError): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  for (const [k, v] of Object.entries(mapped.headers ?? {})) res.setHeader(k, v);
  // RFC 9110 §15.5.2: every 401 names how to authenticate.
  if (mapped.problem.status === 401 && !res.hasHeader('www-authenticate'))
    res.setHeader('www-authenticate', 'Bearer realm="ctcm-api"');
  // Title, detail and field messages in the reader's language (Accept-Language or ?lang=); the code never changes.
  const lang = languageOf(res.req);
  res.setHeader('content-language', lang);
  res.vary('accept-language');
  res
    .status(mapped.problem.status)
    .type(PROBLEM_CONTENT_TYPE)
    .send(JSON.stringify(localizeProblem(mapped.problem, lang)));
}
