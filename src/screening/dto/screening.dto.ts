import { PageSize } from '../../common/http/page-query.js';
import { Multiline } from '../../common/http/input-rules.js';
import { LocalizedTextResponse } from '../../i18n/dto/translations.dto.js';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { BooleanQuery } from '../../common/http/query-transforms.js';
import { BORDER_CROSSINGS } from '../../reference-data/data/border-crossings.js';
import {
  CONSENT_ITEMS,
  DECISION_ORG_TYPES,
  EXIT_MODES,
  EXPLOITATION_TYPES,
  IMMEDIATE_NEEDS,
  ISIC_SECTIONS,
  MEANS_OF_CONTROL,
  RECRUITER_RELATIONSHIPS,
  RECRUITMENT_APPS,
  RECRUITMENT_METHODS,
  RISKS,
  TRAFFICKING_STATUSES,
} from '../../reference-data/data/code-lists.js';
import { COUNTRIES } from '../../reference-data/data/countries.js';
import { LANGUAGES } from '../../reference-data/data/languages.js';
import { PROVINCES } from '../../reference-data/data/provinces.js';

export const PROFILES = [
  'adult_labour',
  'adult_sexual',
  'child_labour',
  'child_sexual',
  'adult_forced_criminality',
] as const;
export const ANSWERS = ['yes', 'no', 'unknown', 'declined'] as const;
export const PLACE_TYPES = ['border_crossing', 'province', 'other'] as const;
export const CONSENT_DECISIONS = ['given', 'declined', 'not_asked'] as const;
export const CONSENT_GIVERS = ['person', 'guardian', 'interviewer_certified_oral'] as const;
export const SUGGESTED_OUTCOMES = [
  'likely_victim',
  'deceived_and_exploited',
  'exploited',
  'insufficient_indicators',
  'no_indicators',
  'not_assessed',
] as const;

const COUNTRY_CODES = COUNTRIES.map((c) => c.code);
const LANGUAGE_CODES = LANGUAGES.map((l) => l.code);
const PROVINCE_CODES = PROVINCES.map((p) => p.code);
const CROSSING_CODES = BORDER_CROSSINGS.map((b) => b.code);
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export class ConsentItem {
  @ApiProperty({ enum: CONSENT_ITEMS }) @IsIn(CONSENT_ITEMS) item!: string;
  @ApiProperty({ enum: CONSENT_DECISIONS }) @IsIn(CONSENT_DECISIONS) decision!: string;
  @ApiPropertyOptional({ enum: CONSENT_GIVERS, description: 'Who gave it: required when given' })
  @IsOptional()
  @IsIn(CONSENT_GIVERS)
  givenBy?: string;
}

export class Place {
  @ApiProperty({ enum: PLACE_TYPES }) @IsIn(PLACE_TYPES) type!: string;
  @ApiPropertyOptional({ enum: CROSSING_CODES }) @IsOptional() @IsIn(CROSSING_CODES) borderCrossingCode?: string;
  @ApiPropertyOptional({ enum: PROVINCE_CODES }) @IsOptional() @IsIn(PROVINCE_CODES) provinceCode?: string;
  @ApiPropertyOptional({ maxLength: 300, description: 'Further detail (encrypted)' })
  @IsOptional()
  @IsString()
  @MaxLength(300)
  detail?: string;
}

export class Interpreter {
  @ApiProperty() @IsBoolean() used!: boolean;
  @ApiPropertyOptional({ enum: LANGUAGE_CODES }) @IsOptional() @IsIn(LANGUAGE_CODES) language?: string;
}

export class VictimContext {
  @ApiPropertyOptional({ enum: EXPLOITATION_TYPES, isArray: true })
  @IsOptional()
  @ArrayMaxSize(13)
  @ArrayUnique()
  @IsIn(EXPLOITATION_TYPES, { each: true })
  exploitationTypes?: string[];
  @ApiPropertyOptional({ enum: ISIC_SECTIONS, isArray: true })
  @IsOptional()
  @ArrayMaxSize(21)
  @ArrayUnique()
  @IsIn(ISIC_SECTIONS, { each: true })
  isicSections?: string[];
  @ApiPropertyOptional({ enum: MEANS_OF_CONTROL, isArray: true })
  @IsOptional()
  @ArrayMaxSize(20)
  @ArrayUnique()
  @IsIn(MEANS_OF_CONTROL, { each: true })
  meansOfControl?: string[];
  @ApiPropertyOptional({ enum: RECRUITMENT_METHODS, isArray: true })
  @IsOptional()
  @ArrayMaxSize(10)
  @ArrayUnique()
  @IsIn(RECRUITMENT_METHODS, { each: true })
  recruitmentMethods?: string[];
  @ApiPropertyOptional({ enum: RECRUITMENT_APPS, isArray: true })
  @IsOptional()
  @ArrayMaxSize(15)
  @ArrayUnique()
  @IsIn(RECRUITMENT_APPS, { each: true })
  recruitmentApps?: string[];
  @ApiPropertyOptional({ enum: RECRUITER_RELATIONSHIPS })
  @IsOptional()
  @IsIn(RECRUITER_RELATIONSHIPS)
  recruiterRelationship?: string;
  @ApiPropertyOptional({ enum: COUNTRY_CODES, isArray: true })
  @IsOptional()
  @ArrayMaxSize(10)
  @ArrayUnique()
  @IsIn(COUNTRY_CODES, { each: true })
  recruitmentCountries?: string[];
  @ApiPropertyOptional({ enum: COUNTRY_CODES, isArray: true })
  @IsOptional()
  @ArrayMaxSize(10)
  @ArrayUnique()
  @IsIn(COUNTRY_CODES, { each: true })
  transitCountries?: string[];
  @ApiPropertyOptional({ enum: COUNTRY_CODES, isArray: true })
  @IsOptional()
  @ArrayMaxSize(10)
  @ArrayUnique()
  @IsIn(COUNTRY_CODES, { each: true })
  exploitationCountries?: string[];
  @ApiPropertyOptional({ format: 'date' })
  @IsOptional()
  @IsISO8601({ strict: true })
  @Matches(DATE)
  recruitmentDate?: string;
  @ApiPropertyOptional({ format: 'date' })
  @IsOptional()
  @IsISO8601({ strict: true })
  @Matches(DATE)
  exploitationStart?: string;
  @ApiPropertyOptional({ format: 'date' })
  @IsOptional()
  @IsISO8601({ strict: true })
  @Matches(DATE)
  exploitationEnd?: string;
}

export class IndicatorAnswer {
  @ApiProperty({ example: 'AL.D1.01', pattern: '^[A-Z]{2}\\.D[1-6]\\.\\d{2}$' })
  @Matches(/^[A-Z]{2}\.D[1-6]\.\d{2}$/, { message: 'indicatorCode must look like AL.D1.01' })
  indicatorCode!: string;
  @ApiProperty({ enum: ANSWERS, description: 'unknown and declined count as neither yes nor no' })
  @IsIn(ANSWERS)
  answer!: string;
  @ApiPropertyOptional({ maxLength: 1000, description: 'Interviewer note (encrypted)' })
  @IsOptional()
  @IsString()
  @Multiline()
  @MaxLength(1000)
  note?: string;
}

export class CreateScreeningRequest {
  @ApiPropertyOptional({ format: 'uuid', description: 'The person interviewed (optional without interview consent)' })
  @IsOptional()
  @IsUUID()
  personId?: string;
  @ApiPropertyOptional({ description: 'Catalogue version; default the latest published' })
  @IsOptional()
  @IsInt()
  @Min(1)
  catalogueVersion?: number;
  @ApiProperty({
    enum: PROFILES,
    description: 'Indicator list: adult/child × labour/sexual exploitation, or forced criminality (scam compounds)',
  })
  @IsIn(PROFILES)
  profile!: string;
  @ApiProperty({ format: 'date-time' }) @IsISO8601({ strict: true }) conductedAt!: string;
  @ApiProperty({ type: Place }) @IsObject() @ValidateNested() @Type(() => Place) place!: Place;
  @ApiPropertyOptional({ enum: LANGUAGE_CODES }) @IsOptional() @IsIn(LANGUAGE_CODES) interviewLanguage?: string;
  @ApiPropertyOptional({ type: Interpreter })
  @IsOptional()
  @ValidateNested()
  @Type(() => Interpreter)
  interpreter?: Interpreter;
  @ApiProperty({ type: [ConsentItem], description: 'One decision for each of the 7 consent items' })
  @ArrayMinSize(1)
  @ArrayMaxSize(7)
  @ValidateNested({ each: true })
  @Type(() => ConsentItem)
  consent!: ConsentItem[];
  @ApiPropertyOptional({ enum: EXIT_MODES }) @IsOptional() @IsIn(EXIT_MODES) exitMode?: string;
  @ApiPropertyOptional({ type: VictimContext })
  @IsOptional()
  @ValidateNested()
  @Type(() => VictimContext)
  victimContext?: VictimContext;
  @ApiPropertyOptional({ enum: IMMEDIATE_NEEDS, isArray: true })
  @IsOptional()
  @ArrayMaxSize(12)
  @ArrayUnique()
  @IsIn(IMMEDIATE_NEEDS, { each: true })
  immediateNeeds?: string[];
  @ApiPropertyOptional({ enum: RISKS, isArray: true })
  @IsOptional()
  @ArrayMaxSize(10)
  @ArrayUnique()
  @IsIn(RISKS, { each: true })
  risks?: string[];
  @ApiPropertyOptional({ type: [IndicatorAnswer], maxItems: 300 })
  @IsOptional()
  @ArrayMaxSize(300)
  @ValidateNested({ each: true })
  @Type(() => IndicatorAnswer)
  answers?: IndicatorAnswer[];
  @ApiPropertyOptional({ maxLength: 20000, description: 'Interview narrative (encrypted)' })
  @IsOptional()
  @IsString()
  @Multiline()
  @MaxLength(20000)
  narrative?: string;
}

export class SubmitForIdentificationRequest {
  @ApiProperty({ format: 'uuid', description: 'The agency asked to decide (an identification authority)' })
  @IsUUID()
  agencyId!: string;
}

export class IdentificationDecisionRequest {
  @ApiProperty({ enum: TRAFFICKING_STATUSES }) @IsIn(TRAFFICKING_STATUSES) status!: string;
  @ApiPropertyOptional({
    enum: DECISION_ORG_TYPES,
    description: 'Default from your agency (Police for anti-trafficking units)',
  })
  @IsOptional()
  @IsIn(DECISION_ORG_TYPES)
  decisionOrgType?: string;
  @ApiProperty({ format: 'date' }) @IsISO8601({ strict: true }) @Matches(DATE) decidedOn!: string;
  @ApiProperty({ minLength: 10, maxLength: 5000, description: 'Basis of the decision (encrypted)' })
  @IsString()
  @MinLength(10)
  @Multiline()
  @MaxLength(5000)
  basis!: string;
}

export class ScreeningListQuery {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() personId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() caseId?: string;
  @ApiPropertyOptional({ enum: SUGGESTED_OUTCOMES }) @IsOptional() @IsIn(SUGGESTED_OUTCOMES) suggestedOutcome?: string;
  @ApiPropertyOptional({ description: 'Only screenings submitted to your agency on which it has not decided yet' })
  @IsOptional()
  @BooleanQuery()
  @IsBoolean()
  awaitingDecision?: boolean;
  @PageSize(100, 50)
  limit?: number;
}

// --- Responses ---------------------------------------------------------------

export class DimensionResultResponse {
  @ApiProperty({ enum: ['D1', 'D2', 'D3', 'D4', 'D5', 'D6'] }) dimension!: string;
  @ApiProperty() strong!: number;
  @ApiProperty() medium!: number;
  @ApiProperty() weak!: number;
  @ApiProperty() positive!: boolean;
  @ApiProperty({ type: String, nullable: true }) clause!: string | null;
  @ApiProperty({ type: [String], description: 'Indicators answered yes' }) drivers!: string[];
}

export class SuggestionResponse {
  @ApiProperty({ enum: SUGGESTED_OUTCOMES }) outcome!: string;
  @ApiProperty({ type: [DimensionResultResponse] }) dimensions!: DimensionResultResponse[];
  @ApiProperty({ type: [String] }) explanation!: string[];
}

export class ConsentItemResponse {
  @ApiProperty() item!: string;
  @ApiProperty() decision!: string;
  @ApiProperty({ type: String, nullable: true }) givenBy!: string | null;
}

export class ScreeningResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) agencyId!: string;
  @ApiProperty({ format: 'uuid' }) interviewerId!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) personId!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) caseId!: string | null;
  @ApiProperty() catalogueVersion!: number;
  @ApiProperty({ enum: PROFILES }) profile!: string;
  @ApiProperty({ format: 'date-time' }) conductedAt!: string;
  @ApiProperty({ type: Place }) place!: Place;
  @ApiProperty({ type: String, nullable: true }) interviewLanguage!: string | null;
  @ApiProperty({ type: Interpreter }) interpreter!: Interpreter;
  @ApiProperty({ type: [ConsentItemResponse] }) consent!: ConsentItemResponse[];
  @ApiProperty({ description: 'False: only the minimum record was kept' }) interviewConsent!: boolean;
  @ApiProperty({ type: String, nullable: true }) exitMode!: string | null;
  @ApiProperty({ type: VictimContext }) victimContext!: VictimContext;
  @ApiProperty({ type: [String] }) immediateNeeds!: string[];
  @ApiProperty({ type: [String] }) risks!: string[];
  @ApiProperty({ type: [IndicatorAnswer] }) answers!: IndicatorAnswer[];
  @ApiProperty({ type: String, nullable: true }) narrative!: string | null;
  @ApiProperty({ type: SuggestionResponse }) suggestion!: SuggestionResponse;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) submittedToAgencyId!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'Status of the latest identification decision' })
  identificationStatus!: string | null;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt!: string;
  @ApiProperty() version!: number;
}

export class ScreeningSummaryResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) agencyId!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) personId!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) caseId!: string | null;
  @ApiProperty() profile!: string;
  @ApiProperty({ format: 'date-time' }) conductedAt!: string;
  @ApiProperty({ enum: SUGGESTED_OUTCOMES }) suggestedOutcome!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) submittedToAgencyId!: string | null;
  @ApiProperty({ type: String, nullable: true }) identificationStatus!: string | null;
}

export class IdentificationDecisionResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) screeningId!: string;
  @ApiProperty({ description: '1 for the first decision; each revision adds one' }) revision!: number;
  @ApiProperty({ enum: TRAFFICKING_STATUSES }) status!: string;
  @ApiProperty({ enum: DECISION_ORG_TYPES }) decisionOrgType!: string;
  @ApiProperty({ format: 'uuid' }) decidingAgencyId!: string;
  @ApiProperty({ format: 'uuid' }) decidedBy!: string;
  @ApiProperty({ format: 'date' }) decidedOn!: string;
  @ApiProperty() basis!: string;
  @ApiProperty({ format: 'date-time' }) recordedAt!: string;
  @ApiProperty({ description: 'Whether this is the decision in force' }) current!: boolean;
}

export class IndicatorResponse {
  @ApiProperty() code!: string;
  @ApiProperty({ enum: PROFILES }) profile!: string;
  @ApiProperty() dimension!: string;
  @ApiProperty({ enum: ['strong', 'medium', 'weak'] }) weight!: string;
  @ApiProperty() textEn!: string;
  @ApiProperty({ type: String, nullable: true }) textLo!: string | null;
  @ApiProperty() source!: string;
  @ApiProperty({ enum: ['verified', 'secondary', 'unverified'] }) verification!: string;
  @ApiProperty({
    type: LocalizedTextResponse,
    nullable: true,
    description: 'The Lao text with its verification state (verified by a Lao speaker or not) and source',
  })
  lo!: LocalizedTextResponse | null;
}

export class CatalogueSummaryResponse {
  @ApiProperty() version!: number;
  @ApiProperty() title!: string;
  @ApiProperty() source!: string;
  @ApiProperty() notes!: string;
  @ApiProperty({ format: 'date-time' }) publishedAt!: string;
  @ApiProperty() indicatorCount!: number;
}

export class CatalogueResponse extends CatalogueSummaryResponse {
  @ApiProperty({ type: [IndicatorResponse] }) indicators!: IndicatorResponse[];
}

export class CatalogueQuery {
  @ApiPropertyOptional({ enum: PROFILES }) @IsOptional() @IsIn(PROFILES) profile?: string;
}

export class CatalogueVersionParam {
  @ApiProperty() @Type(() => Number) @IsInt() @Min(1) @Max(100000) version!: number;
}

export class NewIndicator {
  @ApiProperty({ example: 'AL.D1.01', pattern: '^[A-Z]{2}\\.D[1-6]\\.\\d{2}$' })
  @Matches(/^[A-Z]{2}\.D[1-6]\.\d{2}$/)
  code!: string;
  @ApiProperty({ enum: PROFILES }) @IsIn(PROFILES) profile!: string;
  @ApiProperty({ enum: ['D1', 'D2', 'D3', 'D4', 'D5', 'D6'] })
  @IsIn(['D1', 'D2', 'D3', 'D4', 'D5', 'D6'])
  dimension!: string;
  @ApiProperty({ enum: ['strong', 'medium', 'weak'] }) @IsIn(['strong', 'medium', 'weak']) weight!: string;
  @ApiProperty() @IsString() @MinLength(3) @MaxLength(500) textEn!: string;
  @ApiPropertyOptional({ type: String, nullable: true }) @IsOptional() @IsString() @MaxLength(500) textLo?:
    string | null;
  @ApiProperty() @IsString() @MinLength(3) @MaxLength(300) source!: string;
  @ApiProperty({ enum: ['verified', 'secondary', 'unverified'] })
  @IsIn(['verified', 'secondary', 'unverified'])
  verification!: string;
}

export class PublishCatalogueRequest {
  @ApiProperty() @IsString() @MinLength(3) @MaxLength(300) title!: string;
  @ApiProperty() @IsString() @MinLength(3) @MaxLength(500) source!: string;
  @ApiProperty() @IsString() @Multiline() @MaxLength(4000) notes!: string;
  @ApiProperty({ type: [NewIndicator] })
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => NewIndicator)
  indicators!: NewIndicator[];
}
