import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';

export class SessionResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ description: 'The session this request is made in' }) current!: boolean;
  @ApiProperty({ type: String, nullable: true, description: 'The User-Agent the session signed in with' })
  userAgent!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'The client address it signed in from' })
  clientIp!: string | null;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt!: string;
  @ApiProperty({
    type: String,
    format: 'date-time',
    description: 'Sign-in or the last token refresh (access tokens live 15 minutes, so within that of its last use)',
  })
  lastUsedAt!: string;
  @ApiProperty({ type: String, format: 'date-time' }) expiresAt!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    enum: ['totp', 'recovery_code'],
    description: 'The second factor proved at sign-in; null: password only',
  })
  secondFactor!: string | null;
}

export class UserSessionParams {
  @ApiProperty({ format: 'uuid' }) @IsUUID('all') id!: string;
  @ApiProperty({ format: 'uuid' }) @IsUUID('all') sessionId!: string;
}
