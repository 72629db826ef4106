import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Case lists page through an agency's granted cases newest first. The grant carries its
 * case's creation time (set by a trigger; it never changes) under a partial index of open
 * referral grants, so a page reads a few index entries instead of every granted case.
 * Nullable only so that a grant for a missing case still fails on its foreign key (404), not
 * on this column; the trigger fills it for every grant that has a case.
 */
export class GrantedCaseOrder1795390000004 implements MigrationInterface {
  name = 'GrantedCaseOrder1795390000004';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "case_access_grant" ADD "case_created_at" TIMESTAMP WITH TIME ZONE`);
    await queryRunner.query(
      `UPDATE case_access_grant g SET case_created_at = c.created_at FROM case_file c WHERE c.id = g.case_id`,
    );
    await queryRunner.query(`CREATE FUNCTION case_access_grant_case_created_at() RETURNS trigger LANGUAGE plpgsql
      SECURITY DEFINER SET search_path = public, pg_temp AS $$
      BEGIN
        NEW.case_created_at := (SELECT c.created_at FROM case_file c WHERE c.id = NEW.case_id);
        RETURN NEW;
      END $$`);
    await queryRunner.query(`REVOKE ALL ON FUNCTION case_access_grant_case_created_at() FROM PUBLIC`);
    await queryRunner.query(`CREATE TRIGGER case_access_grant_case_created_at BEFORE INSERT ON case_access_grant
      FOR EACH ROW EXECUTE FUNCTION case_access_grant_case_created_at()`);
    // A case's creation time does not change; should a repair ever change it, its grants follow.
    await queryRunner.query(`CREATE FUNCTION case_file_created_at_to_grants() RETURNS trigger LANGUAGE plpgsql
      SECURITY DEFINER SET search_path = public, pg_temp AS $$
      BEGIN
        UPDATE case_access_grant SET case_created_at = NEW.created_at WHERE case_id = NEW.id;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`REVOKE ALL ON FUNCTION case_file_created_at_to_grants() FROM PUBLIC`);
    await queryRunner.query(`CREATE TRIGGER case_file_created_at_to_grants AFTER UPDATE OF created_at ON case_file
      FOR EACH ROW WHEN (OLD.created_at IS DISTINCT FROM NEW.created_at) EXECUTE FUNCTION case_file_created_at_to_grants()`);
    await queryRunner.query(`CREATE INDEX "ix_case_access_grant_referral_recent" ON "case_access_grant" ("grantee_agency_id", "case_created_at", "case_id")
      WHERE kind = 'referral' AND grantee_user_id IS NULL AND revoked_at IS NULL`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."ix_case_access_grant_referral_recent"`);
    await queryRunner.query(`DROP TRIGGER case_file_created_at_to_grants ON case_file`);
    await queryRunner.query(`DROP FUNCTION case_file_created_at_to_grants()`);
    await queryRunner.query(`DROP TRIGGER case_access_grant_case_created_at ON case_access_grant`);
    await queryRunner.query(`DROP FUNCTION case_access_grant_case_created_at()`);
    await queryRunner.query(`ALTER TABLE "case_access_grant" DROP COLUMN "case_created_at"`);
  }
}
