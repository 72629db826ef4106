import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMinSize,
  ArrayUnique,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ArrayMaxSize,
} from 'class-validator';
import { BooleanQuery } from '../../common/http/query-transforms.js';
import { EXPLOITATION_TYPES, GENDERS, SERVICE_TYPES } from '../../reference-data/data/code-lists.js';
import { PROVINCES } from '../../reference-data/data/provinces.js';

const PROVINCE_CODES = PROVINCES.map((p) => p.code);
export const FACILITY_KINDS = ['transit_centre', 'shelter', 'drop_in_centre', 'service_point'] as const;
export const DISCHARGE_DESTINATIONS = [
  'home',
  'family',
  'other_facility',
  'independent_living',
  'absconded',
  'other',
] as const;
export const DISCHARGE_REASONS = [
  'plan_completed',
  'transferred',
  'left_voluntarily',
  'absconded',
  'returned_home',
  'other',
] as const;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export class CreateFacilityRequest {
  @ApiProperty({ format: 'uuid', description: 'Owning agency (agency admins: their own)' }) @IsUUID() agencyId!: string;
  @ApiProperty({ example: 'VTC-BEDS', pattern: '^[A-Z0-9][A-Z0-9-]{1,39}$' })
  @Matches(/^[A-Z0-9][A-Z0-9-]{1,39}$/)
  code!: string;
  @ApiProperty() @IsString() @MinLength(2) @MaxLength(200) nameEn!: string;
  @ApiPropertyOptional({ type: String, nullable: true }) @IsOptional() @IsString() @MaxLength(200) nameLo?:
    string | null;
  @ApiProperty({ enum: FACILITY_KINDS }) @IsIn(FACILITY_KINDS) kind!: string;
  @ApiProperty({ enum: PROVINCE_CODES }) @IsIn(PROVINCE_CODES) provinceCode!: string;
  @ApiProperty({ enum: GENDERS, isArray: true })
  @ArrayMinSize(1)
  @ArrayMaxSize(GENDERS.length)
  @ArrayUnique()
  @IsIn(GENDERS, { each: true })
  acceptsGenders!: string[];
  @ApiPropertyOptional({ default: 0 }) @IsOptional() @IsInt() @Min(0) @Max(120) acceptsMinAge?: number;
  @ApiPropertyOptional({ default: 120 }) @IsOptional() @IsInt() @Min(0) @Max(120) acceptsMaxAge?: number;
  @ApiPropertyOptional({ enum: EXPLOITATION_TYPES, isArray: true, description: 'Empty: any' })
  @IsOptional()
  @ArrayMaxSize(EXPLOITATION_TYPES.length)
  @ArrayUnique()
  @IsIn(EXPLOITATION_TYPES, { each: true })
  acceptsExploitationTypes?: string[];
  @ApiPropertyOptional({ enum: SERVICE_TYPES, isArray: true })
  @IsOptional()
  @ArrayMaxSize(SERVICE_TYPES.length)
  @ArrayUnique()
  @IsIn(SERVICE_TYPES, { each: true })
  services?: string[];
  @ApiProperty({ minimum: 0, maximum: 10000 }) @IsInt() @Min(0) @Max(10000) bedCapacity!: number;
}

export class UpdateFacilityRequest {
  @ApiPropertyOptional({ enum: GENDERS, isArray: true })
  @IsOptional()
  @ArrayMinSize(1)
  @ArrayMaxSize(GENDERS.length)
  @ArrayUnique()
  @IsIn(GENDERS, { each: true })
  acceptsGenders?: string[];
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(0) @Max(120) acceptsMinAge?: number;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(0) @Max(120) acceptsMaxAge?: number;
  @ApiPropertyOptional({ enum: EXPLOITATION_TYPES, isArray: true })
  @IsOptional()
  @ArrayMaxSize(EXPLOITATION_TYPES.length)
  @ArrayUnique()
  @IsIn(EXPLOITATION_TYPES, { each: true })
  acceptsExploitationTypes?: string[];
  @ApiPropertyOptional({ enum: SERVICE_TYPES, isArray: true })
  @IsOptional()
  @ArrayMaxSize(SERVICE_TYPES.length)
  @ArrayUnique()
  @IsIn(SERVICE_TYPES, { each: true })
  services?: string[];
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(0) @Max(10000) bedCapacity?: number;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() active?: boolean;
}

export class FacilityListQuery {
  @ApiPropertyOptional({ format: 'uuid', description: 'Only facilities that can take the person of this case' })
  @IsOptional()
  @IsUUID()
  eligibleFor?: string;
  @ApiPropertyOptional({ enum: PROVINCE_CODES }) @IsOptional() @IsIn(PROVINCE_CODES) province?: string;
  @ApiPropertyOptional({ enum: FACILITY_KINDS }) @IsOptional() @IsIn(FACILITY_KINDS) kind?: string;
  @ApiPropertyOptional({ description: 'With eligibleFor: also list the facilities that cannot, and why' })
  @IsOptional()
  @BooleanQuery()
  @IsBoolean()
  includeIneligible?: boolean;
}

export class EligibilityFailureResponse {
  @ApiProperty({ enum: ['inactive', 'gender', 'age', 'exploitation_type', 'capacity'] }) rule!: string;
  @ApiProperty() detail!: string;
}

export class FacilityResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) agencyId!: string;
  @ApiProperty() code!: string;
  @ApiProperty() nameEn!: string;
  @ApiProperty({ type: String, nullable: true }) nameLo!: string | null;
  @ApiProperty({ enum: FACILITY_KINDS }) kind!: string;
  @ApiProperty() provinceCode!: string;
  @ApiProperty({ type: [String] }) acceptsGenders!: string[];
  @ApiProperty() acceptsMinAge!: number;
  @ApiProperty() acceptsMaxAge!: number;
  @ApiProperty({ type: [String] }) acceptsExploitationTypes!: string[];
  @ApiProperty({ type: [String] }) services!: string[];
  @ApiProperty() bedCapacity!: number;
  @ApiProperty({ description: 'Derived from admissions and discharges' }) occupied!: number;
  @ApiProperty() freeBeds!: number;
  @ApiProperty() active!: boolean;
  @ApiPropertyOptional({ description: 'With eligibleFor' }) eligible?: boolean;
  @ApiPropertyOptional({ type: [EligibilityFailureResponse] }) ineligibleBecause?: EligibilityFailureResponse[];
  @ApiProperty() version!: number;
}

export class AdmitRequest {
  @ApiProperty({ format: 'uuid' }) @IsUUID() caseId!: string;
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'The accepted referral to this facility; not needed when your agency leads the case',
  })
  @IsOptional()
  @IsUUID()
  referralId?: string;
  @ApiProperty({ format: 'date' }) @IsISO8601({ strict: true }) @Matches(DATE) admittedOn!: string;
}

export class DischargeRequest {
  @ApiProperty({ format: 'date' }) @IsISO8601({ strict: true }) @Matches(DATE) dischargedOn!: string;
  @ApiProperty({ enum: DISCHARGE_DESTINATIONS }) @IsIn(DISCHARGE_DESTINATIONS) destination!: string;
  @ApiProperty({ enum: DISCHARGE_REASONS }) @IsIn(DISCHARGE_REASONS) reason!: string;
  @ApiPropertyOptional({ enum: PROVINCE_CODES }) @IsOptional() @IsIn(PROVINCE_CODES) destinationProvinceCode?: string;
  @ApiPropertyOptional({ description: 'Escorted to the destination (e.g. home province)' })
  @IsOptional()
  @IsBoolean()
  escorted?: boolean;
}

export class PlacementResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) facilityId!: string;
  @ApiProperty({ format: 'uuid' }) caseId!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) referralId!: string | null;
  @ApiProperty({ format: 'date' }) admittedOn!: string;
  @ApiProperty({ type: String, format: 'date', nullable: true }) dischargedOn!: string | null;
  @ApiProperty({ type: String, nullable: true }) dischargeDestination!: string | null;
  @ApiProperty({ type: String, nullable: true }) dischargeReason!: string | null;
  @ApiProperty({ type: String, nullable: true }) destinationProvinceCode!: string | null;
  @ApiProperty() escorted!: boolean;
  @ApiProperty() version!: number;
}
