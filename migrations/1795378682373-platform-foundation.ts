import type { MigrationInterface, QueryRunner } from 'typeorm';

export class PlatformFoundation1795378682373 implements MigrationInterface {
  name = 'PlatformFoundation1795378682373';

  public async up(queryRunner: QueryRunner): Promise<void> {
    // The application role: owns nothing, cannot bypass row-level security. Whoever
    // provisions the server gives it LOGIN and a password (the embedded default does).
    await queryRunner.query(`DO $$ BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ctcm_app') THEN
        CREATE ROLE ctcm_app NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
      END IF;
    END $$`);
    await queryRunner.query(`REVOKE ALL ON SCHEMA public FROM PUBLIC`);
    await queryRunner.query(`GRANT USAGE ON SCHEMA public TO ctcm_app`);
    await queryRunner.query(`GRANT SELECT ON schema_migrations TO ctcm_app`);
    await queryRunner.query(
      `CREATE TABLE "ref_province" ("code" character varying(6) NOT NULL, "national_code" character(2) NOT NULL, "short_code" character varying(3) NOT NULL, "iso_name" text NOT NULL, "name_en" text NOT NULL, "name_lo" text, "kind" character varying(12) NOT NULL, "name_lo_verification" character varying(12) NOT NULL, "verification" character varying(12) NOT NULL, CONSTRAINT "pk_ref_province" PRIMARY KEY ("code"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_ref_province_national_code" ON "ref_province"  ("national_code")`);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_ref_province_short_code" ON "ref_province"  ("short_code")`);
    await queryRunner.query(
      `CREATE TABLE "ref_country" ("code" character(2) NOT NULL, "alpha3" character(3) NOT NULL, "name_en" text NOT NULL, "name_lo" text, CONSTRAINT "pk_ref_country" PRIMARY KEY ("code"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_ref_country_alpha3" ON "ref_country"  ("alpha3")`);
    await queryRunner.query(
      `CREATE TABLE "ref_language" ("code" character(3) NOT NULL, "alpha2" character(2), "name_en" text NOT NULL, CONSTRAINT "pk_ref_language" PRIMARY KEY ("code"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "ref_border_crossing" ("code" character varying(40) NOT NULL, "name_en" text NOT NULL, "name_lo" text, "province_code" character varying(6) NOT NULL, "foreign_country" character(2), "foreign_locality" text, "kind" character varying(16) NOT NULL, "used_for_returns" boolean NOT NULL, "verification" character varying(12) NOT NULL, "notes" text, CONSTRAINT "pk_ref_border_crossing" PRIMARY KEY ("code"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "ref_code_list" ("category" character varying(60) NOT NULL, "description" text NOT NULL, CONSTRAINT "pk_ref_code_list" PRIMARY KEY ("category"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "ref_code" ("category" character varying(60) NOT NULL, "code" character varying(80) NOT NULL, "label_en" text NOT NULL, "label_lo" text, "verification" character varying(12) NOT NULL, "source" text NOT NULL, "sort_order" smallint NOT NULL, CONSTRAINT "pk_ref_code" PRIMARY KEY ("category", "code"))`,
    );
    await queryRunner.query(
      `GRANT SELECT ON ref_province, ref_country, ref_language, ref_border_crossing, ref_code_list, ref_code TO ctcm_app`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`REVOKE ALL ON schema_migrations FROM ctcm_app`);
    await queryRunner.query(`DROP TABLE "ref_code"`);
    await queryRunner.query(`DROP TABLE "ref_code_list"`);
    await queryRunner.query(`DROP TABLE "ref_border_crossing"`);
    await queryRunner.query(`DROP TABLE "ref_language"`);
    await queryRunner.query(`DROP INDEX "public"."uq_ref_country_alpha3"`);
    await queryRunner.query(`DROP TABLE "ref_country"`);
    await queryRunner.query(`DROP INDEX "public"."uq_ref_province_short_code"`);
    await queryRunner.query(`DROP INDEX "public"."uq_ref_province_national_code"`);
    await queryRunner.query(`DROP TABLE "ref_province"`);
    await queryRunner.query(`REVOKE USAGE ON SCHEMA public FROM ctcm_app`);
    await queryRunner.query(`GRANT USAGE ON SCHEMA public TO PUBLIC`);
  }
}
