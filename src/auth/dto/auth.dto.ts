import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsString, MaxLength, MinLength } from 'class-validator';

export class LoginRequest {
  @ApiProperty({ example: 'caseworker@vtc.example.la' })
  @IsEmail()
  @MaxLength(254)
  email!: string;

  @ApiProperty({ format: 'password', minLength: 1, maxLength: 128 })
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  password!: string;
}

export class RefreshRequest {
  @ApiProperty({ description: 'The refresh token from the last login or refresh; each is accepted once' })
  @IsString()
  @MinLength(20)
  @MaxLength(200)
  refreshToken!: string;
}

export class ChangePasswordRequest {
  @ApiProperty({ format: 'password' })
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  currentPassword!: string;

  @ApiProperty({
    format: 'password',
    minLength: 12,
    maxLength: 128,
    description:
      '12–128 characters; common, repetitive ("stringstring") and sequential passwords are refused: use a passphrase',
  })
  @IsString()
  @MaxLength(128)
  newPassword!: string;
}

export class TokenResponse {
  @ApiProperty({ description: 'JWT (HS256), valid for at most 15 minutes' }) accessToken!: string;
  @ApiProperty({ enum: ['Bearer'] }) tokenType!: 'Bearer';
  @ApiProperty({ description: 'Seconds until the access token expires' }) expiresIn!: number;
  @ApiProperty({ description: 'Opaque, single-use; rotate it with POST /auth/refresh' }) refreshToken!: string;
  @ApiProperty({ type: String, format: 'date-time' }) refreshTokenExpiresAt!: string;
  @ApiProperty({ type: String, format: 'date-time', description: 'End of the session: refreshing stops working then' })
  sessionExpiresAt!: string;
  @ApiProperty({ description: 'When true, only /auth routes work until the password is changed' })
  mustChangePassword!: boolean;
  @ApiProperty({
    description:
      'When true, your role needs a second factor you have not set up: only /auth routes work until you enrol ' +
      '(POST /auth/mfa/enrolment, then /auth/mfa/enrolment/confirm)',
  })
  mfaEnrolmentRequired!: boolean;
}

export class MfaChallengeResponse {
  @ApiProperty({ enum: [true], description: 'The password was right; a second-factor code is still needed' })
  mfaRequired!: true;
  @ApiProperty({ description: 'Send it with a code to POST /auth/mfa/verify; single-use, five wrong codes end it' })
  challengeToken!: string;
  @ApiProperty({ type: String, format: 'date-time', description: 'Five minutes after sign-in' })
  challengeExpiresAt!: string;
}

export const AUTHORISE_AGAIN =
  'Password changed. Every earlier token, including the one in Authorize, has stopped working: paste this ' +
  'accessToken into Authorize (top right) to continue.';

export class PasswordChangedResponse extends TokenResponse {
  @ApiProperty({ example: AUTHORISE_AGAIN, description: 'What to do next: authorise again with the new accessToken' })
  message!: string;
}

export class AgencySummary {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() code!: string;
  @ApiProperty() nameEn!: string;
}

export class MeResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() email!: string;
  @ApiProperty() displayName!: string;
  @ApiProperty({ type: AgencySummary }) agency!: AgencySummary;
  @ApiProperty({ type: [String] }) roles!: string[];
  @ApiProperty({ type: [String] }) permissions!: string[];
  @ApiProperty() mustChangePassword!: boolean;
  @ApiProperty({ description: 'This session only serves to set up the second factor your role requires' })
  mfaEnrolmentRequired!: boolean;
}
