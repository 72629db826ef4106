import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
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
import { GENDERS } from '../../reference-data/data/code-lists.js';
import { COUNTRIES } from '../../reference-data/data/countries.js';
import { LANGUAGES } from '../../reference-data/data/languages.js';
import { PROVINCES } from '../../reference-data/data/provinces.js';

const COUNTRY_CODES = COUNTRIES.map((c) => c.code);
const LANGUAGE_CODES = LANGUAGES.map((l) => l.code);
const PROVINCE_CODES = PROVINCES.map((p) => p.code);
export const CONTACT_TYPES = ['phone', 'email', 'facebook', 'line', 'whatsapp', 'wechat', 'other'] as const;
export const DOCUMENT_TYPES = [
  'national_id',
  'passport',
  'family_book',
  'birth_certificate',
  'border_pass',
  'other',
] as const;
export const BIRTH_PRECISIONS = ['exact', 'year', 'estimated'] as const;

const NAME = { minLength: 1, maxLength: 100 };

export class PersonNames {
  @ApiPropertyOptional({ description: 'Given name in Lao script', example: 'ສົມໃຈ', maxLength: 100 })
  @IsOptional()
  @IsString()
  @MinLength(NAME.minLength)
  @MaxLength(NAME.maxLength)
  givenNameLo?: string;
  @ApiPropertyOptional({ description: 'Family name in Lao script', maxLength: 100 })
  @IsOptional()
  @IsString()
  @MinLength(NAME.minLength)
  @MaxLength(NAME.maxLength)
  familyNameLo?: string;
  @ApiPropertyOptional({ description: 'Given name, romanised', example: 'Somchai', maxLength: 100 })
  @IsOptional()
  @IsString()
  @MinLength(NAME.minLength)
  @MaxLength(NAME.maxLength)
  givenNameLatin?: string;
  @ApiPropertyOptional({ description: 'Family name, romanised', maxLength: 100 })
  @IsOptional()
  @IsString()
  @MinLength(NAME.minLength)
  @MaxLength(NAME.maxLength)
  familyNameLatin?: string;
  @ApiPropertyOptional({ type: [String], maxItems: 10, description: 'Other names the person is known by' })
  @IsOptional()
  @ArrayMaxSize(10)
  @IsString({ each: true })
  @MinLength(1, { each: true })
  @MaxLength(100, { each: true })
  aliases?: string[];
}

export class BirthDetails {
  @ApiProperty({ enum: BIRTH_PRECISIONS, description: 'exact: dateOfBirth; year: birthYear; estimated: estimatedAge' })
  @IsIn(BIRTH_PRECISIONS)
  precision!: (typeof BIRTH_PRECISIONS)[number];
  @ApiPropertyOptional({ format: 'date', example: '2004-03-17' })
  @IsOptional()
  @IsISO8601({ strict: true })
  @Matches(/^\d{4}-\d{2}-\d{2}$/)
  dateOfBirth?: string;
  @ApiPropertyOptional({ minimum: 1900, maximum: 2100 })
  @IsOptional()
  @IsInt()
  @Min(1900)
  @Max(2100)
  birthYear?: number;
  @ApiPropertyOptional({ minimum: 0, maximum: 120, description: 'Age in years as estimated when recorded' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(120)
  estimatedAge?: number;
}

export class Contact {
  @ApiProperty({ enum: CONTACT_TYPES }) @IsIn(CONTACT_TYPES) type!: string;
  @ApiProperty({ maxLength: 200 }) @IsString() @MinLength(1) @MaxLength(200) value!: string;
}

export class IdentityDocument {
  @ApiProperty({ enum: DOCUMENT_TYPES }) @IsIn(DOCUMENT_TYPES) type!: string;
  @ApiProperty({ maxLength: 60 }) @IsString() @MinLength(1) @MaxLength(60) number!: string;
  @ApiPropertyOptional({ enum: COUNTRY_CODES }) @IsOptional() @IsIn(COUNTRY_CODES) issuingCountry?: string;
  @ApiPropertyOptional({ format: 'date' })
  @IsOptional()
  @IsISO8601({ strict: true })
  @Matches(/^\d{4}-\d{2}-\d{2}$/)
  expiresOn?: string;
  @ApiPropertyOptional({ description: 'Whether the person holds it now (documents are often confiscated)' })
  @IsOptional()
  @IsBoolean()
  inPossession?: boolean;
}

export class Guardian {
  @ApiProperty({ maxLength: 200 }) @IsString() @MinLength(1) @MaxLength(200) name!: string;
  @ApiProperty({ example: 'mother', maxLength: 60 }) @IsString() @MinLength(1) @MaxLength(60) relationship!: string;
  @ApiPropertyOptional({ maxLength: 200 }) @IsOptional() @IsString() @MaxLength(200) contact?: string;
}

export class PersonAddress {
  @ApiPropertyOptional({ maxLength: 100 }) @IsOptional() @IsString() @MaxLength(100) district?: string;
  @ApiPropertyOptional({ maxLength: 100 }) @IsOptional() @IsString() @MaxLength(100) village?: string;
  @ApiPropertyOptional({ maxLength: 300 }) @IsOptional() @IsString() @MaxLength(300) addressLine?: string;
}

/** Fields a registration and a correction share; gender is not among them (required on create). */
class PersonFields {
  @ApiPropertyOptional({ type: BirthDetails })
  @IsOptional()
  @ValidateNested()
  @Type(() => BirthDetails)
  birth?: BirthDetails;
  @ApiPropertyOptional({ enum: COUNTRY_CODES, isArray: true })
  @IsOptional()
  @ArrayMaxSize(5)
  @ArrayUnique()
  @IsIn(COUNTRY_CODES, { each: true })
  citizenships?: string[];
  @ApiPropertyOptional({ enum: LANGUAGE_CODES, isArray: true, description: 'ISO 639-2' })
  @IsOptional()
  @ArrayMaxSize(10)
  @ArrayUnique()
  @IsIn(LANGUAGE_CODES, { each: true })
  languages?: string[];
  @ApiPropertyOptional({ enum: PROVINCE_CODES }) @IsOptional() @IsIn(PROVINCE_CODES) homeProvinceCode?: string;
  @ApiPropertyOptional({ type: PersonAddress })
  @IsOptional()
  @ValidateNested()
  @Type(() => PersonAddress)
  address?: PersonAddress;
  @ApiPropertyOptional({ type: [Contact] })
  @IsOptional()
  @ArrayMaxSize(10)
  @ValidateNested({ each: true })
  @Type(() => Contact)
  contacts?: Contact[];
  @ApiPropertyOptional({ type: [IdentityDocument] })
  @IsOptional()
  @ArrayMaxSize(10)
  @ValidateNested({ each: true })
  @Type(() => IdentityDocument)
  documents?: IdentityDocument[];
  @ApiPropertyOptional({ type: Guardian, description: 'For a child' })
  @IsOptional()
  @ValidateNested()
  @Type(() => Guardian)
  guardian?: Guardian;
}

export class CreatePersonRequest extends PersonFields {
  @ApiProperty({ type: PersonNames }) @IsObject() @ValidateNested() @Type(() => PersonNames) names!: PersonNames;
  @ApiProperty({ enum: GENDERS, description: 'HTCDS gender' }) @IsIn(GENDERS) gender!: string;
  @ApiPropertyOptional({
    description:
      'Set after reviewing POST /persons/matches, to register a person that strongly matches an existing record anyway',
  })
  @IsOptional()
  @IsBoolean()
  confirmNotDuplicate?: boolean;
}

export class UpdatePersonRequest extends PersonFields {
  @ApiPropertyOptional({ enum: GENDERS, description: 'HTCDS gender' }) @IsOptional() @IsIn(GENDERS) gender?: string;
  @ApiPropertyOptional({ type: PersonNames })
  @IsOptional()
  @ValidateNested()
  @Type(() => PersonNames)
  names?: PersonNames;
}

export class MatchRequest {
  @ApiProperty({ type: PersonNames }) @IsObject() @ValidateNested() @Type(() => PersonNames) names!: PersonNames;
  @ApiPropertyOptional({ minimum: 1900, maximum: 2100 })
  @IsOptional()
  @IsInt()
  @Min(1900)
  @Max(2100)
  birthYear?: number;
  @ApiPropertyOptional({ enum: PROVINCE_CODES }) @IsOptional() @IsIn(PROVINCE_CODES) homeProvinceCode?: string;
  @ApiPropertyOptional({ enum: GENDERS }) @IsOptional() @IsIn(GENDERS) gender?: string;
}

export class MergeRequest {
  @ApiProperty({ format: 'uuid', description: 'The record that remains' }) @IsUUID() intoPersonId!: string;
}

export class BirthResponse {
  @ApiProperty({ enum: BIRTH_PRECISIONS }) precision!: string;
  @ApiPropertyOptional({ type: String, format: 'date', nullable: true }) dateOfBirth!: string | null;
  @ApiPropertyOptional({ type: Number, nullable: true }) birthYear!: number | null;
  @ApiPropertyOptional({ type: Number, nullable: true }) estimatedAge!: number | null;
  @ApiPropertyOptional({ type: String, format: 'date-time', nullable: true, description: 'When the estimate was made' })
  estimatedAt!: string | null;
}

export class PersonResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({
    enum: ['full', 'limited'],
    description: 'limited: seen through an open referral; documents, contacts and address are withheld',
  })
  view!: string;
  @ApiProperty({ format: 'uuid' }) ownerAgencyId!: string;
  @ApiProperty({ type: PersonNames }) names!: PersonNames;
  @ApiProperty() gender!: string;
  @ApiProperty({ type: BirthResponse, nullable: true }) birth!: BirthResponse | null;
  @ApiProperty({ type: Number, nullable: true, description: 'Age in whole years today, when known or estimated' })
  age!: number | null;
  @ApiProperty({ type: Boolean, nullable: true, description: 'Under 18 today; null when the age is unknown' })
  isChild!: boolean | null;
  @ApiProperty({ type: [String] }) citizenships!: string[];
  @ApiProperty({ type: [String] }) languages!: string[];
  @ApiProperty({ type: String, nullable: true }) homeProvinceCode!: string | null;
  @ApiPropertyOptional({ type: PersonAddress, nullable: true }) address?: PersonAddress | null;
  @ApiPropertyOptional({ type: [Contact] }) contacts?: Contact[];
  @ApiPropertyOptional({ type: [IdentityDocument] }) documents?: IdentityDocument[];
  @ApiProperty({ type: Guardian, nullable: true }) guardian!: Guardian | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) mergedIntoId!: string | null;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: String, format: 'date-time' }) updatedAt!: string;
  @ApiProperty() version!: number;
}

export class MatchCandidate {
  @ApiProperty({ format: 'uuid' }) personId!: string;
  @ApiProperty({ description: '0–1; at or above 0.8 counts as a strong match' }) score!: number;
  @ApiProperty({ enum: ['name_exact', 'name_phonetic', 'birth_year', 'home_province', 'gender'], isArray: true })
  reasons!: string[];
  @ApiProperty({ description: 'Display name (Latin, else Lao script)' }) displayName!: string;
  @ApiProperty() gender!: string;
  @ApiProperty({ type: Number, nullable: true }) birthYear!: number | null;
  @ApiProperty({ type: String, nullable: true }) homeProvinceCode!: string | null;
}
