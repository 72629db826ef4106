import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { EventEmitter } from 'node:events';
import { Logger as WorkerLogger, run, type Runner, type Task, type TaskList } from 'graphile-worker';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { DATABASE_URL } from '../database/database.module.js';
import { TransactionService } from '../database/transaction.service.js';
import {
  addJobs,
  beatHeart,
  forgetWorkers,
  type JobSpec,
  QUEUE_SCHEMA,
  unlockJobsOf,
  unlockJobsOfDeadWorkers,
} from './queue.queries.js';

export interface JobContext {
  jobId: string;
  attempts: number;
  maxAttempts: number;
}
export type JobHandler<P = unknown> = (payload: P, job: JobContext) => Promise<void>;

const HEARTBEAT_MS = 5_000;
const DEAD_AFTER_SECONDS = 20;
const RECOVER_EVERY_MS = 10_000;

/**
 * The PostgreSQL job queue (graphile-worker, schema job_queue): every background job of the
 * API is a task here. Jobs wake a worker at once (LISTEN/NOTIFY), are taken with SKIP LOCKED
 * (any number of replicas), retried with backoff, and added in the caller's transaction when
 * they must exist exactly when a change commits. Tasks are defined before the application
 * starts (onModuleInit); the workers start with the application.
 */
@Injectable()
export class JobQueue implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('JobQueue');
  private readonly tasks: TaskList = {};
  private readonly recurring: { task: string; intervalMs: number }[] = [];
  private readonly workerIds = new Set<string>();
  private readonly startHooks: (() => Promise<void>)[] = [];
  private runner?: Runner;
  private heartbeat?: NodeJS.Timeout;
  private recovery?: NodeJS.Timeout;
  private restart?: NodeJS.Timeout;
  private shuttingDown = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(DATABASE_URL) private readonly databaseUrl: string,
    @Inject(TransactionService) private readonly tx: TransactionService,
  ) {}

  /** Runs `handler` for each job of `task`; a throw retries the job with backoff (25 attempts). */
  define<P>(task: string, handler: JobHandler<P>): void {
    if (this.runner) throw new Error(`Task ${task} defined after the queue started`);
    if (this.tasks[task]) throw new Error(`Task ${task} is defined twice`);
    const wrapped: Task = async (payload, helpers) =>
      handler(payload as P, {
        jobId: helpers.job.id,
        attempts: helpers.job.attempts,
        maxAttempts: helpers.job.max_attempts,
      });
    this.tasks[task] = wrapped;
  }

  /**
   * Runs `work` every `intervalMs` on one replica at a time: one waiting job per name (its job
   * key), which schedules the next one before it works. A failed run is logged; the next runs
   * on time. 0 disables.
   */
  every(task: string, intervalMs: number, work: () => Promise<unknown>): void {
    if (intervalMs <= 0) return;
    this.define(task, async () => {
      await this.tx.run((m) => addJobs(m, [this.nextRun(task, intervalMs, 'replace')]));
      await work().catch((err: unknown) =>
        this.logger.warn(
          { task, errorType: (err as Error)?.name, code: (err as { code?: string })?.code },
          'scheduled job failed; it runs again at its next time',
        ),
      );
    });
    this.recurring.push({ task, intervalMs });
  }

  /** Brings the next run of a task scheduled with every() forward to now (still one replica at a time). */
  runNow(task: string): Promise<void> {
    if (!this.recurring.some((r) => r.task === task)) throw new Error(`Task ${task} is not scheduled with every()`);
    return this.tx.run((m) => addJobs(m, [this.nextRun(task, 0, 'replace')]));
  }

  /** Adds jobs in the open transaction (or on their own outside one). */
  enqueue(jobs: JobSpec[]): Promise<void> {
    return addJobs(this.tx.manager(), jobs);
  }

  /** Runs `hook` once the queue's workers (and its schema) are up; never when the queue is off. */
  whenRunning(hook: () => Promise<void>): void {
    this.startHooks.push(hook);
  }

  get running(): boolean {
    return this.runner !== undefined;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.queue.enabled) return;
    await this.startRunner();
    await this.beat();
    this.heartbeat = setInterval(() => {
      this.beat().catch((err: unknown) =>
        this.logger.warn({ errorType: (err as Error)?.name }, 'queue heartbeat failed; will retry'),
      );
    }, HEARTBEAT_MS);
    this.heartbeat.unref();
    // Every replica looks for dead workers on its own timer, not as a queued job: a replica killed
    // while it held that job would otherwise leave nobody to unlock it (or anything else).
    this.recovery = setInterval(() => {
      this.recoverDeadWorkers().catch((err: unknown) =>
        this.logger.warn({ errorType: (err as Error)?.name }, 'dead-worker recovery failed; will retry'),
      );
    }, RECOVER_EVERY_MS);
    this.recovery.unref();
    await this.recoverDeadWorkers();
    await this.tx.run((m) =>
      addJobs(
        m,
        this.recurring.map((r) => this.nextRun(r.task, r.intervalMs, 'preserve_run_at')),
      ),
    );
    for (const hook of this.startHooks) await hook();
  }

  /**
   * Starts graphile-worker. Its runner may stop on its own after an error it cannot recover from
   * (a worker pool failing during a long database outage): the replica would then keep serving
   * while no job runs here, so such a stop is logged and the runner started again, with backoff.
   */
  private async startRunner(): Promise<void> {
    const events = new EventEmitter();
    const ids = new Set<string>();
    const track = (id: string) => (ids.add(id), this.workerIds.add(id));
    events.on('worker:create', ({ worker }: { worker: { workerId: string } }) => track(worker.workerId));
    events.on('pool:create', ({ workerPool }: { workerPool: { id: string } }) => track(workerPool.id));
    const runner = await run({
      connectionString: this.databaseUrl,
      schema: QUEUE_SCHEMA,
      concurrency: this.config.queue.concurrency,
      maxPoolSize: this.config.queue.concurrency + 2,
      pollInterval: this.config.queue.pollIntervalMs,
      noHandleSignals: true,
      taskList: this.tasks,
      events: events as never,
      logger: this.workerLogger(),
      // Completions and failures go through graphile-worker's batcher (0 ms: no waiting), whose
      // error handler stops the pool cleanly; unbatched, a completion that loses its connection
      // (the database restarted) is a floating rejected promise and Node ends the whole API.
      preset: { worker: { completeJobBatchDelay: 0, failJobBatchDelay: 0 } },
    });
    if (this.shuttingDown) {
      await runner.stop().catch(() => undefined);
      return;
    }
    this.runner = runner;
    void runner.promise.then(
      () => this.restartIfUnexpected(runner, ids),
      () => this.restartIfUnexpected(runner, ids),
    );
  }

  private restartIfUnexpected(stopped: Runner, ids: Set<string>): void {
    if (this.shuttingDown || this.runner !== stopped) return; // stopped on purpose
    this.runner = undefined;
    // The stopped pool's workers are dead: stop beating for them, and hand back the jobs they
    // held (one whose completion was cut off runs again) now, or, if the database is still
    // away, once their heartbeat is DEAD_AFTER_SECONDS old.
    for (const id of ids) this.workerIds.delete(id);
    void this.tx.run((m) => unlockJobsOf(m, [...ids])).catch(() => undefined);
    this.scheduleRestart(0);
  }

  private scheduleRestart(attempt: number): void {
    const delayMs = Math.min(60_000, 1_000 * 2 ** attempt);
    this.logger.error({ delayMs, attempt }, 'the job queue runner stopped on its own; starting it again');
    this.restart = setTimeout(() => {
      if (this.shuttingDown) return;
      this.startRunner().catch(() => this.scheduleRestart(attempt + 1));
    }, delayMs);
    this.restart.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    this.shuttingDown = true;
    if (this.restart) clearTimeout(this.restart);
    if (this.heartbeat) clearInterval(this.heartbeat);
    if (this.recovery) clearInterval(this.recovery);
    const runner = this.runner;
    this.runner = undefined;
    if (!runner) return;
    await runner.stop().catch(() => undefined);
    await this.tx.run((m) => forgetWorkers(m, [...this.workerIds])).catch(() => undefined);
  }

  /** Unlocks the jobs and queues of workers silent for DEAD_AFTER_SECONDS; returns their ids. */
  recoverDeadWorkers(): Promise<string[]> {
    return this.tx.run((m) => unlockJobsOfDeadWorkers(m, DEAD_AFTER_SECONDS));
  }

  private beat(): Promise<void> {
    return this.tx.run((m) => beatHeart(m, [...this.workerIds]));
  }

  private nextRun(task: string, intervalMs: number, jobKeyMode: JobSpec['jobKeyMode']): JobSpec {
    return {
      task,
      payload: {},
      runAt: new Date(Date.now() + intervalMs),
      jobKey: `every:${task}`,
      jobKeyMode,
      maxAttempts: 1,
    };
  }

  /** graphile-worker's messages through the API's logger: warnings and errors only, no payloads. */
  private workerLogger(): WorkerLogger {
    return new WorkerLogger(() => (level, message) => {
      if (level === 'error') this.logger.error({ worker: message.slice(0, 300) }, 'job queue error');
      else if (level === 'warning') this.logger.warn({ worker: message.slice(0, 300) }, 'job queue warning');
    });
  }
}
