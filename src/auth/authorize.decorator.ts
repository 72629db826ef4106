import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiExtension } from '@nestjs/swagger';
import { type Permission, PUBLIC_PERMISSIONS } from './permissions.js';

export const PERMISSION_KEY = 'ctcm:permission';

/**
 * The one decorator every route carries. It names the permission the global guard
 * enforces and documents it in OpenAPI (`x-permission`). Public permissions need no token.
 */
export function Authorize(permission: Permission): MethodDecorator {
  const decorators = [SetMetadata(PERMISSION_KEY, permission), ApiExtension('x-permission', permission)];
  if (!PUBLIC_PERMISSIONS.has(permission)) {
    // 401 and 403 are declared with every other error a route can answer, from its traits
    // (src/api-docs/route-contract.ts).
    decorators.push(ApiBearerAuth());
  }
  return applyDecorators(...decorators) as MethodDecorator;
}

export const USER_CHECK_WITH_FIRST_STATEMENT = 'ctcm:user-check-with-first-statement';

/**
 * For hot reads whose handler does nothing before its first statement in the request transaction
 * and answers only after it commits (no stream, no standby read, no call out): the user re-check
 * travels in the same exchange as that statement instead of one of its own (AccessGuard). The
 * route runs on the token's claims (agency, roles: a role change bumps the token version, which
 * the re-check compares) until the re-check's row is judged, before anything read is used.
 */
export const UserCheckWithFirstStatement = (): MethodDecorator => SetMetadata(USER_CHECK_WITH_FIRST_STATEMENT, true);
