import { Global, Module } from '@nestjs/common';
import { DomainEvents } from './domain-events.service.js';
import { EventConsumers } from './event-consumers.service.js';
import { EventDispatcher } from './event-dispatcher.service.js';
import { EventsController } from './events.controller.js';
import { EventsService } from './events.service.js';

/** Domain events: the outbox (DomainEvents), its consumers (EventConsumers) and the agency's feed. */
@Global()
@Module({
  controllers: [EventsController],
  providers: [DomainEvents, EventConsumers, EventDispatcher, EventsService],
  exports: [DomainEvents, EventConsumers],
})
export class EventsModule {}
