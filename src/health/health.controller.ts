import { Controller, Get, HttpCode, Inject } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiOperation } from '@nestjs/swagger';
import { Authorize } from '../auth/authorize.decorator.js';
import { Permission } from '../auth/permissions.js';
import { HealthProbe } from '../request-pipeline/request-transaction.interceptor.js';
import { HealthService } from './health.service.js';
import { HealthResponse } from './health.dto.js';

@Controller('health')
@HealthProbe()
export class HealthController {
  constructor(@Inject(HealthService) private readonly health: HealthService) {}

  @Get('live')
  @HttpCode(200)
  @Authorize(Permission.HealthRead)
  @ApiOperation({ operationId: 'checkLiveness' })
  @ApiOkResponse({ type: HealthResponse, description: 'The process is up' })
  live(): HealthResponse {
    return { status: 'ok', checks: {} };
  }

  @Get('ready')
  @Authorize(Permission.HealthRead)
  @ApiOperation({ operationId: 'checkReadiness' })
  @ApiOkResponse({ type: HealthResponse, description: 'The database answers and no migration is pending' })
  @ApiServiceUnavailableResponse({ description: 'Not ready (problem+json, code SERVICE_UNAVAILABLE)' })
  ready(): Promise<HealthResponse> {
    return this.health.readiness();
  }
}
