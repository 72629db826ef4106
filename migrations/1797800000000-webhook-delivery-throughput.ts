import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Webhook delivery throughput (issue 20): deliveries are claimed in batches per subscription,
 * due first (next_attempt_at doubles as the lease of a claimed delivery), so every pending
 * delivery has a due time and a partial index finds a subscription's due ones. The dispatcher
 * fans an event batch out to delivery rows in its own transaction, across agencies, with one
 * SECURITY DEFINER statement (ids and codes only) instead of one job per event.
 */
export class WebhookDeliveryThroughput1797800000000 implements MigrationInterface {
  name = 'WebhookDeliveryThroughput1797800000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE webhook_delivery ALTER COLUMN next_attempt_at SET DEFAULT now()`);
    await q.query(
      `UPDATE webhook_delivery SET next_attempt_at = created_at WHERE status = 'pending' AND next_attempt_at IS NULL`,
    );
    await q.query(
      `CREATE INDEX ix_webhook_delivery_due ON webhook_delivery (subscription_id, next_attempt_at, event_id) WHERE status = 'pending'`,
    );
    // One delivery per active subscription that wants each event and belongs to an agency the
    // event names; none twice. Returns the subscriptions that got new deliveries (to wake them).
    await q.query(`CREATE FUNCTION webhook_deliveries_fan_out(p_event_ids uuid[])
      RETURNS TABLE (subscription_id uuid, agency_id uuid) LANGUAGE sql
      SECURITY DEFINER SET search_path = public, pg_temp AS $$
      WITH created AS (
        INSERT INTO webhook_delivery (id, subscription_id, agency_id, event_id, event_type, next_attempt_at)
        SELECT app_uuidv7(), s.id, s.agency_id, e.id, e.type, now()
          FROM domain_event e
          JOIN webhook_subscription s ON s.agency_id = ANY (e.agency_ids) AND s.active AND e.type = ANY (s.event_types)
         WHERE e.id = ANY (p_event_ids)
         ORDER BY e.id
        ON CONFLICT (subscription_id, event_id) DO NOTHING
        RETURNING webhook_delivery.subscription_id, webhook_delivery.agency_id
      )
      SELECT DISTINCT c.subscription_id, c.agency_id FROM created c $$`);
    // The sweep's question, across agencies: which subscriptions have a delivery due (ids only).
    await q.query(`CREATE FUNCTION webhook_subscriptions_due()
      RETURNS TABLE (subscription_id uuid, agency_id uuid) LANGUAGE sql STABLE
      SECURITY DEFINER SET search_path = public, pg_temp AS $$
      SELECT s.id, s.agency_id FROM webhook_subscription s
       WHERE EXISTS (SELECT 1 FROM webhook_delivery d
                      WHERE d.subscription_id = s.id AND d.status = 'pending' AND d.next_attempt_at <= now()) $$`);
    for (const fn of ['webhook_deliveries_fan_out(uuid[])', 'webhook_subscriptions_due()']) {
      await q.query(`REVOKE ALL ON FUNCTION ${fn} FROM PUBLIC`);
      await q.query(`GRANT EXECUTE ON FUNCTION ${fn} TO ctcm_app`);
    }
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION webhook_subscriptions_due()`);
    await q.query(`DROP FUNCTION webhook_deliveries_fan_out(uuid[])`);
    await q.query(`DROP INDEX ix_webhook_delivery_due`);
    await q.query(`ALTER TABLE webhook_delivery ALTER COLUMN next_attempt_at DROP DEFAULT`);
  }
}
