import { Inject, Injectable } from '@nestjs/common';
import { AuditService } from '../../audit/audit.service.js';
import type { Actor } from '../../common/context/request-context.js';
import { DomainError } from '../../common/errors/domain-error.js';
import { uuidv7 } from '../../common/uuid.js';
import { TransactionService } from '../../database/transaction.service.js';
import type { EmailQueuedResponse } from '../dto/notification-preferences.dto.js';
import { JobQueue } from '../../queue/job-queue.service.js';
import { insertEmailJob } from '../notifications.queries.js';
import { MailTransport } from './mail-transport.js';

/** The queue task that sends one outbox row (EmailWorker defines it). */
export const EMAIL_SEND_TASK = 'email.send';
/** Attempts of the queue job itself: a crash mid-send runs it again; send failures retry on their own schedule. */
const SEND_JOB_ATTEMPTS = 5;

/** The queue job that sends a queued message, now or at `runAt`. */
export const emailSendJob = (emailJobId: string, runAt?: Date) => ({
  task: EMAIL_SEND_TASK,
  payload: { emailJobId },
  runAt: runAt ?? null,
  maxAttempts: SEND_JOB_ATTEMPTS,
});

/** The templates the sender knows; a queued row names one and carries ids and codes only. */
export type EmailTemplateName = 'test' | 'digest' | 'alert';

/**
 * Queues e-mail in the caller's transaction (a rolled-back change queues nothing): an outbox
 * row and the job that sends it commit together; the job's handler (EmailSender) delivers it,
 * with retries, never inside a request.
 */
@Injectable()
export class EmailOutbox {
  constructor(
    @Inject(TransactionService) private readonly tx: TransactionService,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(MailTransport) private readonly mail: MailTransport,
    @Inject(JobQueue) private readonly queue: JobQueue,
  ) {}

  /** Queues a message; with a dedupe key, only the first for that key is queued. */
  async enqueue(
    userId: string,
    template: EmailTemplateName,
    params: Record<string, string | number | null>,
    dedupeKey?: string,
  ): Promise<{ id: string; queued: boolean }> {
    const id = uuidv7();
    const queued = await insertEmailJob(this.tx.manager(), { id, userId, template, params, dedupeKey });
    if (queued) await this.queue.enqueue([emailSendJob(id)]);
    return { id, queued };
  }

  /** A test message to the caller's own address, to check that e-mail reaches them. */
  async queueTestMessage(actor: Actor): Promise<EmailQueuedResponse> {
    if (!this.mail.enabled)
      throw new DomainError('EMAIL_DISABLED', 'This deployment sends no e-mail: no SMTP server is configured');
    const { id } = await this.enqueue(actor.userId, 'test', {});
    await this.audit.change('queue', 'email_job', id, [], null, { template: 'test' });
    return { id, status: 'pending' };
  }
}
