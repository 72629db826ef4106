import type { EntityManager } from 'typeorm';
import type { VisibilitySql } from '../access/access.service.js';

export interface TracingNameHit {
  id: string;
  status: string;
  received_on: string;
  gender: string | null;
  home_province_code: string | null;
  birth_year_bidx: Buffer | null;
  exact_hits: number;
  phonetic_hits: number;
}

/**
 * The agency's tracing requests whose missing person's names share a blind index with the query
 * (best name hits first, at most 200 before scoring). Row-level security limits them too.
 */
export function findTracingRequestsByNameIndex(
  m: EntityManager,
  agencyId: string,
  exact: Buffer[],
  phonetic: Buffer[],
): Promise<TracingNameHit[]> {
  return m.query(
    `WITH hits AS (
       SELECT i.tracing_request_id,
              count(*) FILTER (WHERE i.kind = 'exact' AND i.value = ANY($1::bytea[]))::int AS exact_hits,
              count(*) FILTER (WHERE i.kind = 'phonetic' AND i.value = ANY($2::bytea[]))::int AS phonetic_hits
         FROM tracing_request_name_index i WHERE i.value = ANY($3::bytea[]) GROUP BY i.tracing_request_id)
     SELECT t.id, t.status, to_char(t.received_on, 'YYYY-MM-DD') AS received_on, t.gender, t.home_province_code,
            t.birth_year_bidx, h.exact_hits, h.phonetic_hits
       FROM hits h JOIN tracing_request t ON t.id = h.tracing_request_id
      WHERE t.agency_id = $4
      ORDER BY h.exact_hits + h.phonetic_hits DESC, t.id
      LIMIT 200`,
    [exact, phonetic, [...exact, ...phonetic], agencyId],
  );
}

export interface VisibleCaseRow {
  id: string;
  case_number: string;
  person_id: string;
  lead_agency_id: string;
  stage: string;
}

/** The cases of these persons that the actor may see (the case visibility rule, written once). */
export function findVisibleCasesOfPersons(
  m: EntityManager,
  personIds: string[],
  visibility: VisibilitySql,
): Promise<VisibleCaseRow[]> {
  if (!personIds.length) return Promise.resolve([]);
  return m.query(
    `SELECT c.id, c.case_number, c.person_id, c.lead_agency_id, c.stage FROM case_file c
      WHERE c.person_id = ANY($1::uuid[]) AND ${visibility.condition}
      ORDER BY c.created_at DESC LIMIT 50`,
    [personIds, ...visibility.params],
  );
}

/** Records the confirmed match once: only an open request of the agency moves to matched. */
export async function confirmMatch(
  m: EntityManager,
  id: string,
  version: number,
  kind: string,
  matchedId: string,
  userId: string,
): Promise<boolean> {
  const rows: unknown[] = await m.query(
    `UPDATE tracing_request SET status = 'matched', matched_kind = $3, matched_id = $4, matched_by = $5, matched_at = now(),
            version = version + 1, updated_at = now()
      WHERE id = $1 AND version = $2 AND status = 'open' RETURNING id`,
    [id, version, kind, matchedId, userId],
  );
  return rowsOf(rows).length === 1;
}

/** Records the outcome and closes the request. */
export async function recordOutcome(
  m: EntityManager,
  id: string,
  version: number,
  outcome: string,
  noteEnc: Buffer | null,
  userId: string,
): Promise<boolean> {
  const rows: unknown[] = await m.query(
    `UPDATE tracing_request SET status = 'closed', outcome = $3, outcome_note_enc = $4, outcome_by = $5, outcome_at = now(),
            version = version + 1, updated_at = now()
      WHERE id = $1 AND version = $2 AND status <> 'closed' RETURNING id`,
    [id, version, outcome, noteEnc, userId],
  );
  return rowsOf(rows).length === 1;
}

// TypeORM answers an UPDATE … RETURNING with [rows, count] on PostgreSQL.
const rowsOf = (result: unknown[]): unknown[] =>
  Array.isArray(result[0]) ? (result[0] as unknown[]) : (result as unknown[]);
