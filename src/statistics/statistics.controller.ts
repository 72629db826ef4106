import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { Authorize } from '../auth/authorize.decorator.js';
import { Permission } from '../auth/permissions.js';
import type { Actor } from '../common/context/request-context.js';
import { CurrentActor } from '../common/http/actor.decorator.js';
import {
  MeasureParam,
  MeasureSummary,
  StatisticQuery,
  StatisticTable,
  UnmetNeedsQuery,
  UnmetNeedsReport,
} from './dto/statistics.dto.js';
import { StatisticsService } from './statistics.service.js';

@Controller()
export class StatisticsController {
  constructor(@Inject(StatisticsService) private readonly statistics: StatisticsService) {}

  @Get('statistics')
  @Authorize(Permission.ReportRead)
  @ApiOperation({
    operationId: 'listStatistics',
    summary: 'The statistics on offer: each definition and its dimensions',
  })
  @ApiOkResponse({ type: [MeasureSummary] })
  list(): MeasureSummary[] {
    return this.statistics.measures();
  }

  @Get('statistics/:measure')
  @Authorize(Permission.ReportRead)
  @ApiOperation({
    operationId: 'getStatistic',
    summary: 'Counts of one statistic by month, quarter or year and one dimension (small cells withheld)',
  })
  @ApiOkResponse({ type: StatisticTable })
  get(
    @CurrentActor() actor: Actor,
    @Param() { measure }: MeasureParam,
    @Query() q: StatisticQuery,
  ): Promise<StatisticTable> {
    return this.statistics.table(actor, measure, q);
  }

  @Get('reports/unmet-needs')
  @Authorize(Permission.ReportRead)
  @ApiOperation({
    operationId: 'getUnmetNeedsReport',
    summary: 'People no eligible facility could take, by province, service and profile (small cells suppressed)',
  })
  @ApiOkResponse({ type: UnmetNeedsReport })
  unmetNeeds(@Query() q: UnmetNeedsQuery): Promise<UnmetNeedsReport> {
    return this.statistics.unmetNeeds(q.from, q.to);
  }
}
