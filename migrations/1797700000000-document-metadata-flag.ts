import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Whether a version's metadata was removed is known only once its content has streamed in (a
 * PDF's compressed object streams show up anywhere in the file): the API may now set it then,
 * with the size.
 */
export class DocumentMetadataFlag1797700000000 implements MigrationInterface {
  name = 'DocumentMetadataFlag1797700000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`GRANT UPDATE (metadata_removed) ON document_version TO ctcm_app`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`REVOKE UPDATE (metadata_removed) ON document_version FROM ctcm_app`);
  }
}
