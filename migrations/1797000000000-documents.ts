import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Documents and photos attached to case records: metadata, versions (each with its own data key,
 * wrapped by the key ring) and the encrypted content in chunks, plus the files a referring agency
 * marked for a referral. No entities: the content is streamed with SQL (documents.queries.ts).
 */
export class Documents1797000000000 implements MigrationInterface {
  name = 'Documents1797000000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "document" ("id" uuid NOT NULL, "agency_id" uuid NOT NULL, "record_type" character varying(30) NOT NULL, "record_id" uuid NOT NULL, "case_id" uuid, "person_id" uuid, "screening_id" uuid, "consent_id" uuid, "document_type" character varying(30) NOT NULL, "description_enc" bytea, "current_version" integer NOT NULL DEFAULT 1, "status" character varying(12) NOT NULL DEFAULT 'active', "created_by" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_by" uuid NOT NULL, "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "removed_by" uuid, "removed_at" TIMESTAMP WITH TIME ZONE, "removal_reason_enc" bytea, CONSTRAINT "pk_document" PRIMARY KEY ("id"), CONSTRAINT "ck_document_status" CHECK (status IN ('active', 'removed')))`,
    );
    await q.query(`CREATE INDEX "ix_document_record" ON "document" ("record_type", "record_id", "id")`);
    await q.query(`CREATE INDEX "ix_document_case" ON "document" ("case_id", "id") WHERE case_id IS NOT NULL`);
    for (const [column, table, name] of [
      ['agency_id', 'agency', 'agency'],
      ['case_id', 'case_file', 'case'],
      ['person_id', 'person', 'person'],
      ['screening_id', 'screening', 'screening'],
      ['consent_id', 'case_consent', 'consent'],
    ]) {
      await q.query(
        `ALTER TABLE "document" ADD CONSTRAINT "fk_document_${name}" FOREIGN KEY ("${column}") REFERENCES "${table}"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
      );
    }
    await q.query(
      `CREATE TABLE "document_version" ("id" uuid NOT NULL, "document_id" uuid NOT NULL, "version_no" integer NOT NULL, "content_type" character varying(40) NOT NULL, "size_bytes" bigint NOT NULL, "chunk_size" integer NOT NULL, "chunk_count" integer NOT NULL, "name_enc" bytea NOT NULL, "data_key_enc" bytea NOT NULL, "metadata_removed" boolean NOT NULL, "created_by" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "pk_document_version" PRIMARY KEY ("id"), CONSTRAINT "uq_document_version" UNIQUE ("document_id", "version_no"))`,
    );
    await q.query(
      `ALTER TABLE "document_version" ADD CONSTRAINT "fk_document_version_document" FOREIGN KEY ("document_id") REFERENCES "document"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    // Chunks of AES-256-GCM ciphertext: compressing them would only cost CPU.
    await q.query(
      `CREATE TABLE "document_chunk" ("version_id" uuid NOT NULL, "idx" integer NOT NULL, "ciphertext" bytea NOT NULL, CONSTRAINT "pk_document_chunk" PRIMARY KEY ("version_id", "idx"))`,
    );
    await q.query(`ALTER TABLE "document_chunk" ALTER COLUMN "ciphertext" SET STORAGE EXTERNAL`);
    await q.query(
      `ALTER TABLE "document_chunk" ADD CONSTRAINT "fk_document_chunk_version" FOREIGN KEY ("version_id") REFERENCES "document_version"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `CREATE TABLE "document_referral_share" ("document_id" uuid NOT NULL, "referral_id" uuid NOT NULL, "shared_by" uuid NOT NULL, "shared_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "pk_document_referral_share" PRIMARY KEY ("document_id", "referral_id"))`,
    );
    await q.query(`CREATE INDEX "ix_document_referral_share_referral" ON "document_referral_share" ("referral_id")`);
    await q.query(
      `ALTER TABLE "document_referral_share" ADD CONSTRAINT "fk_document_referral_share_document" FOREIGN KEY ("document_id") REFERENCES "document"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await q.query(
      `ALTER TABLE "document_referral_share" ADD CONSTRAINT "fk_document_referral_share_referral" FOREIGN KEY ("referral_id") REFERENCES "referral"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );

    // --- Privileges: files are never deleted through the API (removal is a status; erasure is retention's).
    await q.query(`GRANT SELECT, INSERT, UPDATE ON document TO ctcm_app`);
    await q.query(`GRANT SELECT, INSERT ON document_version, document_chunk TO ctcm_app`);
    // A version's size and chunk count are known once its content has streamed in.
    await q.query(`GRANT UPDATE (size_bytes, chunk_count) ON document_version TO ctcm_app`);
    await q.query(`GRANT SELECT, INSERT, DELETE ON document_referral_share TO ctcm_app`);

    // --- Row-level security, the second wall behind the service's record access rules: the agency
    // that added a file, the case's lead agency, whoever sees the screening or the person it is
    // attached to, and a referral's receiving agency for the files marked for that referral.
    await q.query(`ALTER TABLE document ENABLE ROW LEVEL SECURITY`);
    await q.query(`CREATE POLICY document_visibility ON document
      USING (agency_id = app_current_agency_id()
             OR (case_id IS NOT NULL AND app_case_lead_agency(case_id) = app_current_agency_id())
             OR (screening_id IS NOT NULL AND EXISTS (SELECT 1 FROM screening s WHERE s.id = screening_id))
             OR (person_id IS NOT NULL AND EXISTS (SELECT 1 FROM person p WHERE p.id = person_id))
             OR EXISTS (SELECT 1 FROM document_referral_share x JOIN referral r ON r.id = x.referral_id
                         WHERE x.document_id = document.id AND r.to_agency_id = app_current_agency_id()))
      WITH CHECK (agency_id = app_current_agency_id()
                  OR (case_id IS NOT NULL AND app_case_lead_agency(case_id) = app_current_agency_id()))`);
    await q.query(`ALTER TABLE document_version ENABLE ROW LEVEL SECURITY`);
    await q.query(`CREATE POLICY document_version_visibility ON document_version
      USING (EXISTS (SELECT 1 FROM document d WHERE d.id = document_id))
      WITH CHECK (EXISTS (SELECT 1 FROM document d WHERE d.id = document_id))`);
    await q.query(`ALTER TABLE document_chunk ENABLE ROW LEVEL SECURITY`);
    await q.query(`CREATE POLICY document_chunk_visibility ON document_chunk
      USING (EXISTS (SELECT 1 FROM document_version v WHERE v.id = version_id))
      WITH CHECK (EXISTS (SELECT 1 FROM document_version v WHERE v.id = version_id))`);
    // Through the referral (seen by its two agencies only), never through the document: no recursion.
    await q.query(`ALTER TABLE document_referral_share ENABLE ROW LEVEL SECURITY`);
    await q.query(`CREATE POLICY document_referral_share_parties ON document_referral_share
      USING (EXISTS (SELECT 1 FROM referral r WHERE r.id = referral_id))
      WITH CHECK (EXISTS (SELECT 1 FROM referral r WHERE r.id = referral_id AND r.from_agency_id = app_current_agency_id()))`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "document_referral_share"`);
    await q.query(`DROP TABLE "document_chunk"`);
    await q.query(`DROP TABLE "document_version"`);
    await q.query(`DROP TABLE "document"`);
  }
}
