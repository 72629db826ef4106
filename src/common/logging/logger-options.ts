import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LoggerOptions } from 'pino';
import type { Options as PinoHttpOptions } from 'pino-http';
import type { AppConfig } from '../../config/app-config.js';

/**
 * Personal data must never reach the logs. Request and response bodies are not logged
 * at all, URLs are logged without their query string, and these paths are redacted in
 * any object a component logs by mistake.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["idempotency-key"]',
  'res.headers["set-cookie"]',
  ...[
    'password', 'newPassword', 'currentPassword', 'refreshToken', 'accessToken', 'token',
    'givenName', 'familyName', 'name', 'names', 'nameLo', 'nameLatin', 'aliases', 'dateOfBirth', 'birthDate',
    'phone', 'email', 'contacts', 'address', 'village', 'documents', 'documentNumber', 'narrative', 'note', 'notes', 'text',
  ].flatMap((k) => [k, `*.${k}`, `*.*.${k}`]),
];

export function baseLoggerOptions(config: Pick<AppConfig, 'logLevel'>): LoggerOptions {
  return {
    level: config.logLevel,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    base: { service: 'ctcm-api' },
    timestamp: () => `,"time":"${new Date().toISOString()}"`,
  };
}

type RawRequest = IncomingMessage & { id?: string; routeTemplate?: string };

export function httpLoggerOptions(config: Pick<AppConfig, 'logLevel'>): PinoHttpOptions {
  return {
    ...baseLoggerOptions(config),
    genReqId: (req) => (req as RawRequest).id ?? 'unknown',
    customLogLevel: (_req, res, err) => (err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
    serializers: {
      // Route template, never the raw URL: paths and query strings can carry names.
      req: (req: { id?: string; method?: string }) => ({ id: req.id, method: req.method }),
      res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
    },
    // The route is known only once routing ran, so it is added when the request completes.
    customSuccessObject: (req: IncomingMessage, _res: ServerResponse, value: Record<string, unknown>) => ({ ...value, route: (req as RawRequest).routeTemplate ?? '(unmatched)' }),
    customErrorObject: (req: IncomingMessage, _res: ServerResponse, _err: unknown, value: Record<string, unknown>) => ({ ...value, route: (req as RawRequest).routeTemplate ?? '(unmatched)' }),
    customSuccessMessage: () => 'request completed',
    customErrorMessage: () => 'request failed',
    wrapSerializers: true,
    quietReqLogger: true,
  } as PinoHttpOptions;
}

export type { ServerResponse };
