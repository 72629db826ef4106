import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Domain events (an outbox written in the transaction of the change that causes them) and the
 * home of the PostgreSQL job queue that hands them to their consumers.
 *
 * domain_event          append-only; ids, codes and case numbers only, never personal data;
 *                       an agency reads the events that name it (row-level security)
 * domain_event_pending  events not yet handed to the queue (filled by trigger, emptied by the
 *                       dispatcher in the transaction that enqueues their jobs)
 * job_queue             schema where the application role may create: graphile-worker installs
 *                       and upgrades its own tables there (it never needs CREATE on the database)
 * job_queue_heartbeat   live queue workers; a crashed process's jobs are unlocked from it
 */
export class DomainEventsAndJobQueue1796700000000 implements MigrationInterface {
  name = 'DomainEventsAndJobQueue1796700000000';

  public async up(q: QueryRunner): Promise<void> {
    // UUID version 7 in SQL (PostgreSQL 15 has none), for events written by database functions.
    await q.query(`CREATE FUNCTION app_uuidv7() RETURNS uuid LANGUAGE sql VOLATILE AS $$
      SELECT encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid())
        PLACING substring(int8send(floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3) FROM 1 FOR 6),
        52, 1), 53, 1), 'hex')::uuid $$`);
    await q.query(`GRANT EXECUTE ON FUNCTION app_uuidv7() TO ctcm_app`);

    await q.query(`CREATE TABLE domain_event (
      id uuid NOT NULL,
      type varchar(60) NOT NULL,
      occurred_at timestamptz NOT NULL DEFAULT now(),
      agency_ids uuid[] NOT NULL,
      case_id uuid,
      case_number varchar(20),
      subject_type varchar(40) NOT NULL,
      subject_id uuid NOT NULL,
      payload jsonb NOT NULL DEFAULT '{}'::jsonb,
      CONSTRAINT pk_domain_event PRIMARY KEY (id),
      CONSTRAINT ck_domain_event_agencies CHECK (cardinality(agency_ids) > 0)
    )`);
    await q.query(`CREATE INDEX ix_domain_event_agencies ON domain_event USING gin (agency_ids)`);
    await q.query(`CREATE INDEX ix_domain_event_subject ON domain_event (subject_id, type)`);
    await q.query(`ALTER TABLE domain_event ENABLE ROW LEVEL SECURITY`);
    await q.query(`CREATE POLICY domain_event_read ON domain_event FOR SELECT
      USING (agency_ids @> ARRAY[app_current_agency_id()])`);
    // Events are facts the server states about agencies other than the actor's (a referral
    // received): any agency may be named, and nobody may change or remove an event.
    await q.query(`CREATE POLICY domain_event_append ON domain_event FOR INSERT WITH CHECK (true)`);
    await q.query(`GRANT SELECT, INSERT ON domain_event TO ctcm_app`);

    await q.query(`CREATE TABLE domain_event_pending (
      event_id uuid NOT NULL,
      type varchar(60) NOT NULL,
      CONSTRAINT pk_domain_event_pending PRIMARY KEY (event_id)
    )`);
    await q.query(`CREATE FUNCTION domain_event_enqueue() RETURNS trigger LANGUAGE plpgsql
      SECURITY DEFINER SET search_path = public, pg_temp AS $$
      BEGIN
        INSERT INTO domain_event_pending (event_id, type) VALUES (NEW.id, NEW.type);
        -- Delivered at commit, once per transaction: wakes the dispatchers of every replica.
        PERFORM pg_notify('ctcm_domain_event', '');
        RETURN NULL;
      END $$`);
    await q.query(
      `CREATE TRIGGER domain_event_enqueue AFTER INSERT ON domain_event FOR EACH ROW EXECUTE FUNCTION domain_event_enqueue()`,
    );
    await q.query(`GRANT SELECT, DELETE ON domain_event_pending TO ctcm_app`);

    // Appends an event; the case's lead agency is always concerned, and the case number is
    // read here (the actor may not see the case row, e.g. a receiver or a break-the-glass user).
    await q.query(`CREATE FUNCTION domain_event_append(p_id uuid, p_type text, p_agency_ids uuid[], p_case_id uuid,
        p_subject_type text, p_subject_id uuid, p_payload jsonb) RETURNS void LANGUAGE sql
      SECURITY DEFINER SET search_path = public, pg_temp AS $$
      INSERT INTO domain_event (id, type, agency_ids, case_id, case_number, subject_type, subject_id, payload)
      SELECT p_id, p_type,
             ARRAY(SELECT DISTINCT a FROM unnest(p_agency_ids || c.lead_agency_id) a WHERE a IS NOT NULL ORDER BY a),
             p_case_id, c.case_number, p_subject_type, p_subject_id, p_payload
        FROM (SELECT 1) one LEFT JOIN case_file c ON c.id = p_case_id $$`);
    // Consumers run outside any request (no agency context): they read events by id here.
    await q.query(`CREATE FUNCTION domain_events_by_id(p_ids uuid[]) RETURNS SETOF domain_event LANGUAGE sql STABLE
      SECURITY DEFINER SET search_path = public, pg_temp AS $$
      SELECT * FROM domain_event WHERE id = ANY(p_ids) ORDER BY id $$`);

    // Scheduled events, each once per subject (and per due date), safe from several replicas.
    await q.query(`CREATE FUNCTION domain_events_referrals_expiring(p_window interval) RETURNS integer LANGUAGE plpgsql
      SECURITY DEFINER SET search_path = public, pg_temp AS $$
      DECLARE n integer;
      BEGIN
        PERFORM pg_advisory_xact_lock(hashtext('ctcm:events:referrals-expiring'));
        WITH fresh AS (
          SELECT r.* FROM referral r
           WHERE r.status = 'pending' AND r.urgency = 'emergency' AND r.due_by > now() AND r.due_by <= now() + p_window
             AND NOT EXISTS (SELECT 1 FROM domain_event e WHERE e.subject_id = r.id AND e.type = 'referral.expiring')
        ), added AS (
          INSERT INTO domain_event (id, type, agency_ids, case_id, case_number, subject_type, subject_id, payload)
          SELECT app_uuidv7(), 'referral.expiring', ARRAY[r.from_agency_id, r.to_agency_id], r.case_id, c.case_number, 'referral', r.id,
                 jsonb_build_object('referralId', r.id, 'fromAgencyId', r.from_agency_id, 'toAgencyId', r.to_agency_id,
                   'purpose', r.purpose, 'urgency', r.urgency, 'status', r.status, 'dueBy', r.due_by)
            FROM fresh r JOIN case_file c ON c.id = r.case_id
          RETURNING 1
        )
        SELECT count(*)::int INTO n FROM added;
        RETURN n;
      END $$`);
    await q.query(`CREATE FUNCTION domain_events_follow_ups(p_today date, p_due_days integer) RETURNS integer LANGUAGE plpgsql
      SECURITY DEFINER SET search_path = public, pg_temp AS $$
      DECLARE n integer;
      BEGIN
        PERFORM pg_advisory_xact_lock(hashtext('ctcm:events:follow-ups'));
        WITH due AS (
          SELECT f.id, f.case_id, f.agency_id, f.due_on,
                 CASE WHEN f.due_on < p_today THEN 'follow-up.overdue' ELSE 'follow-up.due' END AS type
            FROM case_follow_up f
           WHERE f.status = 'scheduled' AND f.due_on <= p_today + p_due_days
        ), fresh AS (
          SELECT d.* FROM due d
           WHERE NOT EXISTS (SELECT 1 FROM domain_event e
                              WHERE e.subject_id = d.id AND e.type = d.type AND e.payload->>'dueOn' = to_char(d.due_on, 'YYYY-MM-DD'))
        ), added AS (
          INSERT INTO domain_event (id, type, agency_ids, case_id, case_number, subject_type, subject_id, payload)
          SELECT app_uuidv7(), d.type, ARRAY(SELECT DISTINCT a FROM unnest(ARRAY[d.agency_id, c.lead_agency_id]) a ORDER BY a),
                 d.case_id, c.case_number, 'follow_up', d.id,
                 jsonb_build_object('followUpId', d.id, 'agencyId', d.agency_id, 'dueOn', to_char(d.due_on, 'YYYY-MM-DD'))
            FROM fresh d JOIN case_file c ON c.id = d.case_id
          RETURNING 1
        )
        SELECT count(*)::int INTO n FROM added;
        RETURN n;
      END $$`);
    await q.query(`CREATE FUNCTION domain_event_capacity_low(p_facility_id uuid, p_threshold integer) RETURNS integer LANGUAGE sql
      SECURITY DEFINER SET search_path = public, pg_temp AS $$
      WITH beds AS (
        SELECT f.id, f.agency_id, f.bed_capacity,
               f.bed_capacity - (SELECT count(*)::int FROM placement p WHERE p.facility_id = f.id AND p.discharged_on IS NULL) AS free
          FROM facility f WHERE f.id = p_facility_id
      ), added AS (
        INSERT INTO domain_event (id, type, agency_ids, subject_type, subject_id, payload)
        SELECT app_uuidv7(), 'facility.capacity-low', ARRAY[b.agency_id], 'facility', b.id,
               jsonb_build_object('facilityId', b.id, 'bedCapacity', b.bed_capacity, 'freeBeds', greatest(b.free, 0), 'threshold', p_threshold)
          FROM beds b WHERE b.free <= p_threshold
        RETURNING 1
      )
      SELECT count(*)::int FROM added $$`);

    // Expiry now states its events too (same statement, same transaction).
    await q.query(`CREATE OR REPLACE FUNCTION referral_expire_overdue() RETURNS integer LANGUAGE sql
      SECURITY DEFINER SET search_path = public, pg_temp AS $$
      WITH expired AS (
        UPDATE referral SET status = 'expired', end_reason = 'sla_elapsed', ended_at = now(), version = version + 1, updated_at = now()
         WHERE status = 'pending' AND due_by < now()
        RETURNING id, case_id, from_agency_id, to_agency_id, purpose, urgency, due_by
      ), revoked AS (
        UPDATE case_access_grant g SET revoked_at = now() FROM expired e
         WHERE g.source_id = e.id AND g.kind = 'referral' AND g.revoked_at IS NULL RETURNING g.id
      ), timeline AS (
        INSERT INTO case_timeline_event (id, case_id, kind, ref_type, ref_id, summary)
        SELECT gen_random_uuid(), e.case_id, 'referral_expired', 'referral', e.id,
               jsonb_build_object('toAgencyId', e.to_agency_id, 'purpose', e.purpose, 'urgency', e.urgency)
          FROM expired e RETURNING 1
      ), audited AS (
        INSERT INTO audit_event (category, action, outcome, resource_type, resource_ids, case_ids, changes)
        SELECT 'change', 'expire', 'allowed', 'referral', ARRAY[e.id::text], ARRAY[e.case_id],
               jsonb_build_array(jsonb_build_object('field', 'status', 'personal', false, 'old', 'pending', 'new', 'expired'))
          FROM expired e RETURNING 1
      ), evented AS (
        INSERT INTO domain_event (id, type, agency_ids, case_id, case_number, subject_type, subject_id, payload)
        SELECT app_uuidv7(), 'referral.expired', ARRAY[e.from_agency_id, e.to_agency_id], e.case_id, c.case_number, 'referral', e.id,
               jsonb_build_object('referralId', e.id, 'fromAgencyId', e.from_agency_id, 'toAgencyId', e.to_agency_id,
                 'purpose', e.purpose, 'urgency', e.urgency, 'status', 'expired', 'dueBy', e.due_by)
          FROM expired e JOIN case_file c ON c.id = e.case_id RETURNING 1
      )
      SELECT count(*)::int FROM expired $$`);

    for (const fn of [
      'domain_event_append(uuid, text, uuid[], uuid, text, uuid, jsonb)',
      'domain_events_by_id(uuid[])',
      'domain_events_referrals_expiring(interval)',
      'domain_events_follow_ups(date, integer)',
      'domain_event_capacity_low(uuid, integer)',
    ]) {
      await q.query(`REVOKE ALL ON FUNCTION ${fn} FROM PUBLIC`);
      await q.query(`GRANT EXECUTE ON FUNCTION ${fn} TO ctcm_app`);
    }

    // The job queue's schema: the application role may create in it, so graphile-worker
    // installs and upgrades its own tables there at start-up (owned by the application role,
    // under its own advisory locks, safe from several replicas). Its bookkeeping table is
    // created here, so the queue never needs CREATE on the database itself.
    await q.query(`CREATE SCHEMA IF NOT EXISTS job_queue`);
    await q.query(`GRANT USAGE, CREATE ON SCHEMA job_queue TO ctcm_app`);
    await q.query(`CREATE TABLE IF NOT EXISTS job_queue.migrations (
      id int PRIMARY KEY, ts timestamptz DEFAULT now() NOT NULL, breaking boolean NOT NULL DEFAULT false)`);
    await q.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON job_queue.migrations TO ctcm_app`);

    await q.query(`CREATE TABLE job_queue_heartbeat (
      worker_id varchar(100) NOT NULL,
      seen_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT pk_job_queue_heartbeat PRIMARY KEY (worker_id)
    )`);
    await q.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON job_queue_heartbeat TO ctcm_app`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE job_queue_heartbeat`);
    await q.query(`DROP SCHEMA job_queue CASCADE`);
    await q.query(`CREATE OR REPLACE FUNCTION referral_expire_overdue() RETURNS integer LANGUAGE sql
      SECURITY DEFINER SET search_path = public, pg_temp AS $$
      WITH expired AS (
        UPDATE referral SET status = 'expired', end_reason = 'sla_elapsed', ended_at = now(), version = version + 1, updated_at = now()
         WHERE status = 'pending' AND due_by < now()
        RETURNING id, case_id, to_agency_id, purpose, urgency
      ), revoked AS (
        UPDATE case_access_grant g SET revoked_at = now() FROM expired e
         WHERE g.source_id = e.id AND g.kind = 'referral' AND g.revoked_at IS NULL RETURNING g.id
      ), timeline AS (
        INSERT INTO case_timeline_event (id, case_id, kind, ref_type, ref_id, summary)
        SELECT gen_random_uuid(), e.case_id, 'referral_expired', 'referral', e.id,
               jsonb_build_object('toAgencyId', e.to_agency_id, 'purpose', e.purpose, 'urgency', e.urgency)
          FROM expired e RETURNING 1
      ), audited AS (
        INSERT INTO audit_event (category, action, outcome, resource_type, resource_ids, case_ids, changes)
        SELECT 'change', 'expire', 'allowed', 'referral', ARRAY[e.id::text], ARRAY[e.case_id],
               jsonb_build_array(jsonb_build_object('field', 'status', 'personal', false, 'old', 'pending', 'new', 'expired'))
          FROM expired e RETURNING 1
      )
      SELECT count(*)::int FROM expired $$`);
    await q.query(`DROP FUNCTION domain_event_capacity_low(uuid, integer)`);
    await q.query(`DROP FUNCTION domain_events_follow_ups(date, integer)`);
    await q.query(`DROP FUNCTION domain_events_referrals_expiring(interval)`);
    await q.query(`DROP FUNCTION domain_events_by_id(uuid[])`);
    await q.query(`DROP FUNCTION domain_event_append(uuid, text, uuid[], uuid, text, uuid, jsonb)`);
    await q.query(`DROP TABLE domain_event_pending`);
    await q.query(`DROP TABLE domain_event`);
    await q.query(`DROP FUNCTION domain_event_enqueue()`);
    await q.query(`DROP FUNCTION app_uuidv7()`);
  }
}
