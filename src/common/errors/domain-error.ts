import { ERROR_CATALOG, type ErrorCode } from './error-catalog.js';

export interface FieldError {
  /** Path of the offending field, e.g. `answers[2].answer`. */
  field: string;
  messages: string[];
}

export interface DomainErrorOptions {
  errors?: FieldError[];
  /** Extra, non-personal members for the problem body (e.g. `rule`, `conflictingFields`). */
  extensions?: Record<string, unknown>;
  headers?: Record<string, string>;
}

/**
 * The one exception services throw. The problem filter turns it into
 * application/problem+json with its stable code. `detail` must never hold personal data.
 */
export class DomainError extends Error {
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    readonly detail?: string,
    readonly options: DomainErrorOptions = {},
  ) {
    super(detail ?? ERROR_CATALOG[code].title);
    this.name = 'DomainError';
    this.status = ERROR_CATALOG[code].status;
  }
}

/** "Not there" and "not yours" answer alike, so ids of other agencies' records leak nothing. */
export const notFound = (resource: string) => new DomainError('NOT_FOUND', `${resource} not found`);
