import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Closes two gaps of issue 22 (docs/data-protection.md).
 *
 * Retention of records without a case: screenings that never led to a case, their
 * identification decisions, and tracing requests never matched to a case have a clock of their
 * own (last activity, or closure); `retention_erased_at` marks each row whose personal values a
 * run (or an erasure on request) has erased, as retention_erasure does for a case.
 *
 * Subject access: `app_subject_access_records` answers, with ids only, which case transfers,
 * expected arrivals and tracing requests of the CURRENT agency concern a person, through any
 * case of theirs (a case whose lead moved away is no longer visible to the agency that
 * transferred it, yet the transfer record is still that agency's). It names none of another
 * agency's rows.
 */
export class CaselessRetentionAndSubjectRecords1797900000000 implements MigrationInterface {
  name = 'CaselessRetentionAndSubjectRecords1797900000000';

  public async up(q: QueryRunner): Promise<void> {
    for (const table of ['screening', 'identification_decision', 'tracing_request'])
      await q.query(`ALTER TABLE ${table} ADD retention_erased_at TIMESTAMP WITH TIME ZONE`);
    await q.query(`CREATE FUNCTION app_subject_access_records(p_person_id uuid)
      RETURNS TABLE (kind text, id uuid)
      LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
        WITH person_cases AS (SELECT c.id FROM case_file c WHERE c.person_id = p_person_id),
        arrivals AS (
          SELECT a.id FROM expected_arrival a
           WHERE a.receiving_agency_id = app_current_agency_id()
             AND (a.person_id = p_person_id OR a.case_id IN (SELECT pc.id FROM person_cases pc)))
        SELECT 'case_transfer', t.id FROM case_transfer t
         WHERE t.case_id IN (SELECT pc.id FROM person_cases pc)
           AND app_current_agency_id() IN (t.from_agency_id, t.to_agency_id)
        UNION ALL
        SELECT 'expected_arrival', a.id FROM arrivals a
        UNION ALL
        SELECT 'tracing_request', r.id FROM tracing_request r
         WHERE r.agency_id = app_current_agency_id()
           AND ((r.matched_kind = 'person' AND r.matched_id = p_person_id)
             OR (r.matched_kind = 'case' AND r.matched_id IN (SELECT pc.id FROM person_cases pc))
             OR (r.matched_kind = 'expected_arrival' AND r.matched_id IN (SELECT a.id FROM arrivals a)))
    $$`);
    await q.query(`REVOKE ALL ON FUNCTION app_subject_access_records(uuid) FROM PUBLIC`);
    await q.query(`GRANT EXECUTE ON FUNCTION app_subject_access_records(uuid) TO ctcm_app`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION app_subject_access_records(uuid)`);
    for (const table of ['tracing_request', 'identification_decision', 'screening'])
      await q.query(`ALTER TABLE ${table} DROP COLUMN retention_erased_at`);
  }
}
