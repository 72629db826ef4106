import { Inject, Injectable } from '@nestjs/common';
import { TransactionService } from '../database/transaction.service.js';
import { JobQueue } from '../queue/job-queue.service.js';
import type { JobSpec } from '../queue/queue.queries.js';
import type { DomainEvent, EventType } from './event-catalogue.js';
import { findEventsById } from './events.queries.js';

export type EventHandler = (event: DomainEvent) => Promise<void>;

interface Consumer {
  name: string;
  types?: ReadonlySet<EventType>;
}

const NAME = /^[a-z][a-z0-9-]{0,40}$/;

/**
 * Who wants domain events. A consumer registers once, before the application starts (in its
 * onModuleInit); the dispatcher then gives it one job per event it accepts. Its handler runs in
 * a transaction: what it writes (and the jobs it adds) commit together, and a throw rolls
 * them back and retries the event later. A consumer's jobs share one named queue, so it gets
 * events one at a time in the order they were stated (a failed one is retried later, after
 * the next). Delivery is at least once: handlers must be idempotent (the event id is stable).
 */
@Injectable()
export class EventConsumers {
  private readonly consumers: Consumer[] = [];

  constructor(
    @Inject(JobQueue) private readonly queue: JobQueue,
    @Inject(TransactionService) private readonly tx: TransactionService,
  ) {}

  register(name: string, handler: EventHandler, options: { types?: readonly EventType[] } = {}): void {
    if (!NAME.test(name)) throw new Error(`Consumer name ${name} must be lower-case kebab`);
    if (this.consumers.some((c) => c.name === name)) throw new Error(`Consumer ${name} is registered twice`);
    this.queue.define<{ eventId: string }>(taskOf(name), ({ eventId }) =>
      this.tx.run(async (m) => {
        const [event] = await findEventsById(m, [eventId]);
        if (event) await handler(event);
      }),
    );
    this.consumers.push({ name, types: options.types ? new Set(options.types) : undefined });
  }

  /** The jobs that hand these events to every consumer that accepts them. */
  jobsFor(events: { event_id: string; type: string }[]): JobSpec[] {
    return events.flatMap((e) =>
      this.consumers
        .filter((c) => !c.types || c.types.has(e.type as EventType))
        .map((c) => ({ task: taskOf(c.name), payload: { eventId: e.event_id }, queueName: taskOf(c.name) })),
    );
  }
}

const taskOf = (consumer: string) => `event:${consumer}`;
