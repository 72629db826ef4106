import { Module } from '@nestjs/common';
import { CasesModule } from '../cases/cases.module.js';
import { PersonsModule } from '../persons/persons.module.js';
import { CaseTransfersController } from './case-transfers.controller.js';
import { CaseTransfersService } from './case-transfers.service.js';

/** Transfers of a case's lead between agencies. */
@Module({
  imports: [CasesModule, PersonsModule],
  controllers: [CaseTransfersController],
  providers: [CaseTransfersService],
  exports: [CaseTransfersService],
})
export class CaseTransfersModule {}
