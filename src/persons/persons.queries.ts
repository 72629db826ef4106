import type { EntityManager } from 'typeorm';
import type { VisibilitySql } from '../access/access.service.js';
import type { PersonEntity } from './person.entity.js';

export type MatchRow = PersonEntity & { exact_hits: number; phonetic_hits: number };

/**
 * The best 20 unmerged persons the actor may see (`visibility`, built for alias `p` with its
 * parameters from $4) whose names share a blind index with the query, ranked in PostgreSQL by
 * the same weighted score the service computes, so common names are ranked over every candidate.
 */
export function findMatchCandidates(
  m: EntityManager,
  v: VisibilitySql,
  q: {
    exact: Buffer[];
    phonetic: Buffer[];
    yearIndex: Buffer | null;
    homeProvinceCode: string | null;
    gender: string | null;
  },
  weights: { name: number; year: number; province: number; gender: number },
): Promise<MatchRow[]> {
  const { exact, phonetic } = q;
  const params = [
    exact,
    phonetic,
    [...exact, ...phonetic],
    ...v.params,
    q.yearIndex,
    q.homeProvinceCode,
    q.gender,
    exact.length,
    phonetic.length,
  ];
  const n = v.params.length + 3;
  const p = (i: number) => `$${n + i}`;
  return m.query(
    `WITH hits AS (
       SELECT i.person_id,
              count(*) FILTER (WHERE i.kind = 'exact' AND i.value = ANY($1::bytea[]))::int AS exact_hits,
              count(*) FILTER (WHERE i.kind = 'phonetic' AND i.value = ANY($2::bytea[]))::int AS phonetic_hits
         FROM person_name_index i WHERE i.value = ANY($3::bytea[]) GROUP BY i.person_id)
     SELECT p.id, p.gender, p.home_province_code AS "homeProvinceCode", p.birth_year_bidx AS "birthYearBidx",
            p.names_enc AS "namesEnc", p.birth_enc AS "birthEnc", h.exact_hits, h.phonetic_hits
       FROM hits h JOIN person p ON p.id = h.person_id
      WHERE p.merged_into_id IS NULL AND ${v.condition}
      ORDER BY (${weights.name} * least(1, greatest(h.exact_hits::float8 / greatest(1, ${p(4)}::int), 0.85 * h.phonetic_hits / greatest(1, ${p(5)}::int)))
                + ${weights.year} * CASE WHEN p.birth_year_bidx = ${p(1)}::bytea THEN 1 ELSE 0 END
                + ${weights.province} * CASE WHEN p.home_province_code = ${p(2)}::text THEN 1 ELSE 0 END
                + ${weights.gender} * CASE WHEN p.gender = ${p(3)}::text THEN 1 ELSE 0 END) DESC, p.id
      LIMIT 20`,
    params,
  );
}

/** Marks a person record a duplicate of another (nothing is deleted). */
export async function setMergedInto(m: EntityManager, id: string, intoId: string): Promise<void> {
  await m.query(`UPDATE person SET merged_into_id = $2, version = version + 1, updated_at = now() WHERE id = $1`, [
    id,
    intoId,
  ]);
}

/** Undoes a merge. */
export async function clearMergedInto(m: EntityManager, id: string): Promise<void> {
  await m.query(`UPDATE person SET merged_into_id = NULL, version = version + 1, updated_at = now() WHERE id = $1`, [
    id,
  ]);
}
