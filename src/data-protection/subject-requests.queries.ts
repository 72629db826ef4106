import type { EntityManager } from 'typeorm';
import { queryRows } from '../database/sql.js';

/*
 * Subject requests and restrictions. Both tables are the requesting agency's own (row-level
 * security on agency_id), so every statement here sees the current agency's rows only.
 */

export interface SubjectRequestRow {
  id: string;
  agency_id: string;
  person_id: string;
  case_id: string | null;
  kind: string;
  reason: string;
  channel: string;
  status: string;
  requested_by: string;
  requested_at: Date;
  decided_by: string | null;
  decided_at: Date | null;
  refusal_reason: string | null;
  records_erased: number | null;
}

export async function insertSubjectRequest(
  m: EntityManager,
  r: {
    id: string;
    agencyId: string;
    personId: string;
    caseId: string | null;
    kind: string;
    reason: string;
    channel: string;
    requestedBy: string;
  },
): Promise<void> {
  await m.query(
    `INSERT INTO subject_request (id, agency_id, person_id, case_id, kind, reason, channel, requested_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [r.id, r.agencyId, r.personId, r.caseId, r.kind, r.reason, r.channel, r.requestedBy],
  );
}

/** One request of the current agency, locked for its decision when `forUpdate`. */
export async function findSubjectRequest(
  m: EntityManager,
  id: string,
  forUpdate = false,
): Promise<SubjectRequestRow | undefined> {
  const rows = await queryRows<SubjectRequestRow>(
    m,
    `SELECT * FROM subject_request WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`,
    [id],
  );
  return rows[0];
}

/** The current agency's latest requests, newest first. */
export function listSubjectRequests(
  m: EntityManager,
  filter: { personId?: string; status?: string },
  limit: number,
): Promise<SubjectRequestRow[]> {
  return queryRows(
    m,
    `SELECT * FROM subject_request
      WHERE ($1::uuid IS NULL OR person_id = $1) AND ($2::text IS NULL OR status = $2)
      ORDER BY requested_at DESC, id DESC LIMIT $3`,
    [filter.personId ?? null, filter.status ?? null, limit],
  );
}

export async function decideSubjectRequest(
  m: EntityManager,
  id: string,
  d: { status: 'approved' | 'refused'; decidedBy: string; refusalReason: string | null },
): Promise<void> {
  await m.query(
    `UPDATE subject_request SET status = $2, decided_by = $3, decided_at = now(), refusal_reason = $4 WHERE id = $1`,
    [id, d.status, d.decidedBy, d.refusalReason],
  );
}

export async function setRecordsErased(m: EntityManager, id: string, records: number): Promise<void> {
  await m.query(`UPDATE subject_request SET records_erased = $2 WHERE id = $1`, [id, records]);
}

export interface RestrictionRow {
  id: string;
  person_id: string;
  case_id: string | null;
}

/** The current agency's restriction in force with exactly this scope (the person, or one case). */
export async function findActiveRestriction(
  m: EntityManager,
  personId: string,
  caseId: string | null,
): Promise<RestrictionRow | undefined> {
  const rows = await queryRows<RestrictionRow>(
    m,
    `SELECT id, person_id, case_id FROM record_restriction
      WHERE lifted_at IS NULL AND person_id = $1 AND case_id IS NOT DISTINCT FROM $2::uuid`,
    [personId, caseId],
  );
  return rows[0];
}

export async function insertRestriction(
  m: EntityManager,
  r: { id: string; agencyId: string; personId: string; caseId: string | null; requestId: string },
): Promise<void> {
  await m.query(
    `INSERT INTO record_restriction (id, agency_id, person_id, case_id, request_id) VALUES ($1, $2, $3, $4, $5)`,
    [r.id, r.agencyId, r.personId, r.caseId, r.requestId],
  );
}

export async function liftRestriction(m: EntityManager, id: string, liftRequestId: string): Promise<void> {
  await m.query(`UPDATE record_restriction SET lifted_at = now(), lift_request_id = $2 WHERE id = $1`, [
    id,
    liftRequestId,
  ]);
}

/** The cases of the person (ids, lead agency), as far as the current agency's row-level security shows them. */
export function findPersonCases(
  m: EntityManager,
  personId: string,
): Promise<{ id: string; lead_agency_id: string; case_number: string }[]> {
  return queryRows(
    m,
    `SELECT id, lead_agency_id, case_number FROM case_file WHERE person_id = $1 ORDER BY opened_on, id`,
    [personId],
  );
}

/** Which of the cases have an active legal hold. */
export async function findHeldCases(m: EntityManager, caseIds: string[]): Promise<string[]> {
  const rows = await queryRows<{ case_id: string }>(
    m,
    `SELECT DISTINCT case_id FROM case_legal_hold WHERE lifted_at IS NULL AND case_id = ANY ($1::uuid[])`,
    [caseIds],
  );
  return rows.map((r) => r.case_id);
}

/**
 * The current agency's case transfers, expected arrivals and tracing requests that concern the
 * person, through any case of theirs (SECURITY DEFINER: a case whose lead moved away is no
 * longer visible to the agency that transferred it, yet the transfer is still its record). Ids of
 * the current agency's own rows only; each is then read through its own service and rule.
 */
export async function findSubjectRecords(
  m: EntityManager,
  personId: string,
): Promise<{ caseTransfers: string[]; expectedArrivals: string[]; tracingRequests: string[] }> {
  const rows = await queryRows<{ kind: string; id: string }>(
    m,
    `SELECT kind, id FROM app_subject_access_records($1) ORDER BY kind, id`,
    [personId],
  );
  const of = (kind: string) => rows.filter((r) => r.kind === kind).map((r) => r.id);
  return {
    caseTransfers: of('case_transfer'),
    expectedArrivals: of('expected_arrival'),
    tracingRequests: of('tracing_request'),
  };
}
