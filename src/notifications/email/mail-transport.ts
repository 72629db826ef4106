import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import nodemailer, { type Transporter } from 'nodemailer';
import { APP_CONFIG, type AppConfig } from '../../config/app-config.js';
import type { RenderedEmail } from './email-renderer.js';

/** A send that failed, with a code fit for logs and the outbox (never the server's text, which may quote an address). */
export class MailSendError extends Error {
  constructor(readonly code: string) {
    super(`SMTP send failed: ${code}`);
    this.name = 'MailSendError';
  }
}

/**
 * The SMTP connection (nodemailer). Without SMTP_HOST e-mail is disabled, and start-up says
 * so; nothing else changes (in-app notifications and the work list do not depend on it).
 */
@Injectable()
export class MailTransport implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Email');
  private transporter?: Transporter;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  get enabled(): boolean {
    return this.config.notifications.smtp !== undefined;
  }

  onApplicationBootstrap(): void {
    const smtp = this.config.notifications.smtp;
    if (!smtp) {
      this.logger.warn('E-mail is disabled: SMTP_HOST is not set (in-app notifications and the work list still work)');
      return;
    }
    this.transporter = nodemailer.createTransport({
      host: smtp.host,
      port: smtp.port,
      secure: smtp.secure,
      auth: smtp.user ? { user: smtp.user, pass: smtp.password } : undefined,
      connectionTimeout: 10_000,
      greetingTimeout: 10_000,
      socketTimeout: 30_000,
      tls: { minVersion: 'TLSv1.2' },
    });
    this.logger.log({ smtpHost: smtp.host, smtpPort: smtp.port, smtpSecure: smtp.secure }, 'E-mail is enabled');
  }

  onApplicationShutdown(): void {
    this.transporter?.close();
  }

  /** Sends one message; throws MailSendError (with a code only) when the server does not take it. */
  async send(to: string, message: RenderedEmail, messageId: string): Promise<void> {
    if (!this.transporter) throw new MailSendError('EMAIL_DISABLED');
    try {
      await this.transporter.sendMail({
        from: this.config.notifications.from,
        to,
        subject: message.subject,
        text: message.text,
        // A stable id per outbox row: a retried message is recognisably the same one.
        messageId: `<${messageId}@ctcm>`,
        headers: { 'Auto-Submitted': 'auto-generated', 'X-Auto-Response-Suppress': 'All' },
      });
    } catch (err) {
      const e = err as { code?: unknown; responseCode?: unknown };
      const code = [
        typeof e.code === 'string' ? e.code : 'ESEND',
        typeof e.responseCode === 'number' ? e.responseCode : '',
      ]
        .filter(Boolean)
        .join(':');
      throw new MailSendError(code.replace(/[^A-Z0-9_:]/gi, '').slice(0, 60));
    }
  }
}
