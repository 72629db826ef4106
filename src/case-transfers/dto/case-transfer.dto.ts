import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';

export const TRANSFER_STATUSES = ['pending', 'accepted', 'declined', 'cancelled'] as const;
export const TRANSFER_DECLINE_REASONS = [
  'outside_our_area',
  'no_capacity',
  'service_not_offered',
  'person_not_reachable',
  'other',
] as const;

export class RequestCaseTransfer {
  @ApiProperty({ format: 'uuid', description: 'The case whose lead should move (your agency leads it)' })
  @IsUUID()
  caseId!: string;
  @ApiProperty({ format: 'uuid', description: 'The agency asked to take over the lead' })
  @IsUUID()
  toAgencyId!: string;
  @ApiPropertyOptional({
    maxLength: 2000,
    example: 'Returned home to Savannakhet; follow-up and reintegration are with the provincial office.',
    description: 'For the receiving agency (encrypted)',
  })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  note?: string;
}

export class AcceptCaseTransfer {
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'A caseworker of your agency to take the case on (default: you, when you are a caseworker)',
  })
  @IsOptional()
  @IsUUID()
  assignedCaseworkerId?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'A supervisor of your agency (default: you)' })
  @IsOptional()
  @IsUUID()
  supervisorId?: string;
}

export class DeclineCaseTransfer {
  @ApiProperty({ enum: TRANSFER_DECLINE_REASONS, example: 'outside_our_area' })
  @IsIn(TRANSFER_DECLINE_REASONS)
  reason!: string;
}

export class CaseTransferListQuery {
  @ApiPropertyOptional({ enum: ['incoming', 'outgoing'], description: 'Default: both' })
  @IsOptional()
  @IsIn(['incoming', 'outgoing'])
  direction?: 'incoming' | 'outgoing';
  @ApiPropertyOptional({ enum: TRANSFER_STATUSES }) @IsOptional() @IsIn(TRANSFER_STATUSES) status?: string;
}

export class CaseTransferProfile {
  @ApiProperty({ example: 'Feminine' }) gender!: string;
  @ApiProperty({ enum: ['child', 'adult', 'unknown'] }) ageGroup!: string;
  @ApiProperty({ type: String, nullable: true, example: 'LA-SV' }) provinceCode!: string | null;
  @ApiProperty({ example: 'reintegration' }) stage!: string;
}

export class CaseTransferResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) caseId!: string;
  @ApiProperty({ description: 'Unchanged by the transfer' }) caseNumber!: string;
  @ApiProperty({ format: 'uuid' }) fromAgencyId!: string;
  @ApiProperty({ format: 'uuid' }) toAgencyId!: string;
  @ApiProperty({ enum: TRANSFER_STATUSES }) status!: string;
  @ApiProperty({ type: String, nullable: true }) note!: string | null;
  @ApiProperty({ type: CaseTransferProfile, description: 'What the receiving agency decides on (as at the request)' })
  profile!: CaseTransferProfile;
  @ApiProperty({ type: String, nullable: true, enum: TRANSFER_DECLINE_REASONS }) declineReason!: string | null;
  @ApiProperty({ format: 'uuid' }) requestedBy!: string;
  @ApiProperty({ format: 'date-time' }) requestedAt!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) respondedBy!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) respondedAt!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) assignedCaseworkerId!: string | null;
  @ApiProperty() version!: number;
}
