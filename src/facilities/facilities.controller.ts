import { Body, Controller, Get, HttpCode, Inject, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { Authorize } from '../auth/authorize.decorator.js';
import { Permission } from '../auth/permissions.js';
import type { Actor } from '../common/context/request-context.js';
import { CurrentActor } from '../common/http/actor.decorator.js';
import { IF_MATCH_DESCRIPTION, IfMatchVersion } from '../common/http/etag.js';
import { IdParam } from '../common/http/params.js';
import {
  AdmitRequest,
  CreateFacilityRequest,
  DischargeRequest,
  FacilityListQuery,
  FacilityResponse,
  PlacementResponse,
  UpdateFacilityRequest,
} from './dto/facility.dto.js';
import { FacilitiesService } from './facilities.service.js';

const IF_MATCH = { name: 'If-Match', required: true, description: IF_MATCH_DESCRIPTION };

@Controller()
export class FacilitiesController {
  constructor(@Inject(FacilitiesService) private readonly facilities: FacilitiesService) {}

  @Get('facilities')
  @Authorize(Permission.FacilityRead)
  @ApiOperation({
    summary: 'Facilities with their free beds; eligibleFor={caseId} lists those that can take the person',
  })
  @ApiOkResponse({ type: [FacilityResponse] })
  list(@CurrentActor() actor: Actor, @Query() q: FacilityListQuery): Promise<FacilityResponse[]> {
    return this.facilities.list(actor, q);
  }

  @Get('facilities/:id')
  @Authorize(Permission.FacilityRead)
  @ApiOkResponse({ type: FacilityResponse })
  get(@Param() { id }: IdParam): Promise<FacilityResponse> {
    return this.facilities.get(id);
  }

  @Post('facilities')
  @Authorize(Permission.FacilityManage)
  @ApiCreatedResponse({ type: FacilityResponse })
  create(@CurrentActor() actor: Actor, @Body() body: CreateFacilityRequest): Promise<FacilityResponse> {
    return this.facilities.create(actor, body);
  }

  @Patch('facilities/:id')
  @Authorize(Permission.FacilityManage)
  @ApiHeader(IF_MATCH)
  @ApiOkResponse({ type: FacilityResponse })
  update(
    @CurrentActor() actor: Actor,
    @Param() { id }: IdParam,
    @IfMatchVersion() version: number,
    @Body() body: UpdateFacilityRequest,
  ): Promise<FacilityResponse> {
    return this.facilities.update(actor, id, version, body);
  }

  @Post('facilities/:id/admissions')
  @Authorize(Permission.PlacementManage)
  @ApiOperation({
    summary:
      'Admit a person to a bed: a case your agency leads, or on an accepted referral (capacity is never exceeded)',
  })
  @ApiCreatedResponse({ type: PlacementResponse })
  @ApiConflictResponse({ description: 'FACILITY_FULL' })
  admit(
    @CurrentActor() actor: Actor,
    @Param() { id }: IdParam,
    @Body() body: AdmitRequest,
  ): Promise<PlacementResponse> {
    return this.facilities.admit(actor, id, body);
  }

  @Post('placements/:id/discharge')
  @HttpCode(200)
  @Authorize(Permission.PlacementManage)
  @ApiHeader(IF_MATCH)
  @ApiOperation({ summary: 'Discharge (date, destination, reason; escort home)' })
  @ApiOkResponse({ type: PlacementResponse })
  discharge(
    @CurrentActor() actor: Actor,
    @Param() { id }: IdParam,
    @IfMatchVersion() version: number,
    @Body() body: DischargeRequest,
  ): Promise<PlacementResponse> {
    return this.facilities.discharge(actor, id, version, body);
  }

  @Get('cases/:id/placements')
  @Authorize(Permission.CaseRead)
  @ApiOkResponse({ type: [PlacementResponse] })
  placements(@CurrentActor() actor: Actor, @Param() { id }: IdParam): Promise<PlacementResponse[]> {
    return this.facilities.placementsOfCase(actor, id);
  }
}
