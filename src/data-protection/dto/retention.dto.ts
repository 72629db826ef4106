import { ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';

export class RetentionScheduleResponse {
  @ApiProperty({ example: 'persons', description: 'Record type (one registered eraser)' }) recordType!: string;
  @ApiProperty({ example: 120, description: 'Months after `countedFrom` (RETENTION_SCHEDULES, else the default)' })
  months!: number;
  @ApiProperty({ example: 120 }) defaultMonths!: number;
  @ApiProperty({
    example: 'case closure',
    description: "What the months count from: the case's closure, or for a record without a case its own clock",
  })
  countedFrom!: string;
  @ApiProperty({ description: 'What is erased' }) erases!: string;
}

export class RetentionRecordTypeReport {
  @ApiProperty({ example: 'cases' }) recordType!: string;
  @ApiProperty({ example: 60 }) months!: number;
  @ApiProperty({
    description: 'Cases whose values of this type are (or would be) erased (0 for records without a case)',
  })
  cases!: number;
  @ApiProperty({ description: 'Records touched' }) records!: number;
  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer' },
    example: { case_note: 3, case_assessment: 1 },
  })
  byResourceType!: Record<string, number>;
  @ApiProperty({
    description:
      'Due cases (or, for records without a case, due records) waiting because a case of the same person is still kept',
  })
  waitingForOtherCases!: number;
}

export class RetentionCaseEntry {
  @ApiProperty({ format: 'uuid' }) caseId!: string;
  @ApiProperty({ example: 'VT-2026-000123' }) caseNumber!: string;
  @ApiProperty({ example: ['cases', 'referrals'], required: false }) recordTypes?: string[];
}

export class RetentionReport {
  @ApiProperty({ format: 'uuid', nullable: true, type: String, description: 'The run; null for a dry run' })
  runId!: string | null;
  @ApiProperty() dryRun!: boolean;
  @ApiProperty({ format: 'date-time', description: 'The instant schedules were counted to' }) asOf!: string;
  @ApiProperty({ description: 'Cases with values erased (or due)' }) cases!: number;
  @ApiProperty({ description: 'Records touched (or due)' }) records!: number;
  @ApiProperty({ type: [RetentionRecordTypeReport] }) recordTypes!: RetentionRecordTypeReport[];
  @ApiProperty({ type: [RetentionCaseEntry], description: 'The cases, by number (at most 500)' })
  caseList!: RetentionCaseEntry[];
  @ApiProperty({ type: [RetentionCaseEntry], description: 'Cases past a schedule but on legal hold (at most 500)' })
  onLegalHold!: RetentionCaseEntry[];
}

export class RetentionRunResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ['schedule', 'manual'] }) trigger!: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) triggeredBy!: string | null;
  @ApiProperty({ format: 'date-time' }) asOf!: string;
  @ApiProperty({ format: 'date-time' }) startedAt!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) finishedAt!: string | null;
  @ApiProperty() cases!: number;
  @ApiProperty() records!: number;
  @ApiProperty({
    type: 'object',
    additionalProperties: {
      type: 'object',
      properties: { cases: { type: 'integer' }, records: { type: 'integer' } },
    },
  })
  byRecordType!: Record<string, { cases: number; records: number }>;
}

export const LEGAL_HOLD_REASONS = [
  'court_proceedings',
  'criminal_investigation',
  'regulator_inquiry',
  'complaint',
  'other',
] as const;
export const LEGAL_HOLD_LIFT_REASONS = ['proceedings_ended', 'placed_in_error', 'other'] as const;

export class PlaceLegalHold {
  @ApiProperty({ enum: LEGAL_HOLD_REASONS, example: 'court_proceedings' })
  @IsIn(LEGAL_HOLD_REASONS)
  reason!: string;
}

export class LiftLegalHold {
  @ApiProperty({ enum: LEGAL_HOLD_LIFT_REASONS, example: 'proceedings_ended' })
  @IsIn(LEGAL_HOLD_LIFT_REASONS)
  reason!: string;
}

export class LegalHoldResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) caseId!: string;
  @ApiProperty({ enum: LEGAL_HOLD_REASONS }) reason!: string;
  @ApiProperty({ format: 'uuid' }) placedBy!: string;
  @ApiProperty({ format: 'date-time' }) placedAt!: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) liftedBy!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) liftedAt!: string | null;
  @ApiProperty({ enum: LEGAL_HOLD_LIFT_REASONS, nullable: true, type: String }) liftReason!: string | null;
  @ApiProperty({ description: 'True until lifted' }) active!: boolean;
}

export class CaseRetentionResponse {
  @ApiProperty({ format: 'uuid' }) caseId!: string;
  @ApiProperty({ description: 'A legal hold is active' }) onLegalHold!: boolean;
  @ApiProperty({ type: [LegalHoldResponse], description: 'Every hold, newest first' }) holds!: LegalHoldResponse[];
  @ApiProperty({
    type: 'array',
    items: {
      type: 'object',
      properties: {
        recordType: { type: 'string' },
        runId: { type: 'string', format: 'uuid' },
        erasedAt: { type: 'string', format: 'date-time' },
        records: { type: 'integer' },
      },
    },
    description: 'Record types already erased by retention',
  })
  erased!: { recordType: string; runId: string; erasedAt: string; records: number }[];
  @ApiProperty({
    type: 'array',
    items: {
      type: 'object',
      properties: {
        requestId: { type: 'string', format: 'uuid' },
        erasedAt: { type: 'string', format: 'date-time' },
        records: { type: 'integer', description: 'Records the request erased, in every case of its scope' },
      },
    },
    description: 'Erasures on request (a subject request of kind erasure) that covered this case, oldest first',
  })
  erasedOnRequest!: { requestId: string; erasedAt: string; records: number }[];
  @ApiProperty({
    nullable: true,
    type: 'object',
    properties: {
      gender: { type: 'string', nullable: true },
      ageBand: { type: 'string', example: '18-24' },
      exploitationTypes: { type: 'array', items: { type: 'string' } },
      provinceCode: { type: 'string', nullable: true },
      closureReason: { type: 'string', nullable: true },
      openedMonth: { type: 'string', format: 'date', example: '2026-03-01' },
      closedMonth: { type: 'string', format: 'date', nullable: true },
    },
    description: 'The de-identified facts kept for statistics (lead agency; null before the first erasure)',
  })
  facts!: {
    gender: string | null;
    ageBand: string;
    exploitationTypes: string[];
    provinceCode: string | null;
    closureReason: string | null;
    openedMonth: string;
    closedMonth: string | null;
  } | null;
}
