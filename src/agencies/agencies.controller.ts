import { Body, Controller, Get, Inject, Param, Patch, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { Authorize } from '../auth/authorize.decorator.js';
import { Permission } from '../auth/permissions.js';
import { IdParam } from '../common/http/params.js';
import { AgenciesService } from './agencies.service.js';
import { AgencyResponse, CreateAgencyRequest, UpdateAgencyRequest } from './dto/agency.dto.js';

@Controller('agencies')
export class AgenciesController {
  constructor(@Inject(AgenciesService) private readonly agencies: AgenciesService) {}

  @Get()
  @Authorize(Permission.AgencyRead)
  @ApiOperation({ operationId: 'listAgencies', summary: 'The agency directory' })
  @ApiOkResponse({ type: [AgencyResponse] })
  list(): Promise<AgencyResponse[]> {
    return this.agencies.list();
  }

  @Get(':id')
  @Authorize(Permission.AgencyRead)
  @ApiOperation({ operationId: 'getAgency' })
  @ApiOkResponse({ type: AgencyResponse })
  get(@Param() { id }: IdParam): Promise<AgencyResponse> {
    return this.agencies.get(id);
  }

  @Post()
  @Authorize(Permission.AgencyManage)
  @ApiOperation({ operationId: 'createAgency', summary: 'Register an agency (system administrators)' })
  @ApiCreatedResponse({ type: AgencyResponse })
  create(@Body() body: CreateAgencyRequest): Promise<AgencyResponse> {
    return this.agencies.create(body);
  }

  @Patch(':id')
  @Authorize(Permission.AgencyManage)
  @ApiOperation({ operationId: 'updateAgency', summary: 'Update or (de)activate an agency (system administrators)' })
  @ApiOkResponse({ type: AgencyResponse })
  update(@Param() { id }: IdParam, @Body() body: UpdateAgencyRequest): Promise<AgencyResponse> {
    return this.agencies.update(id, body);
  }
}
