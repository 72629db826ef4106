import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { Clock } from '../../common/clock.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { TransactionService } from '../../database/transaction.service.js';
import { JobQueue } from '../../queue/job-queue.service.js';
import { claimEmailJob, findDigestRecipients, finishEmailJob, noteEmailJobError } from '../notifications.queries.js';
import { EMAIL_SEND_TASK, EmailOutbox, emailSendJob } from './email-outbox.service.js';
import { EmailSender } from './email-sender.js';
import { MailSendError } from './mail-transport.js';

const MAX_RETRY_DELAY_MS = 6 * 3600_000;

/**
 * E-mail on the job queue. `email.send` sends one outbox row through EmailSender; a refused or
 * failed send is tried again after EMAIL_RETRY_BASE_MS, doubling each time, up to
 * EMAIL_MAX_ATTEMPTS, then kept as failed. `email.digests` runs every
 * EMAIL_DIGEST_CHECK_INTERVAL_MS on one replica: after EMAIL_DIGEST_TIME (local time) it queues
 * each user's digest for the day, once per user and date (a dedupe key).
 */
@Injectable()
export class EmailWorker implements OnModuleInit {
  private readonly logger = new Logger('Email');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(TransactionService) private readonly tx: TransactionService,
    @Inject(JobQueue) private readonly queue: JobQueue,
    @Inject(EmailOutbox) private readonly outbox: EmailOutbox,
    @Inject(EmailSender) private readonly sender: EmailSender,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.queue.define<{ emailJobId: string }>(EMAIL_SEND_TASK, ({ emailJobId }) => this.send(emailJobId));
    if (this.config.notifications.smtp)
      this.queue.every('email.digests', this.config.notifications.digestCheckIntervalMs, () => this.queueDueDigests());
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

  /** One attempt at one message. */
  private async send(emailJobId: string): Promise<void> {
    const job = await this.tx.run((m) => claimEmailJob(m, emailJobId));
    if (!job) return;
    if (!this.config.notifications.smtp) {
      await this.tx.run((m) => finishEmailJob(m, job.id, 'skipped', 'EMAIL_DISABLED'));
      return;
    }
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
      await this.tx.run(async (m) => {
        await noteEmailJobError(m, job.id, code);
        await this.queue.enqueue([emailSendJob(job.id, new Date(Date.now() + delay))]);
      });
      this.logger.warn(
        { emailJobId: job.id, attempt: job.attempts, code, retryInMs: delay },
        'e-mail failed; will retry',
      );
    }
  }
}
