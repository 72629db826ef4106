import { Module } from '@nestjs/common';
import { PersonsModule } from '../persons/persons.module.js';
import { AssistanceController, FollowUpsController } from './assistance.controller.js';
import { AssistanceService } from './assistance.service.js';
import { CasesController, ScreeningCaseController } from './cases.controller.js';
import { CasesService } from './cases.service.js';
import { TimelineService } from './timeline.service.js';

@Module({
  imports: [PersonsModule],
  controllers: [CasesController, ScreeningCaseController, AssistanceController, FollowUpsController],
  providers: [CasesService, AssistanceService, TimelineService],
  exports: [CasesService, AssistanceService, TimelineService],
})
export class CasesModule {}
