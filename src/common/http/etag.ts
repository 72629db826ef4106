import {
  type CallHandler,
  createParamDecorator,
  type ExecutionContext,
  Injectable,
  type NestInterceptor,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { map, type Observable } from 'rxjs';
import { DomainError } from '../errors/domain-error.js';

export const etagOf = (version: number) => `"${version}"`;

/** What Swagger UI shows beside every If-Match field: where a newcomer finds the value. */
export const IF_MATCH_DESCRIPTION =
  'The ETag you read, with its quotes: the etag response header of your last GET of the record, ' +
  'which is also its "version" in quotes (version 3 → "3"). 412 when someone changed it since, 428 without it.';

/**
 * The version a client read, from `If-Match` ("3"; a weak W/"3" answers 412). Updates require it: without it
 * 428, with a stale one 412 (the service compares it in the UPDATE itself).
 */
export function readIfMatchVersion(_data: unknown, ctx: ExecutionContext): number {
  const header = ctx.switchToHttp().getRequest<Request>().header('if-match');
  if (!header)
    throw new DomainError(
      'PRECONDITION_REQUIRED',
      'Send If-Match with the ETag you read, so a concurrent change is not overwritten',
    );
  // RFC 9110 §13.1.1: If-Match compares strongly, so a weak tag never matches: 412.
  if (/^W\//i.test(header.trim()))
    throw new DomainError(
      'PRECONDITION_FAILED',
      'If-Match needs the strong ETag you read ("3"), not a weak one (W/"3")',
      {
        errors: [{ field: 'If-Match', messages: ['a weak ETag never matches (RFC 9110 strong comparison)'] }],
      },
    );
  const m = /^"(\d{1,9})"$/.exec(header.trim());
  if (!m)
    throw new DomainError('VALIDATION_FAILED', 'If-Match must be an ETag this API issued', {
      errors: [{ field: 'If-Match', messages: ['If-Match must look like "3"'] }],
    });
  return Number(m[1]);
}

/** The handler's If-Match version; src/api-docs/route-contract.ts documents If-Match, 412 and 428 wherever it is used. */
export const IfMatchVersion = createParamDecorator(readIfMatchVersion);

/** Single records carry their version as an ETag. */
@Injectable()
export class EtagInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const res = context.switchToHttp().getResponse<Response>();
    return next.handle().pipe(
      map((body: unknown) => {
        const version = (body as { version?: unknown } | null)?.version;
        if (typeof version === 'number' && !res.headersSent) res.setHeader('etag', etagOf(version));
        return body;
      }),
    );
  }
}

/** Throws 412 when an UPDATE … WHERE version = $n touched nothing although the record exists. */
export function staleVersion(resource: string, current: number): DomainError {
  return new DomainError(
    'PRECONDITION_FAILED',
    `${resource} changed since you read it (now version ${current}); read it again`,
    {
      headers: { etag: etagOf(current) },
      extensions: { currentVersion: current },
    },
  );
}
