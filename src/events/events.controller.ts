import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { Authorize } from '../auth/authorize.decorator.js';
import { Permission } from '../auth/permissions.js';
import { CurrentActor } from '../common/http/actor.decorator.js';
import type { Actor } from '../common/context/request-context.js';
import { EventPage, EventsQuery } from './dto/event.dto.js';
import { EVENT_PAYLOAD_CLASSES } from './event-catalogue.js';
import { EventsService } from './events.service.js';

@Controller('events')
@ApiExtraModels(...EVENT_PAYLOAD_CLASSES)
export class EventsController {
  constructor(@Inject(EventsService) private readonly events: EventsService) {}

  @Get()
  @Authorize(Permission.EventRead)
  @ApiOperation({
    operationId: 'listEvents',
    summary: "The agency's domain events, oldest first (catch up after downtime; webhooks push the same events)",
  })
  @ApiOkResponse({ type: EventPage })
  list(@CurrentActor() actor: Actor, @Query() query: EventsQuery): Promise<EventPage> {
    return this.events.list(actor, query);
  }
}
