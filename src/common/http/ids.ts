import type { NextFunction, Request, Response } from 'express';

const WHOLE_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** A UUID standing as a whole path segment or query value. */
const UUID_IN_URL = /(?<=^|[/?&=,])[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?=$|[/?&#,])/gi;

/** A string that is a UUID, in lower case; any other string unchanged. */
export const lowerCaseUuid = (value: string): string => (WHOLE_UUID.test(value) ? value.toLowerCase() : value);

/**
 * Ids are normalised once, at the edge: a UUID in the path or the query string is lower-cased
 * before routing, as the JSON body parser does for body values. Everything behind (lookups,
 * access checks, ciphertexts bound to a record id, audit entries) sees one spelling.
 */
export function normaliseIdsInUrl(req: Request, _res: Response, next: NextFunction): void {
  if (/[A-F]/.test(req.url)) req.url = req.url.replace(UUID_IN_URL, (id) => id.toLowerCase());
  next();
}
