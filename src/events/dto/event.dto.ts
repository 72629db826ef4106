import { PageSize } from '../../common/http/page-query.js';
import { ApiProperty, ApiPropertyOptional, getSchemaPath } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { EVENT_PAYLOAD_CLASSES, EVENT_TYPES } from '../event-catalogue.js';

export class EventsQuery {
  @ApiPropertyOptional({ format: 'uuid', description: 'Events after this one (the last id of the previous page)' })
  @IsOptional()
  @IsUUID()
  after?: string;
  @ApiPropertyOptional({ enum: EVENT_TYPES }) @IsOptional() @IsIn(EVENT_TYPES) type?: string;
  @PageSize(500, 100)
  limit?: number;
}

export class EventSubject {
  @ApiProperty({ example: 'referral' }) type!: string;
  @ApiProperty({ format: 'uuid' }) id!: string;
}

/** A domain event as the API, notifications and webhooks give it: ids and codes, no personal data. */
export class EventResponse {
  @ApiProperty({ format: 'uuid', description: 'Stable id: receivers drop an event they have seen' }) id!: string;
  @ApiProperty({ enum: EVENT_TYPES }) type!: string;
  @ApiProperty({ format: 'date-time' }) occurredAt!: string;
  @ApiProperty({ type: [String], format: 'uuid', description: 'The agencies the event concerns' })
  agencyIds!: string[];
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) caseId!: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'VT-2026-000123' }) caseNumber!: string | null;
  @ApiProperty({ type: EventSubject }) subject!: EventSubject;
  @ApiProperty({
    description: 'Fields by type: see docs/events.md',
    oneOf: EVENT_PAYLOAD_CLASSES.map((c) => ({ $ref: getSchemaPath(c) })),
  })
  payload!: Record<string, unknown>;
}

export class EventPage {
  @ApiProperty({ type: [EventResponse] }) items!: EventResponse[];
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'Pass as `after` for the next page' })
  next!: string | null;
}
