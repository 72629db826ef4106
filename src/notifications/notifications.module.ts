import { Module } from '@nestjs/common';
import { WorkListModule } from '../work-list/work-list.module.js';
import { EmailOutbox } from './email/email-outbox.service.js';
import { EmailSender } from './email/email-sender.js';
import { EmailWorker } from './email/email-worker.js';
import { MailTransport } from './email/mail-transport.js';
import { NotificationPreferencesController } from './notifications.controller.js';
import { NotificationPreferencesService } from './notification-preferences.service.js';
import { NotificationStream } from './notification-stream.js';
import { NotificationsConsumer } from './notifications-consumer.js';
import { NotificationsController } from './notifications-inbox.controller.js';
import { NotificationsService } from './notifications.service.js';

/**
 * Notifications: preferences, in-app notifications from domain events (list, read marks, live
 * stream), e-mail through SMTP on the job queue (immediate alerts, the daily digest, test messages).
 */
@Module({
  imports: [WorkListModule],
  controllers: [NotificationPreferencesController, NotificationsController],
  providers: [
    NotificationPreferencesService,
    NotificationsService,
    NotificationStream,
    NotificationsConsumer,
    MailTransport,
    EmailOutbox,
    EmailSender,
    EmailWorker,
  ],
  exports: [NotificationPreferencesService, EmailOutbox, EmailWorker],
})
export class NotificationsModule {}
