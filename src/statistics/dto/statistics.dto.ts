import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, Matches, Max, Min } from 'class-validator';
import { ALL_DIMENSIONS, MEASURE_NAMES, PERIOD_KINDS } from '../statistics-catalogue.js';

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export class MeasureParam {
  @ApiProperty({ enum: MEASURE_NAMES }) @IsIn(MEASURE_NAMES) measure!: string;
}

export class StatisticQuery {
  @ApiPropertyOptional({ enum: ALL_DIMENSIONS, description: 'One dimension of the measure; none: totals only' })
  @IsOptional()
  @IsIn(ALL_DIMENSIONS)
  by?: string;

  @ApiPropertyOptional({ enum: PERIOD_KINDS, default: 'month' }) @IsOptional() @IsIn(PERIOD_KINDS) period?: string;

  @ApiPropertyOptional({ example: '2026-01', description: 'First month (YYYY-MM); default: 11 months before `to`' })
  @IsOptional()
  @Matches(MONTH, { message: 'from must be a month, YYYY-MM' })
  from?: string;

  @ApiPropertyOptional({
    example: '2026-11',
    description: 'Last month (YYYY-MM), not in the future; default: this month',
  })
  @IsOptional()
  @Matches(MONTH, { message: 'to must be a month, YYYY-MM' })
  to?: string;

  @ApiPropertyOptional({
    minimum: 5,
    description: 'Raise the minimum cell size above the configured one (never below it, never below 5)',
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(5, { message: 'minCellSize must be at least 5' })
  @Max(1000)
  minCellSize?: number;
}

export class StatisticCell {
  @ApiProperty({ description: 'The dimension value (a code; agencies by their code; unknown when not recorded)' })
  value!: string;
  @ApiProperty({ type: Number, nullable: true, description: 'Null when withheld' }) count!: number | null;
}

export class StatisticRow {
  @ApiProperty({ example: '2026-11', description: 'YYYY-MM, YYYY-Qn or YYYY' }) period!: string;
  @ApiProperty({ type: Number, nullable: true, description: 'All units of the period; null when withheld' })
  total!: number | null;
  @ApiProperty({ type: [StatisticCell] }) cells!: StatisticCell[];
}

export class StatisticTable {
  @ApiProperty({ enum: MEASURE_NAMES }) measure!: string;
  @ApiProperty({ description: 'What one unit of the count is' }) unit!: string;
  @ApiProperty({ type: String, nullable: true }) by!: string | null;
  @ApiProperty({ enum: PERIOD_KINDS }) period!: string;
  @ApiProperty({ example: '2026-01' }) from!: string;
  @ApiProperty({ example: '2026-11' }) to!: string;
  @ApiProperty({ enum: ['agency', 'national'] }) scope!: string;
  @ApiProperty({ description: 'Cells below this are withheld, with enough others that none can be recomputed' })
  minCellSize!: number;
  @ApiProperty({
    description: 'Values over one unit may overlap (e.g. two exploitation types): the total is not their sum',
  })
  overlapping!: boolean;
  @ApiProperty({ type: [String] }) values!: string[];
  @ApiProperty({ type: [StatisticRow] }) rows!: StatisticRow[];
  @ApiProperty({ description: 'How many cells of these rows are withheld' }) withheldCells!: number;
}

export class MeasureSummary {
  @ApiProperty({ enum: MEASURE_NAMES }) name!: string;
  @ApiProperty() unit!: string;
  @ApiProperty() dated!: string;
  @ApiProperty() definition!: string;
  @ApiProperty({ type: [String] }) dimensions!: string[];
}

export class UnmetNeedsQuery {
  @ApiPropertyOptional({ format: 'date' }) @IsOptional() @IsISO8601({ strict: true }) @Matches(DATE) from?: string;
  @ApiPropertyOptional({ format: 'date' }) @IsOptional() @IsISO8601({ strict: true }) @Matches(DATE) to?: string;
}

export class UnmetNeedRow {
  @ApiProperty({ type: String, nullable: true }) provinceCode!: string | null;
  @ApiProperty({ description: 'Referral purpose that could not be met' }) service!: string;
  @ApiProperty() gender!: string;
  @ApiProperty({ enum: ['adult', 'child', 'unknown'] }) ageGroup!: string;
  @ApiProperty({ description: 'The rule that refused most often' }) topRule!: string;
  @ApiProperty({ type: Number, nullable: true, description: 'Null when below the minimum cell size (suppressed)' })
  people!: number | null;
  @ApiProperty() suppressed!: boolean;
}

export class UnmetNeedsReport {
  @ApiProperty({ format: 'date' }) from!: string;
  @ApiProperty({ format: 'date' }) to!: string;
  @ApiProperty({ description: 'Cells with fewer people are suppressed' }) minCellSize!: number;
  @ApiProperty({ type: [UnmetNeedRow] }) rows!: UnmetNeedRow[];
}

export class MonthlyReportQuery {
  @ApiProperty({ example: '2026-11', description: 'The month reported on (YYYY-MM), not in the future' })
  @Matches(/^\d{4}-(0[1-9]|1[0-2])$/, { message: 'month must be a month, YYYY-MM' })
  month!: string;

  // Read by @RequestLanguage() (lang, else Accept-Language) and checked for every route by the
  // validation pipe, which takes it out of the query; declared here so Swagger offers it (and
  // optional, since the class field itself exists on every instance).
  @ApiPropertyOptional({ enum: ['lo', 'en'], default: 'en', description: 'Or Accept-Language: lo' })
  @IsOptional()
  lang?: string;

  @ApiPropertyOptional({
    enum: ['html', 'csv'],
    description: 'Default: text/csv when the Accept header asks for it, else html',
  })
  @IsOptional()
  @IsIn(['html', 'csv'])
  format?: string;
}

export class CtdcExportQuery {
  @ApiPropertyOptional({ enum: ['csv', 'xlsx'], default: 'csv' }) @IsOptional() @IsIn(['csv', 'xlsx']) format?: string;

  @ApiPropertyOptional({ minimum: 11, description: 'k of k-anonymity; never below 11 nor the configured minimum' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(11, { message: 'k must be at least 11' })
  @Max(1000)
  k?: number;
}
