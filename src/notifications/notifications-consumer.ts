import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { uuidv7 } from '../common/uuid.js';
import { TransactionService } from '../database/transaction.service.js';
import type { DomainEvent, EventType } from '../events/event-catalogue.js';
import { EventConsumers } from '../events/event-consumers.service.js';
import { EmailOutbox } from './email/email-outbox.service.js';
import { MailTransport } from './email/mail-transport.js';
import { type Channel, DEFAULT_CHANNELS } from './notification-kinds.js';
import { NOTIFICATION_RULES } from './notification-rules.js';
import { findNotificationRecipients, insertNotifications, type NewNotification } from './notifications.queries.js';

/**
 * Turns domain events into what each user chose: an in-app notification (listed and streamed)
 * and an immediate e-mail. Runs as the `notifications` consumer of the events core, in its
 * transaction: the notifications and the e-mail jobs commit together, and an event handed over
 * again (at least once) tells nobody twice (one notification and one e-mail per user and event).
 */
@Injectable()
export class NotificationsConsumer implements OnModuleInit {
  constructor(
    @Inject(EventConsumers) private readonly consumers: EventConsumers,
    @Inject(TransactionService) private readonly tx: TransactionService,
    @Inject(EmailOutbox) private readonly outbox: EmailOutbox,
    @Inject(MailTransport) private readonly mail: MailTransport,
  ) {}

  onModuleInit(): void {
    this.consumers.register('notifications', (event) => this.notify(event), {
      types: Object.keys(NOTIFICATION_RULES) as EventType[],
    });
  }

  async notify(event: DomainEvent): Promise<void> {
    const rule = NOTIFICATION_RULES[event.type];
    if (!rule) return;
    const m = this.tx.manager();
    const recipients = await findNotificationRecipients(m, {
      kind: rule.kind,
      roles: rule.roles,
      agencyIds: rule.agencies(event),
      caseId: event.caseId,
      includeLead: rule.lead,
      excludeUserId: rule.except?.(event) ?? null,
    });
    const params = rule.params(event);
    const chosen = (channels: string[] | null) => (channels ?? DEFAULT_CHANNELS) as Channel[];
    const inApp: NewNotification[] = recipients
      .filter((r) => chosen(r.channels).includes('in_app'))
      .map((r) => ({
        id: uuidv7(),
        userId: r.user_id,
        agencyId: r.agency_id,
        eventId: event.id,
        eventType: event.type,
        kind: rule.kind,
        caseId: event.caseId,
        caseNumber: event.caseNumber,
        subjectType: event.subject.type,
        subjectId: event.subject.id,
        params,
      }));
    await insertNotifications(m, inApp);
    if (!this.mail.enabled) return;
    for (const r of recipients.filter((x) => chosen(x.channels).includes('email_immediate'))) {
      await this.outbox.enqueue(
        r.user_id,
        'alert',
        { kind: rule.kind, caseId: event.caseId, caseNumber: event.caseNumber, path: rule.path(event), ...params },
        `alert:${event.id}:${r.user_id}`,
      );
    }
  }
}
