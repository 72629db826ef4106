import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ReferralsAndReturns1795382223441 implements MigrationInterface {
  name = 'ReferralsAndReturns1795382223441';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "facility" ("id" uuid NOT NULL, "agency_id" uuid NOT NULL, "code" character varying(40) NOT NULL, "name_en" text NOT NULL, "name_lo" text, "kind" character varying(20) NOT NULL, "province_code" character varying(6) NOT NULL, "accepts_genders" text array NOT NULL, "accepts_min_age" smallint NOT NULL DEFAULT '0', "accepts_max_age" smallint NOT NULL DEFAULT '120', "accepts_exploitation_types" text array NOT NULL DEFAULT '{}', "services" text array NOT NULL DEFAULT '{}', "bed_capacity" integer NOT NULL, "active" boolean NOT NULL DEFAULT true, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL DEFAULT '1', CONSTRAINT "pk_facility" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_facility_agency" ON "facility"  ("agency_id")`);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_facility_code" ON "facility"  ("code")`);
    await queryRunner.query(
      `CREATE TABLE "placement" ("id" uuid NOT NULL, "facility_id" uuid NOT NULL, "case_id" uuid NOT NULL, "referral_id" uuid, "agency_id" uuid NOT NULL, "admitted_on" date NOT NULL, "discharged_on" date, "discharge_destination" character varying(20), "discharge_reason" character varying(30), "destination_province_code" character varying(6), "escorted" boolean NOT NULL DEFAULT false, "recorded_by" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL DEFAULT '1', CONSTRAINT "pk_placement" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_placement_case_open" ON "placement"  ("case_id") WHERE discharged_on IS NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_placement_facility_open" ON "placement"  ("facility_id") WHERE discharged_on IS NULL`,
    );
    await queryRunner.query(
      `CREATE TABLE "referral" ("id" uuid NOT NULL, "case_id" uuid NOT NULL, "from_agency_id" uuid NOT NULL, "to_agency_id" uuid NOT NULL, "to_facility_id" uuid, "purpose" character varying(30) NOT NULL, "urgency" character varying(12) NOT NULL, "status" character varying(12) NOT NULL, "note_enc" bytea, "due_by" TIMESTAMP WITH TIME ZONE NOT NULL, "decline_reason" character varying(40), "end_reason" character varying(40), "consent_override_enc" bytea, "consent_override_by" uuid, "profile_gender" character varying(30) NOT NULL, "profile_age_group" character varying(8) NOT NULL, "created_by" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "responded_by" uuid, "responded_at" TIMESTAMP WITH TIME ZONE, "ended_at" TIMESTAMP WITH TIME ZONE, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL DEFAULT '1', CONSTRAINT "pk_referral" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_referral_pending_due" ON "referral"  ("due_by") WHERE status = 'pending'`,
    );
    await queryRunner.query(`CREATE INDEX "ix_referral_case" ON "referral"  ("case_id")`);
    await queryRunner.query(`CREATE INDEX "ix_referral_inbox" ON "referral"  ("to_agency_id", "status", "due_by")`);
    await queryRunner.query(
      `CREATE TABLE "unmet_need" ("id" uuid NOT NULL, "case_id" uuid NOT NULL, "agency_id" uuid NOT NULL, "province_code" character varying(6), "service" character varying(30) NOT NULL, "gender" character varying(30) NOT NULL, "age_group" character varying(8) NOT NULL, "exploitation_types" text array NOT NULL DEFAULT '{}', "rule" character varying(30) NOT NULL, "facility_id" uuid, "recorded_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "pk_unmet_need" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_unmet_need_recorded" ON "unmet_need"  ("recorded_at")`);
    await queryRunner.query(
      `CREATE TABLE "family_assessment" ("id" uuid NOT NULL, "referral_id" uuid NOT NULL, "case_id" uuid NOT NULL, "agency_id" uuid NOT NULL, "assessed_on" date NOT NULL, "family_found" boolean NOT NULL, "recommendation" character varying(20) NOT NULL, "household_risks" text array NOT NULL DEFAULT '{}', "findings_enc" bytea, "recorded_by" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "pk_family_assessment" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_family_assessment_referral" ON "family_assessment"  ("referral_id")`,
    );
    await queryRunner.query(`CREATE INDEX "ix_family_assessment_case" ON "family_assessment"  ("case_id")`);
    await queryRunner.query(
      `CREATE TABLE "return_notice" ("id" uuid NOT NULL, "receiving_agency_id" uuid NOT NULL, "host_country" character(2) NOT NULL, "host_agency" text NOT NULL, "host_reference_enc" bytea, "border_crossing_code" character varying(40) NOT NULL, "expected_on" date NOT NULL, "people_count" integer NOT NULL, "children_count" integer NOT NULL, "status" character varying(10) NOT NULL, "created_by" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL DEFAULT '1', CONSTRAINT "pk_return_notice" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_return_notice_agency" ON "return_notice"  ("receiving_agency_id", "expected_on")`,
    );
    await queryRunner.query(
      `CREATE TABLE "expected_arrival" ("id" uuid NOT NULL, "notice_id" uuid NOT NULL, "receiving_agency_id" uuid NOT NULL, "expected_child" boolean NOT NULL, "status" character varying(10) NOT NULL, "case_id" uuid, "arrived_at" TIMESTAMP WITH TIME ZONE, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL DEFAULT '1', CONSTRAINT "pk_expected_arrival" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_expected_arrival_notice" ON "expected_arrival"  ("notice_id")`);
    await queryRunner.query(
      `ALTER TABLE "facility" ADD CONSTRAINT "fk_facility_agency" FOREIGN KEY ("agency_id") REFERENCES "agency"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "facility" ADD CONSTRAINT "fk_facility_province" FOREIGN KEY ("province_code") REFERENCES "ref_province"("code") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "placement" ADD CONSTRAINT "fk_placement_facility" FOREIGN KEY ("facility_id") REFERENCES "facility"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "placement" ADD CONSTRAINT "fk_placement_case" FOREIGN KEY ("case_id") REFERENCES "case_file"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "referral" ADD CONSTRAINT "fk_referral_case" FOREIGN KEY ("case_id") REFERENCES "case_file"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "referral" ADD CONSTRAINT "fk_referral_from_agency" FOREIGN KEY ("from_agency_id") REFERENCES "agency"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "referral" ADD CONSTRAINT "fk_referral_to_agency" FOREIGN KEY ("to_agency_id") REFERENCES "agency"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "referral" ADD CONSTRAINT "fk_referral_to_facility" FOREIGN KEY ("to_facility_id") REFERENCES "facility"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "family_assessment" ADD CONSTRAINT "fk_family_assessment_referral" FOREIGN KEY ("referral_id") REFERENCES "referral"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "return_notice" ADD CONSTRAINT "fk_return_notice_agency" FOREIGN KEY ("receiving_agency_id") REFERENCES "agency"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "expected_arrival" ADD CONSTRAINT "fk_expected_arrival_notice" FOREIGN KEY ("notice_id") REFERENCES "return_notice"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "expected_arrival" ADD CONSTRAINT "fk_expected_arrival_case" FOREIGN KEY ("case_id") REFERENCES "case_file"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );

    // --- Privileges.
    await queryRunner.query(
      `GRANT SELECT, INSERT, UPDATE ON facility, placement, referral, return_notice, expected_arrival TO ctcm_app`,
    );
    await queryRunner.query(`GRANT SELECT, INSERT ON unmet_need, family_assessment TO ctcm_app`);

    // --- Row-level security. A referral is seen by its two agencies; a placement by the facility's
    // agency and whoever sees the case; return notices and arrivals by the receiving agency.
    await queryRunner.query(`ALTER TABLE referral ENABLE ROW LEVEL SECURITY`);
    await queryRunner.query(`CREATE POLICY referral_parties ON referral
      USING (from_agency_id = app_current_agency_id() OR to_agency_id = app_current_agency_id())
      WITH CHECK (from_agency_id = app_current_agency_id() OR to_agency_id = app_current_agency_id())`);
    await queryRunner.query(`ALTER TABLE placement ENABLE ROW LEVEL SECURITY`);
    await queryRunner.query(`CREATE POLICY placement_visibility ON placement
      USING (agency_id = app_current_agency_id() OR EXISTS (SELECT 1 FROM case_file c WHERE c.id = case_id))
      WITH CHECK (agency_id = app_current_agency_id())`);
    await queryRunner.query(`ALTER TABLE family_assessment ENABLE ROW LEVEL SECURITY`);
    await queryRunner.query(`CREATE POLICY family_assessment_visibility ON family_assessment
      USING (agency_id = app_current_agency_id() OR app_case_lead_agency(case_id) = app_current_agency_id())
      WITH CHECK (agency_id = app_current_agency_id())`);
    for (const [table, column] of [
      ['return_notice', 'receiving_agency_id'],
      ['expected_arrival', 'receiving_agency_id'],
    ]) {
      await queryRunner.query(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`);
      await queryRunner.query(
        `CREATE POLICY ${table}_receiver ON ${table} USING (${column} = app_current_agency_id()) WITH CHECK (${column} = app_current_agency_id())`,
      );
    }

    // Case numbers of the cases a referral links the current agency to (even after it ended).
    await queryRunner.query(`CREATE FUNCTION app_case_numbers(p_ids uuid[]) RETURNS TABLE (id uuid, case_number text) LANGUAGE sql STABLE
      SECURITY DEFINER SET search_path = public, pg_temp AS $$
      SELECT c.id, c.case_number::text FROM case_file c
       WHERE c.id = ANY(p_ids) AND (c.lead_agency_id = app_current_agency_id()
         OR EXISTS (SELECT 1 FROM referral r WHERE r.case_id = c.id AND (r.to_agency_id = app_current_agency_id() OR r.from_agency_id = app_current_agency_id()))) $$`);
    await queryRunner.query(`REVOKE ALL ON FUNCTION app_case_numbers(uuid[]) FROM PUBLIC`);
    await queryRunner.query(`GRANT EXECUTE ON FUNCTION app_case_numbers(uuid[]) TO ctcm_app`);

    // Occupancy is a count every agency may see (placements themselves stay private).
    await queryRunner.query(`CREATE FUNCTION facility_occupancy() RETURNS TABLE (facility_id uuid, occupied integer) LANGUAGE sql STABLE
      SECURITY DEFINER SET search_path = public, pg_temp
      AS $$ SELECT p.facility_id, count(*)::int FROM placement p WHERE p.discharged_on IS NULL GROUP BY p.facility_id $$`);
    await queryRunner.query(`REVOKE ALL ON FUNCTION facility_occupancy() FROM PUBLIC`);
    await queryRunner.query(`GRANT EXECUTE ON FUNCTION facility_occupancy() TO ctcm_app`);

    // --- Expiry of unanswered referrals, for any replica: one atomic statement ends each
    // overdue referral once, revokes its access, and writes the timeline and audit entries.
    await queryRunner.query(`CREATE FUNCTION referral_expire_overdue() RETURNS integer LANGUAGE sql
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
    await queryRunner.query(`REVOKE ALL ON FUNCTION referral_expire_overdue() FROM PUBLIC`);
    await queryRunner.query(`GRANT EXECUTE ON FUNCTION referral_expire_overdue() TO ctcm_app`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP FUNCTION referral_expire_overdue()`);
    await queryRunner.query(`DROP FUNCTION facility_occupancy()`);
    await queryRunner.query(`DROP FUNCTION app_case_numbers(uuid[])`);
    for (const table of ['return_notice', 'expected_arrival'])
      await queryRunner.query(`DROP POLICY ${table}_receiver ON ${table}`);
    await queryRunner.query(`DROP POLICY family_assessment_visibility ON family_assessment`);
    await queryRunner.query(`DROP POLICY placement_visibility ON placement`);
    await queryRunner.query(`DROP POLICY referral_parties ON referral`);
    await queryRunner.query(`ALTER TABLE "expected_arrival" DROP CONSTRAINT "fk_expected_arrival_case"`);
    await queryRunner.query(`ALTER TABLE "expected_arrival" DROP CONSTRAINT "fk_expected_arrival_notice"`);
    await queryRunner.query(`ALTER TABLE "return_notice" DROP CONSTRAINT "fk_return_notice_agency"`);
    await queryRunner.query(`ALTER TABLE "family_assessment" DROP CONSTRAINT "fk_family_assessment_referral"`);
    await queryRunner.query(`ALTER TABLE "referral" DROP CONSTRAINT "fk_referral_to_facility"`);
    await queryRunner.query(`ALTER TABLE "referral" DROP CONSTRAINT "fk_referral_to_agency"`);
    await queryRunner.query(`ALTER TABLE "referral" DROP CONSTRAINT "fk_referral_from_agency"`);
    await queryRunner.query(`ALTER TABLE "referral" DROP CONSTRAINT "fk_referral_case"`);
    await queryRunner.query(`ALTER TABLE "placement" DROP CONSTRAINT "fk_placement_case"`);
    await queryRunner.query(`ALTER TABLE "placement" DROP CONSTRAINT "fk_placement_facility"`);
    await queryRunner.query(`ALTER TABLE "facility" DROP CONSTRAINT "fk_facility_province"`);
    await queryRunner.query(`ALTER TABLE "facility" DROP CONSTRAINT "fk_facility_agency"`);
    await queryRunner.query(`DROP INDEX "public"."ix_expected_arrival_notice"`);
    await queryRunner.query(`DROP TABLE "expected_arrival"`);
    await queryRunner.query(`DROP INDEX "public"."ix_return_notice_agency"`);
    await queryRunner.query(`DROP TABLE "return_notice"`);
    await queryRunner.query(`DROP INDEX "public"."ix_family_assessment_case"`);
    await queryRunner.query(`DROP INDEX "public"."uq_family_assessment_referral"`);
    await queryRunner.query(`DROP TABLE "family_assessment"`);
    await queryRunner.query(`DROP INDEX "public"."ix_unmet_need_recorded"`);
    await queryRunner.query(`DROP TABLE "unmet_need"`);
    await queryRunner.query(`DROP INDEX "public"."ix_referral_inbox"`);
    await queryRunner.query(`DROP INDEX "public"."ix_referral_case"`);
    await queryRunner.query(`DROP INDEX "public"."ix_referral_pending_due"`);
    await queryRunner.query(`DROP TABLE "referral"`);
    await queryRunner.query(`DROP INDEX "public"."ix_placement_facility_open"`);
    await queryRunner.query(`DROP INDEX "public"."uq_placement_case_open"`);
    await queryRunner.query(`DROP TABLE "placement"`);
    await queryRunner.query(`DROP INDEX "public"."uq_facility_code"`);
    await queryRunner.query(`DROP INDEX "public"."ix_facility_agency"`);
    await queryRunner.query(`DROP TABLE "facility"`);
  }
}
