import type { EntityManager } from 'typeorm';
import { queryRows } from '../database/sql.js';

export interface SubscriptionRow {
  id: string;
  agency_id: string;
  url: string;
  event_types: string[];
  secret_enc: Buffer;
  active: boolean;
  created_at: Date;
  updated_at: Date;
  version: number;
}

export interface DeliveryRow {
  id: string;
  subscription_id: string;
  agency_id: string;
  event_id: string;
  event_type: string;
  status: 'pending' | 'delivered' | 'dead';
  attempts: number;
  last_status_code: number | null;
  last_error: string | null;
  last_duration_ms: number | null;
  created_at: Date;
  first_attempt_at: Date | null;
  last_attempt_at: Date | null;
  next_attempt_at: Date | null;
  delivered_at: Date | null;
}

/**
 * Background jobs act for one agency at a time: the same row-level-security context a request
 * of that agency has (transaction-local).
 */
export async function actForAgency(m: EntityManager, agencyId: string): Promise<void> {
  await m.query(`SELECT set_config('app.agency_id', $1::uuid::text, true)`, [agencyId]);
}

export async function insertSubscription(
  m: EntityManager,
  s: { id: string; agencyId: string; url: string; eventTypes: string[]; secretEnc: Buffer; createdBy: string },
): Promise<void> {
  await m.query(
    `INSERT INTO webhook_subscription (id, agency_id, url, event_types, secret_enc, created_by) VALUES ($1, $2, $3, $4, $5, $6)`,
    [s.id, s.agencyId, s.url, s.eventTypes, s.secretEnc, s.createdBy],
  );
}

export function findSubscriptions(m: EntityManager): Promise<SubscriptionRow[]> {
  return queryRows(m, `SELECT * FROM webhook_subscription ORDER BY created_at, id LIMIT 100`);
}

export async function findSubscription(m: EntityManager, id: string): Promise<SubscriptionRow | undefined> {
  return (await queryRows<SubscriptionRow>(m, `SELECT * FROM webhook_subscription WHERE id = $1`, [id]))[0];
}

export async function updateSubscription(
  m: EntityManager,
  id: string,
  s: { url: string; eventTypes: string[]; active: boolean },
): Promise<void> {
  await m.query(
    `UPDATE webhook_subscription SET url = $2, event_types = $3, active = $4, version = version + 1, updated_at = now() WHERE id = $1`,
    [id, s.url, s.eventTypes, s.active],
  );
}

export async function deleteSubscription(m: EntityManager, id: string): Promise<void> {
  await m.query(`DELETE FROM webhook_subscription WHERE id = $1`, [id]);
}

/**
 * The dispatcher's fan-out, in its transaction: one delivery per active subscription that wants
 * each event and belongs to an agency the event names (across agencies: a SECURITY DEFINER
 * statement of ids and codes), none twice. Returns the subscriptions that got new deliveries.
 */
export function fanOutDeliveries(
  m: EntityManager,
  eventIds: string[],
): Promise<{ subscription_id: string; agency_id: string }[]> {
  return queryRows(m, `SELECT subscription_id, agency_id FROM webhook_deliveries_fan_out($1::uuid[])`, [eventIds]);
}

/** Subscriptions (of any agency) with a delivery due now: the sweep wakes them. */
export function findSubscriptionsDue(m: EntityManager): Promise<{ subscription_id: string; agency_id: string }[]> {
  return queryRows(m, `SELECT subscription_id, agency_id FROM webhook_subscriptions_due()`);
}

export async function findDelivery(m: EntityManager, id: string): Promise<DeliveryRow | undefined> {
  return (await queryRows<DeliveryRow>(m, `SELECT * FROM webhook_delivery WHERE id = $1`, [id]))[0];
}

export function findDeliveries(
  m: EntityManager,
  subscriptionId: string,
  status: string | null,
  limit: number,
): Promise<DeliveryRow[]> {
  return queryRows(
    m,
    `SELECT * FROM webhook_delivery WHERE subscription_id = $1 AND ($2::text IS NULL OR status = $2) ORDER BY id DESC LIMIT $3`,
    [subscriptionId, status, limit],
  );
}

/**
 * Claims a subscription's due deliveries, oldest first: their due time moves `leaseSeconds`
 * ahead, so a delivery whose sender died is due again once the lease runs out. Rows another
 * transaction holds are skipped.
 */
export function claimDueDeliveries(
  m: EntityManager,
  subscriptionId: string,
  limit: number,
  leaseSeconds: number,
): Promise<DeliveryRow[]> {
  return queryRows(
    m,
    `UPDATE webhook_delivery d SET next_attempt_at = now() + make_interval(secs => $3)
      WHERE d.id IN (SELECT id FROM webhook_delivery
                      WHERE subscription_id = $1 AND status = 'pending' AND next_attempt_at <= now()
                      ORDER BY next_attempt_at, event_id LIMIT $2 FOR UPDATE SKIP LOCKED)
      RETURNING d.*`,
    [subscriptionId, limit, leaseSeconds],
  );
}

export interface Attempt {
  id: string;
  status: 'pending' | 'delivered' | 'dead';
  statusCode: number | null;
  error: string | null;
  durationMs: number;
  nextAttemptAt: Date | null;
}

/** Records the outcome of a batch of attempts in one statement. */
export async function recordAttempts(m: EntityManager, attempts: Attempt[]): Promise<void> {
  if (!attempts.length) return;
  await m.query(
    `UPDATE webhook_delivery d SET status = a.status, attempts = d.attempts + 1, last_status_code = a.status_code,
            last_error = a.error, last_duration_ms = a.duration_ms,
            first_attempt_at = coalesce(d.first_attempt_at, now()), last_attempt_at = now(), next_attempt_at = a.next_at,
            delivered_at = CASE WHEN a.status = 'delivered' THEN now() ELSE d.delivered_at END
       FROM unnest($1::uuid[], $2::text[], $3::int[], $4::text[], $5::int[], $6::timestamptz[])
            AS a(id, status, status_code, error, duration_ms, next_at)
      WHERE d.id = a.id`,
    [
      attempts.map((a) => a.id),
      attempts.map((a) => a.status),
      attempts.map((a) => a.statusCode),
      attempts.map((a) => a.error),
      attempts.map((a) => Math.round(a.durationMs)),
      attempts.map((a) => a.nextAttemptAt),
    ],
  );
}

/** When the subscription's next pending delivery is due (retries and leases included), if any. */
export async function nextDueAt(m: EntityManager, subscriptionId: string): Promise<Date | null> {
  const [row] = await queryRows<{ at: Date | null }>(
    m,
    `SELECT min(next_attempt_at) AS at FROM webhook_delivery WHERE subscription_id = $1 AND status = 'pending'`,
    [subscriptionId],
  );
  return row?.at ?? null;
}

/** Manual redelivery: pending again, with a fresh retry window. */
export async function reopenDelivery(m: EntityManager, id: string): Promise<void> {
  await m.query(
    `UPDATE webhook_delivery SET status = 'pending', first_attempt_at = NULL, next_attempt_at = now() WHERE id = $1`,
    [id],
  );
}
