import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Retention by rule (docs/data-protection.md): legal holds on cases, the record of every
 * retention run and of what it erased per case and record type, and the de-identified facts a
 * case keeps for statistics once its personal values are gone.
 *
 * The run works across agencies without bypassing row-level security: it switches the
 * transaction's agency context to each agency in turn and every eraser touches only the rows
 * that agency owns. Two SECURITY DEFINER functions answer the cross-agency questions it must
 * ask first; they return ids, dates and flags only, never personal values.
 */
export class RecordRetention1797300000000 implements MigrationInterface {
  name = 'RecordRetention1797300000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE case_legal_hold (
      id uuid NOT NULL,
      case_id uuid NOT NULL,
      reason character varying(40) NOT NULL,
      placed_by uuid NOT NULL,
      placed_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      lifted_by uuid,
      lifted_at TIMESTAMP WITH TIME ZONE,
      lift_reason character varying(40),
      CONSTRAINT pk_case_legal_hold PRIMARY KEY (id),
      CONSTRAINT fk_case_legal_hold_case FOREIGN KEY (case_id) REFERENCES case_file(id) ON DELETE RESTRICT,
      CONSTRAINT fk_case_legal_hold_placed_by FOREIGN KEY (placed_by) REFERENCES app_user(id) ON DELETE RESTRICT,
      CONSTRAINT fk_case_legal_hold_lifted_by FOREIGN KEY (lifted_by) REFERENCES app_user(id) ON DELETE RESTRICT)`);
    await q.query(`CREATE UNIQUE INDEX uq_case_legal_hold_active ON case_legal_hold (case_id) WHERE lifted_at IS NULL`);
    await q.query(`CREATE INDEX ix_case_legal_hold_case ON case_legal_hold (case_id, placed_at)`);
    await q.query(`GRANT SELECT, INSERT, UPDATE ON case_legal_hold TO ctcm_app`);
    await q.query(`ALTER TABLE case_legal_hold ENABLE ROW LEVEL SECURITY`);
    // Seen by whoever sees the case; placed and lifted by its lead agency only.
    await q.query(`CREATE POLICY case_legal_hold_visibility ON case_legal_hold
      USING (EXISTS (SELECT 1 FROM case_file c WHERE c.id = case_id))
      WITH CHECK (app_case_lead_agency(case_id) = app_current_agency_id())`);

    // A run: when, by whom (NULL: the schedule), the instant it counted from, and counts only.
    await q.query(`CREATE TABLE retention_run (
      id uuid NOT NULL,
      trigger character varying(12) NOT NULL,
      triggered_by uuid,
      as_of TIMESTAMP WITH TIME ZONE NOT NULL,
      started_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      finished_at TIMESTAMP WITH TIME ZONE,
      cases integer NOT NULL DEFAULT 0,
      records integer NOT NULL DEFAULT 0,
      by_record_type jsonb NOT NULL DEFAULT '{}',
      CONSTRAINT pk_retention_run PRIMARY KEY (id))`);
    await q.query(`CREATE INDEX ix_retention_run_started ON retention_run (started_at DESC, id)`);
    await q.query(`GRANT SELECT, INSERT, UPDATE ON retention_run TO ctcm_app`);

    // What each run erased: one row per case and record type, so nothing is erased twice.
    await q.query(`CREATE TABLE retention_erasure (
      case_id uuid NOT NULL,
      record_type character varying(40) NOT NULL,
      run_id uuid NOT NULL,
      erased_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      records integer NOT NULL,
      CONSTRAINT pk_retention_erasure PRIMARY KEY (case_id, record_type),
      CONSTRAINT fk_retention_erasure_case FOREIGN KEY (case_id) REFERENCES case_file(id) ON DELETE RESTRICT,
      CONSTRAINT fk_retention_erasure_run FOREIGN KEY (run_id) REFERENCES retention_run(id) ON DELETE RESTRICT)`);
    await q.query(`GRANT SELECT, INSERT ON retention_erasure TO ctcm_app`);
    await q.query(`ALTER TABLE retention_erasure ENABLE ROW LEVEL SECURITY`);
    await q.query(`CREATE POLICY retention_erasure_visibility ON retention_erasure
      USING (EXISTS (SELECT 1 FROM case_file c WHERE c.id = case_id))
      WITH CHECK (app_case_lead_agency(case_id) = app_current_agency_id())`);

    // The de-identified facts kept for statistics: coarse codes and month-precision dates.
    await q.query(`CREATE TABLE case_retention_fact (
      case_id uuid NOT NULL,
      lead_agency_id uuid NOT NULL,
      gender character varying(30),
      age_band character varying(8) NOT NULL,
      exploitation_types text[] NOT NULL DEFAULT '{}',
      province_code character varying(6),
      closure_reason character varying(40),
      opened_month date NOT NULL,
      closed_month date,
      recorded_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT pk_case_retention_fact PRIMARY KEY (case_id),
      CONSTRAINT fk_case_retention_fact_case FOREIGN KEY (case_id) REFERENCES case_file(id) ON DELETE RESTRICT)`);
    await q.query(`GRANT SELECT, INSERT ON case_retention_fact TO ctcm_app`);
    await q.query(`ALTER TABLE case_retention_fact ENABLE ROW LEVEL SECURITY`);
    await q.query(`CREATE POLICY case_retention_fact_lead ON case_retention_fact
      USING (lead_agency_id = app_current_agency_id())
      WITH CHECK (lead_agency_id = app_current_agency_id() AND app_case_lead_agency(case_id) = app_current_agency_id())`);

    // Closed cases closed before p_closed_before: ids, dates and flags only (no personal value).
    await q.query(`CREATE FUNCTION app_retention_candidates(p_closed_before timestamptz)
      RETURNS TABLE (case_id uuid, case_number varchar, lead_agency_id uuid, person_id uuid, closed_at timestamptz,
                     on_hold boolean, erased text[])
      LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
        SELECT c.id, c.case_number, c.lead_agency_id, c.person_id, c.closed_at,
               EXISTS (SELECT 1 FROM case_legal_hold h WHERE h.case_id = c.id AND h.lifted_at IS NULL),
               ARRAY(SELECT e.record_type::text FROM retention_erasure e WHERE e.case_id = c.id ORDER BY 1)
          FROM case_file c
         WHERE c.stage IN ('closed', 'closed_referred') AND c.closed_at IS NOT NULL AND c.closed_at <= p_closed_before
         ORDER BY c.closed_at, c.id
    $$`);
    // The persons of p_person_ids that still have a case kept: open, closed after p_closed_before,
    // or on legal hold (their identity stays until every case of theirs may go).
    await q.query(`CREATE FUNCTION app_retention_persons_kept(p_person_ids uuid[], p_closed_before timestamptz)
      RETURNS SETOF uuid
      LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
        SELECT DISTINCT c.person_id FROM case_file c
         WHERE c.person_id = ANY (p_person_ids)
           AND (c.stage NOT IN ('closed', 'closed_referred') OR c.closed_at IS NULL OR c.closed_at > p_closed_before
                OR EXISTS (SELECT 1 FROM case_legal_hold h WHERE h.case_id = c.id AND h.lifted_at IS NULL))
    $$`);
    // Notes and family assessments stay append-only for the application, except that retention
    // may overwrite their personal text (column privileges: nothing else of the row).
    await q.query(`GRANT UPDATE (body_enc) ON case_note TO ctcm_app`);
    // The notes' append-only trigger lets retention (ctcm.retention = on, set by the case-notes
    // eraser) overwrite the body and nothing else, as it lets key rotation.
    await q.query(
      protectCaseNotes(
        `current_setting('ctcm.key_rotation', true) = 'on' OR current_setting('ctcm.retention', true) = 'on'`,
      ),
    );
    await q.query(`GRANT UPDATE (findings_enc) ON family_assessment TO ctcm_app`);
    for (const fn of ['app_retention_candidates(timestamptz)', 'app_retention_persons_kept(uuid[], timestamptz)']) {
      await q.query(`REVOKE ALL ON FUNCTION ${fn} FROM PUBLIC`);
      await q.query(`GRANT EXECUTE ON FUNCTION ${fn} TO ctcm_app`);
    }
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`REVOKE UPDATE (findings_enc) ON family_assessment FROM ctcm_app`);
    await q.query(`REVOKE UPDATE (body_enc) ON case_note FROM ctcm_app`);
    await q.query(protectCaseNotes(`current_setting('ctcm.key_rotation', true) = 'on'`));
    await q.query(`DROP FUNCTION app_retention_persons_kept(uuid[], timestamptz)`);
    await q.query(`DROP FUNCTION app_retention_candidates(timestamptz)`);
    await q.query(`DROP TABLE case_retention_fact`);
    await q.query(`DROP TABLE retention_erasure`);
    await q.query(`DROP TABLE retention_run`);
    await q.query(`DROP TABLE case_legal_hold`);
  }
}

/** The append-only trigger function of case notes, allowing a body-only update when `allowed` holds. */
const protectCaseNotes = (
  allowed: string,
) => `CREATE OR REPLACE FUNCTION case_note_protect() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE' AND (${allowed})
           AND (to_jsonb(NEW) - 'body_enc') = (to_jsonb(OLD) - 'body_enc') THEN
          RETURN NEW;
        END IF;
        RAISE EXCEPTION 'case notes are append-only (% on %)', TG_OP, TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
      END $$`;
