import type { MigrationInterface, QueryRunner } from 'typeorm';
import { Statistics1797100000000 } from './1797100000000-statistics.js';

/**
 * Statistics at scale: monthly counts precomputed per measure, dimension and scope.
 *
 * Every measure is now written once, as the SQL of its counted units (app_statistic_units_sql():
 * one row per unit, month, scope agency and value). Two consumers wrap that same SQL:
 * - app_statistic_counts(), the raw answer: count(DISTINCT unit) of one scope (as before);
 * - app_refresh_statistic_counts(), which stores those counts in statistic_count for every
 *   agency and nationally (GROUPING SETS), for a window of months, in one transaction.
 * app_statistic_counts_precomputed() answers from statistic_count (the same scope checks as the
 * raw function), or from the raw rows while no complete refresh exists for the time zone.
 *
 * The scope of a unit: the case's lead agency (cases, closures, caseDuration, caseload), the
 * screening's agency, the placement's, the provider's, the follow-up's, the unmet need's; a
 * referral belongs to its sender and its receiver (a lateral of both), as the raw function's
 * "sent or received" filter did. National rows are counted on their own (never summed from the
 * agencies), so a unit in two scopes is still counted once nationally.
 */
export class StatisticsPrecomputed1798000000000 implements MigrationInterface {
  name = 'StatisticsPrecomputed1798000000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "statistic_count" (
        "measure" character varying(40) NOT NULL,
        "dimension" character varying(40) NOT NULL,
        "scope_agency_id" uuid,
        "month" date NOT NULL,
        "value" text,
        "n" integer NOT NULL)`);
    await queryRunner.query(
      `COMMENT ON TABLE "statistic_count" IS 'Monthly counts of app_statistic_units_sql(); scope_agency_id NULL = national. Written only by app_refresh_statistic_counts().'`,
    );
    await queryRunner.query(
      `CREATE INDEX "ix_statistic_count_lookup" ON "statistic_count" ("measure", "dimension", "scope_agency_id", "month")`,
    );
    await queryRunner.query(`CREATE TABLE "statistic_refresh" (
        "id" smallint PRIMARY KEY CHECK ("id" = 1),
        "time_zone" text NOT NULL,
        "full_refreshed_at" timestamptz,
        "full_today" date,
        "full_ms" integer,
        "recent_refreshed_at" timestamptz,
        "recent_from" date,
        "recent_today" date,
        "recent_ms" integer)`);

    await queryRunner.query(`DROP FUNCTION app_statistic_counts(text, text, uuid, date, date, text, date)`);
    await queryRunner.query(`DROP FUNCTION app_statistic_stock(text, text, uuid, date, date, text, date)`);

    // The units of a measure: (period, scope, value, unit). The measure and dimension names are
    // those of src/statistics/statistics-catalogue.ts; an unknown one raises 22023.
    await queryRunner.query(`CREATE FUNCTION app_statistic_units_sql(
        p_measure text, p_dimension text, p_from date, p_to date, p_tz text, p_today date)
      RETURNS text LANGUAGE plpgsql STABLE SET search_path = public, pg_temp AS $fn$
      DECLARE
        src text;
        dt text;
        unit text;
        scope text;
        filter text := 'true';
        val text := 'NULL::text';
        today date := p_today;
        months text := format(
          $$SELECT m::date AS month, least((m + interval '1 month - 1 day')::date, %1$L::date) AS at
              FROM generate_series(date_trunc('month', %2$L::date), least(%3$L::date, %1$L::date), interval '1 month') m
             WHERE m::date <= %1$L::date$$, p_today, p_from, p_to);
        screening_values text := 'LEFT JOIN LATERAL (SELECT DISTINCT x FROM screening s, unnest(s.%s) AS x WHERE s.case_id = c.id) AS d(v) ON true';
      BEGIN
        IF p_measure = 'occupancy' THEN
          IF p_dimension NOT IN ('none', 'agency', 'facilityKind', 'sex') THEN
            RAISE EXCEPTION 'unknown dimension' USING ERRCODE = '22023';
          END IF;
          RETURN format($$
            WITH months AS (%s)
            SELECT mo.month AS period, pl.agency_id AS scope,
                   (CASE %L WHEN 'agency' THEN pl.agency_id::text WHEN 'facilityKind' THEN fa.kind::text
                            WHEN 'sex' THEN p.gender::text END)::text AS value,
                   pl.case_id AS unit
              FROM months mo
              JOIN placement pl ON pl.admitted_on <= mo.at AND (pl.discharged_on IS NULL OR pl.discharged_on > mo.at)
              JOIN facility fa ON fa.id = pl.facility_id
              JOIN case_file c ON c.id = pl.case_id
              JOIN person p ON p.id = c.person_id$$, months, p_dimension);
        ELSIF p_measure = 'caseload' THEN
          IF p_dimension NOT IN ('none', 'caseloadBand', 'agency') THEN
            RAISE EXCEPTION 'unknown dimension' USING ERRCODE = '22023';
          END IF;
          RETURN format($$
            WITH months AS (%s),
            loads AS (
              SELECT mo.month, c.lead_agency_id, c.assigned_caseworker_id, count(*) AS open_cases
                FROM months mo
                JOIN case_file c ON c.opened_on <= mo.at
                 AND (c.closed_at IS NULL OR (c.closed_at AT TIME ZONE %L)::date > mo.at)
               WHERE c.assigned_caseworker_id IS NOT NULL
               GROUP BY 1, 2, 3)
            SELECT l.month AS period, l.lead_agency_id AS scope,
                   (CASE %L WHEN 'agency' THEN l.lead_agency_id::text
                     WHEN 'caseloadBand' THEN CASE WHEN l.open_cases <= 5 THEN 'c1_5' WHEN l.open_cases <= 10 THEN 'c6_10'
                                                   WHEN l.open_cases <= 20 THEN 'c11_20' ELSE 'c21_plus' END END)::text AS value,
                   l.assigned_caseworker_id AS unit
              FROM loads l$$, months, p_tz, p_dimension);
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
          -- A referral counts for its sender and its receiver.
          src := 'referral r CROSS JOIN LATERAL unnest(ARRAY[r.from_agency_id, r.to_agency_id]) AS sc(a)';
          dt := format('(r.created_at AT TIME ZONE %L)::date', p_tz);
          unit := 'r.id';
          scope := 'sc.a';
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

        RETURN format(
          'SELECT date_trunc(''month'', %1$s)::date AS period, %2$s AS scope, (%3$s)::text AS value, %4$s AS unit
             FROM %5$s WHERE %1$s >= %6$L AND %1$s <= %7$L AND %8$s',
          dt, scope, val, unit, src, p_from, p_to, filter);
      END
    $fn$`);

    // The raw answer: the caller's scope checked, then the units counted.
    await queryRunner.query(`CREATE FUNCTION app_statistic_counts(
        p_measure text, p_dimension text, p_agency uuid, p_from date, p_to date, p_tz text, p_today date)
      RETURNS TABLE (period date, value text, n integer)
      LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
      BEGIN
        PERFORM app_statistic_check_scope(p_agency);
        RETURN QUERY EXECUTE format(
          'SELECT u.period, u.value, count(DISTINCT u.unit)::int FROM (%s) u %s GROUP BY 1, 2',
          app_statistic_units_sql(p_measure, p_dimension, p_from, p_to, p_tz, p_today),
          CASE WHEN p_agency IS NULL THEN '' ELSE format('WHERE u.scope = %L::uuid', p_agency) END);
      END
    $fn$`);
    await queryRunner.query(`CREATE FUNCTION app_statistic_check_scope(p_agency uuid) RETURNS void
      LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
      BEGIN
        IF p_agency IS NULL THEN
          IF NOT EXISTS (SELECT 1 FROM app_user u WHERE u.id = app_current_user_id() AND u.active
                           AND u.roles && ARRAY['analyst', 'system_admin']::text[]) THEN
            RAISE EXCEPTION 'national statistics need a national role' USING ERRCODE = '42501';
          END IF;
        ELSIF p_agency IS DISTINCT FROM app_current_agency_id() THEN
          RAISE EXCEPTION 'statistics of another agency' USING ERRCODE = '42501';
        END IF;
      END
    $fn$`);

    // The precomputed answer: the same checks, then statistic_count; the raw answer while no
    // complete refresh exists for the time zone asked for.
    await queryRunner.query(`CREATE FUNCTION app_statistic_counts_precomputed(
        p_measure text, p_dimension text, p_agency uuid, p_from date, p_to date, p_tz text, p_today date)
      RETURNS TABLE (period date, value text, n integer)
      LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
      BEGIN
        PERFORM app_statistic_check_scope(p_agency);
        IF NOT EXISTS (SELECT 1 FROM statistic_refresh r WHERE r.time_zone = p_tz AND r.full_refreshed_at IS NOT NULL) THEN
          RETURN QUERY SELECT * FROM app_statistic_counts(p_measure, p_dimension, p_agency, p_from, p_to, p_tz, p_today);
          RETURN;
        END IF;
        IF p_agency IS NULL THEN
          RETURN QUERY SELECT s.month, s.value, s.n FROM statistic_count s
            WHERE s.measure = p_measure AND s.dimension = p_dimension AND s.scope_agency_id IS NULL
              AND s.month >= date_trunc('month', p_from)::date AND s.month <= p_to;
        ELSE
          RETURN QUERY SELECT s.month, s.value, s.n FROM statistic_count s
            WHERE s.measure = p_measure AND s.dimension = p_dimension AND s.scope_agency_id = p_agency
              AND s.month >= date_trunc('month', p_from)::date AND s.month <= p_to;
        END IF;
      END
    $fn$`);

    // Recomputes the months from p_from on (to p_to) of the listed (measure, dimension) pairs, for
    // every agency and nationally, in the caller's transaction; one refresh at a time.
    await queryRunner.query(`CREATE FUNCTION app_refresh_statistic_counts(
        p_measures text[], p_dimensions text[], p_from date, p_to date, p_tz text, p_today date, p_full boolean, p_started timestamptz)
      RETURNS integer LANGUAGE plpgsql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $fn$
      DECLARE
        written integer := 0;
        n integer;
        first date;
      BEGIN
        PERFORM pg_advisory_xact_lock(hashtext('app_refresh_statistic_counts'));
        DELETE FROM statistic_count WHERE month >= date_trunc('month', p_from)::date AND month <= p_to;
        FOR i IN 1 .. coalesce(cardinality(p_measures), 0) LOOP
          first := p_from;
          -- A stock has no unit before the first placement or case: its months start there.
          IF p_measures[i] = 'occupancy' THEN
            first := greatest(p_from, coalesce((SELECT min(admitted_on) FROM placement), p_today));
          ELSIF p_measures[i] = 'caseload' THEN
            first := greatest(p_from, coalesce((SELECT min(opened_on) FROM case_file), p_today));
          END IF;
          EXECUTE format(
            'INSERT INTO statistic_count (measure, dimension, scope_agency_id, month, value, n)
             SELECT %L, %L, CASE WHEN grouping(u.scope) = 1 THEN NULL ELSE u.scope END, u.period, u.value, count(DISTINCT u.unit)::int
               FROM (%s) u
              GROUP BY GROUPING SETS ((u.period, u.scope, u.value), (u.period, u.value))
             HAVING grouping(u.scope) = 1 OR u.scope IS NOT NULL',
            p_measures[i], p_dimensions[i],
            app_statistic_units_sql(p_measures[i], p_dimensions[i], first, p_to, p_tz, p_today));
          GET DIAGNOSTICS n = ROW_COUNT;
          written := written + n;
        END LOOP;
        IF p_full THEN
          INSERT INTO statistic_refresh (id, time_zone, full_refreshed_at, full_today, full_ms)
          VALUES (1, p_tz, p_started, p_today, (extract(epoch FROM clock_timestamp() - now()) * 1000)::int)
          ON CONFLICT (id) DO UPDATE SET time_zone = excluded.time_zone, full_refreshed_at = excluded.full_refreshed_at,
            full_today = excluded.full_today, full_ms = excluded.full_ms,
            recent_refreshed_at = NULL, recent_from = NULL, recent_today = NULL, recent_ms = NULL;
        ELSE
          UPDATE statistic_refresh SET recent_refreshed_at = p_started, recent_from = p_from, recent_today = p_today,
            recent_ms = (extract(epoch FROM clock_timestamp() - now()) * 1000)::int
           WHERE id = 1 AND time_zone = p_tz;
        END IF;
        RETURN written;
      END
    $fn$`);

    await queryRunner.query(`CREATE FUNCTION app_statistic_refresh_state()
      RETURNS TABLE (time_zone text, full_refreshed_at timestamptz, full_today date, full_ms integer,
                     recent_refreshed_at timestamptz, recent_from date, recent_today date, recent_ms integer)
      LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
        SELECT r.time_zone, r.full_refreshed_at, r.full_today, r.full_ms, r.recent_refreshed_at, r.recent_from, r.recent_today, r.recent_ms
          FROM statistic_refresh r
    $$`);

    for (const fn of ['app_statistic_units_sql(text, text, date, date, text, date)', 'app_statistic_check_scope(uuid)'])
      await queryRunner.query(`REVOKE ALL ON FUNCTION ${fn} FROM PUBLIC`);
    for (const fn of [
      'app_statistic_counts(text, text, uuid, date, date, text, date)',
      'app_statistic_counts_precomputed(text, text, uuid, date, date, text, date)',
      'app_refresh_statistic_counts(text[], text[], date, date, text, date, boolean, timestamptz)',
      'app_statistic_refresh_state()',
    ]) {
      await queryRunner.query(`REVOKE ALL ON FUNCTION ${fn} FROM PUBLIC`);
      await queryRunner.query(`GRANT EXECUTE ON FUNCTION ${fn} TO ctcm_app`);
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP FUNCTION app_statistic_refresh_state()`);
    await queryRunner.query(
      `DROP FUNCTION app_refresh_statistic_counts(text[], text[], date, date, text, date, boolean, timestamptz)`,
    );
    await queryRunner.query(`DROP FUNCTION app_statistic_counts_precomputed(text, text, uuid, date, date, text, date)`);
    await queryRunner.query(`DROP FUNCTION app_statistic_counts(text, text, uuid, date, date, text, date)`);
    await queryRunner.query(`DROP FUNCTION app_statistic_check_scope(uuid)`);
    await queryRunner.query(`DROP FUNCTION app_statistic_units_sql(text, text, date, date, text, date)`);
    // The two functions of 1797100000000 as it wrote them (and its grants), replayed from its up().
    const replay: string[] = [];
    await new Statistics1797100000000().up({
      query: async (sql: string) => void replay.push(sql),
    } as unknown as QueryRunner);
    for (const sql of replay)
      if (
        /^CREATE FUNCTION app_statistic_(counts|stock)\(/.test(sql) ||
        /ON FUNCTION app_statistic_(counts|stock)\(/.test(sql)
      )
        await queryRunner.query(sql);
    await queryRunner.query(`DROP TABLE "statistic_refresh"`);
    await queryRunner.query(`DROP TABLE "statistic_count"`);
  }
}
