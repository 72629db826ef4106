import type { EntityManager } from 'typeorm';
import type { VisibilitySql } from '../access/access.service.js';
import { queryRows } from '../database/sql.js';

/** How many items of each kind the work list shows; the counts are always complete. */
export const WORK_LIST_ITEM_LIMIT = 100;

export interface ReferralTaskRow {
  id: string;
  case_id: string;
  case_number: string;
  from_agency_id: string;
  purpose: string;
  urgency: string;
  due_by: Date;
  overdue: boolean;
  total: number;
  total_overdue: number;
  total_emergency: number;
}

/**
 * Referrals waiting for the agency's answer (the inbox's pending view): emergencies first,
 * then by due time. The receiving agency sees them as the inbox does, by agency alone.
 */
export function findReferralsToAnswer(m: EntityManager, agencyId: string): Promise<ReferralTaskRow[]> {
  return queryRows(
    m,
    `SELECT r.id, r.case_id, c.case_number, r.from_agency_id, r.purpose, r.urgency, r.due_by, r.due_by < now() AS overdue,
            count(*) OVER ()::int AS total, count(*) FILTER (WHERE r.due_by < now()) OVER ()::int AS total_overdue,
            count(*) FILTER (WHERE r.urgency = 'emergency') OVER ()::int AS total_emergency
       FROM referral r JOIN case_file c ON c.id = r.case_id
      WHERE r.to_agency_id = $1 AND r.status = 'pending'
      ORDER BY (r.urgency = 'emergency') DESC, r.due_by, r.id
      LIMIT $2`,
    [agencyId, WORK_LIST_ITEM_LIMIT],
  );
}

export interface ClosureTaskRow {
  case_id: string;
  case_number: string;
  reason: string | null;
  requested_by: string | null;
  requested_at: string | null;
  total: number;
}

/** Closure requests on open cases the actor sees in full (the case counts' rule; visibility from $1). */
export function findClosuresToApprove(m: EntityManager, v: VisibilitySql): Promise<ClosureTaskRow[]> {
  const n = v.params.length;
  return queryRows(
    m,
    `SELECT c.id AS case_id, c.case_number, c.closure_request->>'reason' AS reason,
            c.closure_request->>'requestedBy' AS requested_by, c.closure_request->>'requestedAt' AS requested_at,
            count(*) OVER ()::int AS total
       FROM case_file c
      WHERE c.closure_request IS NOT NULL AND c.stage NOT IN ('closed', 'closed_referred') AND ${v.view} = 'full'
      ORDER BY c.closure_request->>'requestedAt', c.id
      LIMIT $${n + 1}`,
    [...v.params, WORK_LIST_ITEM_LIMIT],
  );
}

export interface IdentificationTaskRow {
  id: string;
  case_id: string | null;
  case_number: string | null;
  agency_id: string;
  profile: string;
  suggested_outcome: string;
  conducted_at: Date;
  total: number;
}

/**
 * Screenings submitted to the actor's agency that it has not decided yet (the screening list's
 * awaitingDecision filter), among those the actor may see (screening visibility from $1).
 */
export function findIdentificationsToDecide(
  m: EntityManager,
  v: { condition: string; params: unknown[] },
  agencyId: string,
): Promise<IdentificationTaskRow[]> {
  const n = v.params.length;
  return queryRows(
    m,
    `SELECT s.id, s.case_id, c.case_number, s.agency_id, s.profile, s.suggested_outcome, s.conducted_at,
            count(*) OVER ()::int AS total
       FROM screening s LEFT JOIN case_file c ON c.id = s.case_id
      WHERE s.submitted_to_agency_id = $${n + 1}
        AND NOT EXISTS (SELECT 1 FROM identification_decision d WHERE d.screening_id = s.id AND d.deciding_agency_id = $${n + 1})
        AND ${v.condition}
      ORDER BY s.conducted_at, s.id
      LIMIT $${n + 2}`,
    [...v.params, agencyId, WORK_LIST_ITEM_LIMIT],
  );
}

export interface FollowUpTaskRow {
  id: string;
  case_id: string;
  case_number: string;
  due_on: string;
  plan_month: number | null;
  days_overdue: number;
  total: number;
}

/**
 * The agency's scheduled visits due before `until` (inclusive) and, when `overdue`, before
 * `today`; else from `today` on. On cases the actor may see (case visibility from $1), as the
 * upcoming and overdue lists.
 */
export function findFollowUpsDue(
  m: EntityManager,
  v: VisibilitySql,
  agencyId: string,
  today: string,
  window: { overdue: true } | { overdue: false; until: string },
): Promise<FollowUpTaskRow[]> {
  const n = v.params.length;
  const range = window.overdue ? `f.due_on < $${n + 2}::date` : `f.due_on BETWEEN $${n + 2}::date AND $${n + 4}::date`;
  return queryRows(
    m,
    `SELECT f.id, f.case_id, c.case_number, to_char(f.due_on, 'YYYY-MM-DD') AS due_on, f.plan_month,
            greatest($${n + 2}::date - f.due_on, 0) AS days_overdue, count(*) OVER ()::int AS total
       FROM case_follow_up f JOIN case_file c ON c.id = f.case_id
      WHERE f.agency_id = $${n + 1} AND f.status = 'scheduled' AND ${range} AND ${v.condition}
      ORDER BY f.due_on, f.id
      LIMIT $${n + 3}`,
    [...v.params, agencyId, today, WORK_LIST_ITEM_LIMIT, ...(window.overdue ? [] : [window.until])],
  );
}

export interface ReturnNoticeTaskRow {
  id: string;
  host_country: string;
  border_crossing_code: string;
  expected_on: string;
  people_count: number;
  children_count: number;
  arrivals_expected: number;
  total: number;
}

/** Pre-arrival notices to the agency with returnees still expected, soonest first. */
export function findReturneesExpected(m: EntityManager, agencyId: string): Promise<ReturnNoticeTaskRow[]> {
  return queryRows(
    m,
    `SELECT n.id, n.host_country, n.border_crossing_code, to_char(n.expected_on, 'YYYY-MM-DD') AS expected_on,
            n.people_count, n.children_count,
            (SELECT count(*) FROM expected_arrival a WHERE a.notice_id = n.id AND a.status = 'expected')::int AS arrivals_expected,
            count(*) OVER ()::int AS total
       FROM return_notice n
      WHERE n.receiving_agency_id = $1 AND n.status = 'expected'
      ORDER BY n.expected_on, n.id
      LIMIT $2`,
    [agencyId, WORK_LIST_ITEM_LIMIT],
  );
}
