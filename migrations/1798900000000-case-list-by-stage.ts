import type { MigrationInterface, QueryRunner } from 'typeorm';

/** One direction of the referral walk: static SQL, so PL/pgSQL keeps its plan across calls. */
const walk = (cmp: '<' | '>', dir: 'ASC' | 'DESC', edgeTime: string, edgeId: string) => `
        RETURN QUERY SELECT DISTINCT g.case_created_at, g.case_id FROM case_access_grant g
          WHERE g.kind = 'referral' AND g.grantee_agency_id = app_current_agency_id() AND g.grantee_user_id IS NULL
            AND g.revoked_at IS NULL AND (g.expires_at IS NULL OR g.expires_at > now())
            AND (g.case_created_at, g.case_id) ${cmp} (coalesce(p_after_created, '${edgeTime}'::timestamptz), coalesce(p_after_case, '${edgeId}'::uuid))
            AND (p_stage IS NULL OR EXISTS (SELECT 1 FROM case_file c WHERE c.id = g.case_id AND c.stage = p_stage))
          ORDER BY 1 ${dir}, 2 ${dir} LIMIT p_limit;`;

/**
 * The case list (`GET /cases?stage=…`, issue 24 target 3) read every case of the caller agency
 * newest first until it had a page of the stage asked for (about 250 index entries and heap
 * rows for 51 active cases at 100,000 cases), and walked the agency's referral grants in
 * batches of 204 until enough of them were of that stage (two or three calls, each re-planned:
 * the walk was dynamic SQL). Now the agency's cases are indexed by stage and creation time, and
 * the walk is static SQL in each direction (its plan kept by PL/pgSQL) that skips grants whose
 * case is in another stage. The walk still returns only grants to app_current_agency_id() —
 * what the policy lets the caller see — and the stage of those cases, which the caller sees
 * (the limited view carries it), is only a filter: ids come back, nothing else.
 */
export class CaseListByStage1798900000000 implements MigrationInterface {
  name = 'CaseListByStage1798900000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX "ix_case_file_lead_agency_stage_created" ON "case_file" ("lead_agency_id", "stage", "created_at", "id")`,
    );
    // The four-argument walk stays (a data folder migrated here still serves code that calls it).
    await q.query(`CREATE FUNCTION app_referred_cases(p_after_created timestamptz, p_after_case uuid, p_limit integer,
        p_newest_first boolean, p_stage text)
      RETURNS TABLE (case_created_at timestamptz, case_id uuid) LANGUAGE plpgsql STABLE
      SECURITY DEFINER SET search_path = public, pg_temp AS $$
      BEGIN
        IF p_newest_first THEN${walk('<', 'DESC', 'infinity', 'ffffffff-ffff-ffff-ffff-ffffffffffff')}
        ELSE${walk('>', 'ASC', '-infinity', '00000000-0000-0000-0000-000000000000')}
        END IF;
      END $$`);
    await q.query(`REVOKE ALL ON FUNCTION app_referred_cases(timestamptz, uuid, integer, boolean, text) FROM PUBLIC`);
    await q.query(
      `GRANT EXECUTE ON FUNCTION app_referred_cases(timestamptz, uuid, integer, boolean, text) TO ctcm_app`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION app_referred_cases(timestamptz, uuid, integer, boolean, text)`);
    await q.query(`DROP INDEX "public"."ix_case_file_lead_agency_stage_created"`);
  }
}
