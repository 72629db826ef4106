import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import type http from 'node:http';
import type { EntityManager } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { FieldCipher } from '../crypto/field-cipher.js';
import { TransactionService } from '../database/transaction.service.js';
import type { DomainEvent } from '../events/event-catalogue.js';
import { type DispatchedEvent, EventConsumers } from '../events/event-consumers.service.js';
import { findEventsById } from '../events/events.queries.js';
import { JobQueue } from '../queue/job-queue.service.js';
import { addJobs, type JobSpec } from '../queue/queue.queries.js';
import { checkEndpointUrl, resolveEndpoint } from './webhook-endpoint.js';
import { receiverAgent, type SendOutcome, sendWebhook, signWebhook } from './webhook-sender.js';
import {
  actForAgency,
  type Attempt,
  claimDueDeliveries,
  type DeliveryRow,
  fanOutDeliveries,
  findSubscription,
  findSubscriptionsDue,
  nextDueAt,
  recordAttempts,
  type SubscriptionRow,
} from './webhooks.queries.js';

/** Requests in flight at once to one subscriber. */
export const IN_FLIGHT_PER_SUBSCRIBER = 16;
/** More deliveries are claimed once this many requests have answered (claims come in batches). */
const REFILL_AT = IN_FLIGHT_PER_SUBSCRIBER / 2;
/** With requests in flight and nothing due, the next look for new deliveries. */
const IDLE_CLAIM_MS = 250;
/** A run hands its subscription back to the queue after this long (other subscriptions get workers). */
const RUN_BUDGET_MS = 15_000;
/** Backstop for lost wake-ups and expired leases: subscriptions with a delivery due are woken. */
const SWEEP_MS = 30_000;
const MAX_RETRY_DELAY_MS = 3600_000;

const PUMP = 'webhooks.deliver-batch';
const SWEEP = 'webhooks.sweep';
/** Left in the queue by versions before batch delivery: handled so nothing waits forever. */
const LEGACY_FAN_OUT = 'event:webhooks';
const LEGACY_DELIVER = 'webhooks.deliver';

interface PumpJob {
  subscriptionId: string;
  agencyId: string;
}

type Connection = { agent: http.Agent; url: URL } | { refused: true };

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const secretCtx = (id: string) => ({ table: 'webhook_subscription', column: 'secret_enc', id });

/**
 * The delivery path of partner webhooks, built for throughput:
 *
 * 1. The event dispatcher fans each batch of events out to `webhook_delivery` rows in its own
 *    transaction (one INSERT … SELECT for up to 500 events and every subscription), and adds one
 *    job per subscription that got new rows (job key `webhook-wake:<id>`: one waiting job at
 *    most, however many events arrive meanwhile).
 * 2. That job (`webhooks.deliver-batch`, in the subscription's named queue, so one runs at a
 *    time per subscription across all replicas) claims the due deliveries in batches (oldest
 *    first, FOR UPDATE SKIP LOCKED, a lease on each), sends up to IN_FLIGHT_PER_SUBSCRIBER at
 *    once over kept-alive connections, and records the batch's outcomes in one UPDATE. When
 *    nothing is due it schedules itself for the next retry (job key `webhook-retry:<id>`).
 *
 * A receiver that hangs or fails holds its own subscription's job only: at most one worker,
 * never another subscriber's deliveries.
 */
@Injectable()
export class WebhookDeliveries implements OnModuleInit {
  private readonly logger = new Logger('WebhookDeliveries');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(TransactionService) private readonly tx: TransactionService,
    @Inject(FieldCipher) private readonly cipher: FieldCipher,
    @Inject(JobQueue) private readonly queue: JobQueue,
    @Inject(EventConsumers) private readonly consumers: EventConsumers,
  ) {}

  onModuleInit(): void {
    this.consumers.registerDispatchStep('webhooks', (m, events) => this.fanOut(m, events));
    this.queue.define<PumpJob>(PUMP, (job) => this.deliverDue(job));
    this.queue.every(SWEEP, SWEEP_MS, () => this.sweep());
    this.queue.define<{ eventId: string }>(LEGACY_FAN_OUT, ({ eventId }) =>
      this.tx.run((m) => this.fanOut(m, [{ event_id: eventId, type: '' }])),
    );
    this.queue.define(LEGACY_DELIVER, async () => {
      await this.sweep();
    });
  }

  /** Wakes a subscription's delivery job now (e.g. after a manual redelivery), in the open transaction. */
  wake(subscriptionId: string, agencyId: string): Promise<void> {
    return this.queue.enqueue([wakeJob(subscriptionId, agencyId)]);
  }

  /** The dispatch step: delivery rows for a batch of events, and a wake-up for each subscription concerned. */
  private async fanOut(m: EntityManager, events: DispatchedEvent[]): Promise<void> {
    const woken = await fanOutDeliveries(
      m,
      events.map((e) => e.event_id),
    );
    await addJobs(
      m,
      woken.map((s) => wakeJob(s.subscription_id, s.agency_id)),
    );
  }

  /** Wakes every subscription with a delivery due (lost wake-ups, leases of a replica that died). */
  async sweep(): Promise<number> {
    return this.tx.run(async (m) => {
      const due = await findSubscriptionsDue(m);
      await addJobs(
        m,
        due.map((s) => wakeJob(s.subscription_id, s.agency_id)),
      );
      return due.length;
    });
  }

  /**
   * Delivers the subscription's due deliveries, oldest first, keeping up to
   * IN_FLIGHT_PER_SUBSCRIBER requests in flight: whenever half of them have answered, one
   * transaction records their outcomes and claims as many due deliveries as there is room for.
   * Stops when nothing is due and nothing is in flight (or after RUN_BUDGET_MS), then schedules
   * the next run at the earliest due time left.
   */
  async deliverDue({ subscriptionId, agencyId }: PumpJob): Promise<void> {
    const deadline = Date.now() + RUN_BUDGET_MS;
    const leaseSeconds = Math.ceil((2 * this.config.webhooks.timeoutMs) / 1000) + 10;
    const inFlight = new Set<Promise<void>>();
    const done: Attempt[] = [];
    let connection: Connection | undefined;
    let nextClaimAt = 0;
    let gone = false;
    try {
      for (;;) {
        const room = IN_FLIGHT_PER_SUBSCRIBER - inFlight.size;
        const claim = !gone && room >= REFILL_AT && Date.now() < deadline && Date.now() >= nextClaimAt;
        if (claim || done.length >= IN_FLIGHT_PER_SUBSCRIBER || (!inFlight.size && done.length)) {
          const outcomes = done.splice(0);
          const round = await this.tx.run(async (m) => {
            await actForAgency(m, agencyId);
            await recordAttempts(m, outcomes);
            if (!claim) return undefined;
            const s = await findSubscription(m, subscriptionId);
            if (!s) return null;
            const claimed = await claimDueDeliveries(m, subscriptionId, room, leaseSeconds);
            const ids = [...new Set(claimed.map((d) => d.event_id))];
            const events = s.active && ids.length ? await findEventsById(m, ids) : [];
            return { s, claimed, events: new Map(events.map((e) => [e.id, e])) };
          });
          if (round === null) gone = true;
          if (round) {
            const { s, claimed, events } = round;
            // Nothing due now: look again shortly while requests are in flight (new events), else stop.
            if (!claimed.length) nextClaimAt = Date.now() + IDLE_CLAIM_MS;
            if (claimed.length && s.active) connection ??= await this.connect(s);
            const secret =
              s.active && claimed.length ? this.cipher.decryptJson<string>(s.secret_enc, secretCtx(s.id)) : '';
            for (const d of claimed) {
              const p: Promise<void> = this.attempt(s, connection, secret, events.get(d.event_id)).then((outcome) => {
                const event = events.get(d.event_id);
                done.push({ id: d.id, ...outcome, ...this.nextStep(d, outcome, s.active && Boolean(event)) });
                inFlight.delete(p);
              });
              inFlight.add(p);
            }
            if (claimed.length) continue;
          }
        }
        if (!inFlight.size) {
          if (!done.length) break;
          continue;
        }
        // Wait for an answer, or (room to spare, nothing was due) for the next look for new deliveries.
        const idle = !gone && Date.now() < deadline && room >= REFILL_AT && nextClaimAt > Date.now();
        await Promise.race([...inFlight, ...(idle ? [sleep(nextClaimAt - Date.now())] : [])]);
      }
    } finally {
      if (connection && 'agent' in connection) connection.agent.destroy();
    }
    // The next run: when the next retry (or an expired lease) is due; after the others' jobs if the budget ran out.
    await this.tx.run(async (m) => {
      await actForAgency(m, agencyId);
      const at = await nextDueAt(m, subscriptionId);
      if (at) await addJobs(m, [retryJob(subscriptionId, agencyId, new Date(Math.max(at.getTime(), Date.now())))]);
    });
  }

  /** One attempt (never throws): refused, inactive and missing events are outcomes too. */
  private async attempt(
    s: SubscriptionRow,
    connection: Connection | undefined,
    secret: string,
    event: DomainEvent | undefined,
  ): Promise<SendOutcome> {
    if (!s.active) return { statusCode: null, error: 'subscription_inactive', durationMs: 0 };
    if (!event) return { statusCode: null, error: 'event_missing', durationMs: 0 };
    if (!connection || 'refused' in connection) return { statusCode: null, error: 'endpoint_refused', durationMs: 0 };
    try {
      return await this.send(connection, secret, event);
    } catch {
      return { statusCode: null, error: 'connection_failed', durationMs: 0 };
    }
  }

  /** Checks the endpoint (allowlist, every resolved address) once per run, and opens kept-alive connections to it. */
  private async connect(s: SubscriptionRow): Promise<Connection> {
    try {
      const url = checkEndpointUrl(s.url, this.config.webhooks);
      const address = await resolveEndpoint(url, this.config.webhooks);
      return { agent: receiverAgent(url, address, IN_FLIGHT_PER_SUBSCRIBER), url };
    } catch (err) {
      this.logger.warn({ subscriptionId: s.id, errorType: (err as Error)?.name }, 'webhook endpoint refused');
      return { refused: true };
    }
  }

  private send(c: { agent: http.Agent; url: URL }, secret: string, event: DomainEvent): Promise<SendOutcome> {
    const body = JSON.stringify(webhookBody(event));
    const timestamp = Math.floor(Date.now() / 1000);
    return sendWebhook(
      c.url,
      c.agent,
      {
        'webhook-id': event.id,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signWebhook(secret, event.id, timestamp, body),
        'user-agent': 'ctcm-api-webhooks',
      },
      body,
      this.config.webhooks.timeoutMs,
    );
  }

  /** Delivered; retried after base × 2^attempts (≤ 1 h) within the window from the first attempt; else dead. */
  private nextStep(
    d: DeliveryRow,
    outcome: SendOutcome,
    retryable: boolean,
  ): { status: Attempt['status']; nextAttemptAt: Date | null } {
    if (!outcome.error) return { status: 'delivered', nextAttemptAt: null };
    if (!retryable) return { status: 'dead', nextAttemptAt: null };
    const { retryBaseMs, retryWindowMs } = this.config.webhooks;
    const delay = Math.min(retryBaseMs * 2 ** d.attempts, MAX_RETRY_DELAY_MS);
    const firstAt = d.first_attempt_at?.getTime() ?? Date.now();
    if (Date.now() + delay - firstAt > retryWindowMs) return { status: 'dead', nextAttemptAt: null };
    return { status: 'pending', nextAttemptAt: new Date(Date.now() + delay) };
  }
}

/** One waiting job per subscription, however many wake-ups; in the subscription's queue (one run at a time). */
const wakeJob = (subscriptionId: string, agencyId: string): JobSpec => ({
  task: PUMP,
  payload: { subscriptionId, agencyId },
  queueName: `webhook:${subscriptionId}`,
  jobKey: `webhook-wake:${subscriptionId}`,
});

/** The run at the next due time; each run replaces it with the subscription's earliest due time then. */
const retryJob = (subscriptionId: string, agencyId: string, at: Date): JobSpec => ({
  ...wakeJob(subscriptionId, agencyId),
  jobKey: `webhook-retry:${subscriptionId}`,
  runAt: at,
});

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
