import type { MigrationInterface, QueryRunner } from 'typeorm';

export class PersonsAndScreening1795380808488 implements MigrationInterface {
  name = 'PersonsAndScreening1795380808488';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "person" ("id" uuid NOT NULL, "owner_agency_id" uuid NOT NULL, "created_by" uuid NOT NULL, "gender" character varying(30) NOT NULL, "citizenships" text array NOT NULL DEFAULT '{}', "languages" text array NOT NULL DEFAULT '{}', "home_province_code" character varying(6), "names_enc" bytea NOT NULL, "birth_enc" bytea, "address_enc" bytea, "contacts_enc" bytea, "documents_enc" bytea, "guardian_enc" bytea, "birth_year_bidx" bytea, "merged_into_id" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL DEFAULT '1', CONSTRAINT "pk_person" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_person_owner_agency" ON "person"  ("owner_agency_id")`);
    await queryRunner.query(
      `CREATE TABLE "person_name_index" ("person_id" uuid NOT NULL, "kind" character varying(10) NOT NULL, "value" bytea NOT NULL, CONSTRAINT "pk_person_name_index" PRIMARY KEY ("person_id", "kind", "value"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_person_name_index_value" ON "person_name_index"  ("value")`);
    await queryRunner.query(
      `CREATE TABLE "screening_catalogue" ("id" uuid NOT NULL, "version" integer NOT NULL, "title" text NOT NULL, "source" text NOT NULL, "notes" text NOT NULL, "published_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "published_by" uuid, CONSTRAINT "pk_screening_catalogue" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_screening_catalogue_version" ON "screening_catalogue"  ("version")`,
    );
    await queryRunner.query(
      `CREATE TABLE "screening_indicator" ("id" uuid NOT NULL, "catalogue_id" uuid NOT NULL, "code" character varying(30) NOT NULL, "profile" character varying(40) NOT NULL, "dimension" character varying(2) NOT NULL, "weight" character varying(6) NOT NULL, "text_en" text NOT NULL, "text_lo" text, "source" text NOT NULL, "verification" character varying(12) NOT NULL, "sort_order" smallint NOT NULL, CONSTRAINT "pk_screening_indicator" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_screening_indicator_code" ON "screening_indicator"  ("catalogue_id", "code")`,
    );
    await queryRunner.query(
      `CREATE TABLE "screening" ("id" uuid NOT NULL, "agency_id" uuid NOT NULL, "interviewer_id" uuid NOT NULL, "person_id" uuid, "case_id" uuid, "catalogue_id" uuid NOT NULL, "profile" character varying(40) NOT NULL, "conducted_at" TIMESTAMP WITH TIME ZONE NOT NULL, "place_type" character varying(20) NOT NULL, "border_crossing_code" character varying(40), "province_code" character varying(6), "interview_language" character(3), "interpreter_used" boolean NOT NULL DEFAULT false, "interpreter_language" character(3), "exit_mode" character varying(20), "consent" jsonb NOT NULL, "interview_consent" boolean NOT NULL, "exploitation_types" text array NOT NULL DEFAULT '{}', "isic_sections" text array NOT NULL DEFAULT '{}', "means_of_control" text array NOT NULL DEFAULT '{}', "recruitment_methods" text array NOT NULL DEFAULT '{}', "recruitment_apps" text array NOT NULL DEFAULT '{}', "recruiter_relationship" character varying(30), "recruitment_countries" text array NOT NULL DEFAULT '{}', "transit_countries" text array NOT NULL DEFAULT '{}', "exploitation_countries" text array NOT NULL DEFAULT '{}', "recruitment_date" date, "exploitation_start" date, "exploitation_end" date, "immediate_needs" text array NOT NULL DEFAULT '{}', "risks" text array NOT NULL DEFAULT '{}', "answers_enc" bytea, "results_enc" bytea, "narrative_enc" bytea, "place_detail_enc" bytea, "suggested_outcome" character varying(30) NOT NULL, "submitted_to_agency_id" uuid, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL DEFAULT '1', CONSTRAINT "pk_screening" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_screening_agency" ON "screening"  ("agency_id")`);
    await queryRunner.query(`CREATE INDEX "ix_screening_person" ON "screening"  ("person_id")`);
    await queryRunner.query(`CREATE INDEX "ix_screening_case" ON "screening"  ("case_id")`);
    await queryRunner.query(`CREATE INDEX "ix_screening_suggested_outcome" ON "screening"  ("suggested_outcome")`);
    await queryRunner.query(`CREATE INDEX "ix_screening_submitted_to" ON "screening"  ("submitted_to_agency_id")`);
    await queryRunner.query(
      `CREATE TABLE "identification_decision" ("id" uuid NOT NULL, "screening_id" uuid NOT NULL, "revision" integer NOT NULL, "status" character varying(40) NOT NULL, "decision_org_type" character varying(40) NOT NULL, "deciding_agency_id" uuid NOT NULL, "decided_by" uuid NOT NULL, "decided_on" date NOT NULL, "basis_enc" bytea NOT NULL, "recorded_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "pk_identification_decision" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_identification_decision_revision" ON "identification_decision"  ("screening_id", "revision")`,
    );
    await queryRunner.query(
      `ALTER TABLE "agency" ADD "formal_identification_authority" boolean NOT NULL DEFAULT false`,
    );
    await queryRunner.query(`ALTER TABLE "case_file" ADD "person_id" uuid`);
    await queryRunner.query(`CREATE INDEX "ix_case_file_person" ON "case_file"  ("person_id")`);
    await queryRunner.query(
      `ALTER TABLE "person" ADD CONSTRAINT "fk_person_owner_agency" FOREIGN KEY ("owner_agency_id") REFERENCES "agency"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "person" ADD CONSTRAINT "fk_person_created_by" FOREIGN KEY ("created_by") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "person" ADD CONSTRAINT "fk_person_home_province" FOREIGN KEY ("home_province_code") REFERENCES "ref_province"("code") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "person" ADD CONSTRAINT "fk_person_merged_into" FOREIGN KEY ("merged_into_id") REFERENCES "person"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "person_name_index" ADD CONSTRAINT "fk_person_name_index_person" FOREIGN KEY ("person_id") REFERENCES "person"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "case_file" ADD CONSTRAINT "fk_case_file_person" FOREIGN KEY ("person_id") REFERENCES "person"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "screening_indicator" ADD CONSTRAINT "fk_screening_indicator_catalogue" FOREIGN KEY ("catalogue_id") REFERENCES "screening_catalogue"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "screening" ADD CONSTRAINT "fk_screening_agency" FOREIGN KEY ("agency_id") REFERENCES "agency"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "screening" ADD CONSTRAINT "fk_screening_interviewer" FOREIGN KEY ("interviewer_id") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "screening" ADD CONSTRAINT "fk_screening_person" FOREIGN KEY ("person_id") REFERENCES "person"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "screening" ADD CONSTRAINT "fk_screening_case" FOREIGN KEY ("case_id") REFERENCES "case_file"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "screening" ADD CONSTRAINT "fk_screening_catalogue" FOREIGN KEY ("catalogue_id") REFERENCES "screening_catalogue"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "screening" ADD CONSTRAINT "fk_screening_submitted_to" FOREIGN KEY ("submitted_to_agency_id") REFERENCES "agency"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "identification_decision" ADD CONSTRAINT "fk_identification_decision_screening" FOREIGN KEY ("screening_id") REFERENCES "screening"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "identification_decision" ADD CONSTRAINT "fk_identification_decision_agency" FOREIGN KEY ("deciding_agency_id") REFERENCES "agency"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "identification_decision" ADD CONSTRAINT "fk_identification_decision_user" FOREIGN KEY ("decided_by") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );

    // --- Privileges: no DELETE on identity or screening records.
    await queryRunner.query(`GRANT SELECT, INSERT, UPDATE ON person, screening, identification_decision TO ctcm_app`);
    await queryRunner.query(`GRANT SELECT, INSERT, DELETE ON person_name_index TO ctcm_app`);
    await queryRunner.query(`GRANT SELECT ON screening_catalogue, screening_indicator TO ctcm_app`);
    await queryRunner.query(`GRANT INSERT ON screening_catalogue, screening_indicator TO ctcm_app`);

    // --- Row-level security: agency isolation for identities and interviews.
    // A screening is seen by the agency that conducted it, the agency asked to decide on
    // identification, and the lead agency of its case: never by a referral receiver.
    await queryRunner.query(`ALTER TABLE screening ENABLE ROW LEVEL SECURITY`);
    await queryRunner.query(`CREATE POLICY screening_agency_isolation ON screening
      USING (
        agency_id = app_current_agency_id()
        OR submitted_to_agency_id = app_current_agency_id()
        OR (case_id IS NOT NULL AND app_case_lead_agency(case_id) = app_current_agency_id())
      )
      WITH CHECK (agency_id = app_current_agency_id() OR submitted_to_agency_id = app_current_agency_id())`);

    // Reads screening as its owner, so the person policy can consult it without recursion.
    await queryRunner.query(`CREATE FUNCTION app_person_screened_by(p_person_id uuid, p_agency_id uuid) RETURNS boolean LANGUAGE sql STABLE
      SECURITY DEFINER SET search_path = public, pg_temp
      AS $$ SELECT EXISTS (SELECT 1 FROM screening s WHERE s.person_id = p_person_id
                            AND (s.agency_id = p_agency_id OR s.submitted_to_agency_id = p_agency_id)) $$`);
    await queryRunner.query(`REVOKE ALL ON FUNCTION app_person_screened_by(uuid, uuid) FROM PUBLIC`);
    await queryRunner.query(`GRANT EXECUTE ON FUNCTION app_person_screened_by(uuid, uuid) TO ctcm_app`);

    // A person is seen by the agency that registered them, by agencies that screened them,
    // and by agencies that can see one of their cases (row-level security of case_file applies).
    await queryRunner.query(`ALTER TABLE person ENABLE ROW LEVEL SECURITY`);
    await queryRunner.query(`CREATE POLICY person_visibility ON person
      USING (
        owner_agency_id = app_current_agency_id()
        OR app_person_screened_by(id, app_current_agency_id())
        OR EXISTS (SELECT 1 FROM case_file c WHERE c.person_id = person.id)
      )
      WITH CHECK (
        owner_agency_id = app_current_agency_id()
        OR app_person_screened_by(id, app_current_agency_id())
        OR EXISTS (SELECT 1 FROM case_file c WHERE c.person_id = person.id AND c.lead_agency_id = app_current_agency_id())
      )`);
    await queryRunner.query(`ALTER TABLE person_name_index ENABLE ROW LEVEL SECURITY`);
    await queryRunner.query(`CREATE POLICY person_name_index_visibility ON person_name_index
      USING (EXISTS (SELECT 1 FROM person p WHERE p.id = person_id))
      WITH CHECK (EXISTS (SELECT 1 FROM person p WHERE p.id = person_id))`);

    await queryRunner.query(`ALTER TABLE identification_decision ENABLE ROW LEVEL SECURITY`);
    await queryRunner.query(`CREATE POLICY identification_decision_visibility ON identification_decision
      USING (EXISTS (SELECT 1 FROM screening s WHERE s.id = screening_id))
      WITH CHECK (deciding_agency_id = app_current_agency_id())`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP POLICY identification_decision_visibility ON identification_decision`);
    await queryRunner.query(`DROP POLICY person_name_index_visibility ON person_name_index`);
    await queryRunner.query(`DROP POLICY person_visibility ON person`);
    await queryRunner.query(`DROP FUNCTION app_person_screened_by(uuid, uuid)`);
    await queryRunner.query(`DROP POLICY screening_agency_isolation ON screening`);
    await queryRunner.query(`ALTER TABLE "identification_decision" DROP CONSTRAINT "fk_identification_decision_user"`);
    await queryRunner.query(
      `ALTER TABLE "identification_decision" DROP CONSTRAINT "fk_identification_decision_agency"`,
    );
    await queryRunner.query(
      `ALTER TABLE "identification_decision" DROP CONSTRAINT "fk_identification_decision_screening"`,
    );
    await queryRunner.query(`ALTER TABLE "screening" DROP CONSTRAINT "fk_screening_submitted_to"`);
    await queryRunner.query(`ALTER TABLE "screening" DROP CONSTRAINT "fk_screening_catalogue"`);
    await queryRunner.query(`ALTER TABLE "screening" DROP CONSTRAINT "fk_screening_case"`);
    await queryRunner.query(`ALTER TABLE "screening" DROP CONSTRAINT "fk_screening_person"`);
    await queryRunner.query(`ALTER TABLE "screening" DROP CONSTRAINT "fk_screening_interviewer"`);
    await queryRunner.query(`ALTER TABLE "screening" DROP CONSTRAINT "fk_screening_agency"`);
    await queryRunner.query(`ALTER TABLE "screening_indicator" DROP CONSTRAINT "fk_screening_indicator_catalogue"`);
    await queryRunner.query(`ALTER TABLE "case_file" DROP CONSTRAINT "fk_case_file_person"`);
    await queryRunner.query(`ALTER TABLE "person_name_index" DROP CONSTRAINT "fk_person_name_index_person"`);
    await queryRunner.query(`ALTER TABLE "person" DROP CONSTRAINT "fk_person_merged_into"`);
    await queryRunner.query(`ALTER TABLE "person" DROP CONSTRAINT "fk_person_home_province"`);
    await queryRunner.query(`ALTER TABLE "person" DROP CONSTRAINT "fk_person_created_by"`);
    await queryRunner.query(`ALTER TABLE "person" DROP CONSTRAINT "fk_person_owner_agency"`);
    await queryRunner.query(`DROP INDEX "public"."ix_case_file_person"`);
    await queryRunner.query(`ALTER TABLE "case_file" DROP COLUMN "person_id"`);
    await queryRunner.query(`ALTER TABLE "agency" DROP COLUMN "formal_identification_authority"`);
    await queryRunner.query(`DROP INDEX "public"."uq_identification_decision_revision"`);
    await queryRunner.query(`DROP TABLE "identification_decision"`);
    await queryRunner.query(`DROP INDEX "public"."ix_screening_submitted_to"`);
    await queryRunner.query(`DROP INDEX "public"."ix_screening_suggested_outcome"`);
    await queryRunner.query(`DROP INDEX "public"."ix_screening_case"`);
    await queryRunner.query(`DROP INDEX "public"."ix_screening_person"`);
    await queryRunner.query(`DROP INDEX "public"."ix_screening_agency"`);
    await queryRunner.query(`DROP TABLE "screening"`);
    await queryRunner.query(`DROP INDEX "public"."uq_screening_indicator_code"`);
    await queryRunner.query(`DROP TABLE "screening_indicator"`);
    await queryRunner.query(`DROP INDEX "public"."uq_screening_catalogue_version"`);
    await queryRunner.query(`DROP TABLE "screening_catalogue"`);
    await queryRunner.query(`DROP INDEX "public"."ix_person_name_index_value"`);
    await queryRunner.query(`DROP TABLE "person_name_index"`);
    await queryRunner.query(`DROP INDEX "public"."ix_person_owner_agency"`);
    await queryRunner.query(`DROP TABLE "person"`);
  }
}
