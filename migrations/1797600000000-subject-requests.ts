import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Data subject requests (docs/data-protection.md): access, restriction (and its lifting) and
 * erasure on request, each opened by a supervisor and decided by another supervisor of the same
 * agency; and the restrictions in force. Both tables hold ids and codes only (no personal
 * value) and are the requesting agency's own (row-level security). A restriction freezes the
 * record for every agency, so one SECURITY DEFINER function answers, across agencies and with
 * ids only, which of some cases and persons are restricted.
 */
export class SubjectRequests1797600000000 implements MigrationInterface {
  name = 'SubjectRequests1797600000000';

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE subject_request (
      id uuid NOT NULL,
      agency_id uuid NOT NULL,
      person_id uuid NOT NULL,
      case_id uuid,
      kind character varying(20) NOT NULL,
      reason character varying(40) NOT NULL,
      channel character varying(30) NOT NULL,
      status character varying(12) NOT NULL DEFAULT 'pending',
      requested_by uuid NOT NULL,
      requested_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      decided_by uuid,
      decided_at TIMESTAMP WITH TIME ZONE,
      refusal_reason character varying(40),
      records_erased integer,
      CONSTRAINT pk_subject_request PRIMARY KEY (id),
      CONSTRAINT ck_subject_request_kind CHECK (kind IN ('access', 'restriction', 'lift-restriction', 'erasure')),
      CONSTRAINT ck_subject_request_status CHECK (status IN ('pending', 'approved', 'refused')),
      CONSTRAINT ck_subject_request_decider CHECK (decided_by IS NULL OR decided_by <> requested_by),
      CONSTRAINT fk_subject_request_agency FOREIGN KEY (agency_id) REFERENCES agency(id) ON DELETE RESTRICT,
      CONSTRAINT fk_subject_request_person FOREIGN KEY (person_id) REFERENCES person(id) ON DELETE RESTRICT,
      CONSTRAINT fk_subject_request_case FOREIGN KEY (case_id) REFERENCES case_file(id) ON DELETE RESTRICT,
      CONSTRAINT fk_subject_request_requested_by FOREIGN KEY (requested_by) REFERENCES app_user(id) ON DELETE RESTRICT,
      CONSTRAINT fk_subject_request_decided_by FOREIGN KEY (decided_by) REFERENCES app_user(id) ON DELETE RESTRICT)`);
    await q.query(`CREATE INDEX ix_subject_request_agency ON subject_request (agency_id, requested_at DESC, id)`);
    await q.query(`GRANT SELECT, INSERT, UPDATE ON subject_request TO ctcm_app`);
    await q.query(`ALTER TABLE subject_request ENABLE ROW LEVEL SECURITY`);
    await q.query(`CREATE POLICY subject_request_agency ON subject_request
      USING (agency_id = app_current_agency_id()) WITH CHECK (agency_id = app_current_agency_id())`);

    // A restriction in force on a person (case_id NULL: every case of theirs) or on one case.
    await q.query(`CREATE TABLE record_restriction (
      id uuid NOT NULL,
      agency_id uuid NOT NULL,
      person_id uuid NOT NULL,
      case_id uuid,
      request_id uuid NOT NULL,
      placed_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      lift_request_id uuid,
      lifted_at TIMESTAMP WITH TIME ZONE,
      CONSTRAINT pk_record_restriction PRIMARY KEY (id),
      CONSTRAINT fk_record_restriction_agency FOREIGN KEY (agency_id) REFERENCES agency(id) ON DELETE RESTRICT,
      CONSTRAINT fk_record_restriction_person FOREIGN KEY (person_id) REFERENCES person(id) ON DELETE RESTRICT,
      CONSTRAINT fk_record_restriction_case FOREIGN KEY (case_id) REFERENCES case_file(id) ON DELETE RESTRICT,
      CONSTRAINT fk_record_restriction_request FOREIGN KEY (request_id) REFERENCES subject_request(id) ON DELETE RESTRICT,
      CONSTRAINT fk_record_restriction_lift FOREIGN KEY (lift_request_id) REFERENCES subject_request(id) ON DELETE RESTRICT)`);
    await q.query(
      `CREATE INDEX ix_record_restriction_person ON record_restriction (person_id) WHERE lifted_at IS NULL`,
    );
    await q.query(`CREATE INDEX ix_record_restriction_case ON record_restriction (case_id) WHERE lifted_at IS NULL`);
    await q.query(`GRANT SELECT, INSERT, UPDATE ON record_restriction TO ctcm_app`);
    await q.query(`ALTER TABLE record_restriction ENABLE ROW LEVEL SECURITY`);
    await q.query(`CREATE POLICY record_restriction_agency ON record_restriction
      USING (agency_id = app_current_agency_id()) WITH CHECK (agency_id = app_current_agency_id())`);

    // Which of the given cases and persons are restricted now, whichever agency restricted them
    // (ids only). A case is restricted by a restriction on it or on its person.
    await q.query(`CREATE FUNCTION app_restricted_records(p_case_ids uuid[], p_person_ids uuid[])
      RETURNS SETOF uuid
      LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
        SELECT c.id FROM case_file c
         WHERE c.id = ANY (p_case_ids)
           AND EXISTS (SELECT 1 FROM record_restriction r WHERE r.lifted_at IS NULL
                          AND (r.case_id = c.id OR (r.case_id IS NULL AND r.person_id = c.person_id)))
        UNION
        SELECT r.person_id FROM record_restriction r
         WHERE r.lifted_at IS NULL AND r.case_id IS NULL AND r.person_id = ANY (p_person_ids)
    $$`);
    await q.query(`REVOKE ALL ON FUNCTION app_restricted_records(uuid[], uuid[]) FROM PUBLIC`);
    await q.query(`GRANT EXECUTE ON FUNCTION app_restricted_records(uuid[], uuid[]) TO ctcm_app`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION app_restricted_records(uuid[], uuid[])`);
    await q.query(`DROP TABLE record_restriction`);
    await q.query(`DROP TABLE subject_request`);
  }
}
