import type { EntityManager } from 'typeorm';

export interface ArrivalNameHit {
  id: string;
  notice_id: string;
  status: string;
  names_enc: Buffer;
  birth_enc: Buffer | null;
  gender: string | null;
  home_province_code: string | null;
  birth_year_bidx: Buffer | null;
  expected_on: string;
  exact_hits: number;
  phonetic_hits: number;
}

/**
 * Named expected returnees of the agency whose names share a blind index with the query, best
 * name hits first (at most 200 before scoring). Row-level security limits them to the agency too.
 */
export function findArrivalsByNameIndex(
  m: EntityManager,
  agencyId: string,
  exact: Buffer[],
  phonetic: Buffer[],
): Promise<ArrivalNameHit[]> {
  return m.query(
    `WITH hits AS (
       SELECT i.arrival_id,
              count(*) FILTER (WHERE i.kind = 'exact' AND i.value = ANY($1::bytea[]))::int AS exact_hits,
              count(*) FILTER (WHERE i.kind = 'phonetic' AND i.value = ANY($2::bytea[]))::int AS phonetic_hits
         FROM expected_arrival_name_index i WHERE i.value = ANY($3::bytea[]) GROUP BY i.arrival_id)
     SELECT a.id, a.notice_id, a.status, a.names_enc, a.birth_enc, a.gender, a.home_province_code, a.birth_year_bidx,
            to_char(n.expected_on, 'YYYY-MM-DD') AS expected_on, h.exact_hits, h.phonetic_hits
       FROM hits h JOIN expected_arrival a ON a.id = h.arrival_id JOIN return_notice n ON n.id = a.notice_id
      WHERE a.receiving_agency_id = $4 AND a.names_enc IS NOT NULL
      ORDER BY h.exact_hits + h.phonetic_hits DESC, a.id
      LIMIT 200`,
    [exact, phonetic, [...exact, ...phonetic], agencyId],
  );
}

/** Marks an expected arrival arrived at its real time, with the case and person it became. */
export async function markArrived(
  m: EntityManager,
  arrivalId: string,
  caseId: string,
  personId: string,
  arrivedAt: Date,
): Promise<void> {
  await m.query(
    `UPDATE expected_arrival SET status = 'arrived', case_id = $2, person_id = $3, arrived_at = $4, arrival_recorded_at = now(),
            version = version + 1, updated_at = now() WHERE id = $1`,
    [arrivalId, caseId, personId, arrivedAt],
  );
}

/** Closes the notice once nobody it announced is still expected. */
export async function markNoticeReceivedWhenComplete(m: EntityManager, noticeId: string): Promise<void> {
  await m.query(
    `UPDATE return_notice SET status = 'received', version = version + 1, updated_at = now()
      WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM expected_arrival WHERE notice_id = $1 AND status = 'expected')`,
    [noticeId],
  );
}

/**
 * Dates the case on the day of arrival (in the deployment's time zone), so what staff enter
 * later about that day is not refused as before the opening: bounded by the arrival, not by
 * the moment the case was typed in.
 */
export async function setCaseOpenedOn(m: EntityManager, caseId: string, openedOn: string): Promise<void> {
  await m.query(`UPDATE case_file SET opened_on = $2::date WHERE id = $1 AND opened_on > $2::date`, [caseId, openedOn]);
}
