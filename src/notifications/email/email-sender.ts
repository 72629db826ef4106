import { Inject, Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditService } from '../../audit/audit.service.js';
import { permissionsOf } from '../../auth/permissions.js';
import { Clock } from '../../common/clock.js';
import { type Actor, requestContext } from '../../common/context/request-context.js';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import { TransactionService } from '../../database/transaction.service.js';
import { WORK_KINDS } from '../../work-list/dto/work-list.dto.js';
import { WorkListService } from '../../work-list/work-list.service.js';
import { DIGEST_SECTION_KIND, type NotificationKind } from '../notification-kinds.js';
import { NotificationPreferencesService } from '../notification-preferences.service.js';
import { type EmailJobRow, findEmailRecipient, finishEmailJob } from '../notifications.queries.js';
import { type RenderedEmail, renderAlert, renderDigest, renderTestEmail } from './email-renderer.js';
import { MailTransport } from './mail-transport.js';

export type EmailJobOutcome = 'sent' | 'skipped';

/**
 * The job handler that sends one queued message: it reads the address, renders the content as
 * the user (their roles, their record access, row-level security), sends it and records the
 * sending in the audit trail with the ids it disclosed. A failure throws: the queue retries.
 */
@Injectable()
export class EmailSender {
  private readonly logger = new Logger('Email');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(TransactionService) private readonly tx: TransactionService,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(MailTransport) private readonly mail: MailTransport,
    @Inject(WorkListService) private readonly workList: WorkListService,
    @Inject(NotificationPreferencesService) private readonly preferences: NotificationPreferencesService,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  /** Runs work in a transaction as the user: the access rules and row-level security apply to them. */
  private runAs<T>(actor: Actor, jobId: string, work: (m: EntityManager) => Promise<T>): Promise<T> {
    return requestContext.run({ requestId: jobId, actor }, () => this.tx.run(work));
  }

  async handle(job: EmailJobRow): Promise<EmailJobOutcome> {
    const recipient = await this.tx.run((m) => findEmailRecipient(m, job.user_id));
    if (!recipient?.active) {
      await this.tx.run((m) => finishEmailJob(m, job.id, 'skipped', 'RECIPIENT_INACTIVE'));
      return 'skipped';
    }
    const actor: Actor = {
      userId: job.user_id,
      agencyId: recipient.agency_id,
      roles: recipient.roles,
      permissions: permissionsOf(recipient.roles),
      tokenVersion: 0,
    };
    const rendered = await this.runAs(actor, job.id, (m) => this.render(m, actor, job));
    if (!rendered) {
      await this.tx.run((m) => finishEmailJob(m, job.id, 'skipped', 'NOTHING_TO_SEND'));
      return 'skipped';
    }
    await this.mail.send(recipient.email, rendered.message, job.id);
    await this.runAs(actor, job.id, async (m) => {
      await this.audit.change('send', 'email_job', job.id, [], null, {
        template: job.template,
        ...(rendered.caseIds.length ? { caseIds: rendered.caseIds } : {}),
      });
      await finishEmailJob(m, job.id, 'sent');
    });
    this.logger.log({ emailJobId: job.id, template: job.template, attempt: job.attempts }, 'e-mail sent');
    return 'sent';
  }

  private async render(
    m: EntityManager,
    actor: Actor,
    job: EmailJobRow,
  ): Promise<{ message: RenderedEmail; caseIds: string[] } | null> {
    const prefs = await this.preferences.effective(m, actor.userId);
    const base = this.config.notifications.frontendBaseUrl;
    switch (job.template) {
      case 'test':
        return { message: renderTestEmail(prefs.language), caseIds: [] };
      case 'digest': {
        const sections = WORK_KINDS.filter((k) => prefs.channels[DIGEST_SECTION_KIND[k]].includes('email_digest'));
        if (sections.length === 0) return null;
        const list = await this.workList.forActor(actor);
        const date = String(job.params.date ?? list.today);
        const message = renderDigest(prefs.language, date, list, sections, base, (iso) =>
          this.clock.localDateTime(new Date(iso)),
        );
        if (!message) return null;
        const caseIds = [
          ...list.referralsToAnswer.map((r) => r.caseId),
          ...list.closuresToApprove.map((r) => r.caseId),
          ...list.followUpsOverdue.map((r) => r.caseId),
          ...list.followUpsDueThisWeek.map((r) => r.caseId),
        ];
        return { message, caseIds: [...new Set(caseIds)] };
      }
      case 'alert': {
        const kind = String(job.params.kind) as NotificationKind;
        const path = typeof job.params.path === 'string' ? job.params.path : undefined;
        const caseId = typeof job.params.caseId === 'string' ? job.params.caseId : undefined;
        const params = { ...job.params };
        // Deadlines in the deployment's local time, as people read them.
        for (const key of ['dueBy', 'expiresAt'])
          if (typeof params[key] === 'string') params[key] = this.clock.localDateTime(new Date(params[key] as string));
        return {
          message: renderAlert(prefs.language, kind, params, base && path ? `${base}${path}` : undefined),
          caseIds: caseId ? [caseId] : [],
        };
      }
      default:
        throw new Error(`unknown e-mail template ${job.template}`);
    }
  }
}
