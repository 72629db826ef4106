import { Controller, Get, Headers, Inject, Param, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces } from '@nestjs/swagger';
import type { Response } from 'express';
import { Authorize } from '../auth/authorize.decorator.js';
import { Permission } from '../auth/permissions.js';
import type { Actor } from '../common/context/request-context.js';
import { CurrentActor } from '../common/http/actor.decorator.js';
import {
  CtdcExportQuery,
  MeasureParam,
  MeasureSummary,
  MonthlyReportQuery,
  StatisticQuery,
  StatisticTable,
  UnmetNeedsQuery,
  UnmetNeedsReport,
} from './dto/statistics.dto.js';
import { renderMonthlyReportCsv, renderMonthlyReportHtml } from './monthly-report.render.js';
import { RequestLanguage } from '../i18n/request-language.decorator.js';
import type { Language } from '../i18n/messages.js';
import { CtdcExportService } from './ctdc-export.service.js';
import { MonthlyReportService } from './monthly-report.service.js';
import { StatisticsService } from './statistics.service.js';

@Controller()
export class StatisticsController {
  constructor(
    @Inject(StatisticsService) private readonly statistics: StatisticsService,
    @Inject(MonthlyReportService) private readonly monthly: MonthlyReportService,
    @Inject(CtdcExportService) private readonly ctdc: CtdcExportService,
  ) {}

  @Get('statistics/exports/ctdc')
  @Authorize(Permission.ReportRead)
  @ApiOperation({
    operationId: 'exportCtdcCases',
    summary: 'De-identified case-level file in CTDC columns (k-anonymised, research consent only), CSV or XLSX, signed',
  })
  @ApiProduces('text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
  @ApiOkResponse({ description: 'The rows, then a signed manifest (CSV: last line; XLSX: the manifest sheet)' })
  exportCtdc(@CurrentActor() actor: Actor, @Query() q: CtdcExportQuery, @Res() res: Response): Promise<void> {
    return this.ctdc.export(actor, (q.format ?? 'csv') as 'csv' | 'xlsx', q.k, res);
  }

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

  @Get('reports/monthly')
  @Authorize(Permission.ReportRead)
  @ApiOperation({
    operationId: 'getMonthlyReport',
    summary:
      'The monthly report for the NSC and donors: printable HTML with charts, or its tables as CSV (Lao or English)',
  })
  @ApiProduces('text/html', 'text/csv')
  @ApiOkResponse({ description: 'A printable HTML page with inline SVG charts, or the same tables as CSV' })
  async monthlyReport(
    @CurrentActor() actor: Actor,
    @Query() q: MonthlyReportQuery,
    @RequestLanguage() lang: Language,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) res: Response,
  ): Promise<string> {
    const report = await this.monthly.build(actor, q.month, lang);
    const csv = q.format ? q.format === 'csv' : /\btext\/csv\b/.test(accept ?? '');
    res.setHeader('content-type', csv ? 'text/csv; charset=utf-8' : 'text/html; charset=utf-8');
    if (csv) res.setHeader('content-disposition', `attachment; filename="monthly-report-${q.month}.csv"`);
    return csv ? renderMonthlyReportCsv(report) : renderMonthlyReportHtml(report);
  }
}
