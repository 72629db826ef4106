import type { NextFunction, Request, Response } from 'express';
import { DomainError } from '../errors/domain-error.js';

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);
const JSON_TYPE = /^application\/([a-z0-9.+-]+\+)?json\s*(;|$)/i;

/** A request that carries a body must say it is JSON (415 otherwise). */
export function requireJsonBody(req: Request, _res: Response, next: NextFunction): void {
  const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
  if (BODY_METHODS.has(req.method) && hasBody && !JSON_TYPE.test(req.headers['content-type'] ?? '')) {
    next(new DomainError('UNSUPPORTED_MEDIA_TYPE'));
    return;
  }
  next();
}
