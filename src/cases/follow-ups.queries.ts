import type { EntityManager } from 'typeorm';
import { queryRows } from '../database/sql.js';
import type { VisibilitySql } from '../access/access.service.js';

export interface UpcomingFollowUpRow {
  id: string;
  case_id: string;
  case_number: string;
  due_on: string;
  plan_month: number | null;
  change_reason: string | null;
  version: number;
}

/** An agency's scheduled visits due between two dates, on cases the actor may see (visibility from $1). */
export function findUpcomingFollowUps(
  m: EntityManager,
  v: VisibilitySql,
  agencyId: string,
  from: string,
  to: string,
): Promise<UpcomingFollowUpRow[]> {
  const n = v.params.length;
  return queryRows(
    m,
    `SELECT f.id, f.case_id, c.case_number, to_char(f.due_on, 'YYYY-MM-DD') AS due_on, f.plan_month, f.change_reason, f.version
       FROM case_follow_up f JOIN case_file c ON c.id = f.case_id
      WHERE f.agency_id = $${n + 1} AND f.status = 'scheduled' AND f.due_on BETWEEN $${n + 2}::date AND $${n + 3}::date
        AND ${v.condition}
      ORDER BY f.due_on, f.id LIMIT 500`,
    [...v.params, agencyId, from, to],
  );
}

/** Cancels every visit still scheduled on a case (the closure rule); returns their ids. */
export async function cancelScheduledFollowUps(m: EntityManager, caseId: string, reason: string): Promise<string[]> {
  const rows = await queryRows<{ id: string }>(
    m,
    `UPDATE case_follow_up SET status = 'cancelled', change_reason = $2, version = version + 1
      WHERE case_id = $1 AND status = 'scheduled' RETURNING id`,
    [caseId, reason],
  );
  return rows.map((r) => r.id);
}

export interface OverdueFollowUpRow {
  id: string;
  case_id: string;
  case_number: string;
  due_on: string;
  days: number;
  plan_month: number | null;
}

/** An agency's scheduled visits due before `today`, on cases the actor may see (visibility from $1). */
export function findOverdueFollowUps(
  m: EntityManager,
  v: VisibilitySql,
  agencyId: string,
  today: string,
): Promise<OverdueFollowUpRow[]> {
  return m.query(
    `SELECT f.id, f.case_id, c.case_number, to_char(f.due_on, 'YYYY-MM-DD') AS due_on, ($${v.params.length + 2}::date - f.due_on) AS days, f.plan_month
       FROM case_follow_up f JOIN case_file c ON c.id = f.case_id
      WHERE f.agency_id = $${v.params.length + 1} AND f.status = 'scheduled' AND f.due_on < $${v.params.length + 2}::date AND ${v.condition}
      ORDER BY f.due_on ASC LIMIT 500`,
    [...v.params, agencyId, today],
  );
}
