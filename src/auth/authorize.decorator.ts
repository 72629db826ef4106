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
