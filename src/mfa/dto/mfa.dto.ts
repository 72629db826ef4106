import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { TokenResponse } from '../../auth/dto/auth.dto.js';

export class MfaEnrolmentResponse {
  @ApiProperty({
    description: 'The TOTP secret (Base32), shown this once: type it into the authenticator app if the QR code fails',
    example: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP',
  })
  secret!: string;
  @ApiProperty({
    description: 'The same secret as an otpauth:// URI: render it as a QR code for the authenticator app',
    example: 'otpauth://totp/CTCM%20Lao%20PDR:admin%40ctcm.local?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=CTCM',
  })
  otpauthUri!: string;
}

export class MfaCodeRequest {
  @ApiProperty({ description: 'The 6-digit code the authenticator app shows now', example: '123456' })
  @IsString()
  @Matches(/^\s*\d{3}\s?\d{3}\s*$/, { message: 'code must be the 6 digits the authenticator app shows' })
  code!: string;
}

export class VerifySecondFactorRequest {
  @ApiProperty({ description: 'The challengeToken from POST /auth/login' })
  @IsString()
  @MinLength(20)
  @MaxLength(200)
  challengeToken!: string;

  @ApiProperty({
    description: 'The 6-digit code from the authenticator app, or one of the recovery codes (each works once)',
    example: '123456',
  })
  @IsString()
  @MinLength(6)
  @MaxLength(20)
  code!: string;
}

export const RECOVERY_CODES_NOTE =
  'Second factor set up; every other session has ended. Keep these recovery codes somewhere safe and offline: ' +
  'each signs you in once without the app, and they are never shown again.';

export class MfaEnrolledResponse extends TokenResponse {
  @ApiProperty({ type: [String], description: 'Ten single-use recovery codes, shown this once' })
  recoveryCodes!: string[];
  @ApiProperty({ example: RECOVERY_CODES_NOTE }) message!: string;
}

export class MfaStatusResponse {
  @ApiProperty({ description: 'A confirmed second factor is set up' }) enrolled!: boolean;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) enrolledAt!: string | null;
  @ApiProperty({ description: 'Your roles require a second factor (MFA_REQUIRED_ROLES)' }) required!: boolean;
  @ApiProperty({ description: 'Unused recovery codes' }) recoveryCodesLeft!: number;
}
