import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Case lists take an agency's own cases newest first through this index and its grants
 * separately, so a page costs the same at 10,000 cases as at a million.
 */
export class CaseListIndex1795390000003 implements MigrationInterface {
  name = 'CaseListIndex1795390000003';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX "ix_case_file_lead_agency_created" ON "case_file" ("lead_agency_id", "created_at", "id")`,
    );
    await queryRunner.query(`DROP INDEX "public"."ix_case_file_lead_agency"`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX "ix_case_file_lead_agency" ON "case_file" ("lead_agency_id")`);
    await queryRunner.query(`DROP INDEX "public"."ix_case_file_lead_agency_created"`);
  }
}
