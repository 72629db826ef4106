import { DomainError } from '../common/errors/domain-error.js';

export const AUTH_REALM = 'ctcm-api';

/** Why a request was not authenticated: told to the caller in the problem body and the RFC 6750 challenge. */
export type TokenProblem =
  'missing_token' | 'wrong_scheme' | 'malformed_token' | 'invalid_token' | 'expired_token' | 'revoked_token';

const DESCRIPTIONS: Record<TokenProblem, string> = {
  missing_token:
    'No access token: sign in with POST /auth/login and send the accessToken as "Authorization: Bearer <token>"',
  wrong_scheme: 'The Authorization header must use the Bearer scheme: "Authorization: Bearer <accessToken>"',
  malformed_token:
    'The access token is malformed: paste only the accessToken of POST /auth/login, without quotes or "Bearer"',
  invalid_token: 'The access token was not issued by this API or was altered: sign in again',
  expired_token: 'The access token expired: refresh it (POST /auth/refresh) or sign in again',
  revoked_token:
    'The access token no longer works (signed out, password changed or account deactivated): sign in again',
};

/** The RFC 6750 §3 challenge. A request without any token gets no error code (§3.1). */
export function bearerChallenge(problem?: TokenProblem): string {
  if (!problem || problem === 'missing_token') return `Bearer realm="${AUTH_REALM}"`;
  return `Bearer realm="${AUTH_REALM}", error="invalid_token", error_description="${DESCRIPTIONS[problem].replaceAll('"', "'")}"`;
}

export function unauthenticated(problem: TokenProblem): DomainError {
  return new DomainError('UNAUTHENTICATED', DESCRIPTIONS[problem], {
    headers: { 'www-authenticate': bearerChallenge(problem) },
    extensions: { reason: problem },
  });
}

/** Classifies passport-jwt's refusal (`info`) with the header the client sent. */
export function tokenProblemOf(authorization: string | undefined, info: unknown): TokenProblem {
  const header = authorization?.trim() ?? '';
  if (!header) return 'missing_token';
  if (!/^bearer\s+\S/i.test(header)) return /^bearer$/i.test(header) ? 'missing_token' : 'wrong_scheme';
  const name = (info as { name?: string } | undefined)?.name;
  const message = (info as { message?: string } | undefined)?.message ?? '';
  if (name === 'TokenExpiredError') return 'expired_token';
  if (name === 'JsonWebTokenError' && /malformed|invalid token|jwt must be|unexpected token/i.test(message))
    return 'malformed_token';
  if (name === 'SyntaxError') return 'malformed_token';
  return 'invalid_token';
}
