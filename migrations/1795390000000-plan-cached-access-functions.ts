import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The SECURITY DEFINER helpers that row-level-security policies and hot reads call were
 * SQL-language functions: PostgreSQL cannot inline a SECURITY DEFINER function, so it parsed
 * and planned their body again in every statement that called them (a case read spent more
 * time planning app_case_needs_risks than running it). As PL/pgSQL they keep their plans for
 * the connection. Same bodies, same privileges (CREATE OR REPLACE keeps owner and grants).
 */
const PLPGSQL = {
  app_case_lead_agency: `CREATE OR REPLACE FUNCTION app_case_lead_agency(p_case_id uuid) RETURNS uuid LANGUAGE plpgsql STABLE
      SECURITY DEFINER SET search_path = public, pg_temp AS $$
      BEGIN
        RETURN (SELECT c.lead_agency_id FROM case_file c WHERE c.id = p_case_id);
      END $$`,
  app_person_screened_by: `CREATE OR REPLACE FUNCTION app_person_screened_by(p_person_id uuid, p_agency_id uuid) RETURNS boolean LANGUAGE plpgsql STABLE
      SECURITY DEFINER SET search_path = public, pg_temp AS $$
      BEGIN
        RETURN EXISTS (SELECT 1 FROM screening s WHERE s.person_id = p_person_id
                        AND (s.agency_id = p_agency_id OR s.submitted_to_agency_id = p_agency_id));
      END $$`,
  app_case_needs_risks: `CREATE OR REPLACE FUNCTION app_case_needs_risks(p_case_id uuid) RETURNS TABLE (needs text[], risks text[]) LANGUAGE plpgsql STABLE
      SECURITY DEFINER SET search_path = public, pg_temp AS $$
      #variable_conflict use_column
      BEGIN
        RETURN QUERY SELECT
          ARRAY(SELECT DISTINCT x FROM (SELECT unnest(s.immediate_needs) x FROM screening s WHERE s.case_id = p_case_id
                                        UNION ALL SELECT unnest(a.needs) FROM case_assessment a WHERE a.case_id = p_case_id) n ORDER BY x),
          ARRAY(SELECT DISTINCT x FROM (SELECT unnest(s.risks) x FROM screening s WHERE s.case_id = p_case_id
                                        UNION ALL SELECT unnest(a.risks) FROM case_assessment a WHERE a.case_id = p_case_id) r ORDER BY x)
        WHERE EXISTS (
          SELECT 1 FROM case_file c WHERE c.id = p_case_id AND (
            c.lead_agency_id = app_current_agency_id()
            OR EXISTS (SELECT 1 FROM case_access_grant g WHERE g.case_id = c.id AND g.grantee_agency_id = app_current_agency_id()
                         AND g.revoked_at IS NULL AND (g.expires_at IS NULL OR g.expires_at > now()))));
      END $$`,
  app_case_numbers: `CREATE OR REPLACE FUNCTION app_case_numbers(p_ids uuid[]) RETURNS TABLE (id uuid, case_number text) LANGUAGE plpgsql STABLE
      SECURITY DEFINER SET search_path = public, pg_temp AS $$
      #variable_conflict use_column
      BEGIN
        RETURN QUERY SELECT c.id, c.case_number::text FROM case_file c
         WHERE c.id = ANY(p_ids) AND (c.lead_agency_id = app_current_agency_id()
           OR EXISTS (SELECT 1 FROM referral r WHERE r.case_id = c.id AND (r.to_agency_id = app_current_agency_id() OR r.from_agency_id = app_current_agency_id())));
      END $$`,
};

const SQL = {
  app_case_lead_agency: `CREATE OR REPLACE FUNCTION app_case_lead_agency(p_case_id uuid) RETURNS uuid LANGUAGE sql STABLE
      SECURITY DEFINER SET search_path = public, pg_temp
      AS $$ SELECT lead_agency_id FROM case_file WHERE id = p_case_id $$`,
  app_person_screened_by: `CREATE OR REPLACE FUNCTION app_person_screened_by(p_person_id uuid, p_agency_id uuid) RETURNS boolean LANGUAGE sql STABLE
      SECURITY DEFINER SET search_path = public, pg_temp
      AS $$ SELECT EXISTS (SELECT 1 FROM screening s WHERE s.person_id = p_person_id
                            AND (s.agency_id = p_agency_id OR s.submitted_to_agency_id = p_agency_id)) $$`,
  app_case_needs_risks: `CREATE OR REPLACE FUNCTION app_case_needs_risks(p_case_id uuid) RETURNS TABLE (needs text[], risks text[]) LANGUAGE sql STABLE
      SECURITY DEFINER SET search_path = public, pg_temp AS $$
      SELECT
        ARRAY(SELECT DISTINCT x FROM (SELECT unnest(s.immediate_needs) x FROM screening s WHERE s.case_id = p_case_id
                                      UNION ALL SELECT unnest(a.needs) FROM case_assessment a WHERE a.case_id = p_case_id) n ORDER BY x),
        ARRAY(SELECT DISTINCT x FROM (SELECT unnest(s.risks) x FROM screening s WHERE s.case_id = p_case_id
                                      UNION ALL SELECT unnest(a.risks) FROM case_assessment a WHERE a.case_id = p_case_id) r ORDER BY x)
      WHERE EXISTS (
        SELECT 1 FROM case_file c WHERE c.id = p_case_id AND (
          c.lead_agency_id = app_current_agency_id()
          OR EXISTS (SELECT 1 FROM case_access_grant g WHERE g.case_id = c.id AND g.grantee_agency_id = app_current_agency_id()
                       AND g.revoked_at IS NULL AND (g.expires_at IS NULL OR g.expires_at > now()))))
      $$`,
  app_case_numbers: `CREATE OR REPLACE FUNCTION app_case_numbers(p_ids uuid[]) RETURNS TABLE (id uuid, case_number text) LANGUAGE sql STABLE
      SECURITY DEFINER SET search_path = public, pg_temp AS $$
      SELECT c.id, c.case_number::text FROM case_file c
       WHERE c.id = ANY(p_ids) AND (c.lead_agency_id = app_current_agency_id()
         OR EXISTS (SELECT 1 FROM referral r WHERE r.case_id = c.id AND (r.to_agency_id = app_current_agency_id() OR r.from_agency_id = app_current_agency_id()))) $$`,
};

export class PlanCachedAccessFunctions1795390000000 implements MigrationInterface {
  name = 'PlanCachedAccessFunctions1795390000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    for (const sql of Object.values(PLPGSQL)) await queryRunner.query(sql);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const sql of Object.values(SQL)) await queryRunner.query(sql);
  }
}
