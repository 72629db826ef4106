import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The CTDC export at scale (issue 18). app_ctdc_export_classes() derived every consenting case's
 * published values at each export: a join of case, person and consents, and two look-ups per case
 * in `screening` (wide rows: encrypted answers), then a sort on 15 columns. That is 2.5 s before
 * the first byte at 100,000 cases, growing with the cases (≈ 25 s at a million).
 *
 * case_ctdc_profile holds, per case, what the export publishes about it, already in CTDC codes
 * (`qi`: the quasi-identifiers, in the export's column order without `Datasource`, joined by
 * commas: codes never hold one, and grouping one text is 3-4 times faster than an array), its lead
 * agency and whether an active consent of the case includes research use. Statement-level
 * triggers on case_file, person, screening and case_consent recompute the rows of the cases a
 * statement touched, in the same transaction, with the very derivation the export used
 * (app_ctdc_profile_refresh()), so a withdrawn research consent still leaves the next export, and a
 * bulk insert costs one set-based recompute per statement. The export reads one narrow table and
 * groups on one column.
 *
 * Nothing else reads the table: the application role has no privilege on it and row-level
 * security is on with no policy; the SECURITY DEFINER functions below are the only way in.
 */
export class CtdcExportProfile1798600000000 implements MigrationInterface {
  name = 'CtdcExportProfile1798600000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "case_ctdc_profile" (
        "case_id" uuid NOT NULL,
        "lead_agency_id" uuid NOT NULL,
        "research_use" boolean NOT NULL,
        "qi" text NOT NULL,
        CONSTRAINT "pk_case_ctdc_profile" PRIMARY KEY ("case_id"),
        CONSTRAINT "fk_case_ctdc_profile_case" FOREIGN KEY ("case_id") REFERENCES "case_file" ("id") ON DELETE CASCADE)`);
    await q.query(
      `COMMENT ON TABLE "case_ctdc_profile" IS 'What the CTDC export publishes about each case (CTDC codes), kept by triggers; read only by app_ctdc_export_classes().'`,
    );
    await q.query(
      `CREATE INDEX "ix_case_ctdc_profile_agency" ON "case_ctdc_profile" ("lead_agency_id") WHERE "research_use"`,
    );
    await q.query(`ALTER TABLE "case_ctdc_profile" ENABLE ROW LEVEL SECURITY`);
    await q.query(`REVOKE ALL ON TABLE "case_ctdc_profile" FROM PUBLIC`);
    await q.query(`DO $$ BEGIN
        IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'ctcm_app') THEN
          REVOKE ALL ON TABLE "case_ctdc_profile" FROM ctcm_app;
        END IF;
      END $$`);

    // Recomputes the rows of these cases (NULL: every case); a deleted case's row went with it
    // (ON DELETE CASCADE). Two statements so that a few cases are found by index.
    await q.query(`CREATE FUNCTION app_ctdc_profile_refresh(p_cases uuid[])
      RETURNS void LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
      BEGIN
        IF p_cases IS NULL THEN
          ${upsert('true')}
        ELSIF cardinality(p_cases) > 0 THEN
          ${upsert('c.id = ANY (p_cases)')}
        END IF;
      END
    $fn$`);

    // One trigger function per table; each statement passes the cases it touched, once.
    const triggers: { table: string; cases: string }[] = [
      {
        table: 'case_file',
        cases: `SELECT n.id FROM new_rows n LEFT JOIN old_rows o ON o.id = n.id
                 WHERE o.id IS NULL OR (o.person_id, o.lead_agency_id, o.opened_on, o.exploitation_types)
                   IS DISTINCT FROM (n.person_id, n.lead_agency_id, n.opened_on, n.exploitation_types)`,
      },
      {
        table: 'person',
        cases: `SELECT c.id FROM new_rows n JOIN old_rows o ON o.id = n.id JOIN case_file c ON c.person_id = n.id
                 WHERE (o.gender, o.age_band, o.citizenships) IS DISTINCT FROM (n.gender, n.age_band, n.citizenships)`,
      },
      {
        table: 'screening',
        cases: `SELECT n.case_id FROM new_rows n LEFT JOIN old_rows o ON o.id = n.id
                 WHERE n.case_id IS NOT NULL AND (o.id IS NULL
                   OR (o.case_id, o.exploitation_countries, o.means_of_control)
                      IS DISTINCT FROM (n.case_id, n.exploitation_countries, n.means_of_control))
                UNION
                SELECT o.case_id FROM old_rows o LEFT JOIN new_rows n ON n.id = o.id
                 WHERE o.case_id IS NOT NULL AND (n.id IS NULL OR n.case_id IS DISTINCT FROM o.case_id)`,
      },
      {
        table: 'case_consent',
        cases: `SELECT n.case_id FROM new_rows n LEFT JOIN old_rows o ON o.id = n.id
                 WHERE o.id IS NULL OR (o.case_id, o.status, o.purposes) IS DISTINCT FROM (n.case_id, n.status, n.purposes)
                UNION
                SELECT o.case_id FROM old_rows o LEFT JOIN new_rows n ON n.id = o.id
                 WHERE n.id IS NULL OR n.case_id IS DISTINCT FROM o.case_id`,
      },
    ];
    for (const { table, cases } of triggers) {
      // A statement's transition tables: INSERT has only new rows, DELETE only old ones; the
      // empty stand-ins keep one query for the three.
      await q.query(`CREATE FUNCTION app_ctdc_profile_on_${table}()
        RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
        BEGIN
          IF TG_OP = 'INSERT' THEN
            PERFORM app_ctdc_profile_refresh(ARRAY(
              WITH old_rows AS (SELECT * FROM ${table} WHERE false) ${cases}));
          ELSIF TG_OP = 'DELETE' THEN
            PERFORM app_ctdc_profile_refresh(ARRAY(
              WITH new_rows AS (SELECT * FROM ${table} WHERE false) ${cases}));
          ELSE
            PERFORM app_ctdc_profile_refresh(ARRAY(${cases}));
          END IF;
          RETURN NULL;
        END
      $fn$`);
      await q.query(`REVOKE ALL ON FUNCTION app_ctdc_profile_on_${table}() FROM PUBLIC`);
      await q.query(`CREATE TRIGGER trg_${table}_ctdc_profile_insert AFTER INSERT ON "${table}"
        REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION app_ctdc_profile_on_${table}()`);
      await q.query(`CREATE TRIGGER trg_${table}_ctdc_profile_update AFTER UPDATE ON "${table}"
        REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION app_ctdc_profile_on_${table}()`);
      if (table !== 'case_file')
        await q.query(`CREATE TRIGGER trg_${table}_ctdc_profile_delete AFTER DELETE ON "${table}"
          REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION app_ctdc_profile_on_${table}()`);
    }
    await q.query(`REVOKE ALL ON FUNCTION app_ctdc_profile_refresh(uuid[]) FROM PUBLIC`);

    // Every existing case, in one pass.
    await q.query(`SELECT app_ctdc_profile_refresh(NULL)`);

    // The export's classes: the same scope checks, then one narrow table grouped on one column.
    await q.query(`DROP FUNCTION app_ctdc_export_classes(uuid)`);
    await q.query(`CREATE FUNCTION app_ctdc_export_classes(p_agency uuid)
      RETURNS TABLE (qi text, n integer)
      LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
      BEGIN
        ${SCOPE_CHECK}
        RETURN QUERY
          SELECT f.qi, count(*)::int FROM case_ctdc_profile f
           WHERE f.research_use AND (p_agency IS NULL OR f.lead_agency_id = p_agency)
           GROUP BY f.qi;
      END
    $fn$`);
    await q.query(`REVOKE ALL ON FUNCTION app_ctdc_export_classes(uuid) FROM PUBLIC`);
    await q.query(`GRANT EXECUTE ON FUNCTION app_ctdc_export_classes(uuid) TO ctcm_app`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION app_ctdc_export_classes(uuid)`);
    await q.query(`CREATE FUNCTION app_ctdc_export_classes(p_agency uuid)
      RETURNS TABLE (year_of_registration text, gender text, age_broad text, majority_status text, citizenship text,
                     country_of_exploitation text, is_forced_labour text, is_sexual_exploit text, is_other_exploit text,
                     moc_debt_bondage text, moc_threats text, moc_physical_abuse text, moc_false_promises text,
                     moc_restricts_movement text, moc_withholds_documents text, n integer)
      LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
      BEGIN
        ${SCOPE_CHECK}
        RETURN QUERY
          WITH cases AS (
            SELECT ${CASE_COLUMNS}
              ${CASE_FROM}
             WHERE (p_agency IS NULL OR c.lead_agency_id = p_agency)
               AND EXISTS (SELECT 1 FROM case_consent k WHERE k.case_id = c.id AND k.status = 'active'
                             AND 'research_use' = ANY (k.purposes)))
          SELECT ${QI.join(',\n                 ')},
                 count(*)::int
            FROM cases x
           GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15;
      END
    $fn$`);
    await q.query(`REVOKE ALL ON FUNCTION app_ctdc_export_classes(uuid) FROM PUBLIC`);
    await q.query(`GRANT EXECUTE ON FUNCTION app_ctdc_export_classes(uuid) TO ctcm_app`);
    for (const table of ['case_file', 'person', 'screening', 'case_consent']) {
      for (const op of ['insert', 'update', 'delete'])
        await q.query(`DROP TRIGGER IF EXISTS trg_${table}_ctdc_profile_${op} ON "${table}"`);
      await q.query(`DROP FUNCTION app_ctdc_profile_on_${table}()`);
    }
    await q.query(`DROP FUNCTION app_ctdc_profile_refresh(uuid[])`);
    await q.query(`DROP TABLE "case_ctdc_profile"`);
  }
}

/** Who may export what (unchanged from migration 1797100000000). */
const SCOPE_CHECK = `IF p_agency IS NULL THEN
          IF NOT EXISTS (SELECT 1 FROM app_user u WHERE u.id = app_current_user_id() AND u.active
                           AND u.roles && ARRAY['analyst', 'system_admin']::text[]) THEN
            RAISE EXCEPTION 'a national export needs a national role' USING ERRCODE = '42501';
          END IF;
        ELSIF p_agency IS DISTINCT FROM app_current_agency_id() THEN
          RAISE EXCEPTION 'an export of another agency' USING ERRCODE = '42501';
        END IF;`;

/** Per case, the columns the published values are computed from (migration 1797100000000). */
const CASE_COLUMNS = `extract(year FROM c.opened_on)::int::text AS year_of_registration,
                   CASE p.gender WHEN 'Feminine' THEN 'Female' WHEN 'Masculine' THEN 'Male'
                     WHEN 'NonSpecifiedUnknown' THEN '-99' ELSE 'Trans/Transgender/NonConforming' END AS gender,
                   coalesce(replace(p.age_band, '-', '--'), '-99') AS age_broad,
                   CASE WHEN p.age_band IS NULL THEN '-99' WHEN p.age_band IN ('0-8', '9-17') THEN 'Minor' ELSE 'Adult' END AS majority_status,
                   coalesce((SELECT min(x) FROM unnest(p.citizenships) x), '-99') AS citizenship,
                   sc.countries, sc.means, c.exploitation_types AS types`;

const CASE_FROM = `FROM case_file c
              JOIN person p ON p.id = c.person_id
              LEFT JOIN LATERAL (
                SELECT array_agg(DISTINCT x) FILTER (WHERE x IS NOT NULL) AS countries,
                       (SELECT array_agg(DISTINCT y) FROM screening s2, unnest(s2.means_of_control) y WHERE s2.case_id = c.id) AS means
                  FROM screening s LEFT JOIN LATERAL unnest(s.exploitation_countries) x ON true
                 WHERE s.case_id = c.id) sc ON true`;

/** The published values in the export's column order (without Datasource), from CASE_COLUMNS as x. */
const QI = [
  'x.year_of_registration',
  'x.gender',
  'x.age_broad',
  'x.majority_status',
  'x.citizenship',
  `CASE WHEN cardinality(x.countries) = 1 THEN x.countries[1] ELSE '-99' END`,
  `CASE WHEN cardinality(x.types) = 0 THEN '-99' WHEN 'ForcedLabour' = ANY (x.types) THEN '1' ELSE '0' END`,
  `CASE WHEN cardinality(x.types) = 0 THEN '-99' WHEN 'SexualExploitation' = ANY (x.types) THEN '1' ELSE '0' END`,
  `CASE WHEN cardinality(x.types) = 0 THEN '-99'
                      WHEN x.types <@ ARRAY['ForcedLabour', 'SexualExploitation'] THEN '0' ELSE '1' END`,
  ...['DebtBondage', 'Threats', 'PhysicalAbuse', 'FalsePromises', 'RestrictsMovement', 'WithholdsDocuments'].map(
    (m) => `CASE WHEN x.means IS NULL THEN '-99' WHEN '${m}' = ANY (x.means) THEN '1' ELSE '0' END`,
  ),
];

/** Writes the profile of the cases matching `where` (on case_file c): the derivation the export used. */
function upsert(where: string): string {
  return `INSERT INTO case_ctdc_profile (case_id, lead_agency_id, research_use, qi)
          SELECT x.id, x.lead_agency_id, x.research_use, array_to_string(ARRAY[${QI.join(', ')}], ',')
            FROM (SELECT c.id, c.lead_agency_id,
                         EXISTS (SELECT 1 FROM case_consent k WHERE k.case_id = c.id AND k.status = 'active'
                                   AND 'research_use' = ANY (k.purposes)) AS research_use,
                         ${CASE_COLUMNS}
                    ${CASE_FROM}
                   WHERE ${where}) x
          ON CONFLICT ON CONSTRAINT pk_case_ctdc_profile DO UPDATE
            SET lead_agency_id = excluded.lead_agency_id, research_use = excluded.research_use, qi = excluded.qi
            WHERE (case_ctdc_profile.lead_agency_id, case_ctdc_profile.research_use, case_ctdc_profile.qi)
                  IS DISTINCT FROM (excluded.lead_agency_id, excluded.research_use, excluded.qi);`;
}
