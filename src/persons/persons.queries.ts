import type { EntityManager } from 'typeorm';
import { prepared, preparedRows } from '../database/sql.js';
import type { VisibilitySql } from '../access/access.service.js';
import type { PersonEntity } from './person.entity.js';

export type MatchRow = PersonEntity & { exact_hits: number; phonetic_hits: number };

/**
 * The best 20 unmerged persons the actor may see (`visibility`, built for alias `p` with its
 * parameters from $11) whose names share a blind index with the query, ranked by the same
 * weighted score the service computes, over every candidate the actor's agency could see.
 *
 * person_match_ranking() (SECURITY DEFINER, ids and scores only) reads the actor agency's rows of
 * `person_match_key` for the query's blind indexes: each person's indexes, once for every agency
 * that could possibly see it (owner, screening, case and grant agencies; a superset of what
 * row-level security allows, migration PersonMatchKeys1799000000000), with the columns it is
 * scored on. Each ranked id is then joined back to `person`, under row-level security and the
 * visibility rule, best first, and the scan stops at the 20th visible one. The ranked subquery's
 * order carries through the nested loop (OFFSET 0 keeps the person look-up a parameterised nested
 * loop) to the LIMIT. A person no row of the agency names could not pass row-level security, so
 * leaving it out loses no candidate; the walk checks about as many persons as it returns.
 */
export function findMatchCandidates(
  m: EntityManager,
  v: VisibilitySql,
  agencyId: string,
  q: {
    exact: Buffer[];
    phonetic: Buffer[];
    yearIndex: Buffer | null;
    homeProvinceCode: string | null;
    gender: string | null;
  },
  weights: { name: number; year: number; province: number; gender: number },
): Promise<MatchRow[]> {
  return preparedRows<MatchRow>(m, matchStatement(v.condition), [
    agencyId,
    q.exact,
    q.phonetic,
    q.yearIndex,
    q.homeProvinceCode,
    q.gender,
    weights.name,
    weights.year,
    weights.province,
    weights.gender,
    ...v.params,
  ]);
}

/** The statement for a visibility condition (its text is fixed per rule, so it is prepared once). */
const matchStatement = (visibility: string) =>
  prepared(
    `SELECT p.id, p.gender, p.home_province_code AS "homeProvinceCode", p.birth_year_bidx AS "birthYearBidx",
            p.names_enc AS "namesEnc", p.birth_enc AS "birthEnc", r.exact_hits, r.phonetic_hits
       FROM (SELECT * FROM person_match_ranking($1::uuid, $2::bytea[], $3::bytea[], $4::bytea, $5::text, $6::text,
                                                $7::float8, $8::float8, $9::float8, $10::float8)
              ORDER BY score DESC, person_id) r
       CROSS JOIN LATERAL (SELECT p.id, p.gender, p.home_province_code, p.birth_year_bidx, p.names_enc, p.birth_enc
                             FROM person p
                            WHERE p.id = r.person_id AND p.merged_into_id IS NULL AND ${visibility} OFFSET 0) p
      ORDER BY r.score DESC, r.person_id
      LIMIT 20`,
  );

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
