import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayUnique, IsArray, IsIn, ValidateNested } from 'class-validator';
import { CHANNELS, LANGUAGES, NOTIFICATION_KINDS } from '../notification-kinds.js';

export class KindChannels {
  @ApiProperty({ enum: NOTIFICATION_KINDS, example: 'referral_received' })
  @IsIn(NOTIFICATION_KINDS)
  kind!: string;

  @ApiProperty({
    enum: CHANNELS,
    isArray: true,
    example: ['in_app', 'email_immediate'],
    description: 'Empty: not told at all (the work list still shows the work)',
  })
  @IsArray()
  @ArrayMaxSize(CHANNELS.length)
  @ArrayUnique()
  @IsIn(CHANNELS, { each: true })
  channels!: string[];
}

export class UpdateNotificationPreferencesRequest {
  @ApiProperty({ enum: LANGUAGES, example: 'lo', description: 'Language of e-mails: Lao (lo) or English (en)' })
  @IsIn(LANGUAGES)
  language!: string;

  @ApiProperty({
    type: [KindChannels],
    description: 'The kinds to change; kinds not listed keep their current channels',
    example: [
      { kind: 'referral_received', channels: ['in_app', 'email_immediate'] },
      { kind: 'follow_up_due', channels: ['email_digest'] },
    ],
  })
  @IsArray()
  @ArrayMaxSize(NOTIFICATION_KINDS.length)
  @ArrayUnique((k: KindChannels) => k?.kind, { message: 'each kind at most once' })
  @ValidateNested({ each: true })
  @Type(() => KindChannels)
  kinds!: KindChannels[];
}

export class NotificationPreferencesResponse {
  @ApiProperty({ enum: LANGUAGES }) language!: string;
  @ApiProperty({ type: [KindChannels], description: 'Every kind, with your channels (defaults until you choose)' })
  kinds!: KindChannels[];
  @ApiProperty({ description: 'Whether this deployment sends e-mail at all (an SMTP server is configured)' })
  emailEnabled!: boolean;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'Null until you first choose' })
  updatedAt!: string | null;
}

export class EmailQueuedResponse {
  @ApiProperty({ format: 'uuid', description: 'The queued message' }) id!: string;
  @ApiProperty({ example: 'pending' }) status!: string;
}
