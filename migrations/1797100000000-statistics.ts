import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Statistics: the coarse age band kept in clear on the person (birth data is encrypted), and
 * the one SECURITY DEFINER function that counts across agencies. It returns monthly counts of a
 * whitelisted measure by a whitelisted dimension, never a row, an id of a person or case, or a
 * personal value; the application applies disclosure control on top
 * (src/statistics/disclosure-control.ts). National scope (p_agency NULL) needs a national
 * role; an agency scope must be the caller's own agency. The measure and dimension names are
 * those of src/statistics/statistics-catalogue.ts.
 */
export class Statistics1797100000000 implements MigrationInterface {
  name = 'Statistics1797100000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE person ADD "age_band" character varying(8)`);
    await queryRunner.query(`CREATE INDEX "ix_case_file_opened_on" ON "case_file" ("opened_on")`);

    // The age-band job reads births and writes bands across agencies: it alone needs to.
    await queryRunner.query(`CREATE FUNCTION app_person_births_after(p_after uuid, p_limit integer)
      RETURNS TABLE (id uuid, birth_enc bytea, age_band text)
      LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
        SELECT p.id, p.birth_enc, p.age_band FROM person p
         WHERE p.birth_enc IS NOT NULL AND p.id > coalesce(p_after, '00000000-0000-0000-0000-000000000000'::uuid)
         ORDER BY p.id LIMIT p_limit
    $$`);
    await queryRunner.query(`CREATE FUNCTION app_set_person_age_bands(p_rows jsonb) RETURNS integer
      LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
        WITH changed AS (
          UPDATE person p SET age_band = r.age_band
            FROM jsonb_to_recordset(p_rows) AS r(id uuid, age_band text)
           WHERE p.id = r.id AND p.age_band IS DISTINCT FROM r.age_band RETURNING 1)
        SELECT count(*)::int FROM changed
    $$`);

    await queryRunner.query(`CREATE FUNCTION app_statistic_counts(
        p_measure text, p_dimension text, p_agency uuid, p_from date, p_to date, p_tz text, p_today date)
      RETURNS TABLE (period date, value text, n integer)
      LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
      DECLARE
        src text;
        dt text;
        unit text;
        scope text;
        filter text := 'true';
        val text := 'NULL::text';
        today date := p_today;
        screening_values text := 'LEFT JOIN LATERAL (SELECT DISTINCT x FROM screening s, unnest(s.%s) AS x WHERE s.case_id = c.id) AS d(v) ON true';
      BEGIN
        IF p_agency IS NULL THEN
          IF NOT EXISTS (SELECT 1 FROM app_user u WHERE u.id = app_current_user_id() AND u.active
                           AND u.roles && ARRAY['analyst', 'system_admin']::text[]) THEN
            RAISE EXCEPTION 'national statistics need a national role' USING ERRCODE = '42501';
          END IF;
        ELSIF p_agency IS DISTINCT FROM app_current_agency_id() THEN
          RAISE EXCEPTION 'statistics of another agency' USING ERRCODE = '42501';
        END IF;

        IF p_measure IN ('occupancy', 'caseload') THEN
          RETURN QUERY SELECT * FROM app_statistic_stock(p_measure, p_dimension, p_agency, p_from, p_to, p_tz, p_today);
          RETURN;
        END IF;

        IF p_measure IN ('cases', 'closures', 'caseDuration') THEN
          src := 'case_file c JOIN person p ON p.id = c.person_id';
          unit := 'c.id';
          scope := 'c.lead_agency_id';
          IF p_measure = 'cases' THEN
            dt := 'c.opened_on';
          ELSE
            dt := format('(c.closed_at AT TIME ZONE %L)::date', p_tz);
            filter := 'c.closed_at IS NOT NULL';
          END IF;
          CASE p_dimension
            WHEN 'none' THEN NULL;
            WHEN 'province' THEN val := 'c.province_code';
            WHEN 'agency' THEN val := 'c.lead_agency_id::text';
            WHEN 'sex' THEN val := 'p.gender';
            WHEN 'ageGroup' THEN val := 'p.age_band';
            WHEN 'adultChild' THEN
              val := $$CASE WHEN p.age_band IN ('0-8', '9-17') THEN 'child' WHEN p.age_band IS NOT NULL THEN 'adult' END$$;
            WHEN 'exploitationType' THEN
              src := src || ' LEFT JOIN LATERAL unnest(c.exploitation_types) AS d(v) ON true'; val := 'd.v';
            WHEN 'countryOfExploitation' THEN src := src || ' ' || format(screening_values, 'exploitation_countries'); val := 'd.v';
            WHEN 'sector' THEN src := src || ' ' || format(screening_values, 'isic_sections'); val := 'd.v';
            WHEN 'meansOfControl' THEN src := src || ' ' || format(screening_values, 'means_of_control'); val := 'd.v';
            WHEN 'recruitment' THEN src := src || ' ' || format(screening_values, 'recruitment_methods'); val := 'd.v';
            WHEN 'borderCrossing' THEN
              src := src || ' LEFT JOIN LATERAL (SELECT DISTINCT s.border_crossing_code FROM screening s WHERE s.case_id = c.id AND s.border_crossing_code IS NOT NULL) AS d(v) ON true';
              val := 'd.v';
            WHEN 'identificationStatus' THEN
              src := src || ' LEFT JOIN LATERAL (SELECT i.status FROM screening s JOIN identification_decision i ON i.screening_id = s.id WHERE s.case_id = c.id ORDER BY i.decided_on DESC, i.recorded_at DESC LIMIT 1) AS d(v) ON true';
              val := 'd.v';
            WHEN 'closureReason' THEN val := 'c.closure_reason';
            WHEN 'timeToClosure' THEN
              val := format($$CASE WHEN (c.closed_at AT TIME ZONE %1$L)::date < c.opened_on + 31 THEN 'm0_1'
                                  WHEN (c.closed_at AT TIME ZONE %1$L)::date < c.opened_on + 92 THEN 'm1_3'
                                  WHEN (c.closed_at AT TIME ZONE %1$L)::date < c.opened_on + 183 THEN 'm3_6'
                                  WHEN (c.closed_at AT TIME ZONE %1$L)::date < c.opened_on + 366 THEN 'm6_12'
                                  ELSE 'm12_plus' END$$, p_tz);
            ELSE RAISE EXCEPTION 'unknown dimension' USING ERRCODE = '22023';
          END CASE;
        ELSIF p_measure = 'identificationTime' THEN
          src := 'screening s JOIN LATERAL (SELECT min(i.decided_on) AS first_on FROM identification_decision i WHERE i.screening_id = s.id) f ON f.first_on IS NOT NULL';
          dt := 'f.first_on';
          unit := 's.id';
          scope := 's.agency_id';
          CASE p_dimension
            WHEN 'none' THEN NULL;
            WHEN 'province' THEN val := 's.province_code';
            WHEN 'agency' THEN val := 's.agency_id::text';
            WHEN 'timeToDecision' THEN
              val := format($$CASE WHEN f.first_on - (s.conducted_at AT TIME ZONE %1$L)::date <= 1 THEN 'd0_1'
                                  WHEN f.first_on - (s.conducted_at AT TIME ZONE %1$L)::date <= 7 THEN 'd2_7'
                                  WHEN f.first_on - (s.conducted_at AT TIME ZONE %1$L)::date <= 30 THEN 'd8_30'
                                  WHEN f.first_on - (s.conducted_at AT TIME ZONE %1$L)::date <= 90 THEN 'd31_90'
                                  ELSE 'd91_plus' END$$, p_tz);
            ELSE RAISE EXCEPTION 'unknown dimension' USING ERRCODE = '22023';
          END CASE;
        ELSIF p_measure = 'referrals' THEN
          src := 'referral r';
          dt := format('(r.created_at AT TIME ZONE %L)::date', p_tz);
          unit := 'r.id';
          scope := NULL;
          CASE p_dimension
            WHEN 'none' THEN NULL;
            WHEN 'outcome' THEN val := 'r.status';
            WHEN 'receivingAgency' THEN val := 'r.to_agency_id::text';
            WHEN 'purpose' THEN val := 'r.purpose';
            WHEN 'timeToAnswer' THEN
              val := $$CASE WHEN r.responded_at IS NULL THEN 'unanswered'
                            WHEN r.responded_at - r.created_at <= interval '24 hours' THEN 'h0_24'
                            WHEN r.responded_at - r.created_at <= interval '72 hours' THEN 'h24_72'
                            WHEN r.responded_at - r.created_at <= interval '7 days' THEN 'd3_7'
                            ELSE 'd7_plus' END$$;
            ELSE RAISE EXCEPTION 'unknown dimension' USING ERRCODE = '22023';
          END CASE;
        ELSIF p_measure = 'admissions' THEN
          src := 'placement pl JOIN facility fa ON fa.id = pl.facility_id';
          dt := 'pl.admitted_on';
          unit := 'pl.id';
          scope := 'pl.agency_id';
          CASE p_dimension
            WHEN 'none' THEN NULL;
            WHEN 'agency' THEN val := 'pl.agency_id::text';
            WHEN 'facilityKind' THEN val := 'fa.kind';
            ELSE RAISE EXCEPTION 'unknown dimension' USING ERRCODE = '22023';
          END CASE;
        ELSIF p_measure = 'services' THEN
          src := 'case_service_record sr';
          dt := 'sr.delivered_on';
          unit := 'sr.id';
          scope := 'sr.provider_agency_id';
          CASE p_dimension
            WHEN 'none' THEN NULL;
            WHEN 'serviceType' THEN val := 'sr.service_type';
            WHEN 'agency' THEN val := 'sr.provider_agency_id::text';
            WHEN 'outcome' THEN val := 'sr.outcome';
            ELSE RAISE EXCEPTION 'unknown dimension' USING ERRCODE = '22023';
          END CASE;
        ELSIF p_measure = 'followUps' THEN
          src := 'case_follow_up f';
          dt := 'f.due_on';
          unit := 'f.id';
          scope := 'f.agency_id';
          filter := $$f.status <> 'cancelled'$$;
          CASE p_dimension
            WHEN 'none' THEN NULL;
            WHEN 'timeliness' THEN
              val := format($$CASE WHEN f.status = 'completed' AND f.completed_on <= f.due_on + 7 THEN 'on_time'
                                  WHEN f.status = 'completed' THEN 'late'
                                  WHEN f.due_on + 30 < %L::date THEN 'missed'
                                  ELSE 'open' END$$, today);
            WHEN 'agency' THEN val := 'f.agency_id::text';
            ELSE RAISE EXCEPTION 'unknown dimension' USING ERRCODE = '22023';
          END CASE;
        ELSIF p_measure = 'unmetNeeds' THEN
          src := 'unmet_need u';
          dt := format('(u.recorded_at AT TIME ZONE %L)::date', p_tz);
          unit := 'u.id';
          scope := 'u.agency_id';
          CASE p_dimension
            WHEN 'none' THEN NULL;
            WHEN 'sex' THEN val := 'u.gender';
            WHEN 'reason' THEN val := 'u.rule';
            WHEN 'service' THEN val := 'u.service';
            WHEN 'province' THEN val := 'u.province_code';
            WHEN 'adultChild' THEN val := $$nullif(u.age_group, 'unknown')$$;
            ELSE RAISE EXCEPTION 'unknown dimension' USING ERRCODE = '22023';
          END CASE;
        ELSE
          RAISE EXCEPTION 'unknown measure' USING ERRCODE = '22023';
        END IF;

        IF p_agency IS NOT NULL THEN
          filter := filter || CASE WHEN scope IS NULL
            THEN format(' AND (r.from_agency_id = %1$L OR r.to_agency_id = %1$L)', p_agency)
            ELSE format(' AND %s = %L', scope, p_agency) END;
        END IF;
        RETURN QUERY EXECUTE format(
          'SELECT date_trunc(''month'', %1$s)::date, (%2$s)::text, count(DISTINCT %3$s)::int FROM %4$s
            WHERE %1$s >= %5$L AND %1$s <= %6$L AND %7$s GROUP BY 1, 2',
          dt, val, unit, src, p_from, p_to, filter);
      END
    $fn$`);

    // Stocks at the end of each month (or today, for the current month): people in placement,
    // caseworkers by open caseload. A quarter or a year reports its last month's stock.
    await queryRunner.query(`CREATE FUNCTION app_statistic_stock(
        p_measure text, p_dimension text, p_agency uuid, p_from date, p_to date, p_tz text, p_today date)
      RETURNS TABLE (period date, value text, n integer)
      LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
      DECLARE
        today date := p_today;
      BEGIN
        IF p_measure = 'occupancy' THEN
          IF p_dimension NOT IN ('none', 'agency', 'facilityKind', 'sex') THEN
            RAISE EXCEPTION 'unknown dimension' USING ERRCODE = '22023';
          END IF;
          RETURN QUERY
            WITH months AS (
              SELECT m::date AS month, least((m + interval '1 month - 1 day')::date, today) AS at
                FROM generate_series(date_trunc('month', p_from), p_to, interval '1 month') m
               WHERE m::date <= today)
            SELECT mo.month,
                   CASE p_dimension WHEN 'agency' THEN pl.agency_id::text WHEN 'facilityKind' THEN fa.kind::text
                                    WHEN 'sex' THEN p.gender::text END,
                   count(DISTINCT pl.case_id)::int
              FROM months mo
              JOIN placement pl ON pl.admitted_on <= mo.at AND (pl.discharged_on IS NULL OR pl.discharged_on > mo.at)
              JOIN facility fa ON fa.id = pl.facility_id
              JOIN case_file c ON c.id = pl.case_id
              JOIN person p ON p.id = c.person_id
             WHERE p_agency IS NULL OR pl.agency_id = p_agency
             GROUP BY 1, 2;
        ELSIF p_measure = 'caseload' THEN
          IF p_dimension NOT IN ('none', 'caseloadBand', 'agency') THEN
            RAISE EXCEPTION 'unknown dimension' USING ERRCODE = '22023';
          END IF;
          RETURN QUERY
            WITH months AS (
              SELECT m::date AS month, least((m + interval '1 month - 1 day')::date, today) AS at
                FROM generate_series(date_trunc('month', p_from), p_to, interval '1 month') m
               WHERE m::date <= today),
            loads AS (
              SELECT mo.month, c.lead_agency_id, c.assigned_caseworker_id, count(*) AS open_cases
                FROM months mo
                JOIN case_file c ON c.opened_on <= mo.at
                 AND (c.closed_at IS NULL OR (c.closed_at AT TIME ZONE p_tz)::date > mo.at)
               WHERE c.assigned_caseworker_id IS NOT NULL AND (p_agency IS NULL OR c.lead_agency_id = p_agency)
               GROUP BY 1, 2, 3)
            SELECT l.month,
                   CASE p_dimension WHEN 'agency' THEN l.lead_agency_id::text
                     WHEN 'caseloadBand' THEN CASE WHEN l.open_cases <= 5 THEN 'c1_5' WHEN l.open_cases <= 10 THEN 'c6_10'
                                                   WHEN l.open_cases <= 20 THEN 'c11_20' ELSE 'c21_plus' END END,
                   count(DISTINCT l.assigned_caseworker_id)::int
              FROM loads l GROUP BY 1, 2;
        ELSE
          RAISE EXCEPTION 'unknown measure' USING ERRCODE = '22023';
        END IF;
      END
    $fn$`);
    // The CTDC export's rows, already coarse and grouped: one row per distinct combination of the
    // published columns with its number of cases (no id, no date finer than the year), for the
    // cases whose active consent includes research use.
    await queryRunner.query(`CREATE FUNCTION app_ctdc_export_classes(p_agency uuid)
      RETURNS TABLE (year_of_registration text, gender text, age_broad text, majority_status text, citizenship text,
                     country_of_exploitation text, is_forced_labour text, is_sexual_exploit text, is_other_exploit text,
                     moc_debt_bondage text, moc_threats text, moc_physical_abuse text, moc_false_promises text,
                     moc_restricts_movement text, moc_withholds_documents text, n integer)
      LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
      BEGIN
        IF p_agency IS NULL THEN
          IF NOT EXISTS (SELECT 1 FROM app_user u WHERE u.id = app_current_user_id() AND u.active
                           AND u.roles && ARRAY['analyst', 'system_admin']::text[]) THEN
            RAISE EXCEPTION 'a national export needs a national role' USING ERRCODE = '42501';
          END IF;
        ELSIF p_agency IS DISTINCT FROM app_current_agency_id() THEN
          RAISE EXCEPTION 'an export of another agency' USING ERRCODE = '42501';
        END IF;
        RETURN QUERY
          WITH cases AS (
            SELECT extract(year FROM c.opened_on)::int::text AS year_of_registration,
                   CASE p.gender WHEN 'Feminine' THEN 'Female' WHEN 'Masculine' THEN 'Male'
                     WHEN 'NonSpecifiedUnknown' THEN '-99' ELSE 'Trans/Transgender/NonConforming' END AS gender,
                   coalesce(replace(p.age_band, '-', '--'), '-99') AS age_broad,
                   CASE WHEN p.age_band IS NULL THEN '-99' WHEN p.age_band IN ('0-8', '9-17') THEN 'Minor' ELSE 'Adult' END AS majority_status,
                   coalesce((SELECT min(x) FROM unnest(p.citizenships) x), '-99') AS citizenship,
                   sc.countries, sc.means, c.exploitation_types AS types
              FROM case_file c
              JOIN person p ON p.id = c.person_id
              LEFT JOIN LATERAL (
                SELECT array_agg(DISTINCT x) FILTER (WHERE x IS NOT NULL) AS countries,
                       (SELECT array_agg(DISTINCT y) FROM screening s2, unnest(s2.means_of_control) y WHERE s2.case_id = c.id) AS means
                  FROM screening s LEFT JOIN LATERAL unnest(s.exploitation_countries) x ON true
                 WHERE s.case_id = c.id) sc ON true
             WHERE (p_agency IS NULL OR c.lead_agency_id = p_agency)
               AND EXISTS (SELECT 1 FROM case_consent k WHERE k.case_id = c.id AND k.status = 'active'
                             AND 'research_use' = ANY (k.purposes)))
          SELECT x.year_of_registration, x.gender, x.age_broad, x.majority_status, x.citizenship,
                 CASE WHEN cardinality(x.countries) = 1 THEN x.countries[1] ELSE '-99' END,
                 CASE WHEN cardinality(x.types) = 0 THEN '-99' WHEN 'ForcedLabour' = ANY (x.types) THEN '1' ELSE '0' END,
                 CASE WHEN cardinality(x.types) = 0 THEN '-99' WHEN 'SexualExploitation' = ANY (x.types) THEN '1' ELSE '0' END,
                 CASE WHEN cardinality(x.types) = 0 THEN '-99'
                      WHEN x.types <@ ARRAY['ForcedLabour', 'SexualExploitation'] THEN '0' ELSE '1' END,
                 CASE WHEN x.means IS NULL THEN '-99' WHEN 'DebtBondage' = ANY (x.means) THEN '1' ELSE '0' END,
                 CASE WHEN x.means IS NULL THEN '-99' WHEN 'Threats' = ANY (x.means) THEN '1' ELSE '0' END,
                 CASE WHEN x.means IS NULL THEN '-99' WHEN 'PhysicalAbuse' = ANY (x.means) THEN '1' ELSE '0' END,
                 CASE WHEN x.means IS NULL THEN '-99' WHEN 'FalsePromises' = ANY (x.means) THEN '1' ELSE '0' END,
                 CASE WHEN x.means IS NULL THEN '-99' WHEN 'RestrictsMovement' = ANY (x.means) THEN '1' ELSE '0' END,
                 CASE WHEN x.means IS NULL THEN '-99' WHEN 'WithholdsDocuments' = ANY (x.means) THEN '1' ELSE '0' END,
                 count(*)::int
            FROM cases x
           GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15;
      END
    $fn$`);
    for (const fn of [
      'app_person_births_after(uuid, integer)',
      'app_set_person_age_bands(jsonb)',
      'app_statistic_counts(text, text, uuid, date, date, text, date)',
      'app_ctdc_export_classes(uuid)',
    ]) {
      await queryRunner.query(`REVOKE ALL ON FUNCTION ${fn} FROM PUBLIC`);
      await queryRunner.query(`GRANT EXECUTE ON FUNCTION ${fn} TO ctcm_app`);
    }
    // Reached only through app_statistic_counts(), which checks the scope first.
    await queryRunner.query(
      `REVOKE ALL ON FUNCTION app_statistic_stock(text, text, uuid, date, date, text, date) FROM PUBLIC`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP FUNCTION app_ctdc_export_classes(uuid)`);
    await queryRunner.query(`DROP FUNCTION app_statistic_counts(text, text, uuid, date, date, text, date)`);
    await queryRunner.query(`DROP FUNCTION app_statistic_stock(text, text, uuid, date, date, text, date)`);
    await queryRunner.query(`DROP FUNCTION app_set_person_age_bands(jsonb)`);
    await queryRunner.query(`DROP FUNCTION app_person_births_after(uuid, integer)`);
    await queryRunner.query(`DROP INDEX "public"."ix_case_file_opened_on"`);
    await queryRunner.query(`ALTER TABLE person DROP COLUMN "age_band"`);
  }
}
