import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A stored Idempotency-Key result keeps what the original answer's access entry named (resource
 * type, ids, case ids), so a replay, which hands the same record back, is audited like it.
 * Ids only, never personal data; the row stays readable by its owner alone (row-level security).
 */
export class IdempotentReplayAccess1796200000000 implements MigrationInterface {
  name = 'IdempotentReplayAccess1796200000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "idempotency_key" ADD "access_notes" jsonb`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "idempotency_key" DROP COLUMN "access_notes"`);
  }
}
