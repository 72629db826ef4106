import { DomainError } from '../common/errors/domain-error.js';

/** The same answer for an unknown email, a wrong password, a deactivated or a locked account. */
export const invalidCredentials = () => new DomainError('INVALID_CREDENTIALS');
export const tooManyAttempts = (retryAfterSeconds: number) =>
  new DomainError('RATE_LIMITED', 'Too many attempts; wait before trying again', {
    headers: { 'retry-after': String(Math.max(1, Math.ceil(retryAfterSeconds))) },
    extensions: { retryAfterSeconds: Math.max(1, Math.ceil(retryAfterSeconds)) },
  });
