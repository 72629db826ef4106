import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';

export class CaseSummaryResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) leadAgencyId!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) assignedCaseworkerId!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) supervisorId!: string | null;
  @ApiProperty({ enum: ['full', 'limited'], description: 'limited: seen through an open referral (identity, needs, risks, the referral)' })
  view!: 'full' | 'limited';
  @ApiProperty({ type: String, format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: String, format: 'date-time' }) updatedAt!: string;
  @ApiProperty() version!: number;
}

export class BreakGlassRequest {
  @ApiProperty({ minLength: 10, maxLength: 500, description: 'Why you need this case now. Recorded, audited and shown to the lead agency. Do not include personal data.' })
  @IsString()
  @MinLength(10)
  @MaxLength(500)
  reason!: string;
}

export class AccessGrantResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) caseId!: string;
  @ApiProperty({ enum: ['referral', 'break_glass'] }) kind!: string;
  @ApiProperty({ enum: ['full', 'limited'] }) view!: string;
  @ApiProperty({ format: 'uuid' }) granteeAgencyId!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) granteeUserId!: string | null;
  @ApiProperty() reason!: string;
  @ApiProperty({ type: String, format: 'date-time' }) grantedAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) expiresAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) revokedAt!: string | null;
  @ApiProperty() active!: boolean;
}
