import { Multiline } from '../../common/http/input-rules.js';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayUnique,
  IsBoolean,
  IsIn,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  MinLength,
  ArrayMaxSize,
} from 'class-validator';
import { RISKS } from '../../reference-data/data/code-lists.js';
import { DECLINE_REASONS, REFERRAL_PURPOSES, REFERRAL_STATUSES, URGENCIES } from '../referral-rules.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
export const INBOX_VIEWS = ['pending', 'overdue', 'accepted'] as const;
export const RECOMMENDATIONS = ['return_home', 'alternative_care', 'shelter'] as const;

export class CreateReferralRequest {
  @ApiProperty({ format: 'uuid', description: 'The receiving agency (its inbox, not a named user)' })
  @IsUUID()
  toAgencyId!: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'A facility of that agency, for placement or transit reception' })
  @IsOptional()
  @IsUUID()
  toFacilityId?: string;
  @ApiProperty({ enum: REFERRAL_PURPOSES }) @IsIn(REFERRAL_PURPOSES) purpose!: string;
  @ApiProperty({ enum: URGENCIES }) @IsIn(URGENCIES) urgency!: string;
  @ApiPropertyOptional({ maxLength: 2000, description: 'What the receiver needs to know (encrypted)' })
  @IsOptional()
  @IsString()
  @Multiline()
  @MaxLength(2000)
  note?: string;
  @ApiPropertyOptional({
    minLength: 10,
    maxLength: 1000,
    description:
      "Only with the consent-override permission, when the person's consent does not cover this sharing (encrypted, audited)",
  })
  @IsOptional()
  @IsString()
  @MinLength(10)
  @Multiline()
  @MaxLength(1000)
  consentOverrideReason?: string;
}

export class DeclineRequest {
  @ApiProperty({ enum: DECLINE_REASONS }) @IsIn(DECLINE_REASONS) reason!: string;
}

export class EndReferralRequest {
  @ApiPropertyOptional({ maxLength: 40, example: 'service_delivered' })
  @IsOptional()
  @Matches(/^[a-z_]{2,40}$/)
  reason?: string;
}

export class FamilyAssessmentRequest {
  @ApiProperty({ format: 'date' }) @IsISO8601({ strict: true }) @Matches(DATE) assessedOn!: string;
  @ApiProperty() @IsBoolean() familyFound!: boolean;
  @ApiProperty({ enum: RECOMMENDATIONS }) @IsIn(RECOMMENDATIONS) recommendation!: string;
  @ApiPropertyOptional({ enum: RISKS, isArray: true })
  @IsOptional()
  @ArrayMaxSize(RISKS.length)
  @ArrayUnique()
  @IsIn(RISKS, { each: true })
  householdRisks?: string[];
  @ApiPropertyOptional({ maxLength: 10000, description: 'Findings (encrypted)' })
  @IsOptional()
  @IsString()
  @Multiline()
  @MaxLength(10000)
  findings?: string;
}

export class InboxQuery {
  @ApiPropertyOptional({ enum: INBOX_VIEWS, default: 'pending' }) @IsOptional() @IsIn(INBOX_VIEWS) view?: string;
}

export class ReferralResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) caseId!: string;
  @ApiProperty() caseNumber!: string;
  @ApiProperty({ format: 'uuid' }) fromAgencyId!: string;
  @ApiProperty({ format: 'uuid' }) toAgencyId!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) toFacilityId!: string | null;
  @ApiProperty({ enum: REFERRAL_PURPOSES }) purpose!: string;
  @ApiProperty({ enum: URGENCIES }) urgency!: string;
  @ApiProperty({ enum: REFERRAL_STATUSES }) status!: string;
  @ApiProperty({ type: String, nullable: true }) note!: string | null;
  @ApiProperty({ format: 'date-time', description: 'The receiver must answer by then, or it expires' }) dueBy!: string;
  @ApiProperty({
    example: '2026-12-03T14:00:00+07:00',
    description: "dueBy in the deployment's time zone (TIME_ZONE), as shown to people",
  })
  dueByLocal!: string;
  @ApiProperty({ description: 'Pending past its due time' }) overdue!: boolean;
  @ApiProperty({ type: String, nullable: true }) declineReason!: string | null;
  @ApiProperty({ type: String, nullable: true }) endReason!: string | null;
  @ApiProperty({ description: 'Sent without consent covering it, by override' }) consentOverridden!: boolean;
  @ApiProperty({ enum: ['adult', 'child', 'unknown'] }) profileAgeGroup!: string;
  @ApiProperty() profileGender!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) respondedAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) endedAt!: string | null;
  @ApiProperty() version!: number;
}

export class InboxCounts {
  @ApiProperty() pending!: number;
  @ApiProperty() overdue!: number;
  @ApiProperty() accepted!: number;
}

export class FamilyAssessmentResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) referralId!: string;
  @ApiProperty({ format: 'uuid' }) caseId!: string;
  @ApiProperty({ format: 'uuid' }) agencyId!: string;
  @ApiProperty({ format: 'date' }) assessedOn!: string;
  @ApiProperty() familyFound!: boolean;
  @ApiProperty({ enum: RECOMMENDATIONS }) recommendation!: string;
  @ApiProperty({ type: [String] }) householdRisks!: string[];
  @ApiProperty({ type: String, nullable: true }) findings!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}
