import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Authorize } from '../auth/authorize.decorator.js';
import { Permission } from '../auth/permissions.js';
import type { Actor } from '../common/context/request-context.js';
import { CurrentActor } from '../common/http/actor.decorator.js';
import { IdParam } from '../common/http/params.js';
import type { Language } from '../i18n/messages.js';
import { RequestLanguage } from '../i18n/request-language.decorator.js';
import {
  CreateSubjectRequest,
  RefuseSubjectRequest,
  SubjectAccessExport,
  SubjectAccessExportQuery,
  SubjectRequestListQuery,
  SubjectRequestResponse,
} from './dto/subject-request.dto.js';
import { renderSubjectAccessHtml } from './subject-access.render.js';
import { SubjectRequestsService } from './subject-requests.service.js';

@ApiTags('data protection')
@Controller('subject-requests')
export class SubjectRequestsController {
  constructor(@Inject(SubjectRequestsService) private readonly requests: SubjectRequestsService) {}

  @Post()
  @Authorize(Permission.SubjectAccessRequest)
  @ApiOperation({
    operationId: 'createSubjectRequest',
    summary: "Open a person's request about their data: access, restriction, lifting a restriction or erasure",
  })
  @ApiCreatedResponse({ type: SubjectRequestResponse })
  create(@CurrentActor() actor: Actor, @Body() body: CreateSubjectRequest): Promise<SubjectRequestResponse> {
    return this.requests.create(actor, body);
  }

  @Get()
  @Authorize(Permission.SubjectAccessRequest)
  @ApiOperation({ operationId: 'listSubjectRequests', summary: "Your agency's latest subject requests, newest first" })
  @ApiOkResponse({ type: [SubjectRequestResponse] })
  list(@CurrentActor() actor: Actor, @Query() q: SubjectRequestListQuery): Promise<SubjectRequestResponse[]> {
    return this.requests.list(actor, q);
  }

  @Get(':id')
  @Authorize(Permission.SubjectAccessRequest)
  @ApiOperation({ operationId: 'getSubjectRequest', summary: 'A subject request and its decision' })
  @ApiOkResponse({ type: SubjectRequestResponse })
  get(@CurrentActor() actor: Actor, @Param() { id }: IdParam): Promise<SubjectRequestResponse> {
    return this.requests.get(actor, id);
  }

  @Post(':id/approve')
  @HttpCode(200)
  @Authorize(Permission.SubjectAccessApprove)
  @ApiOperation({
    operationId: 'approveSubjectRequest',
    summary:
      'Approve a subject request (another supervisor than its requester); a restriction, lifting or erasure applies at once',
  })
  @ApiOkResponse({ type: SubjectRequestResponse })
  approve(@CurrentActor() actor: Actor, @Param() { id }: IdParam): Promise<SubjectRequestResponse> {
    return this.requests.approve(actor, id);
  }

  @Post(':id/refuse')
  @HttpCode(200)
  @Authorize(Permission.SubjectAccessApprove)
  @ApiOperation({ operationId: 'refuseSubjectRequest', summary: 'Refuse a subject request, with a reason code' })
  @ApiOkResponse({ type: SubjectRequestResponse })
  refuse(
    @CurrentActor() actor: Actor,
    @Param() { id }: IdParam,
    @Body() body: RefuseSubjectRequest,
  ): Promise<SubjectRequestResponse> {
    return this.requests.refuse(actor, id, body);
  }

  @Get(':id/export')
  @Authorize(Permission.SubjectAccessRequest)
  @ApiOperation({
    operationId: 'exportSubjectAccess',
    summary:
      'Everything held about the person across the records your agency may see: JSON, or a readable page in Lao or English',
  })
  @ApiProduces('application/json', 'text/html')
  @ApiOkResponse({ type: SubjectAccessExport, description: 'JSON, or with format=html a printable page' })
  async export(
    @CurrentActor() actor: Actor,
    @Param() { id }: IdParam,
    @Query() q: SubjectAccessExportQuery,
    @RequestLanguage() lang: Language,
    @Res({ passthrough: true }) res: Response,
  ): Promise<SubjectAccessExport | string> {
    const result = await this.requests.export(actor, id);
    res.setHeader('cache-control', 'no-store');
    if (q.format !== 'html') return result;
    res.setHeader('content-type', 'text/html; charset=utf-8');
    return renderSubjectAccessHtml(result, lang);
  }
}
