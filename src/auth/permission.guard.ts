import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { currentRequest } from '../common/context/request-context.js';
import { DomainError } from '../common/errors/domain-error.js';
import { PERMISSION_KEY } from './authorize.decorator.js';
import { type Permission, PUBLIC_PERMISSIONS } from './permissions.js';

/** Fails closed: a route without a declared permission is refused for everyone. */
@Injectable()
export class PermissionGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    recordRouteTemplate(context.switchToHttp().getRequest<Request>());
    const permission = this.reflector.get<Permission | undefined>(PERMISSION_KEY, context.getHandler());
    if (!permission) throw new DomainError('FORBIDDEN', 'This route declares no permission');
    if (PUBLIC_PERMISSIONS.has(permission)) return true;
    throw new DomainError('UNAUTHENTICATED');
  }
}

/** The route template (`/cases/:id`), never the raw URL: logs and audit use it. */
function recordRouteTemplate(req: Request): void {
  const template = `${req.baseUrl ?? ''}${(req.route as { path?: string } | undefined)?.path ?? ''}` || '(unmatched)';
  (req as Request & { routeTemplate?: string }).routeTemplate = template;
  const store = currentRequest();
  if (store) store.routeTemplate = template;
}
