import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { AuditService, diffFields } from '../audit/audit.service.js';
import type { Actor } from '../common/context/request-context.js';
import { notFound } from '../common/errors/domain-error.js';
import { uuidv7 } from '../common/uuid.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { FieldCipher } from '../crypto/field-cipher.js';
import { TransactionService } from '../database/transaction.service.js';
import type { DomainEvent } from '../events/event-catalogue.js';
import { EventConsumers } from '../events/event-consumers.service.js';
import { findEventsById } from '../events/events.queries.js';
import { JobQueue } from '../queue/job-queue.service.js';
import type { JobSpec } from '../queue/queue.queries.js';
import type {
  CreatedWebhookResponse,
  CreateWebhookRequest,
  DeliveriesQuery,
  DeliveryResponse,
  UpdateWebhookRequest,
  WebhookResponse,
} from './dto/webhook.dto.js';
import { checkEndpointUrl, resolveEndpoint } from './webhook-endpoint.js';
import { newWebhookSecret, sendWebhook, signWebhook, type SendOutcome } from './webhook-sender.js';
import {
  actForAgency,
  deleteSubscription,
  type DeliveryRow,
  findDeliveries,
  findDelivery,
  findSubscription,
  findSubscriptions,
  insertDeliveriesForEvent,
  insertSubscription,
  recordAttempt,
  reopenDelivery,
  type SubscriptionRow,
  updateSubscription,
} from './webhooks.queries.js';

const DELIVER = 'webhooks.deliver';
const MAX_RETRY_DELAY_MS = 3600_000;
const secretCtx = (id: string) => ({ table: 'webhook_subscription', column: 'secret_enc', id });

interface DeliverJob {
  deliveryId: string;
  agencyId: string;
}

/**
 * Partner webhooks: an agency subscribes an https endpoint to event types; each event that
 * names the agency is delivered, signed (Standard Webhooks), retried with exponential backoff
 * for WEBHOOK_RETRY_WINDOW_MS, then dead-lettered for manual redelivery. One subscription's
 * deliveries run one at a time (its own queue), so a slow receiver holds one worker only.
 */
@Injectable()
export class WebhooksService implements OnModuleInit {
  private readonly logger = new Logger('Webhooks');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(TransactionService) private readonly tx: TransactionService,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(FieldCipher) private readonly cipher: FieldCipher,
    @Inject(JobQueue) private readonly queue: JobQueue,
    @Inject(EventConsumers) private readonly consumers: EventConsumers,
  ) {}

  onModuleInit(): void {
    this.consumers.register('webhooks', (event) => this.fanOut(event));
    this.queue.define<DeliverJob>(DELIVER, (job) => this.deliver(job));
  }

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
    await this.queue.enqueue([this.deliverJob(d.id, d.subscription_id, actor.agencyId, null)]);
    await this.audit.change(
      'redeliver',
      'webhook_delivery',
      deliveryId,
      diffFields({ status: d.status }, { status: 'pending' }),
    );
    return toDelivery((await findDelivery(this.tx.manager(), deliveryId))!);
  }

  /** The consumer: one delivery per matching subscription of each agency the event names. */
  private async fanOut(event: DomainEvent): Promise<void> {
    const m = this.tx.manager();
    const jobs: JobSpec[] = [];
    for (const agencyId of event.agencyIds) {
      await actForAgency(m, agencyId);
      const created = await insertDeliveriesForEvent(m, event, agencyId);
      jobs.push(...created.map((d) => this.deliverJob(d.id, d.subscription_id, agencyId, null)));
    }
    await this.queue.enqueue(jobs);
  }

  /** One attempt; the HTTP call happens outside any transaction (a slow receiver holds no connection). */
  private async deliver({ deliveryId, agencyId }: DeliverJob): Promise<void> {
    const prepared = await this.tx.run(async (m) => {
      await actForAgency(m, agencyId);
      const d = await findDelivery(m, deliveryId);
      if (!d || d.status !== 'pending') return undefined;
      const s = await findSubscription(m, d.subscription_id);
      const [event] = await findEventsById(m, [d.event_id]);
      return s && event ? { d, s, event } : undefined;
    });
    if (!prepared) return;
    const { d, s, event } = prepared;
    const outcome = s.active
      ? await this.attempt(s, event)
      : { statusCode: null, error: 'subscription_inactive', durationMs: 0 };
    await this.tx.run(async (m) => {
      await actForAgency(m, agencyId);
      const { status, nextAttemptAt } = this.nextStep(d, outcome, s.active);
      await recordAttempt(m, d.id, { ...outcome, status, nextAttemptAt });
      if (nextAttemptAt) await this.queue.enqueue([this.deliverJob(d.id, s.id, agencyId, nextAttemptAt)]);
    });
  }

  private async attempt(s: SubscriptionRow, event: DomainEvent): Promise<SendOutcome> {
    const started = Date.now();
    try {
      const url = checkEndpointUrl(s.url, this.config.webhooks);
      const address = await resolveEndpoint(url, this.config.webhooks);
      const body = JSON.stringify(webhookBody(event));
      const timestamp = Math.floor(Date.now() / 1000);
      const secret = this.cipher.decryptJson<string>(s.secret_enc, secretCtx(s.id));
      return await sendWebhook(
        url,
        address,
        {
          'webhook-id': event.id,
          'webhook-timestamp': String(timestamp),
          'webhook-signature': signWebhook(secret, event.id, timestamp, body),
          'user-agent': 'ctcm-api-webhooks',
        },
        body,
        this.config.webhooks.timeoutMs,
      );
    } catch (err) {
      this.logger.warn({ subscriptionId: s.id, errorType: (err as Error)?.name }, 'webhook endpoint refused');
      return { statusCode: null, error: 'endpoint_refused', durationMs: Date.now() - started };
    }
  }

  private nextStep(
    d: DeliveryRow,
    outcome: SendOutcome,
    active: boolean,
  ): { status: 'pending' | 'delivered' | 'dead'; nextAttemptAt: Date | null } {
    if (!outcome.error) return { status: 'delivered', nextAttemptAt: null };
    if (!active) return { status: 'dead', nextAttemptAt: null };
    const { retryBaseMs, retryWindowMs } = this.config.webhooks;
    const delay = Math.min(retryBaseMs * 2 ** d.attempts, MAX_RETRY_DELAY_MS);
    const firstAt = d.first_attempt_at?.getTime() ?? Date.now();
    if (Date.now() + delay - firstAt > retryWindowMs) return { status: 'dead', nextAttemptAt: null };
    return { status: 'pending', nextAttemptAt: new Date(Date.now() + delay) };
  }

  private deliverJob(deliveryId: string, subscriptionId: string, agencyId: string, runAt: Date | null): JobSpec {
    return {
      task: DELIVER,
      payload: { deliveryId, agencyId },
      queueName: `webhook:${subscriptionId}`,
      runAt,
      jobKey: `webhook-delivery:${deliveryId}`,
    };
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

/** What a receiver gets: the event itself (ids and codes); its id is the webhook-id. */
export function webhookBody(event: DomainEvent) {
  return {
    id: event.id,
    type: event.type,
    occurredAt: event.occurredAt,
    caseId: event.caseId,
    caseNumber: event.caseNumber,
    subject: event.subject,
    payload: event.payload,
  };
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
