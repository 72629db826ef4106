import type { EntityManager } from 'typeorm';
import { prepared, preparedRows, queryRows } from '../database/sql.js';

export interface ConnectionRow {
  id: string;
  agency_id: string;
  name: string;
  catalogue_version: number;
  status: 'active' | 'revoked';
  created_at: Date;
  secret_rotated_at: Date;
  revoked_at: Date | null;
  version: number;
}

export interface SubmissionRow {
  id: string;
  agency_id: string;
  connection_id: string;
  instance_key: string;
  catalogue_version: number | null;
  status: 'pending_review' | 'quarantined' | 'submitted';
  payload_enc: Buffer;
  draft_enc: Buffer | null;
  problems: { field: string; message: string }[];
  suggested_outcome: string | null;
  screening_id: string | null;
  corrections: number;
  received_at: Date;
  updated_at: Date;
  version: number;
  /** When retention (or an erasure on request) erased the payload and draft (null: still held). */
  retention_erased_at: Date | null;
}

const CONNECTION_COLUMNS = `id, agency_id, name, catalogue_version, status, created_at, secret_rotated_at, revoked_at, version`;

const OPEN_CONNECTION = prepared(
  `SELECT r.agency_id, r.secret_hash, r.active,
          CASE WHEN r.active AND r.secret_hash = $2::bytea
               THEN set_config('app.agency_id', r.agency_id::text, true) IS NOT NULL ELSE false END AS acting
     FROM intake_connection_for_receiver($1::uuid) r`,
);

/**
 * The connection a receiver request is addressed to, read before any agency context (SECURITY
 * DEFINER), and in the same round trip the row-level-security context of its agency, set only
 * when the presented secret's hash is the stored one and the connection is active (`acting`).
 * The service checks the secret again in constant time: this only saves a round trip. Prepared:
 * every submission runs it.
 */
export async function openConnectionForReceiver(
  m: EntityManager,
  id: string,
  presentedHash: Buffer,
): Promise<{ agency_id: string; secret_hash: Buffer; active: boolean; acting: boolean } | undefined> {
  return (
    await preparedRows<{ agency_id: string; secret_hash: Buffer; active: boolean; acting: boolean }>(
      m,
      OPEN_CONNECTION,
      [id, presentedHash],
    )
  )[0];
}

export async function insertConnection(
  m: EntityManager,
  c: { id: string; agencyId: string; name: string; catalogueVersion: number; secretHash: Buffer; createdBy: string },
): Promise<void> {
  await m.query(
    `INSERT INTO intake_connection (id, agency_id, name, catalogue_version, secret_hash, created_by) VALUES ($1, $2, $3, $4, $5, $6)`,
    [c.id, c.agencyId, c.name, c.catalogueVersion, c.secretHash, c.createdBy],
  );
}

/** The agency's connections (row-level security keeps them to the actor's agency). */
export function listConnections(m: EntityManager): Promise<ConnectionRow[]> {
  return queryRows(m, `SELECT ${CONNECTION_COLUMNS} FROM intake_connection ORDER BY created_at, id LIMIT 200`);
}

export async function findConnection(m: EntityManager, id: string): Promise<ConnectionRow | undefined> {
  return (
    await queryRows<ConnectionRow>(m, `SELECT ${CONNECTION_COLUMNS} FROM intake_connection WHERE id = $1`, [id])
  )[0];
}

export async function replaceConnectionSecret(m: EntityManager, id: string, secretHash: Buffer): Promise<void> {
  await m.query(
    `UPDATE intake_connection SET secret_hash = $2, secret_rotated_at = now(), version = version + 1 WHERE id = $1`,
    [id, secretHash],
  );
}

export async function revokeConnection(m: EntityManager, id: string): Promise<void> {
  await m.query(
    `UPDATE intake_connection SET status = 'revoked', revoked_at = now(), version = version + 1 WHERE id = $1 AND status = 'active'`,
    [id],
  );
}

const FIND_BY_INSTANCE = prepared(
  `SELECT id, status FROM intake_submission WHERE agency_id = $1::uuid AND instance_key = $2::text`,
);

/** The submission Kobo already sent under this instance id, if any (its retries carry the same one). */
export async function findSubmissionByInstance(
  m: EntityManager,
  agencyId: string,
  instanceKey: string,
): Promise<{ id: string; status: string } | undefined> {
  return (await preparedRows<{ id: string; status: string }>(m, FIND_BY_INSTANCE, [agencyId, instanceKey]))[0];
}

const INSERT_ONCE = prepared(
  `INSERT INTO intake_submission (id, agency_id, connection_id, instance_key, catalogue_version, status, payload_enc, draft_enc, problems, suggested_outcome)
   VALUES ($1::uuid, $2::uuid, $3::uuid, $4::text, $5::int, $6::text, $7::bytea, $8::bytea, $9::jsonb, $10::text)
   ON CONFLICT ON CONSTRAINT uq_intake_submission_instance DO NOTHING RETURNING id`,
);

/**
 * Stores a submission once: a retry of a stored instance (or a concurrent one) inserts nothing
 * and gets no id back. This is the receiver's duplicate check: one statement for a new
 * submission, prepared.
 */
export async function insertSubmissionOnce(
  m: EntityManager,
  s: {
    id: string;
    agencyId: string;
    connectionId: string;
    instanceKey: string;
    catalogueVersion: number | null;
    status: string;
    payloadEnc: Buffer;
    draftEnc: Buffer | null;
    problems: { field: string; message: string }[];
    suggestedOutcome: string | null;
  },
): Promise<boolean> {
  const rows = await preparedRows(m, INSERT_ONCE, [
    s.id,
    s.agencyId,
    s.connectionId,
    s.instanceKey,
    s.catalogueVersion,
    s.status,
    s.payloadEnc,
    s.draftEnc,
    JSON.stringify(s.problems),
    s.suggestedOutcome,
  ]);
  return rows.length === 1;
}

export async function findSubmission(m: EntityManager, id: string): Promise<SubmissionRow | undefined> {
  return (await queryRows<SubmissionRow>(m, `SELECT * FROM intake_submission WHERE id = $1`, [id]))[0];
}

/** One agency's submissions in a state, oldest first after a cursor (row-level security keeps them to the agency). */
export function listSubmissions(
  m: EntityManager,
  status: string,
  after: string | null,
  limit: number,
): Promise<SubmissionRow[]> {
  return queryRows(
    m,
    `SELECT id, agency_id, connection_id, instance_key, catalogue_version, status, problems, suggested_outcome, screening_id,
            corrections, received_at, updated_at, version, retention_erased_at
       FROM intake_submission WHERE status = $1 AND retention_erased_at IS NULL AND ($2::uuid IS NULL OR id > $2::uuid)
      ORDER BY id LIMIT $3`,
    [status, after, limit],
  );
}

/** A new reading of the submission (a correction or a reprocessing): draft, state, reasons and suggestion. */
export async function updateSubmissionReading(
  m: EntityManager,
  id: string,
  s: {
    status: string;
    catalogueVersion: number | null;
    draftEnc: Buffer | null;
    problems: { field: string; message: string }[];
    suggestedOutcome: string | null;
    corrected: boolean;
  },
): Promise<void> {
  await m.query(
    `UPDATE intake_submission SET status = $2, catalogue_version = $3, draft_enc = $4, problems = $5::jsonb, suggested_outcome = $6,
            corrections = corrections + CASE WHEN $7 THEN 1 ELSE 0 END, updated_at = now(), version = version + 1
      WHERE id = $1`,
    [id, s.status, s.catalogueVersion, s.draftEnc, JSON.stringify(s.problems), s.suggestedOutcome, s.corrected],
  );
}

/** Submitted on the normal screening path: the draft now is that screening. */
export async function markSubmissionSubmitted(
  m: EntityManager,
  id: string,
  screeningId: string,
  userId: string,
): Promise<boolean> {
  const rows = await queryRows(
    m,
    `UPDATE intake_submission SET status = 'submitted', screening_id = $2, submitted_by = $3, updated_at = now(), version = version + 1
      WHERE id = $1 AND status = 'pending_review' RETURNING id`,
    [id, screeningId, userId],
  );
  return rows.length === 1;
}

// --- data protection (docs/data-protection.md) ------------------------------------------------
// The agency's own submissions only (row-level security on agency_id, and the retention run sets
// each agency's context in turn).

/** The agency's submissions submitted as a screening of the person (the only stored link to a person). */
export function findSubmissionsOfPerson(m: EntityManager, personId: string): Promise<SubmissionRow[]> {
  return queryRows(
    m,
    `SELECT i.* FROM intake_submission i JOIN screening s ON s.id = i.screening_id
      WHERE s.person_id = $1 ORDER BY i.id LIMIT 200`,
    [personId],
  );
}

/** The agency's drafts not submitted (in review or quarantine) and not erased, to attribute by name; at most `limit`. */
export function findOpenDrafts(m: EntityManager, limit: number): Promise<SubmissionRow[]> {
  return queryRows(
    m,
    `SELECT * FROM intake_submission WHERE status <> 'submitted' AND retention_erased_at IS NULL ORDER BY id LIMIT $1`,
    [limit],
  );
}

/** A submission holding personal values (payload, draft), with the person of its screening if submitted. */
export interface HeldSubmissionRow {
  id: string;
  person_id: string | null;
  fields: string[];
}

/**
 * The context agency's submissions not erased yet: received before $1 (drafts in review or
 * quarantine, and submitted ones, whose screening holds what was kept), or (with a person id in
 * $2 instead) those submitted as a screening of that person.
 */
export function findHeldSubmissions(
  m: EntityManager,
  scope: { before: Date } | { personId: string },
): Promise<HeldSubmissionRow[]> {
  const [before, personId] = 'before' in scope ? [scope.before, null] : [null, scope.personId];
  return queryRows(
    m,
    `SELECT i.id, s.person_id,
            ARRAY['payload'] || array_remove(ARRAY[CASE WHEN i.draft_enc IS NOT NULL THEN 'draft' END], NULL) AS fields
       FROM intake_submission i LEFT JOIN screening s ON s.id = i.screening_id
      WHERE i.agency_id = app_current_agency_id() AND i.retention_erased_at IS NULL
        AND ($1::timestamptz IS NULL OR i.received_at <= $1) AND ($2::uuid IS NULL OR s.person_id = $2)`,
    [before, personId],
  );
}

/** Replaces payloads with the markers given (encrypted, bound to each row), clears drafts, marks them erased. */
export async function eraseSubmissions(m: EntityManager, ids: string[], payloadMarkers: Buffer[]): Promise<void> {
  if (!ids.length) return;
  await m.query(
    `UPDATE intake_submission SET payload_enc = v.enc, draft_enc = NULL, retention_erased_at = now(), version = version + 1
       FROM unnest($1::uuid[], $2::bytea[]) AS v(id, enc) WHERE intake_submission.id = v.id`,
    [ids, payloadMarkers],
  );
}
