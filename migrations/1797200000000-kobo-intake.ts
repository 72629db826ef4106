import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Field intake from KoboToolbox: an agency's intake connections (a named credential for one
 * form; only a hash of the secret is kept) and the submissions received through them (the raw
 * submission and the draft read from it encrypted in the application; the reasons of a
 * quarantine name fields, never values). Both are the agency's own (row-level security).
 * Kobo retries a submission with the same instance id: the unique constraint makes retries,
 * concurrent or not, store it once.
 */
export class KoboIntake1797200000000 implements MigrationInterface {
  name = 'KoboIntake1797200000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE intake_connection (
      id uuid NOT NULL,
      agency_id uuid NOT NULL,
      name varchar(120) NOT NULL,
      catalogue_version integer NOT NULL,
      secret_hash bytea NOT NULL,
      status varchar(10) NOT NULL DEFAULT 'active',
      created_by uuid NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      secret_rotated_at timestamptz NOT NULL DEFAULT now(),
      revoked_at timestamptz,
      version integer NOT NULL DEFAULT 1,
      CONSTRAINT pk_intake_connection PRIMARY KEY (id),
      CONSTRAINT ck_intake_connection_status CHECK (status IN ('active', 'revoked')),
      CONSTRAINT fk_intake_connection_agency FOREIGN KEY (agency_id) REFERENCES agency(id)
    )`);
    await q.query(`CREATE INDEX ix_intake_connection_agency ON intake_connection (agency_id, id)`);
    await q.query(`CREATE TABLE intake_submission (
      id uuid NOT NULL,
      agency_id uuid NOT NULL,
      connection_id uuid NOT NULL,
      instance_key varchar(100) NOT NULL,
      catalogue_version integer,
      status varchar(16) NOT NULL,
      payload_enc bytea NOT NULL,
      draft_enc bytea,
      problems jsonb NOT NULL DEFAULT '[]',
      suggested_outcome varchar(30),
      screening_id uuid,
      corrections integer NOT NULL DEFAULT 0,
      received_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      submitted_by uuid,
      version integer NOT NULL DEFAULT 1,
      CONSTRAINT pk_intake_submission PRIMARY KEY (id),
      CONSTRAINT uq_intake_submission_instance UNIQUE (agency_id, instance_key),
      CONSTRAINT ck_intake_submission_status CHECK (status IN ('pending_review', 'quarantined', 'submitted')),
      CONSTRAINT fk_intake_submission_connection FOREIGN KEY (connection_id) REFERENCES intake_connection(id),
      CONSTRAINT fk_intake_submission_screening FOREIGN KEY (screening_id) REFERENCES screening(id)
    )`);
    await q.query(`CREATE INDEX ix_intake_submission_queue ON intake_submission (agency_id, status, id)`);
    for (const table of ['intake_connection', 'intake_submission']) {
      await q.query(`ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`);
      await q.query(
        `CREATE POLICY ${table}_agency ON ${table} USING (agency_id = app_current_agency_id()) WITH CHECK (agency_id = app_current_agency_id())`,
      );
      await q.query(`GRANT SELECT, INSERT, UPDATE ON ${table} TO ctcm_app`);
    }
    // The receiver has no signed-in user: it reads the one connection it is addressed to,
    // before any agency context exists, to check the secret against its hash.
    await q.query(`CREATE FUNCTION intake_connection_for_receiver(p_id uuid)
      RETURNS TABLE (agency_id uuid, secret_hash bytea, active boolean, catalogue_version integer)
      LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
      SELECT c.agency_id, c.secret_hash, c.status = 'active', c.catalogue_version FROM intake_connection c WHERE c.id = p_id $$`);
    await q.query(`REVOKE ALL ON FUNCTION intake_connection_for_receiver(uuid) FROM PUBLIC`);
    await q.query(`GRANT EXECUTE ON FUNCTION intake_connection_for_receiver(uuid) TO ctcm_app`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION intake_connection_for_receiver(uuid)`);
    await q.query(`DROP TABLE intake_submission`);
    await q.query(`DROP TABLE intake_connection`);
  }
}
