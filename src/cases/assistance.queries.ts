import type { EntityManager } from 'typeorm';
import { queryRows } from '../database/sql.js';

/** The version number the case's next consent record takes. */
export async function nextConsentVersion(m: EntityManager, caseId: string): Promise<number> {
  const [{ next }] = await m.query(
    'SELECT coalesce(max(version), 0) + 1 AS next FROM case_consent WHERE case_id = $1',
    [caseId],
  );
  return next;
}

/** Marks the case's active consent superseded (a new one is being recorded). */
export async function supersedeActiveConsent(m: EntityManager, caseId: string): Promise<void> {
  await m.query(`UPDATE case_consent SET status = 'superseded' WHERE case_id = $1 AND status = 'active'`, [caseId]);
}

/** Records the withdrawal of a consent, by whom. */
export async function withdrawConsentRecord(m: EntityManager, consentId: string, withdrawnBy: string): Promise<void> {
  await m.query(`UPDATE case_consent SET status = 'withdrawn', withdrawn_at = now(), withdrawn_by = $2 WHERE id = $1`, [
    consentId,
    withdrawnBy,
  ]);
}

/** Cancels the case's open referrals to every agency outside `covered` (consent no longer covers them). */
export async function cancelUncoveredReferrals(m: EntityManager, caseId: string, covered: string[]): Promise<void> {
  await m.query(
    `UPDATE referral SET status = 'cancelled', end_reason = 'consent_withdrawn', ended_at = now(), version = version + 1, updated_at = now()
      WHERE case_id = $1 AND status IN ('pending', 'accepted') AND NOT (to_agency_id = ANY($2::uuid[]))`,
    [caseId, covered],
  );
}

/** Revokes the referral access of every agency outside `covered`; the revoked grants. */
export function revokeUncoveredReferralGrants(
  m: EntityManager,
  caseId: string,
  covered: string[],
): Promise<{ id: string }[]> {
  return queryRows<{ id: string }>(
    m,
    `UPDATE case_access_grant SET revoked_at = now()
      WHERE case_id = $1 AND kind = 'referral' AND revoked_at IS NULL AND NOT (grantee_agency_id = ANY($2::uuid[]))
      RETURNING id`,
    [caseId, covered],
  );
}

/** The revision number the next correction in a note thread takes. */
export async function nextNoteRevision(m: EntityManager, threadId: string): Promise<number> {
  const [{ next }] = await m.query('SELECT max(revision) + 1 AS next FROM case_note WHERE thread_id = $1', [threadId]);
  return next;
}
