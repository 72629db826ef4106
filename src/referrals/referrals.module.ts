import { Module } from '@nestjs/common';
import { CasesModule } from '../cases/cases.module.js';
import { FacilitiesController } from '../facilities/facilities.controller.js';
import { FacilitiesService } from '../facilities/facilities.service.js';
import { PersonsModule } from '../persons/persons.module.js';
import { TracingModule } from '../tracing/tracing.module.js';
import { ReturnsController } from '../returns/returns.controller.js';
import { ReturnsService } from '../returns/returns.service.js';
import { CaseProfileService } from './case-profile.js';
import { ReferralsController } from './referrals.controller.js';
import { ReferralsService } from './referrals.service.js';

/** Referrals, the facilities they place people in, and returns through the VTC. */
@Module({
  imports: [CasesModule, PersonsModule, TracingModule],
  controllers: [ReferralsController, FacilitiesController, ReturnsController],
  providers: [ReferralsService, FacilitiesService, ReturnsService, CaseProfileService],
  exports: [ReferralsService, FacilitiesService, ReturnsService],
})
export class ReferralsModule {}
