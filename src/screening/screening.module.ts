import { Module } from '@nestjs/common';
import { PersonsModule } from '../persons/persons.module.js';
import { CatalogueService } from './catalogue.service.js';
import { CatalogueController, ScreeningController } from './screening.controller.js';
import { ScreeningService } from './screening.service.js';

@Module({
  imports: [PersonsModule],
  controllers: [ScreeningController, CatalogueController],
  providers: [ScreeningService, CatalogueService],
  exports: [ScreeningService, CatalogueService],
})
export class ScreeningModule {}
