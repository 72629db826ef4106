import type { NextFunction, Request, Response } from 'express';
import { DomainError } from '../errors/domain-error.js';

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);
const JSON_TYPE = /^application\/([a-z0-9.+-]+\+)?json\s*(;|$)/i;
const MULTIPART_TYPE = /^multipart\/form-data\s*(;|$)/i;

/** `METHOD path` patterns of the routes that read multipart/form-data themselves (file uploads). */
const multipartRoutes: { method: string; path: RegExp }[] = [];

/** Lets one route take multipart/form-data (it streams the body itself); every other route stays JSON-only. */
export function acceptMultipart(method: string, path: RegExp): void {
  multipartRoutes.push({ method, path });
}

const isUploadRoute = (req: Request) => multipartRoutes.some((r) => r.method === req.method && r.path.test(req.path));

/** A request that carries a body must say it is JSON (415 otherwise), or multipart/form-data on an upload route. */
export function requireJsonBody(req: Request, _res: Response, next: NextFunction): void {
  const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
  if (!BODY_METHODS.has(req.method) || !hasBody) return next();
  const type = req.headers['content-type'] ?? '';
  // An upload route reads multipart/form-data itself; a JSON body reaches it (after authentication),
  // which refuses it, so anonymous callers and other roles get 401 and 403 as on every route.
  if (isUploadRoute(req) && MULTIPART_TYPE.test(type)) return next();
  if (!JSON_TYPE.test(type)) return next(new DomainError('UNSUPPORTED_MEDIA_TYPE'));
  next();
}
