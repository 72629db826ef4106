import { ApiProperty } from '@nestjs/swagger';
import { LocalizedTextResponse } from '../i18n/dto/translations.dto.js';

/** The Lao text of a value with its verification state and source (src/i18n/, docs/lao.md). */
const LAO_DOC = {
  type: LocalizedTextResponse,
  nullable: true,
  description: 'The Lao label, whether a Lao speaker verified it, and its source; null while there is none',
} as const;

const VERIFICATION_DOC = {
  enum: ['verified', 'secondary', 'unverified'],
  description:
    'verified: read in the primary source; secondary: from a source quoting it; unverified: to be confirmed before relying on it',
};

export class ProvinceResponse {
  @ApiProperty({ example: 'LA-VT', description: 'ISO 3166-2:LA code' }) code!: string;
  @ApiProperty({ example: '01' }) nationalCode!: string;
  @ApiProperty({ example: 'VT' }) shortCode!: string;
  @ApiProperty({ example: 'Viangchan' }) isoName!: string;
  @ApiProperty({ example: 'Vientiane Capital' }) nameEn!: string;
  @ApiProperty({ type: String, nullable: true }) nameLo!: string | null;
  @ApiProperty({ enum: ['prefecture', 'province'] }) kind!: string;
  @ApiProperty(VERIFICATION_DOC) nameLoVerification!: string;
  @ApiProperty(VERIFICATION_DOC) verification!: string;
  @ApiProperty(LAO_DOC) lo!: LocalizedTextResponse | null;
}

export class CountryResponse {
  @ApiProperty({ example: 'TH', description: 'ISO 3166-1 alpha-2' }) code!: string;
  @ApiProperty({ example: 'THA' }) alpha3!: string;
  @ApiProperty({ example: 'Thailand' }) nameEn!: string;
  @ApiProperty({ type: String, nullable: true }) nameLo!: string | null;
  @ApiProperty(LAO_DOC) lo!: LocalizedTextResponse | null;
}

export class LanguageResponse {
  @ApiProperty({ example: 'lao', description: 'ISO 639-2 code' }) code!: string;
  @ApiProperty({ type: String, nullable: true, example: 'lo' }) alpha2!: string | null;
  @ApiProperty({ example: 'Lao' }) nameEn!: string;
  @ApiProperty(LAO_DOC) lo!: LocalizedTextResponse | null;
}

export class BorderCrossingResponse {
  @ApiProperty() code!: string;
  @ApiProperty() nameEn!: string;
  @ApiProperty({ type: String, nullable: true }) nameLo!: string | null;
  @ApiProperty({ example: 'LA-VT' }) provinceCode!: string;
  @ApiProperty({ type: String, nullable: true, example: 'TH' }) foreignCountry!: string | null;
  @ApiProperty({ type: String, nullable: true }) foreignLocality!: string | null;
  @ApiProperty({ enum: ['international', 'local', 'traditional', 'airport'] }) kind!: string;
  @ApiProperty() usedForReturns!: boolean;
  @ApiProperty(VERIFICATION_DOC) verification!: string;
  @ApiProperty({ type: String, nullable: true }) notes!: string | null;
  @ApiProperty(LAO_DOC) lo!: LocalizedTextResponse | null;
}

export class CodeResponse {
  @ApiProperty({ example: 'ForcedLabour' }) code!: string;
  @ApiProperty({ example: 'Forced labour' }) labelEn!: string;
  @ApiProperty({ type: String, nullable: true }) labelLo!: string | null;
  @ApiProperty(VERIFICATION_DOC) verification!: string;
  @ApiProperty({ example: 'HTCDS 2.0 vic_TypeOfExploitation' }) source!: string;
  @ApiProperty(LAO_DOC) lo!: LocalizedTextResponse | null;
}

export class CodeListSummaryResponse {
  @ApiProperty({ example: 'exploitation-type' }) category!: string;
  @ApiProperty() description!: string;
  @ApiProperty(LAO_DOC) lo!: LocalizedTextResponse | null;
}

export class CodeListResponse extends CodeListSummaryResponse {
  @ApiProperty({ type: [CodeResponse] }) values!: CodeResponse[];
}
