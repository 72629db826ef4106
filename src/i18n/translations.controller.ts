import { Body, Controller, Get, HttpCode, Inject, Post, Query, StreamableFile } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces } from '@nestjs/swagger';
import { Authorize } from '../auth/authorize.decorator.js';
import { Permission } from '../auth/permissions.js';
import { CurrentActor } from '../common/http/actor.decorator.js';
import type { Actor } from '../common/context/request-context.js';
import {
  ExportTranslationsQuery,
  ImportTranslationsRequest,
  ImportTranslationsResponse,
  LabelResponse,
  LabelsQuery,
} from './dto/translations.dto.js';
import { LabelsService } from './labels.service.js';
import type { TranslationKind } from './translatables.js';
import { TranslationsService } from './translations.service.js';

@Controller()
export class TranslationsController {
  constructor(
    @Inject(LabelsService) private readonly labels: LabelsService,
    @Inject(TranslationsService) private readonly translations: TranslationsService,
  ) {}

  @Get('reference/labels')
  @Authorize(Permission.ReferenceRead)
  @ApiOperation({
    operationId: 'listLabels',
    summary: 'Every user-facing label in English and Lao, with the Lao text’s verification state and source',
  })
  @ApiOkResponse({ type: [LabelResponse] })
  list(@Query() q: LabelsQuery): Promise<LabelResponse[]> {
    return this.labels.labels(q.kind as TranslationKind | undefined);
  }

  @Get('translations/export')
  @Authorize(Permission.TranslationExport)
  @ApiOperation({
    operationId: 'exportTranslations',
    summary: 'Every translatable text with its Lao translation and state, as XLSX or CSV for translators',
  })
  @ApiProduces('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'text/csv')
  @ApiOkResponse({ description: 'The sheet: kind, key, english, lao, verification, source, placeholders' })
  async export(@Query() q: ExportTranslationsQuery): Promise<StreamableFile> {
    const file = await this.translations.export(q.format ?? 'xlsx', q.kind as TranslationKind | undefined);
    return new StreamableFile(file.content, {
      type: file.contentType,
      disposition: `attachment; filename="${file.fileName}"`,
      length: file.content.length,
    });
  }

  @Post('translations/imports')
  @HttpCode(200)
  @Authorize(Permission.TranslationImport)
  @ApiOperation({
    operationId: 'importTranslations',
    summary: 'Apply a translator’s sheet: validated all or nothing, each change audited with who imported it',
  })
  @ApiOkResponse({ type: ImportTranslationsResponse })
  import(@CurrentActor() actor: Actor, @Body() body: ImportTranslationsRequest): Promise<ImportTranslationsResponse> {
    return this.translations.import(actor, body);
  }
}
