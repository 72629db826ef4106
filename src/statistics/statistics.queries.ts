import type { DataSource, EntityManager } from 'typeorm';

export interface MonthlyCountRow {
  /** The dimension the row counts by ('none' for the totals). */
  dimension: string;
  /** First day of the month. */
  period: string;
  value: string | null;
  n: number;
}

/**
 * Monthly counts of a whitelisted measure by each of the given whitelisted dimensions, for one
 * agency or (NULL) all of them, in one statement (one snapshot: the totals and the breakdown
 * agree even while a refresh commits). app_statistic_counts() counts the raw rows;
 * app_statistic_counts_precomputed() reads statistic_count (the raw rows until a first complete
 * refresh). Both are SECURITY DEFINER, check the scope against the caller's context, and return
 * counts only.
 */
export function countStatisticByMonth(
  m: EntityManager,
  q: {
    measure: string;
    dimensions: string[];
    agencyId: string | null;
    from: string;
    to: string;
    timeZone: string;
    today: string;
    precomputed: boolean;
  },
): Promise<MonthlyCountRow[]> {
  const fn = q.precomputed ? 'app_statistic_counts_precomputed' : 'app_statistic_counts';
  return m.query(
    `SELECT d.dimension, to_char(c.period, 'YYYY-MM-DD') AS period, c.value, c.n
       FROM unnest($2::text[]) AS d(dimension)
       CROSS JOIN LATERAL ${fn}($1, d.dimension, $3, $4::date, $5::date, $6, $7::date) c`,
    [q.measure, q.dimensions, q.agencyId, q.from, q.to, q.timeZone, q.today],
  );
}

export interface StatisticRefreshState {
  time_zone: string;
  full_refreshed_at: Date | null;
  full_today: string | null;
  full_ms: number | null;
  recent_refreshed_at: Date | null;
  recent_from: string | null;
  recent_today: string | null;
  recent_ms: number | null;
}

/** When the precomputed counts were last refreshed, for which time zone (no row: never). */
export async function findStatisticRefreshState(m: EntityManager): Promise<StatisticRefreshState | undefined> {
  const rows: StatisticRefreshState[] = await m.query(
    `SELECT time_zone, full_refreshed_at, to_char(full_today, 'YYYY-MM-DD') AS full_today, full_ms,
            recent_refreshed_at, to_char(recent_from, 'YYYY-MM-DD') AS recent_from,
            to_char(recent_today, 'YYYY-MM-DD') AS recent_today, recent_ms
       FROM app_statistic_refresh_state()`,
  );
  return rows[0];
}

/**
 * Recomputes the precomputed monthly counts of the listed (measure, dimension) pairs from `from`
 * on, for every agency and nationally, and records the refresh (app_refresh_statistic_counts()
 * is SECURITY DEFINER; one refresh runs at a time). Returns the rows written.
 */
export async function refreshStatisticCounts(
  m: EntityManager,
  q: { pairs: [string, string][]; from: string; timeZone: string; today: string; full: boolean; startedAt: Date },
): Promise<number> {
  const [{ written }] = await m.query(
    `SELECT app_refresh_statistic_counts($1::text[], $2::text[], $3::date, '9999-12-31'::date, $4, $5::date, $6, $7) AS written`,
    [
      q.pairs.map((p) => p[0]),
      q.pairs.map((p) => p[1]),
      q.from,
      q.timeZone,
      q.today,
      q.full,
      q.startedAt.toISOString(),
    ],
  );
  return written;
}

/** Lifts the statement timeout for the rest of the open transaction (a full refresh of a large history). */
export async function liftStatementTimeout(m: EntityManager): Promise<void> {
  await m.query(`SET LOCAL statement_timeout = 0`);
}

/** The codes of agencies, to label agency dimensions (agency codes are public reference data). */
export function findAgencyCodes(m: EntityManager, ids: string[]): Promise<{ id: string; code: string }[]> {
  return m.query(`SELECT id, code FROM agency WHERE id = ANY($1::uuid[])`, [ids]);
}

export interface PersonBirthRow {
  id: string;
  birth_enc: Buffer;
  age_band: string | null;
}

/** One batch of people with birth data, after `after` in id order (app_person_births_after() is SECURITY DEFINER). */
export function findPersonBirthsAfter(ds: DataSource, after: string | null, limit: number): Promise<PersonBirthRow[]> {
  return ds.query(`SELECT id, birth_enc, age_band FROM app_person_births_after($1, $2)`, [after, limit]);
}

/** Writes the bands that changed; returns how many did (app_set_person_age_bands() is SECURITY DEFINER). */
export async function setPersonAgeBands(
  ds: DataSource,
  rows: { id: string; age_band: string | null }[],
): Promise<number> {
  const [{ changed }] = await ds.query(`SELECT app_set_person_age_bands($1::jsonb) AS changed`, [JSON.stringify(rows)]);
  return changed;
}

export interface UnmetNeedRow {
  province_code: string | null;
  service: string;
  gender: string;
  age_group: string;
  people: number;
  top_rule: string;
}

/** Distinct cases no eligible facility could take between two local dates, by province, service and profile. */
export function countUnmetNeeds(m: EntityManager, from: string, to: string, timeZone: string): Promise<UnmetNeedRow[]> {
  return m.query(
    `SELECT province_code, service, gender, age_group, count(DISTINCT case_id)::int AS people, mode() WITHIN GROUP (ORDER BY rule) AS top_rule
       FROM unmet_need WHERE recorded_at >= ($1::date)::timestamp AT TIME ZONE $3 AND recorded_at < ($2::date + 1)::timestamp AT TIME ZONE $3
      GROUP BY province_code, service, gender, age_group
      ORDER BY people DESC, province_code, service`,
    [from, to, timeZone],
  );
}

export interface CtdcClassRow {
  /** The published values in the export's column order, without `Datasource` (CTDC codes), joined by commas. */
  qi: string;
  n: number;
}

/**
 * The CTDC export's distinct rows and how many consenting cases each stands for
 * (app_ctdc_export_classes() is SECURITY DEFINER, checks the scope, and returns no id; it groups
 * case_ctdc_profile, which triggers keep current: migration 1798600000000).
 */
export function findCtdcExportClasses(m: EntityManager, agencyId: string | null): Promise<CtdcClassRow[]> {
  return m.query(`SELECT * FROM app_ctdc_export_classes($1)`, [agencyId]);
}
