import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * In-app notifications: one row per user told of a domain event (ids, case number and codes
 * only, never personal data). A user sees and marks only their own; rows are written by the
 * events consumer through app_insert_notifications(), and by nothing else.
 */
export class InAppNotifications1796800000001 implements MigrationInterface {
  name = 'InAppNotifications1796800000001';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE notification (
      id uuid NOT NULL,
      user_id uuid NOT NULL,
      agency_id uuid NOT NULL,
      event_id uuid NOT NULL,
      event_type character varying(40) NOT NULL,
      kind character varying(40) NOT NULL,
      case_id uuid,
      case_number character varying(20),
      subject_type character varying(40) NOT NULL,
      subject_id uuid NOT NULL,
      params jsonb NOT NULL DEFAULT '{}',
      created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      read_at TIMESTAMP WITH TIME ZONE,
      CONSTRAINT pk_notification PRIMARY KEY (id),
      CONSTRAINT uq_notification_user_event UNIQUE (user_id, event_id),
      CONSTRAINT fk_notification_user FOREIGN KEY (user_id) REFERENCES app_user(id) ON DELETE CASCADE)`);
    await queryRunner.query(`CREATE INDEX ix_notification_user ON notification (user_id, id)`);
    await queryRunner.query(`CREATE INDEX ix_notification_unread ON notification (user_id, id) WHERE read_at IS NULL`);
    await queryRunner.query(`GRANT SELECT, UPDATE ON notification TO ctcm_app`);

    await queryRunner.query(`ALTER TABLE notification ENABLE ROW LEVEL SECURITY`);
    await queryRunner.query(`CREATE POLICY notification_owner_read ON notification FOR SELECT
      USING (user_id = app_current_user_id())`);
    await queryRunner.query(`CREATE POLICY notification_owner_mark ON notification FOR UPDATE
      USING (user_id = app_current_user_id()) WITH CHECK (user_id = app_current_user_id())`);
    // No INSERT policy: the application role states notifications only through
    // app_insert_notifications() (the events consumer), whatever user context its transaction has.
    await queryRunner.query(`CREATE FUNCTION app_insert_notifications(p_rows jsonb) RETURNS integer
      LANGUAGE sql VOLATILE SECURITY DEFINER SET search_path = public, pg_temp AS $$
        WITH inserted AS (
          INSERT INTO notification (id, user_id, agency_id, event_id, event_type, kind, case_id, case_number,
                                    subject_type, subject_id, params)
          SELECT r.id, r.user_id, r.agency_id, r.event_id, r.event_type, r.kind, r.case_id, r.case_number,
                 r.subject_type, r.subject_id, coalesce(r.params, '{}')
            FROM jsonb_to_recordset(p_rows) AS r(id uuid, user_id uuid, agency_id uuid, event_id uuid, event_type text,
                 kind text, case_id uuid, case_number text, subject_type text, subject_id uuid, params jsonb)
          ON CONFLICT (user_id, event_id) DO NOTHING RETURNING 1)
        SELECT count(*)::int FROM inserted
    $$`);
    await queryRunner.query(`REVOKE ALL ON FUNCTION app_insert_notifications(jsonb) FROM PUBLIC`);
    await queryRunner.query(`GRANT EXECUTE ON FUNCTION app_insert_notifications(jsonb) TO ctcm_app`);

    // Who an event concerns: active users of active agencies with one of the roles, in the given
    // agencies (and the case's lead agency when asked). In the lead agency, staff without an
    // agency-wide role hear only of the cases they work (as they see only those). With each,
    // their language and channels for the kind (NULL: not chosen, the defaults apply).
    await queryRunner.query(`CREATE FUNCTION app_notification_recipients(
        p_kind text, p_roles text[], p_agency_ids uuid[], p_case_id uuid, p_include_lead boolean, p_exclude_user uuid)
      RETURNS TABLE (user_id uuid, agency_id uuid, language varchar, channels jsonb)
      LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
        SELECT u.id, u.agency_id, p.language, p.channels -> p_kind
          FROM app_user u
          JOIN agency a ON a.id = u.agency_id
          LEFT JOIN notification_preference p ON p.user_id = u.id
          LEFT JOIN case_file c ON c.id = p_case_id
         WHERE u.active AND a.active AND u.roles && p_roles
           AND (u.agency_id = ANY (p_agency_ids) OR (p_include_lead AND u.agency_id = c.lead_agency_id))
           AND (p_exclude_user IS NULL OR u.id <> p_exclude_user)
           AND (c.id IS NULL OR u.agency_id <> c.lead_agency_id
                OR u.roles && ARRAY['case_supervisor', 'identification_officer']
                OR u.id IN (c.assigned_caseworker_id, c.supervisor_id, c.created_by))
    $$`);
    await queryRunner.query(
      `REVOKE ALL ON FUNCTION app_notification_recipients(text, text[], uuid[], uuid, boolean, uuid) FROM PUBLIC`,
    );
    await queryRunner.query(
      `GRANT EXECUTE ON FUNCTION app_notification_recipients(text, text[], uuid[], uuid, boolean, uuid) TO ctcm_app`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP FUNCTION app_insert_notifications(jsonb)`);
    await queryRunner.query(`DROP FUNCTION app_notification_recipients(text, text[], uuid[], uuid, boolean, uuid)`);
    await queryRunner.query(`DROP TABLE notification`);
  }
}
