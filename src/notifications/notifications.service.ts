import { Inject, Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service.js';
import type { Actor } from '../common/context/request-context.js';
import { notFound } from '../common/errors/domain-error.js';
import { TransactionService } from '../database/transaction.service.js';
import type {
  NotificationListQuery,
  NotificationPage,
  NotificationResponse,
  ReadAllResponse,
} from './dto/notification.dto.js';
import {
  countUnreadNotifications,
  findNotificationsPage,
  markAllNotificationsRead,
  markNotificationRead,
  type NotificationRow,
} from './notifications.queries.js';

export const toNotificationResponse = (r: NotificationRow): NotificationResponse => ({
  id: r.id,
  kind: r.kind,
  eventId: r.event_id,
  eventType: r.event_type,
  caseId: r.case_id,
  caseNumber: r.case_number,
  subject: { type: r.subject_type, id: r.subject_id },
  params: r.params,
  createdAt: r.created_at.toISOString(),
  readAt: r.read_at?.toISOString() ?? null,
});

/** The caller's own in-app notifications: newest first, with read marks. */
@Injectable()
export class NotificationsService {
  constructor(
    @Inject(TransactionService) private readonly tx: TransactionService,
    @Inject(AuditService) private readonly audit: AuditService,
  ) {}

  async list(actor: Actor, q: NotificationListQuery): Promise<NotificationPage> {
    const m = this.tx.manager();
    const limit = q.limit ?? 50;
    const rows = await findNotificationsPage(m, actor.userId, {
      unreadOnly: q.unread ?? false,
      before: q.cursor ?? null,
      limit: limit + 1,
    });
    const items = rows.slice(0, limit);
    this.audit.touch(
      'notification',
      items.map((r) => r.id),
      items.flatMap((r) => (r.case_id ? [r.case_id] : [])),
    );
    return {
      items: items.map(toNotificationResponse),
      nextCursor: rows.length > limit ? (items.at(-1)?.id ?? null) : null,
      unread: await countUnreadNotifications(m, actor.userId),
    };
  }

  async markRead(actor: Actor, id: string): Promise<NotificationResponse> {
    const row = await markNotificationRead(this.tx.manager(), actor.userId, id);
    if (!row) throw notFound('Notification');
    await this.audit.change('read', 'notification', id, [{ field: 'readAt', personal: false }], row.case_id);
    return toNotificationResponse(row);
  }

  async markAllRead(actor: Actor): Promise<ReadAllResponse> {
    const ids = await markAllNotificationsRead(this.tx.manager(), actor.userId);
    this.audit.touch('notification', ids);
    this.audit.noteDetails({ marked: ids.length });
    return { marked: ids.length };
  }
}
