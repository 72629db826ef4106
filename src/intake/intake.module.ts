import { Module } from '@nestjs/common';
import { PersonsModule } from '../persons/persons.module.js';
import { ScreeningModule } from '../screening/screening.module.js';
import { IntakeConnectionsService } from './intake-connections.service.js';
import { IntakeController, XlsFormController } from './intake.controller.js';
import { IntakeFormService } from './intake-form.service.js';
import { IntakeSubmissionsService } from './intake-submissions.service.js';

@Module({
  imports: [PersonsModule, ScreeningModule],
  controllers: [XlsFormController, IntakeController],
  providers: [IntakeFormService, IntakeConnectionsService, IntakeSubmissionsService],
})
export class IntakeModule {}
