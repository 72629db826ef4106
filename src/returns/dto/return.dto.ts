import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsObject,
  ValidateNested,
  IsInt,
  IsBoolean,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { BORDER_CROSSINGS } from '../../reference-data/data/border-crossings.js';
import { COUNTRIES } from '../../reference-data/data/countries.js';
import { GENDERS } from '../../reference-data/data/code-lists.js';
import { PROVINCES } from '../../reference-data/data/provinces.js';
import {
  BirthDetails,
  BirthResponse,
  IdentityDocument,
  MatchCandidate,
  PersonAddress,
} from '../../persons/dto/person.dto.js';
import { ScriptNames } from '../../tracing/name-match.js';

const PROVINCE_CODES = PROVINCES.map((p) => p.code);

/** What staff must prepare for on arrival; health-related, so stored encrypted. */
export const RETURNEE_VULNERABILITIES = [
  'unaccompanied_child',
  'pregnant',
  'disability',
  'serious_illness',
  'mental_distress',
  'injury',
  'elderly',
  'survivor_of_sexual_violence',
  'no_documents',
  'other',
] as const;

/** One person a notice announces by name (encrypted like a person record). */
export class ExpectedReturneeRequest {
  @ApiProperty({
    type: ScriptNames,
    example: { givenNameLatin: 'Somchai', familyNameLatin: 'Phommavong', givenNameTh: 'สมชาย' },
  })
  @IsObject()
  @ValidateNested()
  @Type(() => ScriptNames)
  names!: ScriptNames;
  @ApiPropertyOptional({ enum: GENDERS, example: 'Masculine' }) @IsOptional() @IsIn(GENDERS) gender?: string;
  @ApiPropertyOptional({ type: BirthDetails, example: { precision: 'year', birthYear: 1998 } })
  @IsOptional()
  @ValidateNested()
  @Type(() => BirthDetails)
  birth?: BirthDetails;
  @ApiPropertyOptional({ enum: PROVINCE_CODES, example: 'LA-SV' })
  @IsOptional()
  @IsIn(PROVINCE_CODES)
  homeProvinceCode?: string;
  @ApiPropertyOptional({ type: PersonAddress, description: 'Home district and village (encrypted)' })
  @IsOptional()
  @ValidateNested()
  @Type(() => PersonAddress)
  homeAddress?: PersonAddress;
  @ApiPropertyOptional({ type: [IdentityDocument], maxItems: 5, description: 'Travel documents (encrypted)' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(5)
  @ValidateNested({ each: true })
  @Type(() => IdentityDocument)
  documents?: IdentityDocument[];
  @ApiPropertyOptional({ enum: RETURNEE_VULNERABILITIES, isArray: true, example: ['pregnant'] })
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @ArrayMaxSize(RETURNEE_VULNERABILITIES.length)
  @IsIn(RETURNEE_VULNERABILITIES, { each: true })
  vulnerabilities?: string[];
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export class CreateReturnNoticeRequest {
  @ApiProperty({ enum: COUNTRIES.map((c) => c.code), example: 'TH' })
  @IsIn(COUNTRIES.map((c) => c.code))
  hostCountry!: string;
  @ApiProperty({ example: 'Ministry of Social Development and Human Security (MSDHS)' })
  @IsString()
  @MinLength(2)
  @MaxLength(200)
  hostAgency!: string;
  @ApiPropertyOptional({ maxLength: 100, description: "The host agency's reference (encrypted)" })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  hostReference?: string;
  @ApiProperty({ enum: BORDER_CROSSINGS.map((b) => b.code) })
  @IsIn(BORDER_CROSSINGS.map((b) => b.code))
  borderCrossingCode!: string;
  @ApiProperty({ format: 'date' }) @IsISO8601({ strict: true }) @Matches(DATE) expectedOn!: string;
  @ApiProperty({ minimum: 1, maximum: 500 }) @IsInt() @Min(1) @Max(500) peopleCount!: number;
  @ApiProperty({ minimum: 0, maximum: 500 }) @IsInt() @Min(0) @Max(500) childrenCount!: number;
  @ApiPropertyOptional({
    type: [ExpectedReturneeRequest],
    maxItems: 500,
    description:
      'The people the host country named, as far as known; at most peopleCount. Each becomes an expected arrival with its identity; the rest stay counts.',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  @Type(() => ExpectedReturneeRequest)
  returnees?: ExpectedReturneeRequest[];
}

export class ArrivalRequest {
  @ApiPropertyOptional({
    format: 'uuid',
    description:
      'The person, when already registered (POST /persons or a candidate of GET /expected-arrivals/{id}/candidates). Omit it to register the person from the notice (a named returnee only).',
  })
  @IsOptional()
  @IsUUID()
  personId?: string;
  @ApiPropertyOptional({
    format: 'date-time',
    example: '2026-11-30T15:20:00+07:00',
    description:
      'When the person really arrived (default now): not in the future, not before the notice was recorded less 30 days. The case opens on that day.',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  arrivedAt?: string;
  @ApiPropertyOptional({
    description: 'Register the person even though a strong match exists (after reviewing the candidates)',
  })
  @IsOptional()
  @IsBoolean()
  confirmNotDuplicate?: boolean;
}

export class ReturnNoticeResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) receivingAgencyId!: string;
  @ApiProperty() hostCountry!: string;
  @ApiProperty() hostAgency!: string;
  @ApiProperty({ type: String, nullable: true }) hostReference!: string | null;
  @ApiProperty() borderCrossingCode!: string;
  @ApiProperty({ format: 'date' }) expectedOn!: string;
  @ApiProperty() peopleCount!: number;
  @ApiProperty() childrenCount!: number;
  @ApiProperty({ enum: ['expected', 'received', 'cancelled'] }) status!: string;
  @ApiProperty({ type: () => [ExpectedArrivalResponse] }) arrivals!: ExpectedArrivalResponse[];
  @ApiProperty() version!: number;
}

export class ExpectedReturneeResponse {
  @ApiProperty({ type: ScriptNames }) names!: ScriptNames;
  @ApiProperty({ type: String, nullable: true }) gender!: string | null;
  @ApiProperty({ type: BirthResponse, nullable: true }) birth!: BirthResponse | null;
  @ApiProperty({ type: String, nullable: true }) homeProvinceCode!: string | null;
  @ApiProperty({ type: PersonAddress, nullable: true }) homeAddress!: PersonAddress | null;
  @ApiProperty({ type: [IdentityDocument] }) documents!: IdentityDocument[];
  @ApiProperty({ enum: RETURNEE_VULNERABILITIES, isArray: true }) vulnerabilities!: string[];
}

export class ExpectedArrivalResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) noticeId!: string;
  @ApiProperty() expectedChild!: boolean;
  @ApiProperty({ enum: ['expected', 'arrived', 'no_show'] }) status!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) caseId!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) personId!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When the person really arrived' })
  arrivedAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When the arrival was entered' })
  arrivalRecordedAt!: string | null;
  @ApiProperty({
    type: ExpectedReturneeResponse,
    nullable: true,
    description: 'The named returnee; null when the notice gave only a count',
  })
  returnee!: ExpectedReturneeResponse | null;
  @ApiProperty() version!: number;
}

export class TracingRequestHit {
  @ApiProperty({ format: 'uuid' }) tracingRequestId!: string;
  @ApiProperty() score!: number;
  @ApiProperty({ type: [String] }) reasons!: string[];
  @ApiProperty({ format: 'date' }) receivedOn!: string;
  @ApiProperty({ enum: ['open', 'matched', 'closed'] }) status!: string;
}

export class ArrivalCandidatesResponse {
  @ApiProperty({ type: [MatchCandidate], description: 'Known persons you may see, best first' })
  persons!: MatchCandidate[];
  @ApiProperty({
    type: [TracingRequestHit],
    description: "Your agency's tracing requests whose missing person resembles this returnee",
  })
  tracingRequests!: TracingRequestHit[];
}
