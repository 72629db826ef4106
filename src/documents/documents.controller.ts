import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { Authorize } from '../auth/authorize.decorator.js';
import { Permission } from '../auth/permissions.js';
import type { Actor } from '../common/context/request-context.js';
import { CurrentActor } from '../common/http/actor.decorator.js';
import { IdParam } from '../common/http/params.js';
import { ALLOWED_CONTENT_TYPES } from './content-inspection.js';
import { DocumentsService } from './documents.service.js';
import {
  ADD_DOCUMENT_FORM,
  ADD_DOCUMENT_VERSION_FORM,
  DocumentContentQuery,
  DocumentDetailResponse,
  DocumentListQuery,
  DocumentPage,
  DocumentShareParams,
  MarkDocumentForReferral,
  RemoveDocument,
} from './dto/document.dto.js';

@ApiTags('documents')
@Controller('documents')
export class DocumentsController {
  constructor(@Inject(DocumentsService) private readonly documents: DocumentsService) {}

  @Post()
  @Authorize(Permission.DocumentWrite)
  @ApiOperation({
    operationId: 'addDocument',
    summary: 'Attach a file (PDF, JPEG, PNG, WebP, HEIC) to a record: multipart/form-data, the fields first',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: ADD_DOCUMENT_FORM })
  @ApiCreatedResponse({ type: DocumentDetailResponse })
  add(
    @CurrentActor() actor: Actor,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<DocumentDetailResponse> {
    return this.documents.add(actor, req, res);
  }

  @Get()
  @Authorize(Permission.DocumentRead)
  @ApiOperation({
    operationId: 'listDocuments',
    summary: 'The documents of a case (caseId) or of one record (recordType and recordId), newest first',
  })
  @ApiOkResponse({ type: DocumentPage })
  list(@CurrentActor() actor: Actor, @Query() q: DocumentListQuery): Promise<DocumentPage> {
    return this.documents.list(actor, q);
  }

  @Get(':id')
  @Authorize(Permission.DocumentRead)
  @ApiOperation({ operationId: 'getDocument', summary: 'One document: its metadata and every version' })
  @ApiOkResponse({ type: DocumentDetailResponse })
  get(@CurrentActor() actor: Actor, @Param() { id }: IdParam): Promise<DocumentDetailResponse> {
    return this.documents.get(actor, id);
  }

  @Get(':id/content')
  @Authorize(Permission.DocumentRead)
  @ApiOperation({
    operationId: 'getDocumentContent',
    summary: 'Download the file (always as an attachment, never rendered); ?version= for a former one',
  })
  @ApiProduces(...ALLOWED_CONTENT_TYPES)
  @ApiOkResponse({ description: 'The file', schema: { type: 'string', format: 'binary' } })
  content(
    @CurrentActor() actor: Actor,
    @Param() { id }: IdParam,
    @Query() q: DocumentContentQuery,
    @Res() res: Response,
  ): Promise<void> {
    return this.documents.download(actor, id, q, res);
  }

  @Post(':id/versions')
  @Authorize(Permission.DocumentWrite)
  @ApiOperation({
    operationId: 'addDocumentVersion',
    summary: 'Replace the file with a new version (former versions are kept); multipart/form-data',
  })
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: ADD_DOCUMENT_VERSION_FORM })
  @ApiCreatedResponse({ type: DocumentDetailResponse })
  addVersion(
    @CurrentActor() actor: Actor,
    @Param() { id }: IdParam,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<DocumentDetailResponse> {
    return this.documents.addVersion(actor, id, req, res);
  }

  @Post(':id/remove')
  @HttpCode(200)
  @Authorize(Permission.DocumentRemove)
  @ApiOperation({
    operationId: 'removeDocument',
    summary: 'Remove a file from use (supervisors, with a reason); its content is erased by the retention rules',
  })
  @ApiOkResponse({ type: DocumentDetailResponse })
  remove(
    @CurrentActor() actor: Actor,
    @Param() { id }: IdParam,
    @Body() body: RemoveDocument,
  ): Promise<DocumentDetailResponse> {
    return this.documents.remove(actor, id, body);
  }

  @Post(':id/referral-shares')
  @HttpCode(200)
  @Authorize(Permission.DocumentWrite)
  @ApiOperation({
    operationId: 'markDocumentForReferral',
    summary: "Share the file with a referral's receiving agency (the person's consent must cover that agency)",
  })
  @ApiOkResponse({ type: DocumentDetailResponse })
  markForReferral(
    @CurrentActor() actor: Actor,
    @Param() { id }: IdParam,
    @Body() body: MarkDocumentForReferral,
  ): Promise<DocumentDetailResponse> {
    return this.documents.markForReferral(actor, id, body);
  }

  @Delete(':id/referral-shares/:referralId')
  @Authorize(Permission.DocumentWrite)
  @ApiOperation({
    operationId: 'deleteDocumentReferralShare',
    summary: "Stop sharing the file with a referral's receiving agency",
  })
  @ApiOkResponse({ type: DocumentDetailResponse })
  unmarkForReferral(
    @CurrentActor() actor: Actor,
    @Param() { id, referralId }: DocumentShareParams,
  ): Promise<DocumentDetailResponse> {
    return this.documents.unmarkForReferral(actor, id, referralId);
  }
}
