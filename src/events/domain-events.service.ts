import { Inject, Injectable } from '@nestjs/common';
import { uuidv7 } from '../common/uuid.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { TransactionService } from '../database/transaction.service.js';
import { type DomainEventInput, EVENT_CATALOGUE, type EventType } from './event-catalogue.js';
import { appendDomainEvent, recordCapacityIfLow } from './events.queries.js';

/**
 * The one way to state that something happened: the event is written in the open
 * transaction, so it commits or rolls back with the change that caused it (an outbox).
 * Payloads hold ids and codes only (see event-catalogue.ts).
 */
@Injectable()
export class DomainEvents {
  constructor(
    @Inject(TransactionService) private readonly tx: TransactionService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async record<T extends EventType>(event: DomainEventInput<T>): Promise<string> {
    const id = uuidv7();
    await appendDomainEvent(
      this.tx.manager(),
      {
        id,
        type: event.type,
        agencyIds: event.agencyIds,
        caseId: event.caseId ?? null,
        subjectType: EVENT_CATALOGUE[event.type].subject,
        subjectId: event.subjectId,
      },
      event.payload,
    );
    return id;
  }

  /** After an admission: states facility.capacity-low when the free beds fell to FACILITY_LOW_BEDS. */
  async checkCapacity(facilityId: string): Promise<void> {
    await recordCapacityIfLow(this.tx.manager(), facilityId, this.config.events.facilityLowBeds);
  }
}
