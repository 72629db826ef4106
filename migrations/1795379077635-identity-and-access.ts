import type { MigrationInterface, QueryRunner } from 'typeorm';

export class IdentityAndAccess1795379077635 implements MigrationInterface {
  name = 'IdentityAndAccess1795379077635';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "agency" ("id" uuid NOT NULL, "code" character varying(40) NOT NULL, "name_en" text NOT NULL, "name_lo" text, "htcds_org_type" character varying(60) NOT NULL, "local_type" character varying(60) NOT NULL, "province_code" character varying(6), "parent_agency_id" uuid, "active" boolean NOT NULL DEFAULT true, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL DEFAULT '1', CONSTRAINT "pk_agency" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_agency_code" ON "agency"  ("code")`);
    await queryRunner.query(
      `CREATE TABLE "app_user" ("id" uuid NOT NULL, "agency_id" uuid NOT NULL, "email" character varying(254) NOT NULL, "display_name" text NOT NULL, "roles" text array NOT NULL, "password_hash" text NOT NULL, "must_change_password" boolean NOT NULL DEFAULT false, "active" boolean NOT NULL DEFAULT true, "token_version" integer NOT NULL DEFAULT '1', "failed_login_count" integer NOT NULL DEFAULT '0', "login_blocked_until" TIMESTAMP WITH TIME ZONE, "locked_at" TIMESTAMP WITH TIME ZONE, "last_login_at" TIMESTAMP WITH TIME ZONE, "password_changed_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL DEFAULT '1', CONSTRAINT "pk_app_user" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_app_user_agency" ON "app_user"  ("agency_id")`);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_app_user_email" ON "app_user"  ("email")`);
    await queryRunner.query(
      `CREATE TABLE "case_file" ("id" uuid NOT NULL, "lead_agency_id" uuid NOT NULL, "assigned_caseworker_id" uuid, "supervisor_id" uuid, "created_by" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL DEFAULT '1', CONSTRAINT "pk_case_file" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_case_file_lead_agency" ON "case_file"  ("lead_agency_id")`);
    await queryRunner.query(`CREATE INDEX "ix_case_file_caseworker" ON "case_file"  ("assigned_caseworker_id")`);
    await queryRunner.query(
      `CREATE TABLE "case_access_grant" ("id" uuid NOT NULL, "case_id" uuid NOT NULL, "grantee_agency_id" uuid NOT NULL, "grantee_user_id" uuid, "kind" character varying(20) NOT NULL, "view" character varying(10) NOT NULL, "reason" text NOT NULL, "source_id" uuid, "granted_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "expires_at" TIMESTAMP WITH TIME ZONE, "revoked_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "pk_case_access_grant" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_case_access_grant_agency" ON "case_access_grant"  ("grantee_agency_id")`);
    await queryRunner.query(`CREATE INDEX "ix_case_access_grant_case" ON "case_access_grant"  ("case_id")`);
    await queryRunner.query(
      `CREATE TABLE "auth_session" ("id" uuid NOT NULL, "user_id" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "absolute_expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "revoked_at" TIMESTAMP WITH TIME ZONE, "revoked_reason" character varying(40), CONSTRAINT "pk_auth_session" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_auth_session_user" ON "auth_session"  ("user_id")`);
    await queryRunner.query(
      `CREATE TABLE "auth_refresh_token" ("id" uuid NOT NULL, "session_id" uuid NOT NULL, "token_hash" bytea NOT NULL, "issued_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "expires_at" TIMESTAMP WITH TIME ZONE NOT NULL, "used_at" TIMESTAMP WITH TIME ZONE, CONSTRAINT "pk_auth_refresh_token" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "ix_auth_refresh_token_session" ON "auth_refresh_token"  ("session_id")`);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_auth_refresh_token_hash" ON "auth_refresh_token"  ("token_hash")`);
    await queryRunner.query(
      `CREATE TABLE "rate_limit_counter" ("key" character varying(200) NOT NULL, "window_start" TIMESTAMP WITH TIME ZONE NOT NULL, "count" integer NOT NULL, CONSTRAINT "pk_rate_limit_counter" PRIMARY KEY ("key"))`,
    );
    await queryRunner.query(
      `ALTER TABLE "agency" ADD CONSTRAINT "fk_agency_province" FOREIGN KEY ("province_code") REFERENCES "ref_province"("code") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "agency" ADD CONSTRAINT "fk_agency_parent" FOREIGN KEY ("parent_agency_id") REFERENCES "agency"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "app_user" ADD CONSTRAINT "fk_app_user_agency" FOREIGN KEY ("agency_id") REFERENCES "agency"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "case_file" ADD CONSTRAINT "fk_case_file_lead_agency" FOREIGN KEY ("lead_agency_id") REFERENCES "agency"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "case_file" ADD CONSTRAINT "fk_case_file_caseworker" FOREIGN KEY ("assigned_caseworker_id") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "case_file" ADD CONSTRAINT "fk_case_file_supervisor" FOREIGN KEY ("supervisor_id") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "case_file" ADD CONSTRAINT "fk_case_file_created_by" FOREIGN KEY ("created_by") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "case_access_grant" ADD CONSTRAINT "fk_case_access_grant_case" FOREIGN KEY ("case_id") REFERENCES "case_file"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "case_access_grant" ADD CONSTRAINT "fk_case_access_grant_agency" FOREIGN KEY ("grantee_agency_id") REFERENCES "agency"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "case_access_grant" ADD CONSTRAINT "fk_case_access_grant_user" FOREIGN KEY ("grantee_user_id") REFERENCES "app_user"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "auth_session" ADD CONSTRAINT "fk_auth_session_user" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "auth_refresh_token" ADD CONSTRAINT "fk_auth_refresh_token_session" FOREIGN KEY ("session_id") REFERENCES "auth_session"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );

    // --- Privileges of the application role (no DELETE on records people rely on).
    await queryRunner.query(
      `GRANT SELECT, INSERT, UPDATE ON agency, app_user, case_file, case_access_grant TO ctcm_app`,
    );
    await queryRunner.query(
      `GRANT SELECT, INSERT, UPDATE, DELETE ON auth_session, auth_refresh_token, rate_limit_counter TO ctcm_app`,
    );

    // --- Row-level security: agency isolation as a second wall behind the access service.
    // Each request's transaction sets app.user_id and app.agency_id (set_config(…, true));
    // without them these functions return NULL and the policies match nothing.
    await queryRunner.query(`CREATE FUNCTION app_current_user_id() RETURNS uuid LANGUAGE sql STABLE
      AS $$ SELECT NULLIF(current_setting('app.user_id', true), '')::uuid $$`);
    await queryRunner.query(`CREATE FUNCTION app_current_agency_id() RETURNS uuid LANGUAGE sql STABLE
      AS $$ SELECT NULLIF(current_setting('app.agency_id', true), '')::uuid $$`);
    // Reads case_file as its owner, so the grant policy can name the lead agency without
    // recursing into the case_file policy.
    await queryRunner.query(`CREATE FUNCTION app_case_lead_agency(p_case_id uuid) RETURNS uuid LANGUAGE sql STABLE
      SECURITY DEFINER SET search_path = public, pg_temp
      AS $$ SELECT lead_agency_id FROM case_file WHERE id = p_case_id $$`);
    await queryRunner.query(`REVOKE ALL ON FUNCTION app_case_lead_agency(uuid) FROM PUBLIC`);
    await queryRunner.query(
      `GRANT EXECUTE ON FUNCTION app_current_user_id(), app_current_agency_id(), app_case_lead_agency(uuid) TO ctcm_app`,
    );

    await queryRunner.query(`ALTER TABLE case_access_grant ENABLE ROW LEVEL SECURITY`);
    await queryRunner.query(`CREATE POLICY case_access_grant_visibility ON case_access_grant
      USING (grantee_agency_id = app_current_agency_id() OR app_case_lead_agency(case_id) = app_current_agency_id())
      WITH CHECK (
        (kind = 'break_glass' AND grantee_user_id = app_current_user_id() AND grantee_agency_id = app_current_agency_id())
        OR app_case_lead_agency(case_id) = app_current_agency_id()
        -- a receiving agency may end (never reopen) its own access
        OR (grantee_agency_id = app_current_agency_id() AND revoked_at IS NOT NULL)
      )`);

    await queryRunner.query(`ALTER TABLE case_file ENABLE ROW LEVEL SECURITY`);
    await queryRunner.query(`CREATE POLICY case_file_agency_isolation ON case_file
      USING (
        lead_agency_id = app_current_agency_id()
        OR EXISTS (
          SELECT 1 FROM case_access_grant g
           WHERE g.case_id = case_file.id
             AND g.grantee_agency_id = app_current_agency_id()
             AND (g.grantee_user_id IS NULL OR g.grantee_user_id = app_current_user_id())
             AND g.revoked_at IS NULL
             AND (g.expires_at IS NULL OR g.expires_at > now())
        )
      )
      WITH CHECK (lead_agency_id = app_current_agency_id())`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP POLICY case_file_agency_isolation ON case_file`);
    await queryRunner.query(`DROP POLICY case_access_grant_visibility ON case_access_grant`);
    await queryRunner.query(`DROP FUNCTION app_case_lead_agency(uuid)`);
    await queryRunner.query(`DROP FUNCTION app_current_agency_id()`);
    await queryRunner.query(`DROP FUNCTION app_current_user_id()`);
    await queryRunner.query(`ALTER TABLE "auth_refresh_token" DROP CONSTRAINT "fk_auth_refresh_token_session"`);
    await queryRunner.query(`ALTER TABLE "auth_session" DROP CONSTRAINT "fk_auth_session_user"`);
    await queryRunner.query(`ALTER TABLE "case_access_grant" DROP CONSTRAINT "fk_case_access_grant_user"`);
    await queryRunner.query(`ALTER TABLE "case_access_grant" DROP CONSTRAINT "fk_case_access_grant_agency"`);
    await queryRunner.query(`ALTER TABLE "case_access_grant" DROP CONSTRAINT "fk_case_access_grant_case"`);
    await queryRunner.query(`ALTER TABLE "case_file" DROP CONSTRAINT "fk_case_file_created_by"`);
    await queryRunner.query(`ALTER TABLE "case_file" DROP CONSTRAINT "fk_case_file_supervisor"`);
    await queryRunner.query(`ALTER TABLE "case_file" DROP CONSTRAINT "fk_case_file_caseworker"`);
    await queryRunner.query(`ALTER TABLE "case_file" DROP CONSTRAINT "fk_case_file_lead_agency"`);
    await queryRunner.query(`ALTER TABLE "app_user" DROP CONSTRAINT "fk_app_user_agency"`);
    await queryRunner.query(`ALTER TABLE "agency" DROP CONSTRAINT "fk_agency_parent"`);
    await queryRunner.query(`ALTER TABLE "agency" DROP CONSTRAINT "fk_agency_province"`);
    await queryRunner.query(`DROP TABLE "rate_limit_counter"`);
    await queryRunner.query(`DROP INDEX "public"."uq_auth_refresh_token_hash"`);
    await queryRunner.query(`DROP INDEX "public"."ix_auth_refresh_token_session"`);
    await queryRunner.query(`DROP TABLE "auth_refresh_token"`);
    await queryRunner.query(`DROP INDEX "public"."ix_auth_session_user"`);
    await queryRunner.query(`DROP TABLE "auth_session"`);
    await queryRunner.query(`DROP INDEX "public"."ix_case_access_grant_case"`);
    await queryRunner.query(`DROP INDEX "public"."ix_case_access_grant_agency"`);
    await queryRunner.query(`DROP TABLE "case_access_grant"`);
    await queryRunner.query(`DROP INDEX "public"."ix_case_file_caseworker"`);
    await queryRunner.query(`DROP INDEX "public"."ix_case_file_lead_agency"`);
    await queryRunner.query(`DROP TABLE "case_file"`);
    await queryRunner.query(`DROP INDEX "public"."uq_app_user_email"`);
    await queryRunner.query(`DROP INDEX "public"."ix_app_user_agency"`);
    await queryRunner.query(`DROP TABLE "app_user"`);
    await queryRunner.query(`DROP INDEX "public"."uq_agency_code"`);
    await queryRunner.query(`DROP TABLE "agency"`);
  }
}
