import type { EntityManager } from 'typeorm';
import { queryRows } from '../database/sql.js';

export interface RetentionCandidateRow {
  case_id: string;
  case_number: string;
  lead_agency_id: string;
  person_id: string;
  closed_at: Date;
  on_hold: boolean;
  erased: string[];
}

/** Closed cases closed before the cut-off, with their hold flag and erased record types (SECURITY DEFINER; ids only). */
export function findRetentionCandidates(m: EntityManager, closedBefore: Date): Promise<RetentionCandidateRow[]> {
  return queryRows(m, `SELECT * FROM app_retention_candidates($1)`, [closedBefore]);
}

/** Every agency id: the run visits each in turn. */
export async function listAgencyIds(m: EntityManager): Promise<string[]> {
  return (await queryRows<{ id: string }>(m, `SELECT id FROM agency ORDER BY id`)).map((r) => r.id);
}

/**
 * Sets the transaction's row-level-security context (transaction-local, like the request's):
 * the retention run acts as one agency at a time. Empty strings clear it.
 */
export async function setAgencyContext(m: EntityManager, agencyId: string, userId: string): Promise<void> {
  await m.query(`SELECT set_config('app.agency_id', $1, true), set_config('app.user_id', $2, true)`, [
    agencyId,
    userId,
  ]);
}

export async function insertRetentionRun(
  m: EntityManager,
  run: { id: string; trigger: string; triggeredBy: string | null; asOf: Date },
): Promise<void> {
  await m.query(`INSERT INTO retention_run (id, trigger, triggered_by, as_of) VALUES ($1, $2, $3, $4)`, [
    run.id,
    run.trigger,
    run.triggeredBy,
    run.asOf,
  ]);
}

export async function finishRetentionRun(
  m: EntityManager,
  id: string,
  counts: { cases: number; records: number; byRecordType: Record<string, { cases: number; records: number }> },
): Promise<void> {
  await m.query(
    `UPDATE retention_run SET finished_at = clock_timestamp(), cases = $2, records = $3, by_record_type = $4::jsonb WHERE id = $1`,
    [id, counts.cases, counts.records, JSON.stringify(counts.byRecordType)],
  );
}

export interface RetentionRunRow {
  id: string;
  trigger: string;
  triggered_by: string | null;
  as_of: Date;
  started_at: Date;
  finished_at: Date | null;
  cases: number;
  records: number;
  by_record_type: Record<string, { cases: number; records: number }>;
}

/** The latest runs, newest first. */
export function listRetentionRuns(m: EntityManager, limit: number): Promise<RetentionRunRow[]> {
  return queryRows(m, `SELECT * FROM retention_run ORDER BY started_at DESC, id DESC LIMIT $1`, [limit]);
}

/** Marks the record type erased for the cases the context's agency leads (one row per case). */
export async function insertRetentionErasures(
  m: EntityManager,
  runId: string,
  recordType: string,
  cases: { caseId: string; records: number }[],
): Promise<void> {
  if (!cases.length) return;
  await m.query(
    `INSERT INTO retention_erasure (case_id, record_type, run_id, records)
     SELECT t.case_id, $2, $1, t.records FROM unnest($3::uuid[], $4::int[]) AS t(case_id, records)`,
    [runId, recordType, cases.map((c) => c.caseId), cases.map((c) => c.records)],
  );
}

export interface CaseFactSourceRow {
  case_id: string;
  opened_on: string;
  person_id: string;
  birth_enc: Buffer | null;
}

/** The cases (of the context's lead agency) without statistics facts yet, with the person's encrypted birth. */
export function findCasesWithoutFacts(m: EntityManager, caseIds: string[]): Promise<CaseFactSourceRow[]> {
  return queryRows(
    m,
    `SELECT c.id AS case_id, c.opened_on::text AS opened_on, p.id AS person_id, p.birth_enc
       FROM case_file c JOIN person p ON p.id = c.person_id
      WHERE c.id = ANY ($1::uuid[]) AND c.lead_agency_id = app_current_agency_id()
        AND NOT EXISTS (SELECT 1 FROM case_retention_fact f WHERE f.case_id = c.id)`,
    [caseIds],
  );
}

/** Keeps the de-identified facts of the cases: codes, age band, months (time zone $3 for the closure month). */
export async function insertCaseFacts(
  m: EntityManager,
  facts: { caseId: string; ageBand: string }[],
  timeZone: string,
): Promise<void> {
  if (!facts.length) return;
  await m.query(
    `INSERT INTO case_retention_fact (case_id, lead_agency_id, gender, age_band, exploitation_types, province_code,
                                      closure_reason, opened_month, closed_month)
     SELECT c.id, c.lead_agency_id, p.gender, t.age_band, c.exploitation_types, c.province_code, c.closure_reason,
            date_trunc('month', c.opened_on)::date, date_trunc('month', c.closed_at AT TIME ZONE $3)::date
       FROM unnest($1::uuid[], $2::text[]) AS t(case_id, age_band)
       JOIN case_file c ON c.id = t.case_id JOIN person p ON p.id = c.person_id
     ON CONFLICT (case_id) DO NOTHING`,
    [facts.map((f) => f.caseId), facts.map((f) => f.ageBand), timeZone],
  );
}

export interface CaseFactRow {
  case_id: string;
  gender: string | null;
  age_band: string;
  exploitation_types: string[];
  province_code: string | null;
  closure_reason: string | null;
  opened_month: string;
  closed_month: string | null;
}

/** The kept facts of one case (lead agency only, by row-level security). */
export async function findCaseFacts(m: EntityManager, caseId: string): Promise<CaseFactRow | undefined> {
  const [row] = await queryRows<CaseFactRow>(
    m,
    `SELECT case_id, gender, age_band, exploitation_types, province_code, closure_reason,
            opened_month::text AS opened_month, closed_month::text AS closed_month
       FROM case_retention_fact WHERE case_id = $1`,
    [caseId],
  );
  return row;
}

/** The record types erased from one visible case, oldest first. */
export function findCaseErasures(
  m: EntityManager,
  caseId: string,
): Promise<{ record_type: string; run_id: string; erased_at: Date; records: number }[]> {
  return queryRows(
    m,
    `SELECT record_type, run_id, erased_at, records FROM retention_erasure WHERE case_id = $1 ORDER BY erased_at, record_type`,
    [caseId],
  );
}

/**
 * The approved erasures on request of `agencyId` that covered one case: asked for that case, or
 * for its person as a whole (every case the agency saw in full). `records_erased` counts the
 * request's records in all the cases of its scope.
 */
export function findCaseErasuresOnRequest(
  m: EntityManager,
  caseId: string,
  agencyId: string,
): Promise<{ id: string; decided_at: Date; records_erased: number | null }[]> {
  return queryRows(
    m,
    `SELECT r.id, r.decided_at, r.records_erased FROM subject_request r
      WHERE r.agency_id = $2 AND r.kind = 'erasure' AND r.status = 'approved'
        AND (r.case_id = $1 OR (r.case_id IS NULL AND r.person_id = (SELECT c.person_id FROM case_file c WHERE c.id = $1)))
      ORDER BY r.decided_at, r.id`,
    [caseId, agencyId],
  );
}

// --- legal holds ---------------------------------------------------------------------------

export interface LegalHoldRow {
  id: string;
  case_id: string;
  reason: string;
  placed_by: string;
  placed_at: Date;
  lifted_by: string | null;
  lifted_at: Date | null;
  lift_reason: string | null;
}

/** The holds of a visible case, newest first. */
export function listLegalHolds(m: EntityManager, caseId: string): Promise<LegalHoldRow[]> {
  return queryRows(m, `SELECT * FROM case_legal_hold WHERE case_id = $1 ORDER BY placed_at DESC, id DESC`, [caseId]);
}

export async function insertLegalHold(
  m: EntityManager,
  hold: { id: string; caseId: string; reason: string; placedBy: string },
): Promise<void> {
  await m.query(`INSERT INTO case_legal_hold (id, case_id, reason, placed_by) VALUES ($1, $2, $3, $4)`, [
    hold.id,
    hold.caseId,
    hold.reason,
    hold.placedBy,
  ]);
}

/** Lifts the active hold of the case; the lifted hold's id, or none when none was active. */
export async function liftLegalHold(
  m: EntityManager,
  caseId: string,
  liftedBy: string,
  reason: string,
): Promise<string | undefined> {
  const [row] = await queryRows<{ id: string }>(
    m,
    `UPDATE case_legal_hold SET lifted_by = $2, lifted_at = now(), lift_reason = $3
      WHERE case_id = $1 AND lifted_at IS NULL RETURNING id`,
    [caseId, liftedBy, reason],
  );
  return row?.id;
}
