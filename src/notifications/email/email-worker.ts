import {
  type BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { Clock } from '../../common/clock.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { TransactionService } from '../../database/transaction.service.js';
import {
  claimDueEmailJobs,
  type EmailJobRow,
  findDigestRecipients,
  finishEmailJob,
  retryEmailJobLater,
} from '../notifications.queries.js';
import { EmailOutbox } from './email-outbox.service.js';
import { EmailSender } from './email-sender.js';
import { MailSendError } from './mail-transport.js';

/** Messages one replica takes per round; a claim is held this long before another replica may retry it. */
const BATCH = 10;
const CLAIM_MS = 120_000;
const MAX_RETRY_DELAY_MS = 6 * 3600_000;

/**
 * The background side of e-mail, on every replica: after EMAIL_DIGEST_TIME (local time) it
 * queues each user's digest for the day, once whatever the number of replicas (a dedupe key per
 * user and date), and it sends due messages through EmailSender, retrying failures with
 * exponential backoff up to EMAIL_MAX_ATTEMPTS. Claims use SKIP LOCKED, so replicas never send
 * the same message at once. The same handler serves the events core's job queue once merged.
 */
@Injectable()
export class EmailWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Email');
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopping = false;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(TransactionService) private readonly tx: TransactionService,
    @Inject(EmailOutbox) private readonly outbox: EmailOutbox,
    @Inject(EmailSender) private readonly sender: EmailSender,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    const interval = this.config.notifications.workerIntervalMs;
    if (interval > 0 && this.config.notifications.smtp) {
      this.timer = setInterval(() => void this.runOnce(), interval);
      this.timer.unref();
    }
  }

  /** Stops taking work and waits for the round in progress, before the database pool closes. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** One round (rounds never overlap on a replica). */
  runOnce(): Promise<void> {
    if (this.running || this.stopping) return this.running ?? Promise.resolve();
    this.running = this.round()
      .catch((err: unknown) => this.logger.warn({ errorType: (err as Error)?.name }, 'e-mail round failed; will retry'))
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }

  private async round(): Promise<void> {
    await this.queueDueDigests();
    for (let more = true; more && !this.stopping;) {
      const jobs = await this.tx.run((m) => claimDueEmailJobs(m, BATCH, CLAIM_MS));
      for (const job of jobs) if (!this.stopping) await this.deliver(job);
      more = jobs.length === BATCH;
    }
  }

  /** After the digest time, today's digest for each user who chose one (queued once per user and day). */
  async queueDueDigests(): Promise<number> {
    const now = this.clock.now();
    if (this.clock.localDateTime(now).slice(11, 16) < this.config.notifications.digestTime) return 0;
    const date = this.clock.dateOf(now);
    return this.tx.run(async (m) => {
      let queued = 0;
      for (const r of await findDigestRecipients(m)) {
        const { queued: q } = await this.outbox.enqueue(r.user_id, 'digest', { date }, `digest:${r.user_id}:${date}`);
        if (q) queued++;
      }
      return queued;
    });
  }

  private async deliver(job: EmailJobRow): Promise<void> {
    try {
      await this.sender.handle(job);
    } catch (err) {
      const code = err instanceof MailSendError ? err.code : ((err as Error)?.name ?? 'ERROR').slice(0, 60);
      const { maxAttempts, retryBaseMs } = this.config.notifications;
      if (job.attempts >= maxAttempts) {
        await this.tx.run((m) => finishEmailJob(m, job.id, 'failed', code));
        this.logger.warn({ emailJobId: job.id, attempt: job.attempts, code }, 'e-mail given up');
        return;
      }
      const delay = Math.min(retryBaseMs * 2 ** (job.attempts - 1), MAX_RETRY_DELAY_MS);
      await this.tx.run((m) => retryEmailJobLater(m, job.id, delay, code));
      this.logger.warn(
        { emailJobId: job.id, attempt: job.attempts, code, retryInMs: delay },
        'e-mail failed; will retry',
      );
    }
  }
}
