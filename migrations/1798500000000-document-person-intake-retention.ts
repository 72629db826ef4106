import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Closes three more gaps of issue 22 (docs/data-protection.md, "Retention by rule").
 *
 * Documents: retention erases a document's files (its encrypted chunks are deleted), file names
 * (overwritten by an encrypted marker), description and removal reason; `retention_erased_at`
 * marks the document so a run never counts it twice, and the API answers that its file is gone.
 * The application role may now delete chunks and overwrite a version's file name, nothing else
 * of a version (row-level security stays on: the eraser works in each agency's context).
 *
 * Persons registered but never given a case: `retention_erased_at` marks an erased identity, and
 * `app_caseless_persons_due` answers, with ids only, which of the given persons have no case at
 * all (theirs, the record merged into them or the one they were merged into) and no activity
 * since the cut-off, counted across every agency (another agency's recent screening of the
 * person keeps the identity it relies on).
 *
 * Intake submissions (KoboToolbox): `retention_erased_at` marks a submission whose payload and
 * draft retention erased.
 */
export class DocumentPersonIntakeRetention1798500000000 implements MigrationInterface {
  name = 'DocumentPersonIntakeRetention1798500000000';

  public async up(q: QueryRunner): Promise<void> {
    for (const table of ['document', 'person', 'intake_submission'])
      await q.query(`ALTER TABLE ${table} ADD retention_erased_at TIMESTAMP WITH TIME ZONE`);
    await q.query(`GRANT DELETE ON document_chunk TO ctcm_app`);
    await q.query(`GRANT UPDATE (name_enc) ON document_version TO ctcm_app`);
    await q.query(`CREATE FUNCTION app_caseless_persons_due(p_person_ids uuid[], p_before timestamptz)
      RETURNS SETOF uuid
      LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
        SELECT p.id FROM person p
         WHERE p.id = ANY (p_person_ids)
           AND NOT EXISTS (SELECT 1 FROM case_file c
                            WHERE c.person_id = p.id OR c.person_id = p.merged_into_id
                               OR c.person_id IN (SELECT m.id FROM person m WHERE m.merged_into_id = p.id))
           AND greatest(p.created_at, p.updated_at) <= p_before
           AND NOT EXISTS (SELECT 1 FROM screening s
                            WHERE s.person_id = p.id AND greatest(s.conducted_at, s.updated_at) > p_before)
           AND NOT EXISTS (SELECT 1 FROM identification_decision d JOIN screening s ON s.id = d.screening_id
                            WHERE s.person_id = p.id AND d.recorded_at > p_before)
           AND NOT EXISTS (SELECT 1 FROM tracing_request t
                            WHERE t.matched_kind = 'person' AND t.matched_id = p.id AND t.updated_at > p_before)
           AND NOT EXISTS (SELECT 1 FROM expected_arrival a WHERE a.person_id = p.id AND a.updated_at > p_before)
    $$`);
    await q.query(`REVOKE ALL ON FUNCTION app_caseless_persons_due(uuid[], timestamptz) FROM PUBLIC`);
    await q.query(`GRANT EXECUTE ON FUNCTION app_caseless_persons_due(uuid[], timestamptz) TO ctcm_app`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION app_caseless_persons_due(uuid[], timestamptz)`);
    await q.query(`REVOKE UPDATE (name_enc) ON document_version FROM ctcm_app`);
    await q.query(`REVOKE DELETE ON document_chunk FROM ctcm_app`);
    for (const table of ['intake_submission', 'person', 'document'])
      await q.query(`ALTER TABLE ${table} DROP COLUMN retention_erased_at`);
  }
}
