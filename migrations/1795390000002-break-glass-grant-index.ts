import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every case visibility check looks for the caller's break-the-glass grants by user: without
 * this index that was a scan of all grants, growing with every referral ever made.
 */
export class BreakGlassGrantIndex1795390000002 implements MigrationInterface {
  name = 'BreakGlassGrantIndex1795390000002';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX "ix_case_access_grant_break_glass_user" ON "case_access_grant" ("grantee_user_id") WHERE kind = 'break_glass'`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."ix_case_access_grant_break_glass_user"`);
  }
}
