import type { LoggerOptions } from 'pino';
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
    'password',
    'newPassword',
    'currentPassword',
    'refreshToken',
    'accessToken',
    'token',
    'givenName',
    'familyName',
    'name',
    'names',
    'nameLo',
    'nameLatin',
    'aliases',
    'dateOfBirth',
    'birthDate',
    'phone',
    'email',
    'contacts',
    'address',
    'village',
    'documents',
    'documentNumber',
    'narrative',
    'note',
    'notes',
    'text',
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
