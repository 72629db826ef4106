import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The duplicate check (POST /persons/matches, every registration) ranked its candidates after
 * row-level security had been applied to every blind-index row (each one re-checks the person
 * policy: owner, screening, case and grant look-ups), so a common name cost thousands of policy
 * checks per request. person_match_ranking() ranks the unmerged persons whose names carry the
 * query's blind indexes by the duplicate-check score, reading the index and the person's plain
 * columns as their owner, and answers ids, hit counts and the score only: no name, no other
 * column. The caller joins each id back to `person` under row-level security and the
 * person-visibility rule, best first, and stops at 20 visible persons (src/persons/persons.queries.ts).
 * The index on blind-index values becomes (value, kind, person_id), and a partial index on
 * person holds what a candidate is scored on, so the ranking reads both from indexes alone.
 */
export class PersonMatchRanking1798400000000 implements MigrationInterface {
  name = 'PersonMatchRanking1798400000000';

  public async up(q: QueryRunner): Promise<void> {
    // The ranking reads blind-index rows by value: with kind and person id in the index it never
    // visits the table (the rows of one value are spread over it, one page each).
    await q.query(`CREATE INDEX "ix_person_name_index_lookup" ON "person_name_index" ("value", "kind", "person_id")`);
    await q.query(`DROP INDEX "public"."ix_person_name_index_value"`);
    // And scores each candidate from this one (its birth-year index, province and gender), not the table.
    await q.query(
      `CREATE INDEX "ix_person_match_score" ON "person" ("id", "birth_year_bidx", "home_province_code", "gender") WHERE merged_into_id IS NULL`,
    );
    await q.query(`CREATE FUNCTION person_match_ranking(p_exact bytea[], p_phonetic bytea[], p_year bytea,
        p_province text, p_gender text, w_name float8, w_year float8, w_province float8, w_gender float8)
      RETURNS TABLE (person_id uuid, exact_hits integer, phonetic_hits integer, score float8)
      LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
      BEGIN
        RETURN QUERY
        WITH hits AS (
          SELECT i.person_id,
                 count(*) FILTER (WHERE i.kind = 'exact' AND i.value = ANY(p_exact))::int AS exact_hits,
                 count(*) FILTER (WHERE i.kind = 'phonetic' AND i.value = ANY(p_phonetic))::int AS phonetic_hits
            FROM person_name_index i WHERE i.value = ANY(p_exact || p_phonetic) GROUP BY i.person_id)
        SELECT h.person_id, h.exact_hits, h.phonetic_hits,
               (w_name * least(1, greatest(h.exact_hits::float8 / greatest(1, cardinality(p_exact)),
                                           0.85 * h.phonetic_hits / greatest(1, cardinality(p_phonetic))))
                + w_year * CASE WHEN p.birth_year_bidx = p_year THEN 1 ELSE 0 END
                + w_province * CASE WHEN p.home_province_code = p_province THEN 1 ELSE 0 END
                + w_gender * CASE WHEN p.gender = p_gender THEN 1 ELSE 0 END)::float8
          FROM hits h
          -- One primary-key look-up per candidate (OFFSET 0 keeps it a nested loop, never a scan of person).
          CROSS JOIN LATERAL (SELECT p.birth_year_bidx, p.home_province_code, p.gender FROM person p
                               WHERE p.id = h.person_id AND p.merged_into_id IS NULL OFFSET 0) p;
      END $$`);
    await q.query(
      `REVOKE ALL ON FUNCTION person_match_ranking(bytea[], bytea[], bytea, text, text, float8, float8, float8, float8) FROM PUBLIC`,
    );
    await q.query(
      `GRANT EXECUTE ON FUNCTION person_match_ranking(bytea[], bytea[], bytea, text, text, float8, float8, float8, float8) TO ctcm_app`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX "ix_person_name_index_value" ON "person_name_index" ("value")`);
    await q.query(`DROP INDEX "public"."ix_person_name_index_lookup"`);
    await q.query(`DROP INDEX "public"."ix_person_match_score"`);
    await q.query(
      `DROP FUNCTION person_match_ranking(bytea[], bytea[], bytea, text, text, float8, float8, float8, float8)`,
    );
  }
}
