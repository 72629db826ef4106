import { DomainError } from '../common/errors/domain-error.js';

/** The same answer for an unknown email, a wrong password, a deactivated or a locked account. */
export const invalidCredentials = () => new DomainError('INVALID_CREDENTIALS');

/** The limit that refused a sign-in step: its name, quota and window as RateLimit-Policy states them. */
export interface AttemptPolicy {
  name: 'auth-ip' | 'login-failures' | 'mfa-failures';
  quota: number;
  windowSeconds: number;
}

/**
 * 429 for a sign-in step over its own limit. Its RateLimit fields name that limit (none left,
 * reset with Retry-After), replacing the route budget's, which is not what refused the request.
 */
export const tooManyAttempts = (retryAfterSeconds: number, policy: AttemptPolicy) => {
  const wait = Math.max(1, Math.ceil(retryAfterSeconds));
  return new DomainError('RATE_LIMITED', 'Too many attempts; wait before trying again', {
    headers: {
      'retry-after': String(wait),
      'ratelimit-policy': `"${policy.name}";q=${policy.quota};w=${policy.windowSeconds}`,
      ratelimit: `"${policy.name}";r=0;t=${wait}`,
    },
    extensions: { retryAfterSeconds: wait },
  });
};
