import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Exports select a time range and stream it in chain order: this index finds the chain
 * positions of the range without walking the chain from its start.
 */
export class AuditChainTimeIndex1795390000001 implements MigrationInterface {
  name = 'AuditChainTimeIndex1795390000001';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX ix_audit_chain_occurred_at ON audit_chain (occurred_at, seq)`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX ix_audit_chain_occurred_at`);
  }
}
