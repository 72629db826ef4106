import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Partner webhooks: an agency's subscriptions to event types (secret encrypted in the
 * application) and the log of their deliveries (status, attempts, response code, timings;
 * never a receiver's body). Both are the agency's own (row-level security).
 */
export class PartnerWebhooks1796700000001 implements MigrationInterface {
  name = 'PartnerWebhooks1796700000001';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE webhook_subscription (
      id uuid NOT NULL,
      agency_id uuid NOT NULL,
      url varchar(2000) NOT NULL,
      event_types text[] NOT NULL,
      secret_enc bytea NOT NULL,
      active boolean NOT NULL DEFAULT true,
      created_by uuid NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      version integer NOT NULL DEFAULT 1,
      CONSTRAINT pk_webhook_subscription PRIMARY KEY (id),
      CONSTRAINT fk_webhook_subscription_agency FOREIGN KEY (agency_id) REFERENCES agency(id)
    )`);
    await q.query(`CREATE INDEX ix_webhook_subscription_agency ON webhook_subscription (agency_id)`);
    await q.query(`CREATE TABLE webhook_delivery (
      id uuid NOT NULL,
      subscription_id uuid NOT NULL,
      agency_id uuid NOT NULL,
      event_id uuid NOT NULL,
      event_type varchar(60) NOT NULL,
      status varchar(12) NOT NULL DEFAULT 'pending',
      attempts integer NOT NULL DEFAULT 0,
      last_status_code integer,
      last_error varchar(40),
      last_duration_ms integer,
      created_at timestamptz NOT NULL DEFAULT now(),
      first_attempt_at timestamptz,
      last_attempt_at timestamptz,
      next_attempt_at timestamptz,
      delivered_at timestamptz,
      CONSTRAINT pk_webhook_delivery PRIMARY KEY (id),
      CONSTRAINT uq_webhook_delivery_event UNIQUE (subscription_id, event_id),
      CONSTRAINT ck_webhook_delivery_status CHECK (status IN ('pending', 'delivered', 'dead')),
      CONSTRAINT fk_webhook_delivery_subscription FOREIGN KEY (subscription_id) REFERENCES webhook_subscription(id) ON DELETE CASCADE
    )`);
    await q.query(`CREATE INDEX ix_webhook_delivery_subscription ON webhook_delivery (subscription_id, status, id)`);
    for (const table of ['webhook_subscription', 'webhook_delivery']) {
      await q.query(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`);
      await q.query(
        `CREATE POLICY ${table}_agency ON ${table} USING (agency_id = app_current_agency_id()) WITH CHECK (agency_id = app_current_agency_id())`,
      );
      await q.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ${table} TO ctcm_app`);
    }
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE webhook_delivery`);
    await q.query(`DROP TABLE webhook_subscription`);
  }
}
