import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import pg from 'pg';
import { DATABASE_URL } from '../database/database.module.js';
import { TransactionService } from '../database/transaction.service.js';
import { addJobs } from '../queue/queue.queries.js';
import { JobQueue } from '../queue/job-queue.service.js';
import { EventConsumers } from './event-consumers.service.js';
import { takePendingEvents, tryDispatcherLock } from './events.queries.js';

const BATCH = 500;
const SWEEP_MS = 15_000;
const RELISTEN_MS = 1_000;

/**
 * Hands committed events to their consumers' jobs (and dispatch steps). Each batch is taken from
 * domain_event_pending (oldest first) and turned into jobs in one transaction, so every event
 * is handed over exactly once even with several replicas (one dispatcher at a time, advisory
 * lock) and a crash in between loses nothing. It wakes on the trigger's NOTIFY at commit;
 * a sweep on the queue catches anything a lost connection missed.
 */
@Injectable()
export class EventDispatcher implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('EventDispatcher');
  private listener?: pg.Client;
  private running?: Promise<void>;
  private again = false;
  private stopped = false;
  private relisten?: NodeJS.Timeout;

  constructor(
    @Inject(DATABASE_URL) private readonly databaseUrl: string,
    @Inject(TransactionService) private readonly tx: TransactionService,
    @Inject(JobQueue) private readonly queue: JobQueue,
    @Inject(EventConsumers) private readonly consumers: EventConsumers,
  ) {}

  onModuleInit(): void {
    this.queue.every('events.dispatch-sweep', SWEEP_MS, () => this.dispatchPending());
    this.queue.whenRunning(async () => {
      await this.listen();
      this.kick();
    });
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.relisten) clearTimeout(this.relisten);
    await this.listener?.end().catch(() => undefined);
    await this.running?.catch(() => undefined);
  }

  /** Dispatches until nothing is pending; a wake-up during a run makes it go round once more. */
  kick(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          await this.dispatchPending();
        } while (this.again && !this.stopped);
      } catch (err) {
        this.logger.warn(
          { errorType: (err as Error)?.name, code: (err as { code?: string })?.code },
          'event dispatch failed; the sweep retries',
        );
      } finally {
        this.running = undefined;
      }
    })();
  }

  /** Hands every pending event over; returns how many. */
  async dispatchPending(): Promise<number> {
    let total = 0;
    for (;;) {
      const taken = await this.tx.run(async (m) => {
        if (!(await tryDispatcherLock(m))) return 0;
        const events = await takePendingEvents(m, BATCH);
        await this.consumers.runDispatchSteps(m, events);
        await addJobs(m, this.consumers.jobsFor(events));
        return events.length;
      });
      total += taken;
      if (taken < BATCH) return total;
    }
  }

  private async listen(): Promise<void> {
    if (this.stopped) return;
    const client = new pg.Client({ connectionString: this.databaseUrl, application_name: 'ctcm-event-dispatcher' });
    const retry = () => {
      if (this.stopped || this.listener !== client) return;
      this.listener = undefined;
      client.end().catch(() => undefined);
      this.relisten = setTimeout(() => {
        this.listen()
          .then(() => this.kick())
          .catch(() => undefined);
      }, RELISTEN_MS);
      this.relisten.unref();
    };
    client.on('error', retry);
    client.on('end', retry);
    client.on('notification', () => this.kick());
    this.listener = client;
    try {
      await client.connect();
      await client.query('LISTEN ctcm_domain_event');
    } catch (err) {
      this.logger.warn({ errorType: (err as Error)?.name }, 'event listener could not connect; retrying');
      retry();
    }
  }
}
