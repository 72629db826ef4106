import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { Authorize } from '../auth/authorize.decorator.js';
import { Permission } from '../auth/permissions.js';
import type { Actor } from '../common/context/request-context.js';
import { CurrentActor } from '../common/http/actor.decorator.js';
import { IdParam } from '../common/http/params.js';
import { CatalogueService } from './catalogue.service.js';
import {
  CatalogueQuery,
  CatalogueResponse,
  CatalogueSummaryResponse,
  CatalogueVersionParam,
  CreateScreeningRequest,
  IdentificationDecisionRequest,
  IdentificationDecisionResponse,
  PublishCatalogueRequest,
  ScreeningListQuery,
  ScreeningResponse,
  ScreeningSummaryResponse,
  SubmitForIdentificationRequest,
} from './dto/screening.dto.js';
import { ScreeningService } from './screening.service.js';

@Controller('screenings')
export class ScreeningController {
  constructor(@Inject(ScreeningService) private readonly screenings: ScreeningService) {}

  @Post()
  @Authorize(Permission.ScreeningCreate)
  @ApiOperation({
    operationId: 'createScreening',
    summary: 'Record a screening interview and get the suggested outcome',
    description:
      'The ILO/EC decision rule suggests; it never decides. Without interview consent only the minimum record is kept (422 CONSENT_REQUIRED if answers are sent).',
  })
  @ApiCreatedResponse({ type: ScreeningResponse })
  @ApiUnprocessableEntityResponse({ description: 'CONSENT_REQUIRED, PROFILE_MISMATCH or INDICATOR_NOT_IN_CATALOGUE' })
  create(@CurrentActor() actor: Actor, @Body() body: CreateScreeningRequest): Promise<ScreeningResponse> {
    return this.screenings.create(actor, body);
  }

  @Get()
  @Authorize(Permission.ScreeningRead)
  @ApiOperation({
    operationId: 'listScreenings',
    summary: 'Screenings you may see; awaitingDecision=true lists your identification queue',
  })
  @ApiOkResponse({ type: [ScreeningSummaryResponse] })
  list(@CurrentActor() actor: Actor, @Query() q: ScreeningListQuery): Promise<ScreeningSummaryResponse[]> {
    return this.screenings.list(actor, q);
  }

  @Get(':id')
  @Authorize(Permission.ScreeningRead)
  @ApiOperation({ operationId: 'getScreening' })
  @ApiOkResponse({ type: ScreeningResponse })
  get(@CurrentActor() actor: Actor, @Param() { id }: IdParam): Promise<ScreeningResponse> {
    return this.screenings.get(actor, id);
  }

  @Post(':id/submit-for-identification')
  @HttpCode(200)
  @Authorize(Permission.ScreeningCreate)
  @ApiOperation({
    operationId: 'submitScreeningForIdentification',
    summary: 'Ask an identification authority (the police anti-trafficking department) to decide',
  })
  @ApiOkResponse({ type: ScreeningResponse })
  submit(
    @CurrentActor() actor: Actor,
    @Param() { id }: IdParam,
    @Body() body: SubmitForIdentificationRequest,
  ): Promise<ScreeningResponse> {
    return this.screenings.submitForIdentification(actor, id, body.agencyId);
  }

  @Post(':id/identification-decisions')
  @Authorize(Permission.IdentificationDecide)
  @ApiOperation({
    operationId: 'recordIdentificationDecision',
    summary: 'Record (or revise) the formal identification decision',
    description: 'Only a formal identification authority may record ActualVictimOfTrafficking. Every revision is kept.',
  })
  @ApiCreatedResponse({ type: IdentificationDecisionResponse })
  decide(
    @CurrentActor() actor: Actor,
    @Param() { id }: IdParam,
    @Body() body: IdentificationDecisionRequest,
  ): Promise<IdentificationDecisionResponse> {
    return this.screenings.decide(actor, id, body);
  }

  @Get(':id/identification-decisions')
  @Authorize(Permission.ScreeningRead)
  @ApiOperation({ operationId: 'listIdentificationDecisions', summary: 'The full history of identification decisions' })
  @ApiOkResponse({ type: [IdentificationDecisionResponse] })
  decisions(@CurrentActor() actor: Actor, @Param() { id }: IdParam): Promise<IdentificationDecisionResponse[]> {
    return this.screenings.decisions(actor, id);
  }
}

@Controller('screening-catalogues')
export class CatalogueController {
  constructor(@Inject(CatalogueService) private readonly catalogues: CatalogueService) {}

  @Get()
  @Authorize(Permission.CatalogueRead)
  @ApiOperation({ operationId: 'listScreeningCatalogues', summary: 'Published indicator catalogue versions' })
  @ApiOkResponse({ type: [CatalogueSummaryResponse] })
  list(): Promise<CatalogueSummaryResponse[]> {
    return this.catalogues.list();
  }

  @Get(':version')
  @Authorize(Permission.CatalogueRead)
  @ApiOperation({
    operationId: 'getScreeningCatalogue',
    summary: 'One catalogue version with its indicators (filter by profile)',
  })
  @ApiOkResponse({ type: CatalogueResponse })
  get(@Param() { version }: CatalogueVersionParam, @Query() q: CatalogueQuery): Promise<CatalogueResponse> {
    return this.catalogues.get(version, q.profile);
  }

  @Post()
  @Authorize(Permission.CataloguePublish)
  @ApiOperation({
    operationId: 'publishScreeningCatalogue',
    summary: 'Publish a new catalogue version (earlier versions and their screenings are unchanged)',
  })
  @ApiCreatedResponse({ type: CatalogueResponse })
  publish(@CurrentActor() actor: Actor, @Body() body: PublishCatalogueRequest): Promise<CatalogueResponse> {
    return this.catalogues.publish(actor, body);
  }
}
