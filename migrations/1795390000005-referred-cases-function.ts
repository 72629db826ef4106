import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The caller agency's open referral grants in case-creation order, one page of them. Row-level
 * security on case_access_grant hides the row count from the planner, which then reads and
 * sorts every grant of the agency; as the table owner this reads the index range it needs.
 * It returns only grants to app_current_agency_id(), exactly what the policy lets the caller
 * see, and is planned for each call (EXECUTE), with the real limit and cursor.
 */
export class ReferredCasesFunction1795390000005 implements MigrationInterface {
  name = 'ReferredCasesFunction1795390000005';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE FUNCTION app_referred_cases(p_after_created timestamptz, p_after_case uuid, p_limit integer, p_newest_first boolean)
      RETURNS TABLE (case_created_at timestamptz, case_id uuid) LANGUAGE plpgsql STABLE
      SECURITY DEFINER SET search_path = public, pg_temp AS $$
      BEGIN
        RETURN QUERY EXECUTE format(
          'SELECT DISTINCT g.case_created_at, g.case_id FROM case_access_grant g
            WHERE g.kind = ''referral'' AND g.grantee_agency_id = $1 AND g.grantee_user_id IS NULL AND g.revoked_at IS NULL
              AND (g.expires_at IS NULL OR g.expires_at > now())
              AND (g.case_created_at, g.case_id) %s ($2, $3)
            ORDER BY 1 %s, 2 %s LIMIT $4',
          CASE WHEN p_newest_first THEN '<' ELSE '>' END,
          CASE WHEN p_newest_first THEN 'DESC' ELSE 'ASC' END,
          CASE WHEN p_newest_first THEN 'DESC' ELSE 'ASC' END)
        USING app_current_agency_id(),
              coalesce(p_after_created, CASE WHEN p_newest_first THEN 'infinity'::timestamptz ELSE '-infinity'::timestamptz END),
              coalesce(p_after_case, CASE WHEN p_newest_first THEN 'ffffffff-ffff-ffff-ffff-ffffffffffff'::uuid ELSE '00000000-0000-0000-0000-000000000000'::uuid END),
              p_limit;
      END $$`);
    await queryRunner.query(
      `REVOKE ALL ON FUNCTION app_referred_cases(timestamptz, uuid, integer, boolean) FROM PUBLIC`,
    );
    await queryRunner.query(
      `GRANT EXECUTE ON FUNCTION app_referred_cases(timestamptz, uuid, integer, boolean) TO ctcm_app`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP FUNCTION app_referred_cases(timestamptz, uuid, integer, boolean)`);
  }
}
