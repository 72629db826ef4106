import { PageSize, PageCursor } from '../../common/http/page-query.js';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional, IsUUID } from 'class-validator';
import { NOTIFICATION_KINDS } from '../notification-kinds.js';

export class NotificationSubject {
  @ApiProperty({ example: 'referral' }) type!: string;
  @ApiProperty({ format: 'uuid' }) id!: string;
}

export class NotificationResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: NOTIFICATION_KINDS }) kind!: string;
  @ApiProperty({ format: 'uuid', description: 'The domain event (GET /events) it tells of' }) eventId!: string;
  @ApiProperty({ example: 'referral.received' }) eventType!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) caseId!: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'VT-2026-000123' }) caseNumber!: string | null;
  @ApiProperty({ type: NotificationSubject }) subject!: NotificationSubject;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'Codes, dates and counts of the event (urgency, dueBy, reason...): never personal data',
    example: { urgency: 'emergency', purpose: 'shelter', dueBy: '2026-12-02T09:00:00.000Z' },
  })
  params!: Record<string, unknown>;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) readAt!: string | null;
}

export class NotificationPage {
  @ApiProperty({ type: [NotificationResponse] }) items!: NotificationResponse[];
  @ApiProperty({ type: String, nullable: true, description: 'Pass as `cursor` for the next (older) page' })
  nextCursor!: string | null;
  @ApiProperty({ description: 'Your unread notifications, in all' }) unread!: number;
}

const toBool = ({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value);

export class NotificationListQuery {
  @ApiPropertyOptional({ description: 'Only the unread ones' })
  @IsOptional()
  @Transform(toBool)
  @IsBoolean()
  unread?: boolean;

  @PageSize(200, 50)
  limit?: number;

  @PageCursor('uuid')
  cursor?: string;
}

export class NotificationStreamQuery {
  @ApiPropertyOptional({
    format: 'uuid',
    description:
      'Send the notifications after this one first (the id of the last you received, e.g. after a reconnect); ' +
      'the Last-Event-ID header does the same. Without either, only new notifications are sent.',
  })
  @IsOptional()
  @IsUUID()
  after?: string;
}

export class ReadAllResponse {
  @ApiProperty({ description: 'How many notifications were marked read' }) marked!: number;
}
