import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Notification preferences (per user: language and, per kind, the channels chosen) and the
 * e-mail outbox: one row per message, sent by a job on the queue (`email.send`). An outbox row names the user, a template
 * and ids or codes only: the address is read at send time and the content is rendered then, as
 * the user, so the table holds neither personal data nor case data.
 */
export class NotificationPreferencesAndEmail1796800000000 implements MigrationInterface {
  name = 'NotificationPreferencesAndEmail1796800000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE notification_preference (
      user_id uuid NOT NULL,
      language character varying(2) NOT NULL,
      channels jsonb NOT NULL,
      updated_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      version integer NOT NULL DEFAULT 1,
      CONSTRAINT pk_notification_preference PRIMARY KEY (user_id),
      CONSTRAINT fk_notification_preference_user FOREIGN KEY (user_id) REFERENCES app_user(id) ON DELETE CASCADE,
      CONSTRAINT ck_notification_preference_language CHECK (language IN ('lo', 'en')))`);
    await queryRunner.query(`CREATE TABLE email_job (
      id uuid NOT NULL,
      user_id uuid NOT NULL,
      template character varying(40) NOT NULL,
      params jsonb NOT NULL DEFAULT '{}',
      dedupe_key character varying(120),
      status character varying(10) NOT NULL DEFAULT 'pending',
      attempts integer NOT NULL DEFAULT 0,
      last_error character varying(60),
      created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      finished_at TIMESTAMP WITH TIME ZONE,
      CONSTRAINT pk_email_job PRIMARY KEY (id),
      CONSTRAINT fk_email_job_user FOREIGN KEY (user_id) REFERENCES app_user(id) ON DELETE CASCADE,
      CONSTRAINT ck_email_job_status CHECK (status IN ('pending', 'sent', 'skipped', 'failed')))`);
    await queryRunner.query(`CREATE UNIQUE INDEX uq_email_job_dedupe ON email_job (dedupe_key)`);
    await queryRunner.query(`CREATE INDEX ix_email_job_user ON email_job (user_id, created_at)`);

    await queryRunner.query(`GRANT SELECT, INSERT, UPDATE ON notification_preference TO ctcm_app`);
    await queryRunner.query(`GRANT SELECT, INSERT, UPDATE ON email_job TO ctcm_app`);

    // A user's preferences are theirs alone.
    await queryRunner.query(`ALTER TABLE notification_preference ENABLE ROW LEVEL SECURITY`);
    await queryRunner.query(`CREATE POLICY notification_preference_owner ON notification_preference
      USING (user_id = app_current_user_id()) WITH CHECK (user_id = app_current_user_id())`);

    // The digest scheduler runs with no user context: it may learn who wants a digest (ids,
    // agency, roles, language), never anything else of the preferences.
    await queryRunner.query(`CREATE FUNCTION app_email_digest_recipients()
      RETURNS TABLE (user_id uuid, agency_id uuid, roles text[], language varchar)
      LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
        SELECT u.id, u.agency_id, u.roles::text[], p.language
          FROM notification_preference p JOIN app_user u ON u.id = p.user_id JOIN agency a ON a.id = u.agency_id
         WHERE u.active AND a.active
           AND EXISTS (SELECT 1 FROM jsonb_each(p.channels) c WHERE c.value ? 'email_digest')
    $$`);
    await queryRunner.query(`REVOKE ALL ON FUNCTION app_email_digest_recipients() FROM PUBLIC`);
    await queryRunner.query(`GRANT EXECUTE ON FUNCTION app_email_digest_recipients() TO ctcm_app`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP FUNCTION app_email_digest_recipients()`);
    await queryRunner.query(`DROP TABLE email_job`);
    await queryRunner.query(`DROP TABLE notification_preference`);
  }
}
