import { Body, Controller, Get, HttpCode, Inject, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiConflictResponse, ApiCreatedResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { Authorize } from '../auth/authorize.decorator.js';
import { Permission } from '../auth/permissions.js';
import type { Actor } from '../common/context/request-context.js';
import { CurrentActor } from '../common/http/actor.decorator.js';
import { IfMatchVersion } from '../common/http/etag.js';
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

@Controller()
export class FacilitiesController {
  constructor(@Inject(FacilitiesService) private readonly facilities: FacilitiesService) {}

  @Get('facilities')
  @Authorize(Permission.FacilityRead)
  @ApiOperation({
    operationId: 'listFacilities',
    summary: 'Facilities with their free beds; eligibleFor={caseId} lists those that can take the person',
  })
  @ApiOkResponse({ type: [FacilityResponse] })
  list(@CurrentActor() actor: Actor, @Query() q: FacilityListQuery): Promise<FacilityResponse[]> {
    return this.facilities.list(actor, q);
  }

  @Get('facilities/:id')
  @Authorize(Permission.FacilityRead)
  @ApiOperation({ operationId: 'getFacility' })
  @ApiOkResponse({ type: FacilityResponse })
  get(@Param() { id }: IdParam): Promise<FacilityResponse> {
    return this.facilities.get(id);
  }

  @Post('facilities')
  @Authorize(Permission.FacilityManage)
  @ApiOperation({ operationId: 'createFacility' })
  @ApiCreatedResponse({ type: FacilityResponse })
  create(@CurrentActor() actor: Actor, @Body() body: CreateFacilityRequest): Promise<FacilityResponse> {
    return this.facilities.create(actor, body);
  }

  @Patch('facilities/:id')
  @Authorize(Permission.FacilityManage)
  @ApiOperation({ operationId: 'updateFacility' })
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
    operationId: 'admitToFacility',
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
  @ApiOperation({ operationId: 'dischargePlacement', summary: 'Discharge (date, destination, reason; escort home)' })
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
  @ApiOperation({ operationId: 'listCasePlacements' })
  @ApiOkResponse({ type: [PlacementResponse] })
  placements(@CurrentActor() actor: Actor, @Param() { id }: IdParam): Promise<PlacementResponse[]> {
    return this.facilities.placementsOfCase(actor, id);
  }
}
