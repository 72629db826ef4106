import type { MigrationInterface, QueryRunner } from 'typeorm';

/** How a walk keeps only grants whose case is of the stage asked for: a join, or a condition. */
interface StageFilter {
  join: string;
  where: string;
}

/** One direction of the referral walk. */
const walk = (cmp: '<' | '>', dir: 'ASC' | 'DESC', edgeTime: string, edgeId: string, stage: StageFilter) => `
          RETURN QUERY SELECT DISTINCT g.case_created_at, g.case_id FROM case_access_grant g${stage.join}
            WHERE g.kind = 'referral' AND g.grantee_agency_id = app_current_agency_id() AND g.grantee_user_id IS NULL
              AND g.revoked_at IS NULL AND (g.expires_at IS NULL OR g.expires_at > now())
              AND (g.case_created_at, g.case_id) ${cmp} (coalesce(p_after_created, '${edgeTime}'::timestamptz), coalesce(p_after_case, '${edgeId}'::uuid))${stage.where}
            ORDER BY 1 ${dir}, 2 ${dir} LIMIT p_limit;`;

const newest = (stage: StageFilter) => walk('<', 'DESC', 'infinity', 'ffffffff-ffff-ffff-ffff-ffffffffffff', stage);
const oldest = (stage: StageFilter) => walk('>', 'ASC', '-infinity', '00000000-0000-0000-0000-000000000000', stage);

const ANY_STAGE: StageFilter = { join: '', where: '' };
const STAGE_JOINED: StageFilter = { join: ' JOIN case_file c ON c.id = g.case_id AND c.stage = p_stage', where: '' };
/** What migration CaseListByStage1798900000000 did (for down()). */
const STAGE_EXISTS: StageFilter = {
  join: '',
  where: `
              AND (p_stage IS NULL OR EXISTS (SELECT 1 FROM case_file c WHERE c.id = g.case_id AND c.stage = p_stage))`,
};

const HEAD = `CREATE OR REPLACE FUNCTION app_referred_cases(p_after_created timestamptz, p_after_case uuid,
        p_limit integer, p_newest_first boolean, p_stage text)
      RETURNS TABLE (case_created_at timestamptz, case_id uuid) LANGUAGE plpgsql STABLE
      SECURITY DEFINER SET search_path = public, pg_temp AS $$`;

const PREVIOUS = `${HEAD}
      BEGIN
        IF p_newest_first THEN${newest(STAGE_EXISTS)}
        ELSE${oldest(STAGE_EXISTS)}
        END IF;
      END $$`;

const CURRENT = `${HEAD}
      BEGIN
        IF p_stage IS NULL AND p_newest_first THEN${newest(ANY_STAGE)}
        ELSIF p_stage IS NULL THEN${oldest(ANY_STAGE)}
        ELSIF p_newest_first THEN${newest(STAGE_JOINED)}
        ELSE${oldest(STAGE_JOINED)}
        END IF;
      END $$`;

/**
 * The referral walk of the case list (migration CaseListByStage1798900000000) tested a grant's
 * stage with `p_stage IS NULL OR EXISTS (SELECT 1 FROM case_file c WHERE c.id = g.case_id AND
 * c.stage = p_stage)`. Under that OR, PostgreSQL ran the EXISTS as a hashed subplan: it hashed
 * every case of the stage (200,110 rows, 30,000 buffers at 1,000,000 cases) before reading the
 * first grant, so `GET /cases?stage=active` cost 256 ms of PostgreSQL CPU at a million cases
 * against 5.7 ms at 100,000. A correlated scalar subquery instead is not hashed, but its
 * selectivity is a blind guess (0.5 %) and the planner then read and sorted all of the agency's
 * grants. Now the stage is a join in its own branch, estimated from the column's statistics:
 * the plan walks the grants' index in order, one primary-key look-up per grant, and stops after
 * a page. Same signature, same result; only the plan changes.
 */
export class ReferralWalkStagePerGrant1799100000000 implements MigrationInterface {
  name = 'ReferralWalkStagePerGrant1799100000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(CURRENT);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(PREVIOUS);
  }
}
