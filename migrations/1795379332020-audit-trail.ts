import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit trail. Hand-written: TypeORM does not model partitioned tables, so no entity
 * maps these tables (the drift check ignores them) and the API reads them with SQL.
 *
 * audit_event    append-only entries, partitioned by month on occurred_at
 * audit_pending  the queue of entries not yet sealed into the chain (filled by trigger)
 * audit_chain    the hash chain, one link per entry, in sealing order
 * audit_checkpoint  signed (Ed25519) chain heads; audit_checkpoint_export records exports
 */
export class AuditTrail1795379332020 implements MigrationInterface {
  name = 'AuditTrail1795379332020';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SEQUENCE audit_event_id_seq AS bigint`);
    await q.query(`CREATE TABLE audit_event (
      id bigint NOT NULL DEFAULT nextval('audit_event_id_seq'),
      occurred_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', clock_timestamp()),
      category varchar(10) NOT NULL CHECK (category IN ('access', 'change', 'auth')),
      action varchar(40) NOT NULL,
      request_id varchar(100),
      actor_user_id uuid,
      actor_agency_id uuid,
      actor_roles text[],
      client_ip inet,
      user_agent varchar(300),
      method varchar(10),
      route varchar(200),
      permission varchar(60),
      resource_type varchar(40),
      resource_ids text[],
      case_ids uuid[],
      outcome varchar(10) NOT NULL CHECK (outcome IN ('allowed', 'denied', 'failed')),
      status smallint,
      reason varchar(80),
      duration_ms integer,
      break_glass_grant_id uuid,
      changes jsonb,
      details jsonb,
      CONSTRAINT pk_audit_event PRIMARY KEY (occurred_at, id)
    ) PARTITION BY RANGE (occurred_at)`);
    await q.query(`ALTER SEQUENCE audit_event_id_seq OWNED BY audit_event.id`);
    await q.query(`CREATE TABLE audit_event_default PARTITION OF audit_event DEFAULT`);
    await q.query(`CREATE INDEX ix_audit_event_id ON audit_event (id)`);
    await q.query(`CREATE INDEX ix_audit_event_actor_user ON audit_event (actor_user_id, occurred_at)`);
    await q.query(`CREATE INDEX ix_audit_event_actor_agency ON audit_event (actor_agency_id, occurred_at)`);
    await q.query(`CREATE INDEX ix_audit_event_request ON audit_event (request_id)`);
    await q.query(`CREATE INDEX ix_audit_event_resource_type ON audit_event (resource_type, occurred_at)`);
    await q.query(`CREATE INDEX ix_audit_event_resource_ids ON audit_event USING gin (resource_ids)`);
    await q.query(`CREATE INDEX ix_audit_event_case_ids ON audit_event USING gin (case_ids)`);

    // Monthly partitions: the API calls this at start and daily for this month and the next.
    await q.query(`CREATE FUNCTION audit_ensure_partition(p_month date) RETURNS text LANGUAGE plpgsql
      SECURITY DEFINER SET search_path = public, pg_temp AS $$
      DECLARE
        v_start date := date_trunc('month', p_month)::date;
        v_name text := 'audit_event_' || to_char(v_start, 'YYYY_MM');
      BEGIN
        IF to_regclass(v_name) IS NULL THEN
          EXECUTE format('CREATE TABLE %I PARTITION OF audit_event FOR VALUES FROM (%L) TO (%L)',
                         v_name, v_start, (v_start + interval '1 month')::date);
        END IF;
        RETURN v_name;
      END $$`);

    await q.query(`CREATE TABLE audit_pending (
      event_id bigint NOT NULL,
      occurred_at timestamptz NOT NULL,
      CONSTRAINT pk_audit_pending PRIMARY KEY (event_id)
    )`);
    await q.query(`CREATE FUNCTION audit_event_enqueue() RETURNS trigger LANGUAGE plpgsql
      SECURITY DEFINER SET search_path = public, pg_temp AS $$
      BEGIN
        INSERT INTO audit_pending (event_id, occurred_at) VALUES (NEW.id, NEW.occurred_at);
        RETURN NULL;
      END $$`);
    await q.query(
      `CREATE TRIGGER audit_event_enqueue AFTER INSERT ON audit_event FOR EACH ROW EXECUTE FUNCTION audit_event_enqueue()`,
    );

    await q.query(`CREATE TABLE audit_chain (
      seq bigint NOT NULL,
      event_id bigint NOT NULL,
      occurred_at timestamptz NOT NULL,
      entry_hash bytea NOT NULL,
      chain_hash bytea NOT NULL,
      sealed_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT pk_audit_chain PRIMARY KEY (seq),
      CONSTRAINT uq_audit_chain_event UNIQUE (event_id)
    )`);
    await q.query(`CREATE TABLE audit_checkpoint (
      seq bigint NOT NULL,
      chain_hash bytea NOT NULL,
      key_id varchar(64) NOT NULL,
      signature bytea NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT pk_audit_checkpoint PRIMARY KEY (seq)
    )`);
    await q.query(`CREATE TABLE audit_checkpoint_export (
      seq bigint NOT NULL,
      exported_at timestamptz NOT NULL DEFAULT now(),
      exported_by uuid,
      CONSTRAINT pk_audit_checkpoint_export PRIMARY KEY (seq, exported_at)
    )`);

    // Retention drops whole monthly partitions, and only once their chain is covered by an
    // exported checkpoint. The chain hash at the horizon lets verification start after it.
    await q.query(`CREATE TABLE audit_retention (
      partition varchar(40) NOT NULL,
      before timestamptz NOT NULL,
      max_seq bigint NOT NULL,
      chain_hash bytea NOT NULL,
      dropped_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT pk_audit_retention PRIMARY KEY (partition)
    )`);
    await q.query(`CREATE FUNCTION audit_drop_partitions_before(p_before timestamptz) RETURNS text[] LANGUAGE plpgsql
      SECURITY DEFINER SET search_path = public, pg_temp AS $$
      DECLARE
        r record;
        v_upper timestamptz;
        v_max_seq bigint;
        v_hash bytea;
        v_exported bigint;
        v_dropped text[] := '{}';
      BEGIN
        SELECT max(seq) INTO v_exported FROM audit_checkpoint_export;
        FOR r IN
          SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
           WHERE i.inhparent = 'audit_event'::regclass AND c.relname ~ '^audit_event_[0-9]{4}_[0-9]{2}$' ORDER BY c.relname
        LOOP
          v_upper := to_date(substr(r.relname, 13), 'YYYY_MM') + interval '1 month';
          CONTINUE WHEN v_upper > p_before;
          CONTINUE WHEN EXISTS (SELECT 1 FROM audit_pending p WHERE p.occurred_at < v_upper);
          EXECUTE format('SELECT max(c.seq) FROM audit_chain c JOIN %I e ON e.occurred_at = c.occurred_at AND e.id = c.event_id', r.relname)
            INTO v_max_seq;
          CONTINUE WHEN v_max_seq IS NOT NULL AND (v_exported IS NULL OR v_max_seq > v_exported);
          EXECUTE format('ALTER TABLE audit_event DETACH PARTITION %I', r.relname);
          EXECUTE format('DROP TABLE %I', r.relname);
          IF v_max_seq IS NOT NULL THEN
            SELECT chain_hash INTO v_hash FROM audit_chain WHERE seq = v_max_seq;
            INSERT INTO audit_retention (partition, before, max_seq, chain_hash) VALUES (r.relname, v_upper, v_max_seq, v_hash);
          END IF;
          v_dropped := v_dropped || r.relname::text;
        END LOOP;
        RETURN v_dropped;
      END $$`);

    // Append-only: no UPDATE, DELETE or TRUNCATE, whoever asks. Retention detaches and drops
    // whole partitions, which fires no row trigger.
    await q.query(`CREATE FUNCTION audit_forbid_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit records are append-only (% on %)', TG_OP, TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
      END $$`);
    for (const table of [
      'audit_event',
      'audit_chain',
      'audit_checkpoint',
      'audit_checkpoint_export',
      'audit_retention',
    ]) {
      await q.query(
        `CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table} FOR EACH ROW EXECUTE FUNCTION audit_forbid_change()`,
      );
      await q.query(
        `CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION audit_forbid_change()`,
      );
    }

    await q.query(
      `GRANT SELECT, INSERT ON audit_event, audit_chain, audit_checkpoint, audit_checkpoint_export TO ctcm_app`,
    );
    await q.query(`GRANT USAGE ON SEQUENCE audit_event_id_seq TO ctcm_app`);
    await q.query(`GRANT SELECT, DELETE ON audit_pending TO ctcm_app`);
    await q.query(`GRANT SELECT ON audit_retention TO ctcm_app`);
    await q.query(`REVOKE ALL ON FUNCTION audit_drop_partitions_before(timestamptz) FROM PUBLIC`);
    await q.query(`GRANT EXECUTE ON FUNCTION audit_drop_partitions_before(timestamptz) TO ctcm_app`);
    await q.query(`REVOKE ALL ON FUNCTION audit_ensure_partition(date) FROM PUBLIC`);
    await q.query(`GRANT EXECUTE ON FUNCTION audit_ensure_partition(date) TO ctcm_app`);
    await q.query(`SELECT audit_ensure_partition(now()::date)`);
    await q.query(`SELECT audit_ensure_partition((now() + interval '1 month')::date)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION audit_drop_partitions_before(timestamptz)`);
    await q.query(`DROP TABLE audit_retention, audit_checkpoint_export, audit_checkpoint, audit_chain, audit_pending`);
    await q.query(`DROP TABLE audit_event`);
    await q.query(`DROP FUNCTION audit_forbid_change()`);
    await q.query(`DROP FUNCTION audit_event_enqueue()`);
    await q.query(`DROP FUNCTION audit_ensure_partition(date)`);
  }
}
