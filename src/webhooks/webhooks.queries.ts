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

/** One delivery per active subscription (of the acting agency) that wants this event; none twice. */
export function insertDeliveriesForEvent(
  m: EntityManager,
  event: { id: string; type: string },
  agencyId: string,
): Promise<{ id: string; subscription_id: string }[]> {
  return queryRows(
    m,
    `INSERT INTO webhook_delivery (id, subscription_id, agency_id, event_id, event_type)
     SELECT app_uuidv7(), s.id, s.agency_id, $1::uuid, $2::text FROM webhook_subscription s
      WHERE s.agency_id = $3::uuid AND s.active AND $2::text = ANY(s.event_types)
     ON CONFLICT (subscription_id, event_id) DO NOTHING
     RETURNING id, subscription_id`,
    [event.id, event.type, agencyId],
  );
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

export async function recordAttempt(
  m: EntityManager,
  id: string,
  a: {
    status: 'pending' | 'delivered' | 'dead';
    statusCode: number | null;
    error: string | null;
    durationMs: number;
    nextAttemptAt: Date | null;
  },
): Promise<void> {
  await m.query(
    `UPDATE webhook_delivery SET status = $2::text, attempts = attempts + 1, last_status_code = $3, last_error = $4, last_duration_ms = $5,
            first_attempt_at = coalesce(first_attempt_at, now()), last_attempt_at = now(), next_attempt_at = $6,
            delivered_at = CASE WHEN $2::text = 'delivered' THEN now() ELSE delivered_at END
      WHERE id = $1`,
    [id, a.status, a.statusCode, a.error, a.durationMs, a.nextAttemptAt],
  );
}

/** Manual redelivery: pending again, with a fresh retry window. */
export async function reopenDelivery(m: EntityManager, id: string): Promise<void> {
  await m.query(
    `UPDATE webhook_delivery SET status = 'pending', first_attempt_at = NULL, next_attempt_at = now() WHERE id = $1`,
    [id],
  );
}
