import type { DataSource, EntityManager } from 'typeorm';

export interface MonthlyCountRow {
  /** First day of the month. */
  period: string;
  value: string | null;
  n: number;
}

/**
 * Monthly counts of a whitelisted measure by a whitelisted dimension, for one agency or (NULL)
 * all of them: app_statistic_counts() is SECURITY DEFINER, checks that scope against the
 * caller's context itself, and returns counts only.
 */
export function countStatisticByMonth(
  m: EntityManager,
  q: {
    measure: string;
    dimension: string;
    agencyId: string | null;
    from: string;
    to: string;
    timeZone: string;
    today: string;
  },
): Promise<MonthlyCountRow[]> {
  return m.query(
    `SELECT to_char(period, 'YYYY-MM-DD') AS period, value, n FROM app_statistic_counts($1, $2, $3, $4::date, $5::date, $6, $7::date)`,
    [q.measure, q.dimension, q.agencyId, q.from, q.to, q.timeZone, q.today],
  );
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
  year_of_registration: string;
  gender: string;
  age_broad: string;
  majority_status: string;
  citizenship: string;
  country_of_exploitation: string;
  is_forced_labour: string;
  is_sexual_exploit: string;
  is_other_exploit: string;
  moc_debt_bondage: string;
  moc_threats: string;
  moc_physical_abuse: string;
  moc_false_promises: string;
  moc_restricts_movement: string;
  moc_withholds_documents: string;
  n: number;
}

/**
 * The CTDC export's distinct rows and how many consenting cases each stands for
 * (app_ctdc_export_classes() is SECURITY DEFINER, checks the scope, and returns no id).
 */
export function findCtdcExportClasses(m: EntityManager, agencyId: string | null): Promise<CtdcClassRow[]> {
  return m.query(`SELECT * FROM app_ctdc_export_classes($1)`, [agencyId]);
}
