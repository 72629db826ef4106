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
 * `app_person_retention_activity` answers, with ids, a flag and a date only, whether each given
 * person has any case at all (theirs, the record merged into them or one merged into them) and
 * their last activity across every agency: registration or last change, screenings and decisions,
 * tracing matches, arrivals (another agency's recent screening keeps the identity it relies on).
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
    await q.query(`CREATE FUNCTION app_person_retention_activity(p_person_ids uuid[])
      RETURNS TABLE (person_id uuid, has_case boolean, last_activity timestamptz)
      LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
        SELECT p.id,
               EXISTS (SELECT 1 FROM case_file c
                        WHERE c.person_id = p.id OR c.person_id = p.merged_into_id
                           OR c.person_id IN (SELECT m.id FROM person m WHERE m.merged_into_id = p.id)),
               greatest(p.created_at, CASE WHEN p.retention_erased_at IS NULL THEN p.updated_at END,
                        (SELECT max(greatest(s.conducted_at, s.updated_at)) FROM screening s WHERE s.person_id = p.id),
                        (SELECT max(d.recorded_at) FROM identification_decision d JOIN screening s ON s.id = d.screening_id
                          WHERE s.person_id = p.id),
                        (SELECT max(t.updated_at) FROM tracing_request t
                          WHERE t.matched_kind = 'person' AND t.matched_id = p.id),
                        (SELECT max(a.updated_at) FROM expected_arrival a WHERE a.person_id = p.id))
          FROM person p WHERE p.id = ANY (p_person_ids)
    $$`);
    await q.query(`REVOKE ALL ON FUNCTION app_person_retention_activity(uuid[]) FROM PUBLIC`);
    await q.query(`GRANT EXECUTE ON FUNCTION app_person_retention_activity(uuid[]) TO ctcm_app`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION app_person_retention_activity(uuid[])`);
    await q.query(`REVOKE UPDATE (name_enc) ON document_version FROM ctcm_app`);
    await q.query(`REVOKE DELETE ON document_chunk FROM ctcm_app`);
    for (const table of ['intake_submission', 'person', 'document'])
      await q.query(`ALTER TABLE ${table} DROP COLUMN retention_erased_at`);
  }
}
