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

/** A request that carries a body must say it is JSON (415 otherwise); an upload route's, multipart/form-data. */
export function requireJsonBody(req: Request, _res: Response, next: NextFunction): void {
  const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
  if (!BODY_METHODS.has(req.method) || !hasBody) return next();
  const type = req.headers['content-type'] ?? '';
  if (isUploadRoute(req)) {
    if (MULTIPART_TYPE.test(type)) return next();
    return next(
      new DomainError('UNSUPPORTED_MEDIA_TYPE', 'Send the file as multipart/form-data (a part named "file")'),
    );
  }
  if (!JSON_TYPE.test(type)) return next(new DomainError('UNSUPPORTED_MEDIA_TYPE'));
  next();
}
