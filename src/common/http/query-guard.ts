import type { NextFunction, Request, Response } from 'express';
import { DomainError } from '../errors/domain-error.js';
import { LONE_SURROGATE } from './input-rules.js';
import { CONTROL_CHARACTERS } from './json-body.js';

const MAX_QUERY_VALUE = 500;

/** Query strings and paths carry no NUL or control characters, and no oversize values. */
export function rejectControlCharactersInQuery(req: Request, _res: Response, next: NextFunction): void {
  const errors: { field: string; messages: string[] }[] = [];
  for (const [key, raw] of Object.entries(req.query)) {
    for (const value of ([] as unknown[]).concat(raw)) {
      if (typeof value !== 'string') errors.push({ field: key, messages: [`${key} must be a single value`] });
      else if (LONE_SURROGATE.test(value) || LONE_SURROGATE.test(key))
        errors.push({ field: key, messages: [`${key} holds a lone surrogate (not valid Unicode text)`] });
      else if (CONTROL_CHARACTERS.test(value) || CONTROL_CHARACTERS.test(key))
        errors.push({ field: key, messages: [`${key} holds a NUL or control character`] });
      else if (value.length > MAX_QUERY_VALUE)
        errors.push({ field: key, messages: [`${key} is longer than ${MAX_QUERY_VALUE} characters`] });
    }
  }
  let path = req.path;
  try {
    path = decodeURIComponent(req.path);
  } catch {
    errors.push({ field: '(path)', messages: ['the path is not valid percent-encoding'] });
  }
  if (CONTROL_CHARACTERS.test(path))
    errors.push({ field: '(path)', messages: ['the path holds a NUL or control character'] });
  if (errors.length) {
    next(new DomainError('VALIDATION_FAILED', 'The query string or path is invalid', { errors }));
    return;
  }
  next();
}
