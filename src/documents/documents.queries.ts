import type pg from 'pg';
import type { EntityManager } from 'typeorm';
import { byteaArraySend } from '../database/bytea-array.js';
import { copyOut } from '../database/copy-out.js';
import { prepared, preparedRows, queryRows } from '../database/sql.js';

/*
 * Documents' statements, in the request's transaction (row-level security applies: the policies
 * of document, document_version, document_chunk and document_referral_share in migration
 * 1797000000000 are the second wall behind the service's record access rules).
 */

export interface DocumentRow {
  id: string;
  agency_id: string;
  record_type: string;
  record_id: string;
  case_id: string | null;
  person_id: string | null;
  screening_id: string | null;
  consent_id: string | null;
  document_type: string;
  description_enc: Buffer | null;
  current_version: number;
  status: string;
  created_by: string;
  created_at: Date;
  updated_by: string;
  updated_at: Date;
  removed_by: string | null;
  removed_at: Date | null;
  /** When retention erased its files, names and description (null: still held). */
  retention_erased_at: Date | null;
}

export interface VersionRow {
  id: string;
  document_id: string;
  version_no: number;
  content_type: string;
  size_bytes: string;
  chunk_size: number;
  chunk_count: number;
  name_enc: Buffer;
  data_key_enc: Buffer;
  metadata_removed: boolean;
  created_by: string;
  created_at: Date;
}

/** A document with its current version, as lists show it. */
export type ListedDocumentRow = DocumentRow & {
  version_id: string;
  content_type: string;
  size_bytes: string;
  name_enc: Buffer;
  metadata_removed: boolean;
};

/** Where a record attached to a case sits: its case (null when it has none) and, for screenings, the screening. */
export interface RecordPlace {
  case_id: string | null;
  screening_id: string | null;
}

const PARTY_COLUMN = { case_consent: 'NULL::uuid', referral: 'to_agency_id', placement: 'agency_id' } as const;

/**
 * The case of a consent version, a referral or a placement (RLS: only rows the actor may see), and
 * the agency that works it besides the lead (a referral's receiver, a placement's facility agency).
 */
export async function findCaseOfRecord(
  m: EntityManager,
  table: keyof typeof PARTY_COLUMN,
  id: string,
): Promise<{ case_id: string; party_agency_id: string | null } | undefined> {
  const [row] = await queryRows<{ case_id: string; party_agency_id: string | null }>(
    m,
    `SELECT case_id, ${PARTY_COLUMN[table]} AS party_agency_id FROM ${table} WHERE id = $1`,
    [id],
  );
  return row;
}

/** The case of a screening (null before it is linked); undefined when the screening is not visible. */
export async function findScreeningPlace(m: EntityManager, screeningId: string): Promise<RecordPlace | undefined> {
  const [row] = await queryRows<RecordPlace>(m, 'SELECT case_id, id AS screening_id FROM screening WHERE id = $1', [
    screeningId,
  ]);
  return row;
}

/** The screening of an identification decision, and its case. */
export async function findDecisionPlace(m: EntityManager, decisionId: string): Promise<RecordPlace | undefined> {
  const [row] = await queryRows<RecordPlace>(
    m,
    `SELECT s.case_id, s.id AS screening_id FROM identification_decision d JOIN screening s ON s.id = d.screening_id
      WHERE d.id = $1`,
    [decisionId],
  );
  return row;
}

/** Whether a return notice exists for the actor's agency (RLS: the receiving agency's only). */
export async function findReturnNoticeOfAgency(m: EntityManager, id: string, agencyId: string): Promise<boolean> {
  const rows = await queryRows<{ id: string }>(
    m,
    'SELECT id FROM return_notice WHERE id = $1 AND receiving_agency_id = $2',
    [id, agencyId],
  );
  return rows.length > 0;
}

/** Active documents on one record: the per-record limit counts these. */
export async function countActiveDocuments(m: EntityManager, recordType: string, recordId: string): Promise<number> {
  const [row] = await queryRows<{ n: number }>(
    m,
    `SELECT count(*)::int AS n FROM document WHERE record_type = $1 AND record_id = $2 AND status = 'active'`,
    [recordType, recordId],
  );
  return row?.n ?? 0;
}

export async function insertDocument(
  m: EntityManager,
  d: Omit<
    DocumentRow,
    'created_at' | 'updated_at' | 'status' | 'removed_by' | 'removed_at' | 'updated_by' | 'retention_erased_at'
  >,
): Promise<void> {
  await m.query(
    `INSERT INTO document (id, agency_id, record_type, record_id, case_id, person_id, screening_id, consent_id,
       document_type, description_enc, current_version, created_by, updated_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)`,
    [
      d.id,
      d.agency_id,
      d.record_type,
      d.record_id,
      d.case_id,
      d.person_id,
      d.screening_id,
      d.consent_id,
      d.document_type,
      d.description_enc,
      d.current_version,
      d.created_by,
    ],
  );
}

export async function insertVersion(m: EntityManager, v: Omit<VersionRow, 'created_at'>): Promise<void> {
  await m.query(
    `INSERT INTO document_version (id, document_id, version_no, content_type, size_bytes, chunk_size, chunk_count,
       name_enc, data_key_enc, metadata_removed, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
    [
      v.id,
      v.document_id,
      v.version_no,
      v.content_type,
      v.size_bytes,
      v.chunk_size,
      v.chunk_count,
      v.name_enc,
      v.data_key_enc,
      v.metadata_removed,
      v.created_by,
    ],
  );
}

/**
 * Sealed chunks stored by one statement at most: 1 MiB a statement. COPY FROM STDIN, the
 * streaming way in, is refused on a table with row-level security ("COPY FROM not supported
 * with row-level security", 0A000), and document_chunk keeps its policy: chunks go in as
 * INSERTs, each batch one `bytea[]` parameter in binary format (bytea-array.ts), so one prepared
 * statement serves every batch size and the policy checks every row.
 */
export const CHUNKS_PER_STATEMENT = 4;

const INSERT_CHUNKS = prepared(
  `INSERT INTO document_chunk (version_id, idx, ciphertext)
   SELECT $1, $2::int + (c.ord::int - 1), c.ciphertext FROM unnest($3::bytea[]) WITH ORDINALITY AS c(ciphertext, ord)`,
);

/** Stores up to CHUNKS_PER_STATEMENT consecutive sealed chunks of a version's content, from `firstIndex`. */
export async function insertChunks(
  m: EntityManager,
  versionId: string,
  firstIndex: number,
  sealed: Buffer[],
): Promise<void> {
  if (sealed.length < 1 || sealed.length > CHUNKS_PER_STATEMENT) throw new Error('insertChunks: batch size');
  await preparedRows(m, INSERT_CHUNKS, [versionId, firstIndex, byteaArraySend(sealed)]);
}

/** The connection of the request's transaction (chunks are only ever read and written in one). */
export async function transactionConnection(m: EntityManager): Promise<pg.PoolClient> {
  if (!m.queryRunner?.isTransactionActive) throw new Error('document content needs the request transaction');
  return (await m.queryRunner.connect()) as pg.PoolClient;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const COPY_SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');

/**
 * Every sealed chunk of a version, in order, through one `COPY (SELECT …) TO STDOUT (FORMAT
 * binary)` (row-level security applies to the SELECT as to any read): the chunks' bytes as
 * stored, no hex or base64 text, one statement for the whole file. `onChunk` gets a view valid
 * only during the call; when it returns a promise, no further chunk is read until it settles
 * (copy-out.ts), so a slow client holds PostgreSQL back instead of filling memory. COPY takes
 * no parameters: the version id, a uuid read from the database, is checked before it is
 * written into the text.
 */
export async function copyChunks(
  m: EntityManager,
  versionId: string,
  onChunk: (index: number, sealed: Buffer) => void | Promise<void>,
): Promise<number> {
  if (!UUID.test(versionId)) throw new Error('copyChunks: not a uuid');
  const client = await transactionConnection(m);
  let started = false;
  let ended = false;
  return copyOut(
    client,
    `COPY (SELECT idx, ciphertext FROM document_chunk WHERE version_id = '${versionId}' ORDER BY idx) TO STDOUT (FORMAT binary)`,
    (data) => {
      let at = 0;
      if (!started) {
        if (data.length < 19 || !data.subarray(0, 11).equals(COPY_SIGNATURE)) throw new Error('not a binary COPY');
        at = 19 + data.readInt32BE(15);
        started = true;
      }
      let pending: void | Promise<void> = undefined;
      while (at < data.length) {
        if (ended) throw new Error('data after the end of a chunk COPY');
        const fields = data.readInt16BE(at);
        at += 2;
        if (fields === -1) {
          ended = true;
          continue;
        }
        if (fields !== 2 || data.readInt32BE(at) !== 4 || pending) throw new Error('unexpected row in a chunk COPY');
        const index = data.readInt32BE(at + 4);
        const length = data.readInt32BE(at + 8);
        at += 12;
        if (length < 0 || at + length > data.length) throw new Error('a chunk spans COPY messages');
        pending = onChunk(index, data.subarray(at, at + length));
        at += length;
      }
      return pending;
    },
  );
}

/** One document (locked for update when `forUpdate`, so concurrent replacements take turns). */
export async function findDocument(m: EntityManager, id: string, forUpdate = false): Promise<DocumentRow | undefined> {
  const [row] = await queryRows<DocumentRow>(
    m,
    `SELECT * FROM document WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`,
    [id],
  );
  return row;
}

/** Every version of a document, newest first. */
export function listVersions(m: EntityManager, documentId: string): Promise<VersionRow[]> {
  return queryRows<VersionRow>(m, 'SELECT * FROM document_version WHERE document_id = $1 ORDER BY version_no DESC', [
    documentId,
  ]);
}

/** One version of a document by number. */
export async function findVersion(
  m: EntityManager,
  documentId: string,
  versionNo: number,
): Promise<VersionRow | undefined> {
  const [row] = await queryRows<VersionRow>(
    m,
    'SELECT * FROM document_version WHERE document_id = $1 AND version_no = $2',
    [documentId, versionNo],
  );
  return row;
}

/** Records a version's size, and whether its metadata was removed, once its content has streamed in. */
export async function setVersionSize(
  m: EntityManager,
  versionId: string,
  sizeBytes: number,
  chunkCount: number,
  metadataRemoved: boolean,
) {
  await m.query('UPDATE document_version SET size_bytes = $2, chunk_count = $3, metadata_removed = $4 WHERE id = $1', [
    versionId,
    sizeBytes,
    chunkCount,
    metadataRemoved,
  ]);
}

/** Replaces a document's description. */
export async function setDescription(m: EntityManager, id: string, descriptionEnc: Buffer | null) {
  await m.query('UPDATE document SET description_enc = $2 WHERE id = $1', [id, descriptionEnc]);
}

/** Makes a new version the current one. */
export async function setCurrentVersion(m: EntityManager, id: string, versionNo: number, userId: string) {
  await m.query('UPDATE document SET current_version = $2, updated_by = $3, updated_at = now() WHERE id = $1', [
    id,
    versionNo,
    userId,
  ]);
}

/** Removes a document from use (content stays until the retention rules erase it). */
export async function markRemoved(m: EntityManager, id: string, userId: string, reasonEnc: Buffer): Promise<void> {
  await m.query(
    `UPDATE document SET status = 'removed', removed_by = $2, removed_at = now(), removal_reason_enc = $3,
       updated_by = $2, updated_at = now() WHERE id = $1`,
    [id, userId, reasonEnc],
  );
}

/**
 * The condition under which an agency that sees a case only through a referral sees one of its
 * documents: it added the document itself, or the referring agency marked the document for an
 * open referral to it, the person's active consent covers sharing with it, and the consent
 * version the document is attached to (if any) was not withdrawn.
 */
const SHARED_WITH = (agencyParam: string) => `(d.agency_id = ${agencyParam} OR EXISTS (
    SELECT 1 FROM document_referral_share x JOIN referral r ON r.id = x.referral_id
     WHERE x.document_id = d.id AND r.to_agency_id = ${agencyParam} AND r.status IN ('pending', 'accepted')
       AND (d.consent_id IS NULL OR EXISTS (SELECT 1 FROM case_consent k WHERE k.id = d.consent_id AND k.status <> 'withdrawn'))
       AND EXISTS (SELECT 1 FROM case_consent k WHERE k.case_id = r.case_id AND k.status = 'active'
                    AND 'sharing_for_referral' = ANY (k.purposes) AND r.to_agency_id = ANY (k.covered_agency_ids))))`;

/** Whether a document is shared with (or was added by) an agency that sees its case through a referral. */
export async function isVisibleToReferralReceiver(m: EntityManager, id: string, agencyId: string): Promise<boolean> {
  const rows = await queryRows<{ id: string }>(
    m,
    `SELECT d.id FROM document d WHERE d.id = $1 AND ${SHARED_WITH('$2')}`,
    [id, agencyId],
  );
  return rows.length > 0;
}

/**
 * A page of active documents, newest first, on a case (every record of it) or on one record.
 * `limitedTo` (an agency id) keeps only what a referral receiver may see; null: everything.
 */
export function listDocuments(
  m: EntityManager,
  scope: { caseId: string } | { recordType: string; recordId: string },
  limitedTo: string | null,
  beforeId: string | null,
  limit: number,
): Promise<ListedDocumentRow[]> {
  const where = 'caseId' in scope ? 'd.case_id = $1' : 'd.record_type = $1 AND d.record_id = $5';
  const params: unknown[] =
    'caseId' in scope
      ? [scope.caseId, limitedTo, beforeId, limit]
      : [scope.recordType, limitedTo, beforeId, limit, scope.recordId];
  return queryRows<ListedDocumentRow>(
    m,
    `SELECT d.*, v.id AS version_id, v.content_type, v.size_bytes, v.name_enc, v.metadata_removed
       FROM document d JOIN document_version v ON v.document_id = d.id AND v.version_no = d.current_version
      WHERE ${where} AND d.status = 'active'
        AND ($2::uuid IS NULL OR ${SHARED_WITH('$2::uuid')})
        AND ($3::uuid IS NULL OR d.id < $3::uuid)
      ORDER BY d.id DESC LIMIT $4`,
    params,
  );
}

export interface ReferralForSharing {
  case_id: string;
  from_agency_id: string;
  to_agency_id: string;
  status: string;
}

/** A referral as sharing needs it (RLS: only its two agencies see it). */
export async function findReferralForSharing(m: EntityManager, id: string): Promise<ReferralForSharing | undefined> {
  const [row] = await queryRows<ReferralForSharing>(
    m,
    'SELECT case_id, from_agency_id, to_agency_id, status FROM referral WHERE id = $1',
    [id],
  );
  return row;
}

/** Whether the case's active consent covers sharing with the agency for referrals. */
export async function consentCoversSharing(m: EntityManager, caseId: string, agencyId: string): Promise<boolean> {
  const rows = await queryRows<{ id: string }>(
    m,
    `SELECT id FROM case_consent WHERE case_id = $1 AND status = 'active'
        AND 'sharing_for_referral' = ANY (purposes) AND $2::uuid = ANY (covered_agency_ids)`,
    [caseId, agencyId],
  );
  return rows.length > 0;
}

/** Whether a consent version was withdrawn. */
export async function isConsentWithdrawn(m: EntityManager, consentId: string): Promise<boolean> {
  const rows = await queryRows<{ id: string }>(
    m,
    `SELECT id FROM case_consent WHERE id = $1 AND status = 'withdrawn'`,
    [consentId],
  );
  return rows.length > 0;
}

/** Marks a document for a referral (idempotent). */
export async function insertShare(m: EntityManager, documentId: string, referralId: string, userId: string) {
  await m.query(
    `INSERT INTO document_referral_share (document_id, referral_id, shared_by) VALUES ($1, $2, $3)
     ON CONFLICT (document_id, referral_id) DO NOTHING`,
    [documentId, referralId, userId],
  );
}

/** Unmarks a document for a referral; whether it was marked. */
export async function deleteShare(m: EntityManager, documentId: string, referralId: string): Promise<boolean> {
  const rows = await queryRows<{ referral_id: string }>(
    m,
    'DELETE FROM document_referral_share WHERE document_id = $1 AND referral_id = $2 RETURNING referral_id',
    [documentId, referralId],
  );
  return rows.length > 0;
}

/** The referrals a document is marked for. */
export async function listShares(m: EntityManager, documentId: string): Promise<{ referral_id: string }[]> {
  return queryRows<{ referral_id: string }>(
    m,
    'SELECT referral_id FROM document_referral_share WHERE document_id = $1 ORDER BY shared_at',
    [documentId],
  );
}

// --- retention (docs/data-protection.md) ----------------------------------------------------
// Each runs in one agency's row-level-security context and touches the documents that agency
// added (`app_current_agency_id()`); the files' chunks go, the rows stay with their codes.

/** A document holding personal values, as retention finds it: its case or (without one) its person. */
export interface HeldDocumentRow {
  id: string;
  case_id: string | null;
  person_id: string | null;
  fields: string[];
}

const HELD_DOCUMENT_FIELDS = `ARRAY['file', 'fileName'] || array_remove(ARRAY[
    CASE WHEN d.description_enc IS NOT NULL THEN 'description' END,
    CASE WHEN d.removal_reason_enc IS NOT NULL THEN 'removalReason' END], NULL)`;

/**
 * The documents the context's agency added to the cases (to the case or its records, or to a
 * screening or decision that belongs to one of them), not erased yet.
 */
export function findHeldCaseDocuments(m: EntityManager, caseIds: string[]): Promise<HeldDocumentRow[]> {
  return queryRows(
    m,
    `SELECT d.id, coalesce(d.case_id, s.case_id) AS case_id, NULL::uuid AS person_id, ${HELD_DOCUMENT_FIELDS} AS fields
       FROM document d LEFT JOIN screening s ON s.id = d.screening_id
      WHERE d.agency_id = app_current_agency_id() AND d.retention_erased_at IS NULL
        AND (d.case_id = ANY ($1::uuid[]) OR (d.case_id IS NULL AND s.case_id = ANY ($1::uuid[])))`,
    [caseIds],
  );
}

/**
 * The documents the context's agency added to records without a case (a person, a screening or
 * decision without a case, a return notice), not erased yet: those last changed (added, replaced
 * or removed) before $1, or (with a person id in $2 instead) every one about that person. The
 * person is the record's (a screening's person), if any.
 */
export function findHeldCaselessDocuments(
  m: EntityManager,
  scope: { before: Date } | { personId: string },
): Promise<HeldDocumentRow[]> {
  const [before, personId] = 'before' in scope ? [scope.before, null] : [null, scope.personId];
  return queryRows(
    m,
    `SELECT id, case_id, person_id, fields FROM (
       SELECT d.id, NULL::uuid AS case_id, coalesce(d.person_id, s.person_id) AS person_id,
              greatest(d.created_at, d.updated_at, d.removed_at) AS clock, ${HELD_DOCUMENT_FIELDS} AS fields
         FROM document d LEFT JOIN screening s ON s.id = d.screening_id
        WHERE d.agency_id = app_current_agency_id() AND d.retention_erased_at IS NULL
          AND d.case_id IS NULL AND s.case_id IS NULL) r
      WHERE ($1::timestamptz IS NULL OR r.clock <= $1) AND ($2::uuid IS NULL OR r.person_id = $2)`,
    [before, personId],
  );
}

/** Every version of the documents (id only), to overwrite their file names. */
export async function findVersionIds(m: EntityManager, documentIds: string[]): Promise<string[]> {
  const rows = await queryRows<{ id: string }>(
    m,
    `SELECT id FROM document_version WHERE document_id = ANY ($1::uuid[])`,
    [documentIds],
  );
  return rows.map((r) => r.id);
}

/**
 * Erases documents: deletes every chunk of every version (the files), overwrites each version's
 * file name with the marker given (encrypted, bound to the version), clears the description and
 * removal reason and marks the document erased. Type, record, sizes, content types and dates stay.
 */
export async function eraseDocuments(
  m: EntityManager,
  documentIds: string[],
  versionIds: string[],
  nameMarkers: Buffer[],
): Promise<void> {
  if (!documentIds.length) return;
  await m.query(
    `DELETE FROM document_chunk c USING document_version v WHERE v.id = c.version_id AND v.document_id = ANY ($1::uuid[])`,
    [documentIds],
  );
  if (versionIds.length)
    await m.query(
      `UPDATE document_version SET name_enc = v.enc FROM unnest($1::uuid[], $2::bytea[]) AS v(id, enc)
        WHERE document_version.id = v.id`,
      [versionIds, nameMarkers],
    );
  await m.query(
    `UPDATE document SET description_enc = NULL, removal_reason_enc = NULL, retention_erased_at = now()
      WHERE id = ANY ($1::uuid[])`,
    [documentIds],
  );
}
