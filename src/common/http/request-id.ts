import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

export const REQUEST_ID_HEADER = 'x-request-id';
/** Honoured when well-formed: short, printable, no separators that could forge log lines. */
const WELL_FORMED = /^[A-Za-z0-9][A-Za-z0-9._:-]{7,99}$/;

export function requestIdOf(req: Request): string {
  return (req as Request & { id?: string }).id ?? 'unknown';
}

export function requestIdMiddleware(req: Request, res: Response, next: NextFunction): void {
  const incoming = req.header(REQUEST_ID_HEADER);
  const id = incoming && WELL_FORMED.test(incoming) ? incoming : randomUUID();
  (req as Request & { id: string; startedAt: number }).id = id;
  (req as Request & { startedAt: number }).startedAt = Date.now();
  res.setHeader(REQUEST_ID_HEADER, id);
  next();
}
