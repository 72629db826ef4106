import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiExtension, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { type Permission, PUBLIC_PERMISSIONS } from './permissions.js';

export const PERMISSION_KEY = 'ctcm:permission';

/**
 * The one decorator every route carries. It names the permission the global guard
 * enforces and documents it in OpenAPI (`x-permission`). Public permissions need no token.
 */
export function Authorize(permission: Permission): MethodDecorator {
  const decorators = [SetMetadata(PERMISSION_KEY, permission), ApiExtension('x-permission', permission)];
  if (!PUBLIC_PERMISSIONS.has(permission)) {
    decorators.push(
      ApiBearerAuth(),
      ApiUnauthorizedResponse({ description: 'Missing, expired or invalid access token' }),
      ApiForbiddenResponse({ description: `Requires the \`${permission}\` permission` }),
    );
  }
  return applyDecorators(...decorators) as MethodDecorator;
}
