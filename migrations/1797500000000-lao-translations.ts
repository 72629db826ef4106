import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Lao throughout (issue 21): every user-facing text in English and Lao with its verification
 * state and source, and a Lao collation for lists sorted by name. Reference data, not agency
 * data: no row-level security. The application role reads every text and writes them only
 * through the translation import (a system administrator's, audited).
 */
export class LaoTranslations1797500000000 implements MigrationInterface {
  name = 'LaoTranslations1797500000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "i18n_text" (
      "kind" character varying(40) NOT NULL,
      "key" character varying(300) NOT NULL,
      "lang" character varying(8) NOT NULL,
      "text" text NOT NULL,
      "verification" character varying(12) NOT NULL,
      "source" text NOT NULL,
      "verified_by" uuid,
      "verified_at" TIMESTAMP WITH TIME ZONE,
      CONSTRAINT "pk_i18n_text" PRIMARY KEY ("kind", "key", "lang"))`);
    await queryRunner.query(`GRANT SELECT, INSERT, UPDATE ON i18n_text TO ctcm_app`);
    // Lao alphabetical order (ICU root collation tailored for Lao: consonant order, then vowels and
    // tone marks), for lists sorted by name. The embedded server's binaries carry ICU.
    await queryRunner.query(`CREATE COLLATION IF NOT EXISTS "lao" (provider = icu, locale = 'lo-LA')`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP COLLATION IF EXISTS "lao"`);
    await queryRunner.query(`DROP TABLE "i18n_text"`);
  }
}
