import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Named expected returnees on pre-arrival notices (identity encrypted, names blind-indexed),
 * the real time of an arrival, tracing requests from families, and transfers of a case's lead.
 */
export class ReturneesTracingTransfers1796100000000 implements MigrationInterface {
  name = 'ReturneesTracingTransfers1796100000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    // --- Expected returnees.
    await queryRunner.query(`ALTER TABLE "expected_arrival" ADD "arrival_recorded_at" TIMESTAMP WITH TIME ZONE`);
    for (const column of ['names_enc', 'birth_enc', 'address_enc', 'documents_enc', 'vulnerabilities_enc'])
      await queryRunner.query(`ALTER TABLE "expected_arrival" ADD "${column}" bytea`);
    await queryRunner.query(`ALTER TABLE "expected_arrival" ADD "gender" character varying(30)`);
    await queryRunner.query(`ALTER TABLE "expected_arrival" ADD "home_province_code" character varying(6)`);
    await queryRunner.query(`ALTER TABLE "expected_arrival" ADD "birth_year_bidx" bytea`);
    await queryRunner.query(`ALTER TABLE "expected_arrival" ADD "person_id" uuid`);
    await queryRunner.query(
      `ALTER TABLE "expected_arrival" ADD CONSTRAINT "fk_expected_arrival_person" FOREIGN KEY ("person_id") REFERENCES "person"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `CREATE TABLE "expected_arrival_name_index" ("arrival_id" uuid NOT NULL, "kind" character varying(10) NOT NULL, "value" bytea NOT NULL, CONSTRAINT "pk_expected_arrival_name_index" PRIMARY KEY ("arrival_id", "kind", "value"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_expected_arrival_name_index_value" ON "expected_arrival_name_index"  ("value")`,
    );
    await queryRunner.query(
      `ALTER TABLE "expected_arrival_name_index" ADD CONSTRAINT "fk_expected_arrival_name_index_arrival" FOREIGN KEY ("arrival_id") REFERENCES "expected_arrival"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );

    // --- Tracing requests.
    await queryRunner.query(
      `CREATE TABLE "tracing_request" ("id" uuid NOT NULL, "agency_id" uuid NOT NULL, "received_on" date NOT NULL, "inquirer_enc" bytea NOT NULL, "names_enc" bytea NOT NULL, "details_enc" bytea, "gender" character varying(30), "home_province_code" character varying(6), "birth_year_bidx" bytea, "status" character varying(12) NOT NULL, "matched_kind" character varying(20), "matched_id" uuid, "matched_by" uuid, "matched_at" TIMESTAMP WITH TIME ZONE, "outcome" character varying(40), "outcome_note_enc" bytea, "outcome_by" uuid, "outcome_at" TIMESTAMP WITH TIME ZONE, "created_by" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL DEFAULT '1', CONSTRAINT "pk_tracing_request" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_tracing_request_agency" ON "tracing_request"  ("agency_id", "status", "received_on")`,
    );
    await queryRunner.query(
      `ALTER TABLE "tracing_request" ADD CONSTRAINT "fk_tracing_request_agency" FOREIGN KEY ("agency_id") REFERENCES "agency"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `CREATE TABLE "tracing_request_name_index" ("tracing_request_id" uuid NOT NULL, "kind" character varying(10) NOT NULL, "value" bytea NOT NULL, CONSTRAINT "pk_tracing_request_name_index" PRIMARY KEY ("tracing_request_id", "kind", "value"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_tracing_request_name_index_value" ON "tracing_request_name_index"  ("value")`,
    );
    await queryRunner.query(
      `ALTER TABLE "tracing_request_name_index" ADD CONSTRAINT "fk_tracing_request_name_index_request" FOREIGN KEY ("tracing_request_id") REFERENCES "tracing_request"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );

    // --- Transfers of the lead.
    await queryRunner.query(
      `CREATE TABLE "case_transfer" ("id" uuid NOT NULL, "case_id" uuid NOT NULL, "case_number" character varying(20) NOT NULL, "from_agency_id" uuid NOT NULL, "to_agency_id" uuid NOT NULL, "status" character varying(12) NOT NULL, "note_enc" bytea, "decline_reason" character varying(40), "profile_gender" character varying(30) NOT NULL, "profile_age_group" character varying(8) NOT NULL, "profile_province_code" character varying(6), "case_stage" character varying(20) NOT NULL, "requested_by" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "responded_by" uuid, "responded_at" TIMESTAMP WITH TIME ZONE, "assigned_caseworker_id" uuid, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL DEFAULT '1', CONSTRAINT "pk_case_transfer" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_case_transfer_case" ON "case_transfer"  ("case_id")`);
    await queryRunner.query(`CREATE INDEX "ix_case_transfer_to" ON "case_transfer"  ("to_agency_id", "status")`);
    await queryRunner.query(`CREATE INDEX "ix_case_transfer_from" ON "case_transfer"  ("from_agency_id", "status")`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "uq_case_transfer_pending" ON "case_transfer"  ("case_id") WHERE status = 'pending'`,
    );
    await queryRunner.query(
      `ALTER TABLE "case_transfer" ADD CONSTRAINT "fk_case_transfer_case" FOREIGN KEY ("case_id") REFERENCES "case_file"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "case_transfer" ADD CONSTRAINT "fk_case_transfer_from_agency" FOREIGN KEY ("from_agency_id") REFERENCES "agency"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "case_transfer" ADD CONSTRAINT "fk_case_transfer_to_agency" FOREIGN KEY ("to_agency_id") REFERENCES "agency"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );

    // --- Privileges: no DELETE on any of them (index rows of a renamed returnee are replaced).
    await queryRunner.query(`GRANT SELECT, INSERT, UPDATE ON tracing_request, case_transfer TO ctcm_app`);
    await queryRunner.query(
      `GRANT SELECT, INSERT, DELETE ON expected_arrival_name_index, tracing_request_name_index TO ctcm_app`,
    );

    // --- Row-level security. Name indexes follow their record (whose policy applies inside the
    // EXISTS); a tracing request is its agency's alone; a transfer is seen by its two agencies and
    // created only by the case's lead.
    await queryRunner.query(`ALTER TABLE expected_arrival_name_index ENABLE ROW LEVEL SECURITY`);
    await queryRunner.query(`CREATE POLICY expected_arrival_name_index_visibility ON expected_arrival_name_index
      USING (EXISTS (SELECT 1 FROM expected_arrival a WHERE a.id = arrival_id))
      WITH CHECK (EXISTS (SELECT 1 FROM expected_arrival a WHERE a.id = arrival_id))`);
    await queryRunner.query(`ALTER TABLE tracing_request ENABLE ROW LEVEL SECURITY`);
    await queryRunner.query(`CREATE POLICY tracing_request_agency ON tracing_request
      USING (agency_id = app_current_agency_id()) WITH CHECK (agency_id = app_current_agency_id())`);
    await queryRunner.query(`ALTER TABLE tracing_request_name_index ENABLE ROW LEVEL SECURITY`);
    await queryRunner.query(`CREATE POLICY tracing_request_name_index_visibility ON tracing_request_name_index
      USING (EXISTS (SELECT 1 FROM tracing_request t WHERE t.id = tracing_request_id))
      WITH CHECK (EXISTS (SELECT 1 FROM tracing_request t WHERE t.id = tracing_request_id))`);
    await queryRunner.query(`ALTER TABLE case_transfer ENABLE ROW LEVEL SECURITY`);
    await queryRunner.query(`CREATE POLICY case_transfer_parties ON case_transfer FOR SELECT
      USING (from_agency_id = app_current_agency_id() OR to_agency_id = app_current_agency_id())`);
    await queryRunner.query(`CREATE POLICY case_transfer_request ON case_transfer FOR INSERT
      WITH CHECK (from_agency_id = app_current_agency_id() AND app_case_lead_agency(case_id) = app_current_agency_id())`);
    await queryRunner.query(`CREATE POLICY case_transfer_respond ON case_transfer FOR UPDATE
      USING (from_agency_id = app_current_agency_id() OR to_agency_id = app_current_agency_id())
      WITH CHECK (from_agency_id = app_current_agency_id() OR to_agency_id = app_current_agency_id())`);

    // Acceptance moves the lead. The receiving agency cannot see (let alone update) the case
    // before it leads it, so this runs as the table owner, and only for a pending transfer to the
    // caller's agency from the case's current lead. The former lead's remaining grants on the
    // case (break-the-glass) end with it: from now on it sees the case like any other agency.
    await queryRunner.query(`CREATE FUNCTION app_case_transfer_accept(p_transfer_id uuid, p_caseworker uuid, p_supervisor uuid)
      RETURNS uuid LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
      DECLARE t case_transfer%ROWTYPE;
      BEGIN
        SELECT * INTO t FROM case_transfer
         WHERE id = p_transfer_id AND to_agency_id = app_current_agency_id() AND status = 'pending' FOR UPDATE;
        IF NOT FOUND THEN RETURN NULL; END IF;
        UPDATE case_file SET lead_agency_id = t.to_agency_id, assigned_caseworker_id = p_caseworker,
               supervisor_id = p_supervisor, version = version + 1, updated_at = now()
         WHERE id = t.case_id AND lead_agency_id = t.from_agency_id AND stage NOT IN ('closed', 'closed_referred');
        IF NOT FOUND THEN RETURN NULL; END IF;
        UPDATE case_access_grant SET revoked_at = now()
         WHERE case_id = t.case_id AND grantee_agency_id = t.from_agency_id AND revoked_at IS NULL;
        UPDATE case_transfer SET status = 'accepted', responded_by = app_current_user_id(), responded_at = now(),
               assigned_caseworker_id = p_caseworker, version = version + 1, updated_at = now()
         WHERE id = p_transfer_id;
        RETURN t.case_id;
      END $$`);
    await queryRunner.query(`REVOKE ALL ON FUNCTION app_case_transfer_accept(uuid, uuid, uuid) FROM PUBLIC`);
    await queryRunner.query(`GRANT EXECUTE ON FUNCTION app_case_transfer_accept(uuid, uuid, uuid) TO ctcm_app`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP FUNCTION app_case_transfer_accept(uuid, uuid, uuid)`);
    await queryRunner.query(`DROP POLICY case_transfer_respond ON case_transfer`);
    await queryRunner.query(`DROP POLICY case_transfer_request ON case_transfer`);
    await queryRunner.query(`DROP POLICY case_transfer_parties ON case_transfer`);
    await queryRunner.query(`DROP POLICY tracing_request_name_index_visibility ON tracing_request_name_index`);
    await queryRunner.query(`DROP POLICY tracing_request_agency ON tracing_request`);
    await queryRunner.query(`DROP POLICY expected_arrival_name_index_visibility ON expected_arrival_name_index`);
    await queryRunner.query(`ALTER TABLE "case_transfer" DROP CONSTRAINT "fk_case_transfer_to_agency"`);
    await queryRunner.query(`ALTER TABLE "case_transfer" DROP CONSTRAINT "fk_case_transfer_from_agency"`);
    await queryRunner.query(`ALTER TABLE "case_transfer" DROP CONSTRAINT "fk_case_transfer_case"`);
    await queryRunner.query(`DROP TABLE "case_transfer"`);
    await queryRunner.query(`DROP TABLE "tracing_request_name_index"`);
    await queryRunner.query(`DROP TABLE "tracing_request"`);
    await queryRunner.query(`DROP TABLE "expected_arrival_name_index"`);
    await queryRunner.query(`ALTER TABLE "expected_arrival" DROP CONSTRAINT "fk_expected_arrival_person"`);
    for (const column of [
      'person_id',
      'birth_year_bidx',
      'home_province_code',
      'gender',
      'vulnerabilities_enc',
      'documents_enc',
      'address_enc',
      'birth_enc',
      'names_enc',
      'arrival_recorded_at',
    ])
      await queryRunner.query(`ALTER TABLE "expected_arrival" DROP COLUMN "${column}"`);
  }
}
