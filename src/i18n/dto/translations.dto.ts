import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import { Multiline } from '../../common/http/input-rules.js';
import { TRANSLATION_KINDS } from '../translatables.js';

const STATE_DOC = {
  enum: ['verified', 'unverified'],
  description: 'verified: checked by a Lao speaker (a translation import said so); unverified: a draft to be checked',
};

export class LocalizedTextResponse {
  @ApiProperty({ example: 'ການບັງຄັບອອກແຮງງານ' }) text!: string;
  @ApiProperty(STATE_DOC) verification!: string;
  @ApiProperty({ example: 'ctcm-api team draft', description: 'Who wrote or checked the text' }) source!: string;
}

export class LabelResponse {
  @ApiProperty({ enum: TRANSLATION_KINDS, example: 'code' }) kind!: string;
  @ApiProperty({
    example: 'exploitation-type.ForcedLabour',
    description: 'The stable code: `<category>.<code>` for code-list values, the ISO code, the indicator code, …',
  })
  key!: string;
  @ApiProperty({ example: 'Forced labour' }) en!: string;
  @ApiProperty({ type: LocalizedTextResponse, nullable: true, description: 'Null while there is no Lao text yet' })
  lo!: LocalizedTextResponse | null;
}

export class LabelsQuery {
  @ApiPropertyOptional({ enum: TRANSLATION_KINDS, description: 'One kind of label; all kinds when absent' })
  @IsOptional()
  @IsIn(TRANSLATION_KINDS)
  kind?: string;
}

export class ExportTranslationsQuery {
  @ApiPropertyOptional({ enum: ['xlsx', 'csv'], default: 'xlsx' })
  @IsOptional()
  @IsIn(['xlsx', 'csv'])
  format?: 'xlsx' | 'csv';

  @ApiPropertyOptional({ enum: TRANSLATION_KINDS, description: 'One kind of text; every text when absent' })
  @IsOptional()
  @IsIn(TRANSLATION_KINDS)
  kind?: string;
}

export class ImportTranslationsRequest {
  @ApiProperty({ enum: ['xlsx', 'csv'] })
  @IsIn(['xlsx', 'csv'])
  format!: 'xlsx' | 'csv';

  @ApiProperty({
    description:
      'The sheet as exported (columns kind, key, english, lao, verification, …): CSV text, or the XLSX file in base64. ' +
      'At most 250,000 characters, within the request body limit: import one kind at a time (export with ?kind=).',
  })
  @IsString()
  @Multiline()
  @MaxLength(250_000)
  content!: string;
}

export class ImportTranslationsResponse {
  @ApiProperty({ description: 'Rows read under the header' }) rows!: number;
  @ApiProperty({ description: 'Lao texts written (new text or new state)' }) changed!: number;
  @ApiProperty({ description: 'Of those, the ones now verified' }) verified!: number;
  @ApiProperty({ description: 'Rows identical to what is stored' }) unchanged!: number;
}
