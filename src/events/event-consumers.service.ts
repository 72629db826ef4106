import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { TransactionService } from '../database/transaction.service.js';
import { JobQueue } from '../queue/job-queue.service.js';
import type { JobSpec } from '../queue/queue.queries.js';
import type { DomainEvent, EventType } from './event-catalogue.js';
import { findEventsById } from './events.queries.js';

export type EventHandler = (event: DomainEvent) => Promise<void>;

/** The events of one dispatch batch, oldest first: ids and types only. */
export type DispatchedEvent = { event_id: string; type: string };
/** Runs in the dispatcher's transaction: set-based SQL (and jobs) only, never I/O to the outside. */
export type DispatchStep = (m: EntityManager, events: DispatchedEvent[]) => Promise<void>;

interface Consumer {
  name: string;
  types?: ReadonlySet<EventType>;
}

interface Step {
  name: string;
  step: DispatchStep;
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
  private readonly steps: Step[] = [];

  constructor(
    @Inject(JobQueue) private readonly queue: JobQueue,
    @Inject(TransactionService) private readonly tx: TransactionService,
  ) {}

  register(name: string, handler: EventHandler, options: { types?: readonly EventType[] } = {}): void {
    if (!NAME.test(name)) throw new Error(`Consumer name ${name} must be lower-case kebab`);
    if (this.consumers.some((c) => c.name === name) || this.steps.some((c) => c.name === name))
      throw new Error(`Consumer ${name} is registered twice`);
    this.queue.define<{ eventId: string }>(taskOf(name), ({ eventId }) =>
      this.tx.run(async (m) => {
        const [event] = await findEventsById(m, [eventId]);
        if (event) await handler(event);
      }),
    );
    this.consumers.push({ name, types: options.types ? new Set(options.types) : undefined });
  }

  /**
   * A consumer that needs no job per event: `step` runs inside the dispatcher's transaction
   * with each batch of events it hands over (its writes commit exactly with the hand-over, so
   * every event reaches it exactly once), e.g. to fan a batch out to rows with one INSERT …
   * SELECT and add the few jobs that work on them. It must be quick and set-based: it holds
   * the dispatcher. A throw rolls the batch back into the pending list (retried by the sweep).
   */
  registerDispatchStep(name: string, step: DispatchStep, options: { types?: readonly EventType[] } = {}): void {
    if (!NAME.test(name)) throw new Error(`Consumer name ${name} must be lower-case kebab`);
    if (this.consumers.some((c) => c.name === name) || this.steps.some((c) => c.name === name))
      throw new Error(`Consumer ${name} is registered twice`);
    this.steps.push({ name, step, types: options.types ? new Set(options.types) : undefined });
  }

  /** Runs every dispatch step on the batch, in the dispatcher's transaction. */
  async runDispatchSteps(m: EntityManager, events: DispatchedEvent[]): Promise<void> {
    for (const s of this.steps) {
      const wanted = s.types ? events.filter((e) => s.types!.has(e.type as EventType)) : events;
      if (wanted.length) await s.step(m, wanted);
    }
  }

  /** The jobs that hand these events to every consumer that accepts them. */
  jobsFor(events: DispatchedEvent[]): JobSpec[] {
    return events.flatMap((e) =>
      this.consumers
        .filter((c) => !c.types || c.types.has(e.type as EventType))
        .map((c) => ({ task: taskOf(c.name), payload: { eventId: e.event_id }, queueName: taskOf(c.name) })),
    );
  }
}

const taskOf = (consumer: string) => `event:${consumer}`;
