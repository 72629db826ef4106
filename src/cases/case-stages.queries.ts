import type { EntityManager } from 'typeorm';
import { queryRows } from '../database/sql.js';
import type { StageFacts } from './case-stages.js';

/** The facts a stage depends on, read in one statement (the lead agency sees all of them). */
export async function findStageFacts(m: EntityManager, caseId: string): Promise<StageFacts> {
  const [row] = await queryRows<{
    identification_status: string | null;
    referral_sent: boolean;
    open_placement: boolean;
  }>(
    m,
    `SELECT (SELECT d.status FROM identification_decision d JOIN screening s ON s.id = d.screening_id
              WHERE s.case_id = $1 ORDER BY d.recorded_at DESC, d.revision DESC LIMIT 1) AS identification_status,
            EXISTS (SELECT 1 FROM referral r WHERE r.case_id = $1 AND r.status IN ('pending', 'accepted', 'completed')) AS referral_sent,
            EXISTS (SELECT 1 FROM placement p WHERE p.case_id = $1 AND p.discharged_on IS NULL) AS open_placement`,
    [caseId],
  );
  return {
    identificationStatus: row?.identification_status ?? null,
    referralSent: row?.referral_sent ?? false,
    openPlacement: row?.open_placement ?? false,
  };
}

/** The latest identification decision on one screening. */
export async function findScreeningDecisionStatus(m: EntityManager, screeningId: string): Promise<string | null> {
  const [row] = await queryRows<{ status: string }>(
    m,
    `SELECT d.status FROM identification_decision d WHERE d.screening_id = $1
      ORDER BY d.recorded_at DESC, d.revision DESC LIMIT 1`,
    [screeningId],
  );
  return row?.status ?? null;
}

/** Every identification decision on the screenings of a case, for its timeline (codes and dates only). */
export async function findIdentificationDecisionsOfCase(
  m: EntityManager,
  caseId: string,
): Promise<
  {
    id: string;
    screening_id: string;
    revision: number;
    status: string;
    decided_on: string;
    decided_by: string;
    deciding_agency_id: string;
    recorded_at: Date;
  }[]
> {
  return queryRows(
    m,
    `SELECT d.id, d.screening_id, d.revision, d.status, to_char(d.decided_on, 'YYYY-MM-DD') AS decided_on,
            d.decided_by, d.deciding_agency_id, d.recorded_at
       FROM identification_decision d JOIN screening s ON s.id = d.screening_id
      WHERE s.case_id = $1
      ORDER BY d.recorded_at, d.revision`,
    [caseId],
  );
}
