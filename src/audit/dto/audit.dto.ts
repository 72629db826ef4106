import { PageSize, PageCursor } from '../../common/http/page-query.js';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';

const ANY_JSON_VALUE = [
  { type: 'string' },
  { type: 'number' },
  { type: 'boolean' },
  { type: 'array', items: {} },
  { type: 'object', additionalProperties: true },
];
/** OpenAPI 3.0 spells "or null" as a nullable alternative (`nullable` needs a `type` beside it). */
const ANY_JSON_VALUE_OR_NULL = [
  ...ANY_JSON_VALUE.slice(0, -1),
  { type: 'object', additionalProperties: true, nullable: true },
];

export class AuditFilterQuery {
  @ApiPropertyOptional({ format: 'date-time', description: 'From (inclusive). Default: 24 hours ago' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'To (exclusive). Default: now' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;

  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() userId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() agencyId?: string;
  @ApiPropertyOptional({ enum: ['access', 'change', 'auth'] })
  @IsOptional()
  @IsIn(['access', 'change', 'auth'])
  category?: string;
  @ApiPropertyOptional({ example: 'read' }) @IsOptional() @Matches(/^[a-z_-]{2,40}$/) action?: string;
  @ApiPropertyOptional({ enum: ['allowed', 'denied', 'failed'] })
  @IsOptional()
  @IsIn(['allowed', 'denied', 'failed'])
  outcome?: string;
  @ApiPropertyOptional({ example: 'case' }) @IsOptional() @Matches(/^[a-z_-]{2,40}$/) resourceType?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(100) resourceId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() caseId?: string;
  @ApiPropertyOptional() @IsOptional() @Matches(/^[A-Za-z0-9._:-]{1,100}$/) requestId?: string;
}

export class AuditEventsQuery extends AuditFilterQuery {
  @PageSize(200, 50)
  limit?: number;

  @PageCursor('opaque')
  cursor?: string;
}

export class AuditExportQuery extends AuditFilterQuery {
  @ApiPropertyOptional({ enum: ['ndjson', 'csv'], default: 'ndjson' })
  @IsOptional()
  @IsIn(['ndjson', 'csv'])
  format?: 'ndjson' | 'csv';
}

export class FieldChangeResponse {
  @ApiProperty() field!: string;
  @ApiProperty({ description: 'Personal fields are recorded as changed, without values' }) personal!: boolean;
  @ApiPropertyOptional({
    description: 'Previous value (non-personal fields only): any JSON value',
    oneOf: ANY_JSON_VALUE_OR_NULL,
  })
  old?: unknown;
  @ApiPropertyOptional({
    description: 'New value (non-personal fields only): any JSON value',
    oneOf: ANY_JSON_VALUE_OR_NULL,
  })
  new?: unknown;
}

export class AuditEventResponse {
  @ApiProperty({ description: 'Entry id (bigint as string)' }) id!: string;
  @ApiProperty({ format: 'date-time' }) occurredAt!: string;
  @ApiProperty({ enum: ['access', 'change', 'auth'] }) category!: string;
  @ApiProperty() action!: string;
  @ApiProperty({ type: String, nullable: true }) requestId!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) actorUserId!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) actorAgencyId!: string | null;
  @ApiProperty({ type: [String], nullable: true }) actorRoles!: string[] | null;
  @ApiProperty({ type: String, nullable: true }) clientIp!: string | null;
  @ApiProperty({ type: String, nullable: true }) userAgent!: string | null;
  @ApiProperty({ type: String, nullable: true }) method!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Route template, never the raw URL' }) route!:
    string | null;
  @ApiProperty({ type: String, nullable: true }) permission!: string | null;
  @ApiProperty({ type: String, nullable: true }) resourceType!: string | null;
  @ApiProperty({ type: [String], nullable: true }) resourceIds!: string[] | null;
  @ApiProperty({ type: [String], nullable: true }) caseIds!: string[] | null;
  @ApiProperty({ enum: ['allowed', 'denied', 'failed'] }) outcome!: string;
  @ApiProperty({ type: Number, nullable: true }) status!: number | null;
  @ApiProperty({ type: String, nullable: true, description: 'Error code when denied or failed' }) reason!:
    string | null;
  @ApiProperty({ type: Number, nullable: true }) durationMs!: number | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) breakGlassGrantId!: string | null;
  @ApiProperty({ type: [FieldChangeResponse], nullable: true }) changes!: FieldChangeResponse[] | null;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true }) details!: Record<string, unknown> | null;
}

export class AuditEventPage {
  @ApiProperty({ type: [AuditEventResponse] }) items!: AuditEventResponse[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` for the next page; null at the end' })
  nextCursor!: string | null;
}

export class CaseAccessSummary {
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) userId!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) agencyId!: string | null;
  @ApiProperty({ type: String, nullable: true }) route!: string | null;
  @ApiProperty() category!: string;
  @ApiProperty() action!: string;
  @ApiProperty() outcome!: string;
  @ApiProperty() count!: number;
  @ApiProperty({ format: 'date-time' }) firstAt!: string;
  @ApiProperty({ format: 'date-time' }) lastAt!: string;
  @ApiProperty({ description: 'Whether any of these used a break-the-glass grant' }) breakGlass!: boolean;
  @ApiProperty({ description: 'How many of these were Idempotency-Key replays (a stored answer handed back again)' })
  replays!: number;
  @ApiProperty({
    type: [Number],
    description:
      'HTTP statuses answered (e.g. 404 for a probe of a case the caller may not see, 403 for a refused action)',
    example: [200],
  })
  statuses!: number[];
}

export class ChainBreakResponse {
  @ApiProperty({
    enum: [
      'event_missing',
      'entry_modified',
      'chain_broken',
      'chain_gap',
      'checkpoint_mismatch',
      'checkpoint_signature',
      'tail_truncated',
      'unsigned_tail',
      'unchained_event',
    ],
  })
  kind!: string;
  @ApiPropertyOptional() seq?: string;
  @ApiPropertyOptional() eventId?: string;
  @ApiProperty() detail!: string;
}

export class CheckpointSummary {
  @ApiProperty() seq!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty() keyId!: string;
}

export class VerificationResponse {
  @ApiProperty() ok!: boolean;
  @ApiProperty() checkedEntries!: number;
  @ApiProperty() checkedCheckpoints!: number;
  @ApiProperty({ description: 'Committed entries not sealed yet (not covered)' }) pendingEntries!: number;
  @ApiProperty() fromSeq!: string;
  @ApiProperty() lastSeq!: string;
  @ApiProperty({ type: CheckpointSummary, nullable: true }) latestCheckpoint!: CheckpointSummary | null;
  @ApiProperty({ type: ChainBreakResponse, nullable: true }) firstBreak!: ChainBreakResponse | null;
  @ApiProperty() durationMs!: number;
}

export class SigningKeyResponse {
  @ApiProperty() keyId!: string;
  @ApiProperty({ description: 'Ed25519 public key (SPKI PEM): give it to the offline verifier' }) publicKeyPem!: string;
}
