import type { MigrationInterface, QueryRunner } from 'typeorm';

export class CasesAndAssistance1795381647524 implements MigrationInterface {
  name = 'CasesAndAssistance1795381647524';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "case_number_sequence" ("prefix" character varying(3) NOT NULL, "year" integer NOT NULL, "last" integer NOT NULL, CONSTRAINT "pk_case_number_sequence" PRIMARY KEY ("prefix", "year"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "case_timeline_event" ("id" uuid NOT NULL, "case_id" uuid NOT NULL, "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT clock_timestamp(), "kind" character varying(40) NOT NULL, "actor_id" uuid, "agency_id" uuid, "ref_type" character varying(40), "ref_id" uuid, "summary" jsonb NOT NULL DEFAULT '{}', CONSTRAINT "pk_case_timeline_event" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_case_timeline_event_case" ON "case_timeline_event"  ("case_id", "occurred_at")`,
    );
    await queryRunner.query(
      `CREATE TABLE "case_consent" ("id" uuid NOT NULL, "case_id" uuid NOT NULL, "version" integer NOT NULL, "purposes" text array NOT NULL, "covered_agency_ids" uuid array NOT NULL DEFAULT '{}', "given_by" character varying(20) NOT NULL, "method" character varying(20) NOT NULL, "given_on" date NOT NULL, "language" character(3), "recorded_by" uuid NOT NULL, "status" character varying(12) NOT NULL, "withdrawn_at" TIMESTAMP WITH TIME ZONE, "withdrawn_by" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "pk_case_consent" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_case_consent_status" ON "case_consent"  ("status")`);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_case_consent_version" ON "case_consent"  ("case_id", "version")`);
    await queryRunner.query(
      `CREATE TABLE "case_assessment" ("id" uuid NOT NULL, "case_id" uuid NOT NULL, "agency_id" uuid NOT NULL, "recorded_by" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL DEFAULT '1', "kind" character varying(12) NOT NULL, "assessed_on" date NOT NULL, "risk_level" character varying(8) NOT NULL, "risks" text array NOT NULL DEFAULT '{}', "needs" text array NOT NULL DEFAULT '{}', "findings_enc" bytea, CONSTRAINT "PK_09340498b2c10500db0b0127e2d" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_case_assessment_case" ON "case_assessment"  ("case_id")`);
    await queryRunner.query(
      `CREATE TABLE "case_support_plan" ("id" uuid NOT NULL, "case_id" uuid NOT NULL, "agency_id" uuid NOT NULL, "recorded_by" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL DEFAULT '1', "type" character varying(40) NOT NULL, "status" character varying(12) NOT NULL, "objectives_enc" bytea NOT NULL, "actions_enc" bytea, "planned_end_date" date, "actual_end_date" date, CONSTRAINT "PK_2105168ac3f2bdb5eda75306b2f" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_case_support_plan_case" ON "case_support_plan"  ("case_id")`);
    await queryRunner.query(
      `CREATE TABLE "case_service_record" ("id" uuid NOT NULL, "case_id" uuid NOT NULL, "agency_id" uuid NOT NULL, "recorded_by" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL DEFAULT '1', "service_type" character varying(40) NOT NULL, "provider_agency_id" uuid NOT NULL, "delivered_on" date NOT NULL, "quantity" numeric(12,2), "unit" character varying(20), "cost_lak" bigint, "outcome" character varying(16) NOT NULL, "notes_enc" bytea, CONSTRAINT "PK_dc1f35b06298f57b3c3af94807d" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_case_service_record_case" ON "case_service_record"  ("case_id")`);
    await queryRunner.query(
      `CREATE TABLE "case_follow_up" ("id" uuid NOT NULL, "case_id" uuid NOT NULL, "agency_id" uuid NOT NULL, "recorded_by" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL DEFAULT '1', "due_on" date NOT NULL, "plan_month" smallint, "status" character varying(12) NOT NULL, "completed_on" date, "outcome" character varying(30), "notes_enc" bytea, CONSTRAINT "PK_5d4210f221d511cfb67c47af1f3" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_case_follow_up_case" ON "case_follow_up"  ("case_id")`);
    await queryRunner.query(`CREATE INDEX "ix_case_follow_up_due" ON "case_follow_up"  ("agency_id", "due_on")`);
    await queryRunner.query(
      `CREATE TABLE "case_note" ("id" uuid NOT NULL, "case_id" uuid NOT NULL, "thread_id" uuid NOT NULL, "revision" integer NOT NULL, "author_id" uuid NOT NULL, "author_agency_id" uuid NOT NULL, "body_enc" bytea NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "pk_case_note" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_case_note_case" ON "case_note"  ("case_id")`);
    await queryRunner.query(
      `CREATE TABLE "idempotency_key" ("actor_user_id" uuid NOT NULL, "key" character varying(200) NOT NULL, "route" character varying(200) NOT NULL, "request_hash" bytea NOT NULL, "status" smallint, "response_enc" bytea, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, CONSTRAINT "pk_idempotency_key" PRIMARY KEY ("actor_user_id", "key"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_idempotency_key_expires" ON "idempotency_key"  ("expires_at")`);
    await queryRunner.query(`ALTER TABLE "case_file" ADD "case_number" character varying(20) NOT NULL`);
    await queryRunner.query(`ALTER TABLE "case_file" ADD "stage" character varying(20) NOT NULL DEFAULT 'intake'`);
    await queryRunner.query(`ALTER TABLE "case_file" ADD "province_code" character varying(6)`);
    await queryRunner.query(`ALTER TABLE "case_file" ADD "exploitation_types" text array NOT NULL DEFAULT '{}'`);
    await queryRunner.query(`ALTER TABLE "case_file" ADD "opened_on" date NOT NULL`);
    await queryRunner.query(`ALTER TABLE "case_file" ADD "closure_request" jsonb`);
    await queryRunner.query(`ALTER TABLE "case_file" ADD "closure_reason" character varying(40)`);
    await queryRunner.query(`ALTER TABLE "case_file" ADD "closed_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(`ALTER TABLE "case_file" ADD "closed_by" uuid`);
    await queryRunner.query(`ALTER TABLE "case_file" ADD "transferred_to_agency_id" uuid`);
    await queryRunner.query(`ALTER TABLE "case_file" DROP CONSTRAINT "fk_case_file_person"`);
    await queryRunner.query(`ALTER TABLE "case_file" ALTER COLUMN "person_id" SET NOT NULL`);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_case_file_case_number" ON "case_file"  ("case_number")`);
    await queryRunner.query(`CREATE INDEX "ix_case_file_stage" ON "case_file"  ("stage")`);
    await queryRunner.query(`CREATE INDEX "ix_case_file_province" ON "case_file"  ("province_code")`);
    await queryRunner.query(`CREATE INDEX "ix_case_file_created_at" ON "case_file"  ("created_at")`);
    await queryRunner.query(
      `ALTER TABLE "case_file" ADD CONSTRAINT "fk_case_file_person" FOREIGN KEY ("person_id") REFERENCES "person"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "case_file" ADD CONSTRAINT "fk_case_file_province" FOREIGN KEY ("province_code") REFERENCES "ref_province"("code") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "case_timeline_event" ADD CONSTRAINT "fk_case_timeline_event_case" FOREIGN KEY ("case_id") REFERENCES "case_file"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "case_consent" ADD CONSTRAINT "fk_case_consent_case" FOREIGN KEY ("case_id") REFERENCES "case_file"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "case_assessment" ADD CONSTRAINT "fk_case_assessment_case" FOREIGN KEY ("case_id") REFERENCES "case_file"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "case_support_plan" ADD CONSTRAINT "fk_case_support_plan_case" FOREIGN KEY ("case_id") REFERENCES "case_file"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "case_service_record" ADD CONSTRAINT "fk_case_service_record_case" FOREIGN KEY ("case_id") REFERENCES "case_file"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "case_service_record" ADD CONSTRAINT "fk_case_service_record_provider" FOREIGN KEY ("provider_agency_id") REFERENCES "agency"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "case_follow_up" ADD CONSTRAINT "fk_case_follow_up_case" FOREIGN KEY ("case_id") REFERENCES "case_file"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "case_note" ADD CONSTRAINT "fk_case_note_case" FOREIGN KEY ("case_id") REFERENCES "case_file"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "case_note" ADD CONSTRAINT "fk_case_note_author" FOREIGN KEY ("author_id") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );

    // --- Privileges. Records people rely on are never deleted through the API.
    await queryRunner.query(
      `GRANT SELECT, INSERT, UPDATE ON case_number_sequence, case_consent, case_assessment, case_support_plan, case_service_record, case_follow_up TO ctcm_app`,
    );
    await queryRunner.query(`GRANT SELECT, INSERT ON case_timeline_event, case_note TO ctcm_app`);
    await queryRunner.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON idempotency_key TO ctcm_app`);

    // The timeline and notes are append-only: a correction is a new note version.
    await queryRunner.query(
      `CREATE TRIGGER case_timeline_event_append_only BEFORE UPDATE OR DELETE ON case_timeline_event FOR EACH ROW EXECUTE FUNCTION audit_forbid_change()`,
    );
    // Key rotation (run by the owner with ctcm.key_rotation = on) may re-encrypt the body and nothing else.
    await queryRunner.query(`CREATE FUNCTION case_note_protect() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE' AND current_setting('ctcm.key_rotation', true) = 'on'
           AND (to_jsonb(NEW) - 'body_enc') = (to_jsonb(OLD) - 'body_enc') THEN
          RETURN NEW;
        END IF;
        RAISE EXCEPTION 'case notes are append-only (% on %)', TG_OP, TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await queryRunner.query(
      `CREATE TRIGGER case_note_append_only BEFORE UPDATE OR DELETE ON case_note FOR EACH ROW EXECUTE FUNCTION case_note_protect()`,
    );

    // --- Row-level security: every case record is visible exactly when its case is
    // (the case_file policy applies inside the EXISTS), and written only by an agency that sees it.
    for (const table of [
      'case_timeline_event',
      'case_consent',
      'case_assessment',
      'case_support_plan',
      'case_service_record',
      'case_follow_up',
    ]) {
      await queryRunner.query(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`);
      await queryRunner.query(`CREATE POLICY ${table}_case_visibility ON ${table}
        USING (EXISTS (SELECT 1 FROM case_file c WHERE c.id = case_id))
        WITH CHECK (EXISTS (SELECT 1 FROM case_file c WHERE c.id = case_id))`);
    }
    // Notes: an agency that sees the case through a referral reads only its own notes.
    await queryRunner.query(`ALTER TABLE case_note ENABLE ROW LEVEL SECURITY`);
    await queryRunner.query(`CREATE POLICY case_note_visibility ON case_note
      USING (EXISTS (SELECT 1 FROM case_file c WHERE c.id = case_id)
             AND (author_agency_id = app_current_agency_id() OR app_case_lead_agency(case_id) = app_current_agency_id()))
      WITH CHECK (author_agency_id = app_current_agency_id() AND EXISTS (SELECT 1 FROM case_file c WHERE c.id = case_id))`);
    // Needs and risk codes (screening and assessments) for whoever sees the case, the limited
    // view included: the screening itself stays hidden from a referral receiver.
    await queryRunner.query(`CREATE FUNCTION app_case_needs_risks(p_case_id uuid) RETURNS TABLE (needs text[], risks text[]) LANGUAGE sql STABLE
      SECURITY DEFINER SET search_path = public, pg_temp AS $$
      SELECT
        ARRAY(SELECT DISTINCT x FROM (SELECT unnest(s.immediate_needs) x FROM screening s WHERE s.case_id = p_case_id
                                      UNION ALL SELECT unnest(a.needs) FROM case_assessment a WHERE a.case_id = p_case_id) n ORDER BY x),
        ARRAY(SELECT DISTINCT x FROM (SELECT unnest(s.risks) x FROM screening s WHERE s.case_id = p_case_id
                                      UNION ALL SELECT unnest(a.risks) FROM case_assessment a WHERE a.case_id = p_case_id) r ORDER BY x)
      WHERE EXISTS (
        SELECT 1 FROM case_file c WHERE c.id = p_case_id AND (
          c.lead_agency_id = app_current_agency_id()
          OR EXISTS (SELECT 1 FROM case_access_grant g WHERE g.case_id = c.id AND g.grantee_agency_id = app_current_agency_id()
                       AND g.revoked_at IS NULL AND (g.expires_at IS NULL OR g.expires_at > now()))))
      $$`);
    await queryRunner.query(`REVOKE ALL ON FUNCTION app_case_needs_risks(uuid) FROM PUBLIC`);
    await queryRunner.query(`GRANT EXECUTE ON FUNCTION app_case_needs_risks(uuid) TO ctcm_app`);
    // Idempotency records belong to the user who sent the request.
    await queryRunner.query(`CREATE FUNCTION idempotency_key_purge() RETURNS integer LANGUAGE sql
      SECURITY DEFINER SET search_path = public, pg_temp
      AS $$ WITH gone AS (DELETE FROM idempotency_key WHERE expires_at < now() RETURNING 1) SELECT count(*)::int FROM gone $$`);
    await queryRunner.query(`REVOKE ALL ON FUNCTION idempotency_key_purge() FROM PUBLIC`);
    await queryRunner.query(`GRANT EXECUTE ON FUNCTION idempotency_key_purge() TO ctcm_app`);
    await queryRunner.query(`ALTER TABLE idempotency_key ENABLE ROW LEVEL SECURITY`);
    await queryRunner.query(`CREATE POLICY idempotency_key_owner ON idempotency_key
      USING (actor_user_id = app_current_user_id()) WITH CHECK (actor_user_id = app_current_user_id())`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP POLICY idempotency_key_owner ON idempotency_key`);
    await queryRunner.query(`DROP FUNCTION idempotency_key_purge()`);
    await queryRunner.query(`DROP FUNCTION app_case_needs_risks(uuid)`);
    await queryRunner.query(`DROP TRIGGER case_note_append_only ON case_note`);
    await queryRunner.query(`DROP FUNCTION case_note_protect()`);
    await queryRunner.query(`DROP TRIGGER case_timeline_event_append_only ON case_timeline_event`);
    await queryRunner.query(`DROP POLICY case_note_visibility ON case_note`);
    for (const table of [
      'case_timeline_event',
      'case_consent',
      'case_assessment',
      'case_support_plan',
      'case_service_record',
      'case_follow_up',
    ]) {
      await queryRunner.query(`DROP POLICY ${table}_case_visibility ON ${table}`);
    }
    await queryRunner.query(`ALTER TABLE "case_note" DROP CONSTRAINT "fk_case_note_author"`);
    await queryRunner.query(`ALTER TABLE "case_note" DROP CONSTRAINT "fk_case_note_case"`);
    await queryRunner.query(`ALTER TABLE "case_follow_up" DROP CONSTRAINT "fk_case_follow_up_case"`);
    await queryRunner.query(`ALTER TABLE "case_service_record" DROP CONSTRAINT "fk_case_service_record_provider"`);
    await queryRunner.query(`ALTER TABLE "case_service_record" DROP CONSTRAINT "fk_case_service_record_case"`);
    await queryRunner.query(`ALTER TABLE "case_support_plan" DROP CONSTRAINT "fk_case_support_plan_case"`);
    await queryRunner.query(`ALTER TABLE "case_assessment" DROP CONSTRAINT "fk_case_assessment_case"`);
    await queryRunner.query(`ALTER TABLE "case_consent" DROP CONSTRAINT "fk_case_consent_case"`);
    await queryRunner.query(`ALTER TABLE "case_timeline_event" DROP CONSTRAINT "fk_case_timeline_event_case"`);
    await queryRunner.query(`ALTER TABLE "case_file" DROP CONSTRAINT "fk_case_file_province"`);
    await queryRunner.query(`ALTER TABLE "case_file" DROP CONSTRAINT "fk_case_file_person"`);
    await queryRunner.query(`DROP INDEX "public"."ix_case_file_created_at"`);
    await queryRunner.query(`DROP INDEX "public"."ix_case_file_province"`);
    await queryRunner.query(`DROP INDEX "public"."ix_case_file_stage"`);
    await queryRunner.query(`DROP INDEX "public"."uq_case_file_case_number"`);
    await queryRunner.query(`ALTER TABLE "case_file" ALTER COLUMN "person_id" DROP NOT NULL`);
    await queryRunner.query(
      `ALTER TABLE "case_file" ADD CONSTRAINT "fk_case_file_person" FOREIGN KEY ("person_id") REFERENCES "person"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(`ALTER TABLE "case_file" DROP COLUMN "transferred_to_agency_id"`);
    await queryRunner.query(`ALTER TABLE "case_file" DROP COLUMN "closed_by"`);
    await queryRunner.query(`ALTER TABLE "case_file" DROP COLUMN "closed_at"`);
    await queryRunner.query(`ALTER TABLE "case_file" DROP COLUMN "closure_reason"`);
    await queryRunner.query(`ALTER TABLE "case_file" DROP COLUMN "closure_request"`);
    await queryRunner.query(`ALTER TABLE "case_file" DROP COLUMN "opened_on"`);
    await queryRunner.query(`ALTER TABLE "case_file" DROP COLUMN "exploitation_types"`);
    await queryRunner.query(`ALTER TABLE "case_file" DROP COLUMN "province_code"`);
    await queryRunner.query(`ALTER TABLE "case_file" DROP COLUMN "stage"`);
    await queryRunner.query(`ALTER TABLE "case_file" DROP COLUMN "case_number"`);
    await queryRunner.query(`DROP INDEX "public"."ix_idempotency_key_expires"`);
    await queryRunner.query(`DROP TABLE "idempotency_key"`);
    await queryRunner.query(`DROP INDEX "public"."ix_case_note_case"`);
    await queryRunner.query(`DROP TABLE "case_note"`);
    await queryRunner.query(`DROP INDEX "public"."ix_case_follow_up_due"`);
    await queryRunner.query(`DROP INDEX "public"."ix_case_follow_up_case"`);
    await queryRunner.query(`DROP TABLE "case_follow_up"`);
    await queryRunner.query(`DROP INDEX "public"."ix_case_service_record_case"`);
    await queryRunner.query(`DROP TABLE "case_service_record"`);
    await queryRunner.query(`DROP INDEX "public"."ix_case_support_plan_case"`);
    await queryRunner.query(`DROP TABLE "case_support_plan"`);
    await queryRunner.query(`DROP INDEX "public"."ix_case_assessment_case"`);
    await queryRunner.query(`DROP TABLE "case_assessment"`);
    await queryRunner.query(`DROP INDEX "public"."uq_case_consent_version"`);
    await queryRunner.query(`DROP INDEX "public"."ix_case_consent_status"`);
    await queryRunner.query(`DROP TABLE "case_consent"`);
    await queryRunner.query(`DROP INDEX "public"."ix_case_timeline_event_case"`);
    await queryRunner.query(`DROP TABLE "case_timeline_event"`);
    await queryRunner.query(`DROP TABLE "case_number_sequence"`);
  }
}
