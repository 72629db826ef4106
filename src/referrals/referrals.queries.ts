import type { DataSource, EntityManager } from 'typeorm';
import type { InboxCounts } from './dto/referral.dto.js';
import { ReferralEntity } from './referral.entities.js';

/**
 * Expires every overdue pending referral (referral_expire_overdue() is SECURITY DEFINER: it runs
 * outside any actor's row-level-security context); how many it expired.
 */
export async function expireOverdueReferrals(dataSource: DataSource): Promise<number> {
  const [row] = await dataSource.query('SELECT referral_expire_overdue() AS n');
  return row.n as number;
}

/** The agency's inbox, by due time (500 at most): pending, overdue (pending past due) or accepted referrals. */
export function findInbox(m: EntityManager, agencyId: string, view: string): Promise<ReferralEntity[]> {
  const where =
    view === 'accepted'
      ? `status = 'accepted'`
      : view === 'overdue'
        ? `status = 'pending' AND due_by < now()`
        : `status = 'pending'`;
  return m
    .getRepository(ReferralEntity)
    .createQueryBuilder('r')
    .where(`r.to_agency_id = :agency AND ${where.replaceAll('status', 'r.status').replaceAll('due_by', 'r.due_by')}`, {
      agency: agencyId,
    })
    .orderBy('r.due_by', 'ASC')
    .limit(500)
    .getMany();
}

/** The agency's inbox counts: pending, overdue and accepted referrals addressed to it. */
export async function countInbox(m: EntityManager, agencyId: string): Promise<InboxCounts> {
  const [row] = await m.query(
    `SELECT count(*) FILTER (WHERE status = 'pending')::int AS pending,
            count(*) FILTER (WHERE status = 'pending' AND due_by < now())::int AS overdue,
            count(*) FILTER (WHERE status = 'accepted')::int AS accepted
       FROM referral WHERE to_agency_id = $1`,
    [agencyId],
  );
  return row;
}

/**
 * Moves a referral to its next status, recording the reason where the action has one
 * (decline reason or end reason) and who answered when the action is a response.
 */
export async function moveReferral(
  m: EntityManager,
  id: string,
  to: string,
  action: string,
  reason: string | null,
  responds: boolean,
  actorUserId: string,
): Promise<void> {
  await m.query(
    `UPDATE referral SET status = $2::text, decline_reason = CASE WHEN $3::text = 'decline' THEN $4::text ELSE decline_reason END,
            end_reason = CASE WHEN $3::text IN ('withdraw', 'complete', 'cancel') THEN $4::text ELSE end_reason END,
            responded_by = CASE WHEN $5::boolean THEN $6::uuid ELSE responded_by END, responded_at = CASE WHEN $5::boolean THEN now() ELSE responded_at END,
            ended_at = CASE WHEN $2::text IN ('declined', 'withdrawn', 'completed', 'cancelled') THEN now() ELSE ended_at END,
            version = version + 1, updated_at = now()
      WHERE id = $1`,
    [id, to, action, reason, responds, actorUserId],
  );
}

/** Ends the receiving agency's view of the case that an ended referral gave it. */
export async function revokeReferralGrants(m: EntityManager, referralId: string): Promise<void> {
  await m.query(
    `UPDATE case_access_grant SET revoked_at = now() WHERE source_id = $1 AND kind = 'referral' AND revoked_at IS NULL`,
    [referralId],
  );
}

/**
 * The numbers of those of these cases the current agency leads or is linked to by a referral,
 * even an ended one (app_case_numbers() is SECURITY DEFINER and checks that link itself).
 */
export function findCaseNumbers(m: EntityManager, caseIds: string[]): Promise<{ id: string; case_number: string }[]> {
  return m.query('SELECT id, case_number FROM app_case_numbers($1::uuid[])', [caseIds]);
}
