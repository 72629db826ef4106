import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
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
} from 'class-validator';
import { BORDER_CROSSINGS } from '../../reference-data/data/border-crossings.js';
import { COUNTRIES } from '../../reference-data/data/countries.js';

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
}

export class ArrivalRequest {
  @ApiProperty({ format: 'uuid', description: 'The person, registered on arrival (POST /persons)' })
  @IsUUID()
  personId!: string;
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

export class ExpectedArrivalResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) noticeId!: string;
  @ApiProperty() expectedChild!: boolean;
  @ApiProperty({ enum: ['expected', 'arrived', 'no_show'] }) status!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) caseId!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) arrivedAt!: string | null;
  @ApiProperty() version!: number;
}
