import { Module } from '@nestjs/common';
import { PersonsModule } from '../persons/persons.module.js';
import { AgeBandRefresh } from './age-band-refresh.service.js';
import { CtdcExportService } from './ctdc-export.service.js';
import { MonthlyReportService } from './monthly-report.service.js';
import { StatisticsController } from './statistics.controller.js';
import { StatisticsRefresh } from './statistics-refresh.service.js';
import { StatisticsService } from './statistics.service.js';

/** Evidence for managers, the NSC and donors: statistics, the monthly report, de-identified exports. */
@Module({
  imports: [PersonsModule],
  controllers: [StatisticsController],
  providers: [StatisticsService, MonthlyReportService, CtdcExportService, AgeBandRefresh, StatisticsRefresh],
  exports: [StatisticsService],
})
export class StatisticsModule {}
