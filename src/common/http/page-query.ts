import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsUUID, Matches, Max, Min } from 'class-validator';

/** The `limit` of a paged list: a whole number from 1 to `max`; `defaultSize` when absent. */
export const PageSize = (max: number, defaultSize: number) =>
  applyDecorators(
    ApiPropertyOptional({ minimum: 1, maximum: max, default: defaultSize }),
    IsOptional(),
    Type(() => Number),
    IsInt(),
    Min(1),
    Max(max),
  );

/**
 * The `cursor` of a paged list: the previous page's `nextCursor`. An opaque cursor is URL-safe
 * base64 (decoded and checked by the list's keyset reader); a `uuid` one is the last row's id.
 */
export const PageCursor = (kind: 'opaque' | 'uuid', message?: string) =>
  applyDecorators(
    ApiPropertyOptional({ description: 'nextCursor of the previous page' }),
    IsOptional(),
    kind === 'uuid' ? IsUUID('all', message ? { message } : {}) : Matches(/^[A-Za-z0-9_-]{1,300}$/, { message }),
  );
