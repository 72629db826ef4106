import { Module } from '@nestjs/common';
import { RetentionErasersModule } from '../data-protection/retention-erasers.module.js';
import { PersonsModule } from '../persons/persons.module.js';
import { ScreeningModule } from '../screening/screening.module.js';
import { IntakeConnectionsService } from './intake-connections.service.js';
import { IntakeController, XlsFormController } from './intake.controller.js';
import { IntakeErasers } from './intake-erasers.js';
import { IntakeFormService } from './intake-form.service.js';
import { IntakeSubmissionsService } from './intake-submissions.service.js';

@Module({
  imports: [PersonsModule, ScreeningModule, RetentionErasersModule],
  controllers: [XlsFormController, IntakeController],
  providers: [IntakeFormService, IntakeConnectionsService, IntakeSubmissionsService, IntakeErasers],
  exports: [IntakeSubmissionsService],
})
export class IntakeModule {}
