import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength, MinLength } from 'class-validator';
import { AGENCY_LOCAL_TYPES, ORG_TYPES } from '../../reference-data/data/code-lists.js';
import { PROVINCES } from '../../reference-data/data/provinces.js';

const PROVINCE_CODES = PROVINCES.map((p) => p.code);

export class CreateAgencyRequest {
  @ApiProperty({
    example: 'MLSW-VTC',
    description: 'Short stable code: capitals, digits and dashes',
    pattern: '^[A-Z0-9][A-Z0-9-]{1,39}$',
  })
  @Matches(/^[A-Z0-9][A-Z0-9-]{1,39}$/, { message: 'code must be 2–40 capitals, digits or dashes' })
  code!: string;

  @ApiProperty({ example: 'Vientiane Transit Centre' })
  @IsString()
  @MinLength(2)
  @MaxLength(200)
  nameEn!: string;

  @ApiPropertyOptional({ type: String, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  nameLo?: string | null;

  @ApiProperty({ enum: ORG_TYPES, description: 'HTCDS org_Type' })
  @IsIn(ORG_TYPES)
  htcdsOrgType!: string;

  @ApiProperty({ enum: AGENCY_LOCAL_TYPES })
  @IsIn(AGENCY_LOCAL_TYPES)
  localType!: string;

  @ApiPropertyOptional({ enum: PROVINCE_CODES, nullable: true })
  @IsOptional()
  @IsIn(PROVINCE_CODES)
  provinceCode?: string | null;

  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true })
  @IsOptional()
  @IsUUID()
  parentAgencyId?: string | null;

  @ApiPropertyOptional({
    default: false,
    description:
      'May record "actual victim" identification decisions (in Lao PDR, the central MOPS anti-trafficking department)',
  })
  @IsOptional()
  @IsBoolean()
  formalIdentificationAuthority?: boolean;
}

export class UpdateAgencyRequest {
  @ApiPropertyOptional() @IsOptional() @IsString() @MinLength(2) @MaxLength(200) nameEn?: string;
  @ApiPropertyOptional({ type: String, nullable: true }) @IsOptional() @IsString() @MaxLength(200) nameLo?:
    string | null;
  @ApiPropertyOptional({ enum: ORG_TYPES }) @IsOptional() @IsIn(ORG_TYPES) htcdsOrgType?: string;
  @ApiPropertyOptional({ enum: AGENCY_LOCAL_TYPES }) @IsOptional() @IsIn(AGENCY_LOCAL_TYPES) localType?: string;
  @ApiPropertyOptional({ enum: PROVINCE_CODES, nullable: true }) @IsOptional() @IsIn(PROVINCE_CODES) provinceCode?:
    string | null;
  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true }) @IsOptional() @IsUUID() parentAgencyId?:
    string | null;
  @ApiPropertyOptional({ description: 'Deactivating an agency cuts its users off on their next request' })
  @IsOptional()
  @IsBoolean()
  active?: boolean;
  @ApiPropertyOptional({ description: 'May record "actual victim" identification decisions' })
  @IsOptional()
  @IsBoolean()
  formalIdentificationAuthority?: boolean;
}

export class AgencyResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() code!: string;
  @ApiProperty() nameEn!: string;
  @ApiProperty({ type: String, nullable: true }) nameLo!: string | null;
  @ApiProperty() htcdsOrgType!: string;
  @ApiProperty() localType!: string;
  @ApiProperty({ type: String, nullable: true }) provinceCode!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) parentAgencyId!: string | null;
  @ApiProperty() active!: boolean;
  @ApiProperty({ description: 'May record "actual victim" identification decisions' })
  formalIdentificationAuthority!: boolean;
  @ApiProperty({ type: String, format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: String, format: 'date-time' }) updatedAt!: string;
  @ApiProperty() version!: number;
}
