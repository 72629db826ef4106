import { Module } from '@nestjs/common';
import { PersonsModule } from '../persons/persons.module.js';
import { TracingMatcher } from './tracing-matcher.js';
import { TracingController } from './tracing.controller.js';
import { TracingService } from './tracing.service.js';

/** Family tracing requests and the blind-index matching shared with pre-arrival notices. */
@Module({
  imports: [PersonsModule],
  controllers: [TracingController],
  providers: [TracingService, TracingMatcher],
  exports: [TracingMatcher, TracingService],
})
export class TracingModule {}
