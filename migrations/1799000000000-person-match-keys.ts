import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The duplicate check (POST /persons/matches) scored every person sharing a blind index with the
 * query (about 3,800 for a common Latin name at 100,000 persons, ten times that at a million),
 * one look-up each, and then walked the ranking best first through row-level security and the
 * visibility rule: an agency sees about 5 % of a name's bearers, so about 400 candidates were
 * checked (about 13 buffers each) to find 20 it may see.
 *
 * `person_match_key` holds, for each agency that could possibly see a person, that person's blind
 * indexes with what a candidate is scored on (birth-year index, home province, gender). The
 * agencies that could see a person (its "reach") are a superset of those row-level security lets
 * see it: the owner, every agency that screened it or received the screening, every lead agency
 * of its cases and every agency granted one of them. Row-level security on `person` requires one
 * of those (owner; app_person_screened_by; a case visible under case_file's policy: lead agency or
 * a grant to the agency), so a person outside the caller agency's rows can never be returned and
 * skipping it loses nothing. The reach only grows (a revoked grant leaves its rows): a stale row
 * costs one visibility check in the walk, never a missed candidate.
 *
 * The rows are kept by triggers on the tables they derive from, so no code path can forget them:
 * person_name_index (insert, update, delete), person (scored columns, owner), screening, case_file
 * and case_access_grant (a new way to reach a person). person_match_ranking() now reads the
 * caller agency's rows of the query's indexes (one index range per index value) and scores them
 * without another look-up; its result is still only ids, hit counts and scores, and the caller
 * still joins each id back to `person` under row-level security and the visibility rule.
 * The table is not granted to the application role: only these SECURITY DEFINER functions read it.
 * The ranking over every person of migration PersonMatchRanking and its partial index on person go.
 */
export class PersonMatchKeys1799000000000 implements MigrationInterface {
  name = 'PersonMatchKeys1799000000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "person_match_key" (
        "agency_id" uuid NOT NULL, "value" bytea NOT NULL, "kind" character varying(10) NOT NULL,
        "person_id" uuid NOT NULL, "birth_year_bidx" bytea, "home_province_code" character varying(6),
        "gender" character varying(30) NOT NULL)`);
    // Every agency that could see each person (see above), then one row per (agency, blind index).
    await q.query(`INSERT INTO person_match_key (agency_id, value, kind, person_id, birth_year_bidx, home_province_code, gender)
      SELECT r.agency_id, n.value, n.kind, n.person_id, p.birth_year_bidx, p.home_province_code, p.gender
        FROM (SELECT id AS person_id, owner_agency_id AS agency_id FROM person
              UNION SELECT person_id, agency_id FROM screening WHERE person_id IS NOT NULL
              UNION SELECT person_id, submitted_to_agency_id FROM screening
                     WHERE person_id IS NOT NULL AND submitted_to_agency_id IS NOT NULL
              UNION SELECT person_id, lead_agency_id FROM case_file WHERE person_id IS NOT NULL
              UNION SELECT c.person_id, g.grantee_agency_id FROM case_access_grant g JOIN case_file c ON c.id = g.case_id
                     WHERE c.person_id IS NOT NULL) r
        JOIN person_name_index n ON n.person_id = r.person_id
        JOIN person p ON p.id = r.person_id`);
    // The ranking reads one agency's rows of one index value and scores them from the index alone.
    await q.query(
      `ALTER TABLE "person_match_key" ADD CONSTRAINT "pk_person_match_key" PRIMARY KEY ("agency_id", "value", "kind", "person_id") INCLUDE ("birth_year_bidx", "home_province_code", "gender")`,
    );
    await q.query(`CREATE INDEX "ix_person_match_key_person" ON "person_match_key" ("person_id")`);
    await q.query(
      `ALTER TABLE "person_match_key" ADD CONSTRAINT "fk_person_match_key_person" FOREIGN KEY ("person_id") REFERENCES "person"("id") ON DELETE CASCADE`,
    );
    await q.query(`REVOKE ALL ON person_match_key FROM PUBLIC`);

    // Adds the rows of (person, agency) pairs, from the persons' current blind indexes.
    await q.query(`CREATE FUNCTION person_match_keys_add(p_persons uuid[], p_agencies uuid[]) RETURNS void
      LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $$
        INSERT INTO person_match_key (agency_id, value, kind, person_id, birth_year_bidx, home_province_code, gender)
        SELECT DISTINCT r.agency_id, n.value, n.kind, n.person_id, p.birth_year_bidx, p.home_province_code, p.gender
          FROM unnest(p_persons, p_agencies) AS r(person_id, agency_id)
          JOIN person_name_index n ON n.person_id = r.person_id
          JOIN person p ON p.id = r.person_id
         WHERE r.agency_id IS NOT NULL
        ON CONFLICT DO NOTHING
      $$`);
    // The agencies that could see a person now (see above).
    await q.query(`CREATE FUNCTION person_match_reach(p_person uuid) RETURNS SETOF uuid
      LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
        SELECT owner_agency_id FROM person WHERE id = p_person
        UNION SELECT agency_id FROM screening WHERE person_id = p_person
        UNION SELECT submitted_to_agency_id FROM screening WHERE person_id = p_person AND submitted_to_agency_id IS NOT NULL
        UNION SELECT lead_agency_id FROM case_file WHERE person_id = p_person
        UNION SELECT g.grantee_agency_id FROM case_file c JOIN case_access_grant g ON g.case_id = c.id WHERE c.person_id = p_person
      $$`);

    // person_name_index: new indexes get a row for every agency of the person's reach; removed ones go.
    await q.query(`CREATE FUNCTION person_match_keys_names_added() RETURNS trigger
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
      BEGIN
        INSERT INTO person_match_key (agency_id, value, kind, person_id, birth_year_bidx, home_province_code, gender)
        SELECT a.agency_id, n.value, n.kind, n.person_id, p.birth_year_bidx, p.home_province_code, p.gender
          FROM (SELECT DISTINCT person_id FROM new_names) d
          CROSS JOIN LATERAL person_match_reach(d.person_id) AS a(agency_id)
          JOIN new_names n ON n.person_id = d.person_id
          JOIN person p ON p.id = d.person_id
        ON CONFLICT DO NOTHING;
        RETURN NULL;
      END $$`);
    await q.query(`CREATE FUNCTION person_match_keys_names_removed() RETURNS trigger
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
      BEGIN
        DELETE FROM person_match_key k USING old_names o
         WHERE k.person_id = o.person_id AND k.value = o.value AND k.kind = o.kind;
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER person_match_keys_names_insert AFTER INSERT ON person_name_index
      REFERENCING NEW TABLE AS new_names FOR EACH STATEMENT EXECUTE FUNCTION person_match_keys_names_added()`);
    await q.query(`CREATE TRIGGER person_match_keys_names_delete AFTER DELETE ON person_name_index
      REFERENCING OLD TABLE AS old_names FOR EACH STATEMENT EXECUTE FUNCTION person_match_keys_names_removed()`);
    // An update is a removal and an addition (two triggers: each may name one transition table of its own).
    await q.query(`CREATE TRIGGER person_match_keys_names_update_old AFTER UPDATE ON person_name_index
      REFERENCING OLD TABLE AS old_names FOR EACH STATEMENT EXECUTE FUNCTION person_match_keys_names_removed()`);
    await q.query(`CREATE TRIGGER person_match_keys_names_update_new AFTER UPDATE ON person_name_index
      REFERENCING NEW TABLE AS new_names FOR EACH STATEMENT EXECUTE FUNCTION person_match_keys_names_added()`);

    // person: the scored columns follow the person; a new owner reaches it.
    await q.query(`CREATE FUNCTION person_match_keys_person_changed() RETURNS trigger
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
      BEGIN
        IF (NEW.birth_year_bidx, NEW.home_province_code, NEW.gender)
           IS DISTINCT FROM (OLD.birth_year_bidx, OLD.home_province_code, OLD.gender) THEN
          UPDATE person_match_key SET birth_year_bidx = NEW.birth_year_bidx,
                 home_province_code = NEW.home_province_code, gender = NEW.gender
           WHERE person_id = NEW.id;
        END IF;
        IF NEW.owner_agency_id IS DISTINCT FROM OLD.owner_agency_id THEN
          PERFORM person_match_keys_add(ARRAY[NEW.id], ARRAY[NEW.owner_agency_id]);
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER person_match_keys_person_update
      AFTER UPDATE OF birth_year_bidx, home_province_code, gender, owner_agency_id ON person
      FOR EACH ROW EXECUTE FUNCTION person_match_keys_person_changed()`);

    // screening: its agency and the agency it was submitted to reach its person.
    await q.query(`CREATE FUNCTION person_match_keys_screenings_added() RETURNS trigger
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
      BEGIN
        PERFORM person_match_keys_add(array_agg(person_id), array_agg(agency_id))
           FROM (SELECT person_id, agency_id FROM new_screenings WHERE person_id IS NOT NULL
                 UNION SELECT person_id, submitted_to_agency_id FROM new_screenings
                        WHERE person_id IS NOT NULL AND submitted_to_agency_id IS NOT NULL) r;
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER person_match_keys_screening_insert AFTER INSERT ON screening
      REFERENCING NEW TABLE AS new_screenings FOR EACH STATEMENT EXECUTE FUNCTION person_match_keys_screenings_added()`);
    await q.query(`CREATE FUNCTION person_match_keys_screening_changed() RETURNS trigger
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
      BEGIN
        IF NEW.person_id IS NOT NULL THEN
          PERFORM person_match_keys_add(ARRAY[NEW.person_id, NEW.person_id], ARRAY[NEW.agency_id, NEW.submitted_to_agency_id]);
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER person_match_keys_screening_update
      AFTER UPDATE OF person_id, agency_id, submitted_to_agency_id ON screening FOR EACH ROW
      WHEN ((NEW.person_id, NEW.agency_id, NEW.submitted_to_agency_id)
            IS DISTINCT FROM (OLD.person_id, OLD.agency_id, OLD.submitted_to_agency_id))
      EXECUTE FUNCTION person_match_keys_screening_changed()`);

    // case_file: its lead agency (and, when its person or lead changes, every agency granted it).
    await q.query(`CREATE FUNCTION person_match_keys_cases_added() RETURNS trigger
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
      BEGIN
        PERFORM person_match_keys_add(array_agg(person_id), array_agg(lead_agency_id))
           FROM new_cases WHERE person_id IS NOT NULL;
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER person_match_keys_case_insert AFTER INSERT ON case_file
      REFERENCING NEW TABLE AS new_cases FOR EACH STATEMENT EXECUTE FUNCTION person_match_keys_cases_added()`);
    await q.query(`CREATE FUNCTION person_match_keys_case_changed() RETURNS trigger
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
      BEGIN
        IF NEW.person_id IS NOT NULL THEN
          PERFORM person_match_keys_add(array_agg(NEW.person_id), array_agg(a))
             FROM (SELECT NEW.lead_agency_id AS a
                   UNION SELECT g.grantee_agency_id FROM case_access_grant g WHERE g.case_id = NEW.id) s;
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER person_match_keys_case_update
      AFTER UPDATE OF person_id, lead_agency_id ON case_file FOR EACH ROW
      WHEN ((NEW.person_id, NEW.lead_agency_id) IS DISTINCT FROM (OLD.person_id, OLD.lead_agency_id))
      EXECUTE FUNCTION person_match_keys_case_changed()`);

    // case_access_grant: the grantee agency reaches the case's person.
    await q.query(`CREATE FUNCTION person_match_keys_grants_added() RETURNS trigger
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
      BEGIN
        PERFORM person_match_keys_add(array_agg(c.person_id), array_agg(g.grantee_agency_id))
           FROM new_grants g JOIN case_file c ON c.id = g.case_id WHERE c.person_id IS NOT NULL;
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER person_match_keys_grant_insert AFTER INSERT ON case_access_grant
      REFERENCING NEW TABLE AS new_grants FOR EACH STATEMENT EXECUTE FUNCTION person_match_keys_grants_added()`);
    await q.query(`CREATE FUNCTION person_match_keys_grant_changed() RETURNS trigger
      LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
      BEGIN
        PERFORM person_match_keys_add(array_agg(c.person_id), array_agg(NEW.grantee_agency_id))
           FROM case_file c WHERE c.id = NEW.case_id AND c.person_id IS NOT NULL;
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER person_match_keys_grant_update
      AFTER UPDATE OF case_id, grantee_agency_id ON case_access_grant FOR EACH ROW
      WHEN ((NEW.case_id, NEW.grantee_agency_id) IS DISTINCT FROM (OLD.case_id, OLD.grantee_agency_id))
      EXECUTE FUNCTION person_match_keys_grant_changed()`);

    for (const fn of [
      'person_match_keys_add(uuid[], uuid[])',
      'person_match_reach(uuid)',
      'person_match_keys_names_added()',
      'person_match_keys_names_removed()',
      'person_match_keys_person_changed()',
      'person_match_keys_screenings_added()',
      'person_match_keys_screening_changed()',
      'person_match_keys_cases_added()',
      'person_match_keys_case_changed()',
      'person_match_keys_grants_added()',
      'person_match_keys_grant_changed()',
    ])
      await q.query(`REVOKE ALL ON FUNCTION ${fn} FROM PUBLIC`);

    // The ranking of one agency's candidates (the caller passes the actor's agency).
    await q.query(`CREATE FUNCTION person_match_ranking(p_agency uuid, p_exact bytea[], p_phonetic bytea[], p_year bytea,
        p_province text, p_gender text, w_name float8, w_year float8, w_province float8, w_gender float8)
      RETURNS TABLE (person_id uuid, exact_hits integer, phonetic_hits integer, score float8)
      LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
      BEGIN
        RETURN QUERY
        SELECT h.person_id, h.exact_hits, h.phonetic_hits,
               (w_name * least(1, greatest(h.exact_hits::float8 / greatest(1, cardinality(p_exact)),
                                           0.85 * h.phonetic_hits / greatest(1, cardinality(p_phonetic))))
                + w_year * CASE WHEN h.year_match THEN 1 ELSE 0 END
                + w_province * CASE WHEN h.province_match THEN 1 ELSE 0 END
                + w_gender * CASE WHEN h.gender_match THEN 1 ELSE 0 END)::float8
          FROM (SELECT k.person_id,
                       count(*) FILTER (WHERE k.kind = 'exact' AND k.value = ANY(p_exact))::int AS exact_hits,
                       count(*) FILTER (WHERE k.kind = 'phonetic' AND k.value = ANY(p_phonetic))::int AS phonetic_hits,
                       bool_or(k.birth_year_bidx = p_year) AS year_match,
                       bool_or(k.home_province_code = p_province) AS province_match,
                       bool_or(k.gender = p_gender) AS gender_match
                  FROM person_match_key k
                 WHERE k.agency_id = p_agency AND k.value = ANY(p_exact || p_phonetic)
                 GROUP BY k.person_id) h;
      END $$`);
    const ranking = `person_match_ranking(uuid, bytea[], bytea[], bytea, text, text, float8, float8, float8, float8)`;
    await q.query(`REVOKE ALL ON FUNCTION ${ranking} FROM PUBLIC`);
    await q.query(`GRANT EXECUTE ON FUNCTION ${ranking} TO ctcm_app`);
    // The ranking over every person (migration PersonMatchRanking) and its index are replaced.
    await q.query(
      `DROP FUNCTION person_match_ranking(bytea[], bytea[], bytea, text, text, float8, float8, float8, float8)`,
    );
    await q.query(`DROP INDEX "public"."ix_person_match_score"`);
    await q.query(`ANALYZE person_match_key`);
  }

  public async down(q: QueryRunner): Promise<void> {
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
          CROSS JOIN LATERAL (SELECT p.birth_year_bidx, p.home_province_code, p.gender FROM person p
                               WHERE p.id = h.person_id AND p.merged_into_id IS NULL OFFSET 0) p;
      END $$`);
    await q.query(
      `REVOKE ALL ON FUNCTION person_match_ranking(bytea[], bytea[], bytea, text, text, float8, float8, float8, float8) FROM PUBLIC`,
    );
    await q.query(
      `GRANT EXECUTE ON FUNCTION person_match_ranking(bytea[], bytea[], bytea, text, text, float8, float8, float8, float8) TO ctcm_app`,
    );
    await q.query(
      `DROP FUNCTION person_match_ranking(uuid, bytea[], bytea[], bytea, text, text, float8, float8, float8, float8)`,
    );
    await q.query(`DROP TRIGGER person_match_keys_grant_update ON case_access_grant`);
    await q.query(`DROP TRIGGER person_match_keys_grant_insert ON case_access_grant`);
    await q.query(`DROP TRIGGER person_match_keys_case_update ON case_file`);
    await q.query(`DROP TRIGGER person_match_keys_case_insert ON case_file`);
    await q.query(`DROP TRIGGER person_match_keys_screening_update ON screening`);
    await q.query(`DROP TRIGGER person_match_keys_screening_insert ON screening`);
    await q.query(`DROP TRIGGER person_match_keys_person_update ON person`);
    await q.query(`DROP TRIGGER person_match_keys_names_update_new ON person_name_index`);
    await q.query(`DROP TRIGGER person_match_keys_names_update_old ON person_name_index`);
    await q.query(`DROP TRIGGER person_match_keys_names_delete ON person_name_index`);
    await q.query(`DROP TRIGGER person_match_keys_names_insert ON person_name_index`);
    for (const fn of [
      'person_match_keys_grant_changed()',
      'person_match_keys_grants_added()',
      'person_match_keys_case_changed()',
      'person_match_keys_cases_added()',
      'person_match_keys_screening_changed()',
      'person_match_keys_screenings_added()',
      'person_match_keys_person_changed()',
      'person_match_keys_names_removed()',
      'person_match_keys_names_added()',
      'person_match_reach(uuid)',
      'person_match_keys_add(uuid[], uuid[])',
    ])
      await q.query(`DROP FUNCTION ${fn}`);
    await q.query(`DROP TABLE "person_match_key"`);
  }
}
