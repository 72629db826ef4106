import { Inject, Injectable } from '@nestjs/common';
import { AuditService, diffFields } from '../audit/audit.service.js';
import type { Actor } from '../common/context/request-context.js';
import { notFound } from '../common/errors/domain-error.js';
import { uuidv7 } from '../common/uuid.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { FieldCipher } from '../crypto/field-cipher.js';
import { TransactionService } from '../database/transaction.service.js';
import type {
  CreatedWebhookResponse,
  CreateWebhookRequest,
  DeliveriesQuery,
  DeliveryResponse,
  UpdateWebhookRequest,
  WebhookResponse,
} from './dto/webhook.dto.js';
import { WebhookDeliveries } from './webhook-deliveries.service.js';
import { checkEndpointUrl, resolveEndpoint } from './webhook-endpoint.js';
import { newWebhookSecret } from './webhook-sender.js';
import {
  deleteSubscription,
  type DeliveryRow,
  findDeliveries,
  findDelivery,
  findSubscription,
  findSubscriptions,
  insertSubscription,
  reopenDelivery,
  type SubscriptionRow,
  updateSubscription,
} from './webhooks.queries.js';

const secretCtx = (id: string) => ({ table: 'webhook_subscription', column: 'secret_enc', id });

/**
 * Partner webhooks: an agency subscribes an https endpoint to event types; each event that
 * names the agency is delivered, signed (Standard Webhooks), retried with exponential backoff
 * for WEBHOOK_RETRY_WINDOW_MS, then dead-lettered for manual redelivery. The delivery path
 * itself is WebhookDeliveries (webhook-deliveries.service.ts).
 */
@Injectable()
export class WebhooksService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(TransactionService) private readonly tx: TransactionService,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(FieldCipher) private readonly cipher: FieldCipher,
    @Inject(WebhookDeliveries) private readonly delivery: WebhookDeliveries,
  ) {}

  async create(actor: Actor, body: CreateWebhookRequest): Promise<CreatedWebhookResponse> {
    const url = await this.checkedUrl(body.url);
    const id = uuidv7();
    const secret = newWebhookSecret();
    await insertSubscription(this.tx.manager(), {
      id,
      agencyId: actor.agencyId,
      url: url.toString(),
      eventTypes: body.eventTypes,
      secretEnc: this.cipher.encryptJson(secret, secretCtx(id)),
      createdBy: actor.userId,
    });
    await this.audit.change('create', 'webhook_subscription', id, [
      ...diffFields(null, { url: url.toString(), eventTypes: body.eventTypes }),
      { field: 'secret', personal: true },
    ]);
    return { ...(await this.get(actor, id)), secret };
  }

  async list(_actor: Actor): Promise<WebhookResponse[]> {
    const rows = await findSubscriptions(this.tx.manager());
    this.audit.touch(
      'webhook_subscription',
      rows.map((r) => r.id),
    );
    return rows.map(toWebhook);
  }

  async get(_actor: Actor, id: string): Promise<WebhookResponse> {
    const row = await this.visible(id);
    this.audit.touch('webhook_subscription', [id]);
    return toWebhook(row);
  }

  async update(actor: Actor, id: string, body: UpdateWebhookRequest): Promise<WebhookResponse> {
    const row = await this.visible(id);
    const next = {
      url: body.url !== undefined ? (await this.checkedUrl(body.url)).toString() : row.url,
      eventTypes: body.eventTypes ?? row.event_types,
      active: body.active ?? row.active,
    };
    await updateSubscription(this.tx.manager(), id, next);
    await this.audit.change(
      'update',
      'webhook_subscription',
      id,
      diffFields({ url: row.url, eventTypes: row.event_types, active: row.active }, next),
    );
    return this.get(actor, id);
  }

  async remove(_actor: Actor, id: string): Promise<void> {
    await this.visible(id);
    await deleteSubscription(this.tx.manager(), id);
    await this.audit.change('delete', 'webhook_subscription', id, []);
  }

  async deliveries(_actor: Actor, id: string, query: DeliveriesQuery): Promise<DeliveryResponse[]> {
    await this.visible(id);
    const rows = await findDeliveries(this.tx.manager(), id, query.status ?? null, query.limit ?? 100);
    this.audit.touch(
      'webhook_delivery',
      rows.map((r) => r.id),
    );
    return rows.map(toDelivery);
  }

  /** Sends a delivery again (a dead letter, or any other) with a fresh retry window. */
  async redeliver(actor: Actor, id: string, deliveryId: string): Promise<DeliveryResponse> {
    await this.visible(id);
    const d = await findDelivery(this.tx.manager(), deliveryId);
    if (!d || d.subscription_id !== id) throw notFound('Delivery');
    await reopenDelivery(this.tx.manager(), deliveryId);
    await this.delivery.wake(d.subscription_id, actor.agencyId);
    await this.audit.change(
      'redeliver',
      'webhook_delivery',
      deliveryId,
      diffFields({ status: d.status }, { status: 'pending' }),
    );
    return toDelivery((await findDelivery(this.tx.manager(), deliveryId))!);
  }

  private async checkedUrl(raw: string): Promise<URL> {
    const url = checkEndpointUrl(raw, this.config.webhooks);
    await resolveEndpoint(url, this.config.webhooks);
    return url;
  }

  private async visible(id: string): Promise<SubscriptionRow> {
    const row = await findSubscription(this.tx.manager(), id);
    if (!row) throw notFound('Webhook subscription');
    return row;
  }
}

const iso = (d: Date | null) => d?.toISOString() ?? null;

const toWebhook = (r: SubscriptionRow): WebhookResponse => ({
  id: r.id,
  agencyId: r.agency_id,
  url: r.url,
  eventTypes: r.event_types,
  active: r.active,
  createdAt: r.created_at.toISOString(),
  version: r.version,
});

const toDelivery = (r: DeliveryRow): DeliveryResponse => ({
  id: r.id,
  subscriptionId: r.subscription_id,
  eventId: r.event_id,
  eventType: r.event_type,
  status: r.status,
  attempts: r.attempts,
  lastStatusCode: r.last_status_code,
  lastError: r.last_error,
  lastDurationMs: r.last_duration_ms,
  createdAt: r.created_at.toISOString(),
  firstAttemptAt: iso(r.first_attempt_at),
  lastAttemptAt: iso(r.last_attempt_at),
  nextAttemptAt: iso(r.next_attempt_at),
  deliveredAt: iso(r.delivered_at),
});
