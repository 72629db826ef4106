import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  MinLength,
  ValidateNested,
} from 'class-validator';
import {
  BirthDetails,
  BirthResponse,
  Contact,
  IdentityDocument,
  MatchCandidate,
  PersonAddress,
} from '../../persons/dto/person.dto.js';
import { GENDERS } from '../../reference-data/data/code-lists.js';
import { COUNTRIES } from '../../reference-data/data/countries.js';
import { PROVINCES } from '../../reference-data/data/provinces.js';
import { ScriptNames } from '../name-match.js';

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const PROVINCE_CODES = PROVINCES.map((p) => p.code);
const COUNTRY_CODES = COUNTRIES.map((c) => c.code);

export const TRACING_STATUSES = ['open', 'matched', 'closed'] as const;
export const MATCH_KINDS = ['person', 'expected_arrival', 'case'] as const;
/**
 * How a tracing request ends. What the family is told is decided by the found person: the
 * system never tells the inquirer anything (no route serves an inquirer).
 */
export const TRACING_OUTCOMES = [
  'found_family_informed_with_consent',
  'found_declined_contact',
  'found_deceased',
  'not_found',
  'withdrawn_by_inquirer',
  'referred_elsewhere',
] as const;
export const OUTCOMES_NEEDING_MATCH: ReadonlySet<string> = new Set([
  'found_family_informed_with_consent',
  'found_declined_contact',
  'found_deceased',
]);

export class Inquirer {
  @ApiProperty({ example: 'Mrs Vanh Phommavong', maxLength: 200 })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name!: string;
  @ApiProperty({ example: 'mother', maxLength: 60 }) @IsString() @MinLength(1) @MaxLength(60) relationship!: string;
  @ApiPropertyOptional({ type: [Contact], maxItems: 5, example: [{ type: 'phone', value: '+856 20 5555 1234' }] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(5)
  @ValidateNested({ each: true })
  @Type(() => Contact)
  contacts?: Contact[];
  @ApiPropertyOptional({ type: PersonAddress })
  @IsOptional()
  @ValidateNested()
  @Type(() => PersonAddress)
  address?: PersonAddress;
}

export class MissingPerson {
  @ApiProperty({
    type: ScriptNames,
    example: { givenNameLo: 'ສົມໃຈ', givenNameLatin: 'Somchai', familyNameLatin: 'Phommavong' },
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
  @ApiPropertyOptional({ type: PersonAddress })
  @IsOptional()
  @ValidateNested()
  @Type(() => PersonAddress)
  homeAddress?: PersonAddress;
  @ApiPropertyOptional({ type: [IdentityDocument], maxItems: 5 })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(5)
  @ValidateNested({ each: true })
  @Type(() => IdentityDocument)
  documents?: IdentityDocument[];
  @ApiPropertyOptional({ enum: COUNTRY_CODES, example: 'TH' })
  @IsOptional()
  @IsIn(COUNTRY_CODES)
  lastKnownCountry?: string;
  @ApiPropertyOptional({ maxLength: 300, example: 'Fishing port, Samut Sakhon' })
  @IsOptional()
  @IsString()
  @MaxLength(300)
  lastKnownPlace?: string;
  @ApiPropertyOptional({ format: 'date', example: '2026-06-01' })
  @IsOptional()
  @IsISO8601({ strict: true })
  @Matches(DATE)
  lastContactOn?: string;
  @ApiPropertyOptional({ maxLength: 4000, description: 'What the family knows (encrypted)' })
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  circumstances?: string;
}

export class CreateTracingRequest {
  @ApiProperty({ format: 'date', example: '2026-11-28', description: 'The day the family came (not in the future)' })
  @IsISO8601({ strict: true })
  @Matches(DATE)
  receivedOn!: string;
  @ApiProperty({ type: Inquirer }) @IsObject() @ValidateNested() @Type(() => Inquirer) inquirer!: Inquirer;
  @ApiProperty({ type: MissingPerson })
  @IsObject()
  @ValidateNested()
  @Type(() => MissingPerson)
  missingPerson!: MissingPerson;
}

export class ConfirmMatchRequest {
  @ApiProperty({ enum: MATCH_KINDS, example: 'expected_arrival' }) @IsIn(MATCH_KINDS) kind!: string;
  @ApiProperty({ format: 'uuid', description: 'The person, expected arrival or case you confirm' })
  @IsUUID()
  id!: string;
}

export class RecordOutcomeRequest {
  @ApiProperty({ enum: TRACING_OUTCOMES, example: 'found_family_informed_with_consent' })
  @IsIn(TRACING_OUTCOMES)
  outcome!: string;
  @ApiPropertyOptional({ maxLength: 2000, description: 'Encrypted' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  note?: string;
}

export class TracingListQuery {
  @ApiPropertyOptional({ enum: TRACING_STATUSES }) @IsOptional() @IsIn(TRACING_STATUSES) status?: string;
}

export class MissingPersonResponse {
  @ApiProperty({ type: ScriptNames }) names!: ScriptNames;
  @ApiProperty({ type: String, nullable: true }) gender!: string | null;
  @ApiProperty({ type: BirthResponse, nullable: true }) birth!: BirthResponse | null;
  @ApiProperty({ type: String, nullable: true }) homeProvinceCode!: string | null;
  @ApiProperty({ type: PersonAddress, nullable: true }) homeAddress!: PersonAddress | null;
  @ApiProperty({ type: [IdentityDocument] }) documents!: IdentityDocument[];
  @ApiProperty({ type: String, nullable: true }) lastKnownCountry!: string | null;
  @ApiProperty({ type: String, nullable: true }) lastKnownPlace!: string | null;
  @ApiProperty({ type: String, format: 'date', nullable: true }) lastContactOn!: string | null;
  @ApiProperty({ type: String, nullable: true }) circumstances!: string | null;
}

export class ConfirmedMatchResponse {
  @ApiProperty({ enum: MATCH_KINDS }) kind!: string;
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid', description: 'The staff member who confirmed it' }) confirmedBy!: string;
  @ApiProperty({ format: 'date-time' }) confirmedAt!: string;
}

export class TracingOutcomeResponse {
  @ApiProperty({ enum: TRACING_OUTCOMES }) outcome!: string;
  @ApiProperty({ type: String, nullable: true }) note!: string | null;
  @ApiProperty({ format: 'uuid' }) recordedBy!: string;
  @ApiProperty({ format: 'date-time' }) recordedAt!: string;
}

export class TracingRequestResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) agencyId!: string;
  @ApiProperty({ format: 'date' }) receivedOn!: string;
  @ApiProperty({ enum: TRACING_STATUSES }) status!: string;
  @ApiProperty({ type: Inquirer }) inquirer!: Inquirer;
  @ApiProperty({ type: MissingPersonResponse }) missingPerson!: MissingPersonResponse;
  @ApiProperty({ type: ConfirmedMatchResponse, nullable: true }) match!: ConfirmedMatchResponse | null;
  @ApiProperty({ type: TracingOutcomeResponse, nullable: true }) outcome!: TracingOutcomeResponse | null;
  @ApiProperty({ format: 'uuid' }) createdBy!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty() version!: number;
}

export class ReturneeCandidateResponse {
  @ApiProperty({ format: 'uuid' }) expectedArrivalId!: string;
  @ApiProperty({ format: 'uuid' }) noticeId!: string;
  @ApiProperty() score!: number;
  @ApiProperty({ type: [String] }) reasons!: string[];
  @ApiProperty() displayName!: string;
  @ApiProperty({ type: String, nullable: true }) gender!: string | null;
  @ApiProperty({ type: Number, nullable: true }) birthYear!: number | null;
  @ApiProperty({ type: String, nullable: true }) homeProvinceCode!: string | null;
  @ApiProperty({ enum: ['expected', 'arrived', 'no_show'] }) status!: string;
  @ApiProperty({ format: 'date' }) expectedOn!: string;
}

export class CaseCandidateResponse {
  @ApiProperty({ format: 'uuid' }) caseId!: string;
  @ApiProperty() caseNumber!: string;
  @ApiProperty({ format: 'uuid' }) personId!: string;
  @ApiProperty({ format: 'uuid' }) leadAgencyId!: string;
  @ApiProperty() stage!: string;
  @ApiProperty({ description: "The score of the case's person" }) score!: number;
}

export class TracingCandidatesResponse {
  @ApiProperty({ type: [MatchCandidate], description: 'Persons you may see' }) persons!: MatchCandidate[];
  @ApiProperty({ type: [ReturneeCandidateResponse], description: "Your agency's named expected returnees" })
  expectedReturnees!: ReturneeCandidateResponse[];
  @ApiProperty({ type: [CaseCandidateResponse], description: 'Cases you may see of the candidate persons' })
  cases!: CaseCandidateResponse[];
}
