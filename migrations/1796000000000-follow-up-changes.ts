import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Follow-up visits can be cancelled or rescheduled with a reason code (never free text: the
 * reason is not personal data). Closing a case cancels its remaining visits with 'case_closed'.
 */
export class FollowUpChanges1796000000000 implements MigrationInterface {
  name = 'FollowUpChanges1796000000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "case_follow_up" ADD "change_reason" character varying(30)`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "case_follow_up" DROP COLUMN "change_reason"`);
  }
}
