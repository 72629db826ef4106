import { PageSize } from '../../common/http/page-query.js';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CaseResponse } from '../../cases/dto/case.dto.js';
import { PersonResponse } from '../../persons/dto/person.dto.js';
import { IsIn, IsOptional, IsUUID } from 'class-validator';

export const SUBJECT_REQUEST_KINDS = ['access', 'restriction', 'lift-restriction', 'erasure'] as const;
export type SubjectRequestKind = (typeof SUBJECT_REQUEST_KINDS)[number];
/** Why the person asked: codes only, never free text (a request is about a person). */
export const SUBJECT_REQUEST_REASONS = [
  'own_information',
  'consent_withdrawn',
  'data_inaccurate',
  'objection_to_processing',
  'no_longer_needed',
  'safety_concern',
  'complaint_or_dispute',
  'other',
] as const;
/** How the person asked. */
export const SUBJECT_REQUEST_CHANNELS = [
  'in_person',
  'phone',
  'letter',
  'email',
  'through_guardian',
  'through_legal_representative',
  'through_caseworker',
] as const;
export const SUBJECT_REQUEST_REFUSALS = [
  'identity_not_verified',
  'manifestly_unfounded',
  'risk_to_others',
  'legal_obligation',
  'other',
] as const;

export class CreateSubjectRequest {
  @ApiProperty({ format: 'uuid', description: 'The person the request is about' }) @IsUUID() personId!: string;
  @ApiProperty({
    enum: SUBJECT_REQUEST_KINDS,
    description:
      'access: everything held about the person; restriction: freeze their records (or one case); ' +
      'lift-restriction: end a restriction; erasure: erase their personal values',
  })
  @IsIn(SUBJECT_REQUEST_KINDS)
  kind!: SubjectRequestKind;
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Restriction, lifting or erasure of one case of the person only (absent: the person and every case)',
  })
  @IsOptional()
  @IsUUID()
  caseId?: string;
  @ApiProperty({ enum: SUBJECT_REQUEST_REASONS }) @IsIn(SUBJECT_REQUEST_REASONS) reason!: string;
  @ApiProperty({ enum: SUBJECT_REQUEST_CHANNELS, description: 'How the person asked' })
  @IsIn(SUBJECT_REQUEST_CHANNELS)
  channel!: string;
}

export class RefuseSubjectRequest {
  @ApiProperty({ enum: SUBJECT_REQUEST_REFUSALS }) @IsIn(SUBJECT_REQUEST_REFUSALS) reason!: string;
}

export class SubjectAccessExportQuery {
  @ApiPropertyOptional({ enum: ['json', 'html'], default: 'json' })
  @IsOptional()
  @IsIn(['json', 'html'])
  format?: 'json' | 'html';
  @ApiPropertyOptional({
    enum: ['lo', 'en'],
    default: 'en',
    description: 'Language of the HTML page (else Accept-Language, else English)',
  })
  @IsOptional()
  @IsIn(['lo', 'en'])
  lang?: 'lo' | 'en';
}

export class SubjectRequestResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) agencyId!: string;
  @ApiProperty({ format: 'uuid' }) personId!: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) caseId!: string | null;
  @ApiProperty({ enum: SUBJECT_REQUEST_KINDS }) kind!: string;
  @ApiProperty({ enum: SUBJECT_REQUEST_REASONS }) reason!: string;
  @ApiProperty({ enum: SUBJECT_REQUEST_CHANNELS }) channel!: string;
  @ApiProperty({ enum: ['pending', 'approved', 'refused'] }) status!: string;
  @ApiProperty({ format: 'uuid' }) requestedBy!: string;
  @ApiProperty({ format: 'date-time' }) requestedAt!: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) decidedBy!: string | null;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) decidedAt!: string | null;
  @ApiProperty({ enum: SUBJECT_REQUEST_REFUSALS, nullable: true, type: String }) refusalReason!: string | null;
  @ApiProperty({ nullable: true, type: Number, description: 'Erasure: records whose personal values were erased' })
  recordsErased!: number | null;
}

export class SubjectAccessSection {
  @ApiProperty({ example: 'assessments' }) section!: string;
  @ApiProperty({
    type: 'array',
    items: { type: 'object', additionalProperties: true },
    description: 'The records, as the API answers them',
  })
  items!: unknown[];
}

export class SubjectAccessCase {
  @ApiProperty({ format: 'uuid' }) caseId!: string;
  @ApiProperty({ example: 'VT-2026-000123' }) caseNumber!: string;
  @ApiProperty({ enum: ['full', 'limited'], description: 'How the agency sees the case' }) view!: string;
  @ApiProperty({ type: CaseResponse, description: 'The case as GET /cases/{id} answers it' }) case!: CaseResponse;
  @ApiProperty({ type: [SubjectAccessSection] }) sections!: SubjectAccessSection[];
}

export class SubjectAccessExport {
  @ApiProperty({ format: 'uuid' }) requestId!: string;
  @ApiProperty({ format: 'uuid' }) agencyId!: string;
  @ApiProperty({ format: 'date-time' }) producedAt!: string;
  @ApiProperty({ type: PersonResponse, description: 'The person as GET /persons/{id} answers it' })
  person!: PersonResponse;
  @ApiProperty({
    type: [SubjectAccessSection],
    description:
      "The person's own sections: screenings, identification decisions, documents of the person and of screenings without a case, tracing requests, expected arrivals, return notices (the person's arrivals only), case transfers, intake submissions from KoboToolbox (submitted as a screening of the person, or drafts attributed by name: linkedBy)",
  })
  sections!: SubjectAccessSection[];
  @ApiProperty({ type: [SubjectAccessCase], description: 'Every case of the person the agency may see' })
  cases!: SubjectAccessCase[];
  @ApiProperty({ type: [String], description: 'What this export does not hold, said plainly' })
  notCovered!: string[];
}

export class SubjectRequestListQuery {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() personId?: string;
  @ApiPropertyOptional({ enum: ['pending', 'approved', 'refused'] })
  @IsOptional()
  @IsIn(['pending', 'approved', 'refused'])
  status?: string;
  @PageSize(100, 50)
  limit?: number;
}
