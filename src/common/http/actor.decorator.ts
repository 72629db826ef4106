import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import type { Actor } from '../context/request-context.js';
import { DomainError } from '../errors/domain-error.js';

/** The authenticated actor, passed explicitly to services. */
export const CurrentActor = createParamDecorator((_data: unknown, ctx: ExecutionContext): Actor => {
  const user = ctx.switchToHttp().getRequest<Request & { user?: Actor }>().user;
  if (!user) throw new DomainError('UNAUTHENTICATED');
  return user;
});

/** The client address, as Express resolves it under the configured TRUST_PROXY_HOPS. */
export const ClientIp = createParamDecorator((_data: unknown, ctx: ExecutionContext): string => {
  const req = ctx.switchToHttp().getRequest<Request>();
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
});
