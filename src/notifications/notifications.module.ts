import { Module } from '@nestjs/common';
import { WorkListModule } from '../work-list/work-list.module.js';
import { EmailOutbox } from './email/email-outbox.service.js';
import { EmailSender } from './email/email-sender.js';
import { EmailWorker } from './email/email-worker.js';
import { MailTransport } from './email/mail-transport.js';
import { NotificationPreferencesController } from './notifications.controller.js';
import { NotificationPreferencesService } from './notification-preferences.service.js';

/** Notification preferences, e-mail through SMTP (queued, sent in the background) and the daily digest. */
@Module({
  imports: [WorkListModule],
  controllers: [NotificationPreferencesController],
  providers: [NotificationPreferencesService, MailTransport, EmailOutbox, EmailSender, EmailWorker],
  exports: [NotificationPreferencesService, EmailOutbox, EmailWorker],
})
export class NotificationsModule {}
