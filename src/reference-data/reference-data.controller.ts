import { Controller, Get, Inject, Param } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiParam } from '@nestjs/swagger';
import { Authorize } from '../auth/authorize.decorator.js';
import { Permission } from '../auth/permissions.js';
import type { Language } from '../i18n/messages.js';
import { RequestLanguage } from '../i18n/request-language.decorator.js';
import { CategoryParam } from './category.param.js';
import {
  BorderCrossingResponse,
  CodeListResponse,
  CodeListSummaryResponse,
  CountryResponse,
  LanguageResponse,
  ProvinceResponse,
} from './reference-data.dto.js';
import { ReferenceDataService } from './reference-data.service.js';

@Controller('reference')
export class ReferenceDataController {
  constructor(@Inject(ReferenceDataService) private readonly referenceData: ReferenceDataService) {}

  @Get('provinces')
  @Authorize(Permission.ReferenceRead)
  @ApiOperation({ operationId: 'listProvinces', summary: 'Lao provinces and Vientiane Capital (ISO 3166-2:LA)' })
  @ApiOkResponse({ type: [ProvinceResponse] })
  provinces(@RequestLanguage() lang: Language): Promise<ProvinceResponse[]> {
    return this.referenceData.provinces(lang);
  }

  @Get('countries')
  @Authorize(Permission.ReferenceRead)
  @ApiOperation({ operationId: 'listCountries', summary: 'Countries (ISO 3166-1)' })
  @ApiOkResponse({ type: [CountryResponse] })
  countries(@RequestLanguage() lang: Language): Promise<CountryResponse[]> {
    return this.referenceData.countries(lang);
  }

  @Get('languages')
  @Authorize(Permission.ReferenceRead)
  @ApiOperation({ operationId: 'listLanguages', summary: 'Languages (ISO 639-2)' })
  @ApiOkResponse({ type: [LanguageResponse] })
  languages(@RequestLanguage() lang: Language): Promise<LanguageResponse[]> {
    return this.referenceData.languages(lang);
  }

  @Get('border-crossings')
  @Authorize(Permission.ReferenceRead)
  @ApiOperation({ operationId: 'listBorderCrossings', summary: 'Border crossings used for returns to Lao PDR' })
  @ApiOkResponse({ type: [BorderCrossingResponse] })
  borderCrossings(@RequestLanguage() lang: Language): Promise<BorderCrossingResponse[]> {
    return this.referenceData.borderCrossings(lang);
  }

  @Get('code-lists')
  @Authorize(Permission.ReferenceRead)
  @ApiOperation({
    operationId: 'listCodeLists',
    summary: 'The enumerations (HTCDS and extensions) with their categories',
  })
  @ApiOkResponse({ type: [CodeListSummaryResponse] })
  codeLists(): Promise<CodeListSummaryResponse[]> {
    return this.referenceData.codeLists();
  }

  @Get('code-lists/:category')
  @Authorize(Permission.ReferenceRead)
  @ApiOperation({
    operationId: 'getCodeList',
    summary: 'One enumeration with its values, English and Lao labels and verification status',
  })
  @ApiParam({ name: 'category', example: 'exploitation-type' })
  @ApiOkResponse({ type: CodeListResponse })
  @ApiNotFoundResponse({ description: 'No such code list' })
  codeList(@Param() params: CategoryParam): Promise<CodeListResponse> {
    return this.referenceData.codeList(params.category);
  }
}
