import { PageSize } from '../../common/http/page-query.js';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { MatchCandidate, PersonNames } from '../../persons/dto/person.dto.js';
import { GENDERS } from '../../reference-data/data/code-lists.js';
import { PROVINCES } from '../../reference-data/data/provinces.js';
import { CreateScreeningRequest, SUGGESTED_OUTCOMES, SuggestionResponse } from '../../screening/dto/screening.dto.js';

export const INTAKE_SECRET_HEADER = 'x-ctcm-intake-secret';
export const INTAKE_STATUSES = ['pending_review', 'quarantined', 'submitted'] as const;

export class CreateIntakeConnectionRequest {
  @ApiProperty({ example: 'Luang Namtha border screenings (Kobo)', minLength: 3, maxLength: 120 })
  @IsString()
  @MinLength(3)
  @MaxLength(120)
  name!: string;
  @ApiProperty({ description: 'The published catalogue version whose XLSForm the Kobo project uses', example: 1 })
  @IsInt()
  @Min(1)
  @Max(100000)
  catalogueVersion!: number;
}

export class IntakeConnectionResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) agencyId!: string;
  @ApiProperty() name!: string;
  @ApiProperty() catalogueVersion!: number;
  @ApiProperty({ enum: ['active', 'revoked'] }) status!: string;
  @ApiProperty({ example: '/intake/kobo/0191f0a2-…', description: "The REST Service's endpoint path" })
  receiverPath!: string;
  @ApiProperty({ example: INTAKE_SECRET_HEADER, description: 'The custom HTTP header that carries the secret' })
  secretHeader!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) secretRotatedAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) revokedAt!: string | null;
  @ApiProperty() version!: number;
}

export class IntakeConnectionSecretResponse extends IntakeConnectionResponse {
  @ApiProperty({
    example: 'kobo_3q2V7o9gEw0bO3l2m7m2oVqPZ1X8bTQfQ1lUuJt2xRk',
    description: 'The secret, shown this once: put it in the custom header of the Kobo REST Service',
  })
  secret!: string;
}

export class IntakeReceiptResponse {
  @ApiProperty({ format: 'uuid' }) submissionId!: string;
  @ApiProperty({ enum: INTAKE_STATUSES }) status!: string;
  @ApiProperty({ description: 'True when this instance was already stored (a retry): nothing new was stored' })
  duplicate!: boolean;
}

export class IntakeProblem {
  @ApiProperty({ example: 'consent/consent_interview' }) field!: string;
  @ApiProperty({ example: 'an answer is not in the choice list consent_decision' }) message!: string;
}

export class IntakeSubmissionSummaryResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) connectionId!: string;
  @ApiProperty({ type: Number, nullable: true, description: 'The catalogue version the submission names' })
  catalogueVersion!: number | null;
  @ApiProperty({ enum: INTAKE_STATUSES }) status!: string;
  @ApiProperty({ type: String, enum: SUGGESTED_OUTCOMES, nullable: true }) suggestedOutcome!: string | null;
  @ApiProperty({ type: [IntakeProblem], description: 'Why it is quarantined (fields and rules, never values)' })
  problems!: IntakeProblem[];
  @ApiProperty({ description: 'Corrections made by reviewers' }) corrections!: number;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) screeningId!: string | null;
  @ApiProperty({ format: 'date-time' }) receivedAt!: string;
  @ApiProperty() version!: number;
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description:
      'When retention erased the received payload and the draft (docs/data-protection.md); an erased submission leaves the queues',
  })
  erasedAt!: string | null;
}

export class IntakePersonDraft {
  @ApiProperty({ type: PersonNames }) @IsObject() @ValidateNested() @Type(() => PersonNames) names!: PersonNames;
  @ApiPropertyOptional({ enum: GENDERS }) @IsOptional() @IsIn(GENDERS) gender?: string;
  @ApiPropertyOptional({ minimum: 1900, maximum: 2999 })
  @IsOptional()
  @IsInt()
  @Min(1900)
  @Max(2999)
  birthYear?: number;
  @ApiPropertyOptional({ enum: PROVINCES.map((p) => p.code) })
  @IsOptional()
  @IsIn(PROVINCES.map((p) => p.code))
  homeProvinceCode?: string;
}

export class IntakeSubmissionResponse extends IntakeSubmissionSummaryResponse {
  @ApiProperty({
    type: CreateScreeningRequest,
    nullable: true,
    description:
      'The screening read from the submission, as it will be submitted (the person is chosen at submission); null when its catalogue version is unknown',
  })
  screening!: CreateScreeningRequest | null;
  @ApiProperty({ type: IntakePersonDraft, nullable: true, description: 'Who was interviewed, as the field wrote it' })
  person!: IntakePersonDraft | null;
  @ApiProperty({ type: SuggestionResponse, nullable: true, description: "The decision rule's suggestion" })
  suggestion!: SuggestionResponse | null;
  @ApiProperty({
    type: [MatchCandidate],
    description: 'The duplicate-person check, run with your visibility when you open the draft',
  })
  possibleDuplicates!: MatchCandidate[];
  @ApiProperty({ type: [String], description: 'Fields of the submission the form does not have (ignored)' })
  ignoredFields!: string[];
}

export class IntakeSubmissionListQuery {
  @ApiPropertyOptional({ format: 'uuid', description: 'Cursor: the last id of the previous page' })
  @IsOptional()
  @IsUUID()
  after?: string;
  @PageSize(200, 50)
  limit?: number;
}

export class CorrectIntakeSubmissionRequest {
  @ApiPropertyOptional({
    type: CreateScreeningRequest,
    description: 'The corrected screening (replaces the draft; without personId: the person is chosen at submission)',
  })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => CreateScreeningRequest)
  screening?: CreateScreeningRequest;
  @ApiPropertyOptional({ type: IntakePersonDraft, description: 'The corrected person details' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => IntakePersonDraft)
  person?: IntakePersonDraft;
}

export class SubmitIntakeSubmissionRequest {
  @ApiPropertyOptional({ format: 'uuid', description: 'The existing person this is (a match)' })
  @IsOptional()
  @IsUUID()
  personId?: string;
  @ApiPropertyOptional({ description: "Register the draft's person as a new record" })
  @IsOptional()
  @IsBoolean()
  registerPerson?: boolean;
  @ApiPropertyOptional({ description: 'Register although strong duplicate candidates exist' })
  @IsOptional()
  @IsBoolean()
  confirmNotDuplicate?: boolean;
}

export class SubmittedIntakeResponse {
  @ApiProperty({ format: 'uuid' }) submissionId!: string;
  @ApiProperty({ format: 'uuid' }) screeningId!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) personId!: string | null;
}
