import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditService, diffFields } from '../audit/audit.service.js';
import type { Actor } from '../common/context/request-context.js';
import { TransactionService } from '../database/transaction.service.js';
import type {
  NotificationPreferencesResponse,
  UpdateNotificationPreferencesRequest,
} from './dto/notification-preferences.dto.js';
import { MailTransport } from './email/mail-transport.js';
import {
  type Channel,
  DEFAULT_CHANNELS,
  DEFAULT_LANGUAGE,
  type Language,
  NOTIFICATION_KINDS,
  type NotificationKind,
} from './notification-kinds.js';
import { findPreference, upsertPreference } from './notifications.queries.js';

/** A user's choices, with the defaults filled in for every kind not chosen yet. */
export interface EffectivePreferences {
  language: Language;
  channels: Record<NotificationKind, Channel[]>;
  updatedAt: Date | null;
}

/** Each user's own notification preferences: language, and per kind the channels chosen. */
@Injectable()
export class NotificationPreferencesService {
  constructor(
    @Inject(TransactionService) private readonly tx: TransactionService,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(MailTransport) private readonly mail: MailTransport,
  ) {}

  /** The preferences of the user the transaction runs as (row-level security shows no other row). */
  async effective(m: EntityManager, userId: string): Promise<EffectivePreferences> {
    const row = await findPreference(m, userId);
    const channels = Object.fromEntries(
      NOTIFICATION_KINDS.map((k) => [k, (row?.channels[k] ?? DEFAULT_CHANNELS) as Channel[]]),
    ) as Record<NotificationKind, Channel[]>;
    return { language: (row?.language ?? DEFAULT_LANGUAGE) as Language, channels, updatedAt: row?.updated_at ?? null };
  }

  private toResponse(p: EffectivePreferences): NotificationPreferencesResponse {
    return {
      language: p.language,
      kinds: NOTIFICATION_KINDS.map((kind) => ({ kind, channels: [...p.channels[kind]] })),
      emailEnabled: this.mail.enabled,
      updatedAt: p.updatedAt?.toISOString() ?? null,
    };
  }

  async get(actor: Actor): Promise<NotificationPreferencesResponse> {
    const p = await this.effective(this.tx.manager(), actor.userId);
    this.audit.touch('notification_preference', [actor.userId]);
    return this.toResponse(p);
  }

  async update(actor: Actor, body: UpdateNotificationPreferencesRequest): Promise<NotificationPreferencesResponse> {
    const m = this.tx.manager();
    const before = await this.effective(m, actor.userId);
    const channels: Record<string, string[]> = { ...before.channels };
    // Stored in the order of CHANNELS, so a read shows the same list whatever order was sent.
    for (const k of body.kinds)
      channels[k.kind] = ['in_app', 'email_immediate', 'email_digest'].filter((c) => k.channels.includes(c));
    const row = await upsertPreference(m, actor.userId, body.language, channels);
    await this.audit.change(
      'update',
      'notification_preference',
      actor.userId,
      diffFields({ language: before.language, channels: before.channels }, { language: row.language, channels }),
    );
    return this.toResponse({
      language: row.language as Language,
      channels: channels as Record<NotificationKind, Channel[]>,
      updatedAt: row.updated_at,
    });
  }
}
