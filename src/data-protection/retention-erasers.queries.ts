import type { EntityManager } from 'typeorm';
import { queryRows } from '../database/sql.js';

/*
 * The statements of the erasers for the features that existed before retention (persons,
 * screenings, case records, referrals, case transfers, returns, tracing). Each runs with the
 * transaction's agency context set to one agency and touches only the rows that agency owns
 * (`app_current_agency_id()`), so row-level security stays the second wall.
 */

export interface HeldRow {
  id: string;
  case_id: string;
  fields: string[];
}

/** SQL listing which of the given nullable columns hold a value, as field names. */
const present = (columns: [string, string][]) =>
  `array_remove(ARRAY[${columns.map(([col, field]) => `CASE WHEN ${col} IS NOT NULL THEN '${field}' END`).join(', ')}], NULL)`;

/** Overwrites a NOT NULL encrypted column row by row with the ciphertexts given (each bound to its row). */
async function overwrite(m: EntityManager, table: string, column: string, ids: string[], values: Buffer[]) {
  if (!ids.length) return;
  await m.query(
    `UPDATE ${table} SET ${column} = v.enc FROM unnest($1::uuid[], $2::bytea[]) AS v(id, enc) WHERE ${table}.id = v.id`,
    [ids, values],
  );
}

// --- persons -------------------------------------------------------------------------------

/** The persons of the targets (person id → case id) registered by the context's agency. */
export function findHeldPersons(m: EntityManager, personIds: string[], caseIds: string[]): Promise<HeldRow[]> {
  return queryRows(
    m,
    `SELECT DISTINCT ON (p.id) p.id, t.case_id,
            ARRAY['names'] || ${present([
              ['p.birth_enc', 'birth'],
              ['p.address_enc', 'address'],
              ['p.contacts_enc', 'contacts'],
              ['p.documents_enc', 'documents'],
              ['p.guardian_enc', 'guardian'],
            ])} AS fields
       FROM unnest($1::uuid[], $2::uuid[]) AS t(person_id, case_id)
       JOIN person p ON p.id = t.person_id
      WHERE p.owner_agency_id = app_current_agency_id()
      ORDER BY p.id, t.case_id`,
    [personIds, caseIds],
  );
}

/** Replaces names with the given (encrypted, empty) names, clears every other identifying value and the blind indexes. */
export async function erasePersons(m: EntityManager, ids: string[], emptyNames: Buffer[]): Promise<void> {
  await m.query(
    `UPDATE person SET names_enc = v.enc, birth_enc = NULL, address_enc = NULL, contacts_enc = NULL,
            documents_enc = NULL, guardian_enc = NULL, birth_year_bidx = NULL, version = version + 1, updated_at = now(),
            retention_erased_at = now()
       FROM unnest($1::uuid[], $2::bytea[]) AS v(id, enc) WHERE person.id = v.id`,
    [ids, emptyNames],
  );
  await m.query(`DELETE FROM person_name_index WHERE person_id = ANY ($1::uuid[])`, [ids]);
}

/**
 * Persons registered by the context's agency that never had a case, not erased yet: those with no
 * activity anywhere since $1 (app_person_retention_activity, SECURITY DEFINER: registration or
 * last change, screenings and decisions, tracing matches, arrivals, whichever agency recorded them).
 */
export function findCaselessPersonsDue(m: EntityManager, before: Date): Promise<HeldRow[]> {
  return queryRows(
    m,
    `SELECT p.id, NULL::uuid AS case_id, ARRAY['names'] || ${present([
      ['p.birth_enc', 'birth'],
      ['p.address_enc', 'address'],
      ['p.contacts_enc', 'contacts'],
      ['p.documents_enc', 'documents'],
      ['p.guardian_enc', 'guardian'],
    ])} AS fields
       FROM person p
       JOIN app_person_retention_activity(ARRAY(
              SELECT o.id FROM person o WHERE o.owner_agency_id = app_current_agency_id()
                 AND o.retention_erased_at IS NULL)) r ON r.person_id = p.id
      WHERE NOT r.has_case AND r.last_activity <= $1`,
    [before],
  );
}

/** Of the given persons, those never given a case whose last activity (any agency) is after $2. */
export async function findPersonsActiveWithoutCase(
  m: EntityManager,
  personIds: string[],
  after: Date,
): Promise<Set<string>> {
  const rows = await queryRows<{ person_id: string }>(
    m,
    `SELECT person_id FROM app_person_retention_activity($1::uuid[]) WHERE NOT has_case AND last_activity > $2`,
    [personIds, after],
  );
  return new Set(rows.map((r) => r.person_id));
}

/** The persons still kept by another case: open, closed after the cut-off, or on legal hold (SECURITY DEFINER). */
export async function findPersonsStillKept(
  m: EntityManager,
  personIds: string[],
  closedBefore: Date,
): Promise<Set<string>> {
  const rows = await queryRows<{ id: string }>(
    m,
    `SELECT app_retention_persons_kept AS id FROM app_retention_persons_kept($1::uuid[], $2)`,
    [personIds, closedBefore],
  );
  return new Set(rows.map((r) => r.id));
}

// --- screenings ----------------------------------------------------------------------------

/** The screenings of the cases the context's agency conducted, and the decisions it made on them. */
export function findHeldScreenings(m: EntityManager, caseIds: string[]): Promise<(HeldRow & { kind: string })[]> {
  return queryRows(
    m,
    `SELECT s.id, s.case_id, 'screening' AS kind, ${present([
      ['s.answers_enc', 'answers'],
      ['s.results_enc', 'results'],
      ['s.narrative_enc', 'narrative'],
      ['s.place_detail_enc', 'placeDetail'],
    ])} AS fields
       FROM screening s WHERE s.case_id = ANY ($1::uuid[]) AND s.agency_id = app_current_agency_id()
     UNION ALL
     SELECT d.id, s.case_id, 'identification_decision', ARRAY['basis']
       FROM identification_decision d JOIN screening s ON s.id = d.screening_id
      WHERE s.case_id = ANY ($1::uuid[]) AND d.deciding_agency_id = app_current_agency_id()`,
    [caseIds],
  );
}

export async function eraseScreenings(m: EntityManager, ids: string[]): Promise<void> {
  if (!ids.length) return;
  await m.query(
    `UPDATE screening SET answers_enc = NULL, results_enc = NULL, narrative_enc = NULL, place_detail_enc = NULL
      WHERE id = ANY ($1::uuid[])`,
    [ids],
  );
}

export const eraseDecisionBases = (m: EntityManager, ids: string[], markers: Buffer[]) =>
  overwrite(m, 'identification_decision', 'basis_enc', ids, markers);

// --- case records --------------------------------------------------------------------------

/** Assessments, plans, services, follow-ups of cases the context's agency leads, and the notes it wrote. */
export function findHeldCaseRecords(m: EntityManager, caseIds: string[]): Promise<(HeldRow & { kind: string })[]> {
  const lead = `case_id = ANY ($1::uuid[]) AND app_case_lead_agency(case_id) = app_current_agency_id()`;
  return queryRows(
    m,
    `SELECT id, case_id, 'case_assessment' AS kind, ARRAY['findings'] AS fields FROM case_assessment
      WHERE ${lead} AND findings_enc IS NOT NULL
     UNION ALL
     SELECT id, case_id, 'case_support_plan', ARRAY['objectives'] || ${present([['actions_enc', 'actions']])}
       FROM case_support_plan WHERE ${lead}
     UNION ALL
     SELECT id, case_id, 'case_service_record', ARRAY['notes'] FROM case_service_record
      WHERE ${lead} AND notes_enc IS NOT NULL
     UNION ALL
     SELECT id, case_id, 'case_follow_up', ARRAY['notes'] FROM case_follow_up WHERE ${lead} AND notes_enc IS NOT NULL
     UNION ALL
     SELECT id, case_id, 'case_note', ARRAY['text'] FROM case_note
      WHERE case_id = ANY ($1::uuid[]) AND author_agency_id = app_current_agency_id()`,
    [caseIds],
  );
}

export async function eraseNullableCaseRecords(
  m: EntityManager,
  ids: { assessments: string[]; services: string[]; followUps: string[] },
): Promise<void> {
  if (ids.assessments.length)
    await m.query(`UPDATE case_assessment SET findings_enc = NULL WHERE id = ANY ($1::uuid[])`, [ids.assessments]);
  if (ids.services.length)
    await m.query(`UPDATE case_service_record SET notes_enc = NULL WHERE id = ANY ($1::uuid[])`, [ids.services]);
  if (ids.followUps.length)
    await m.query(`UPDATE case_follow_up SET notes_enc = NULL WHERE id = ANY ($1::uuid[])`, [ids.followUps]);
}

export async function eraseSupportPlans(m: EntityManager, ids: string[], markers: Buffer[]): Promise<void> {
  await overwrite(m, 'case_support_plan', 'objectives_enc', ids, markers);
  if (ids.length) await m.query(`UPDATE case_support_plan SET actions_enc = NULL WHERE id = ANY ($1::uuid[])`, [ids]);
}

/** Notes are append-only; their trigger lets retention overwrite the body alone (ctcm.retention, this transaction). */
export async function eraseCaseNotes(m: EntityManager, ids: string[], markers: Buffer[]): Promise<void> {
  if (!ids.length) return;
  await m.query(`SELECT set_config('ctcm.retention', 'on', true)`);
  await overwrite(m, 'case_note', 'body_enc', ids, markers);
  await m.query(`SELECT set_config('ctcm.retention', 'off', true)`);
}

// --- referrals -----------------------------------------------------------------------------

/** Referrals the context's agency sent for the cases, and the family assessments it made. */
export function findHeldReferrals(m: EntityManager, caseIds: string[]): Promise<(HeldRow & { kind: string })[]> {
  return queryRows(
    m,
    `SELECT id, case_id, 'referral' AS kind, ${present([
      ['note_enc', 'note'],
      ['consent_override_enc', 'consentOverrideReason'],
    ])} AS fields
       FROM referral WHERE case_id = ANY ($1::uuid[]) AND from_agency_id = app_current_agency_id()
        AND (note_enc IS NOT NULL OR consent_override_enc IS NOT NULL)
     UNION ALL
     SELECT id, case_id, 'family_assessment', ARRAY['findings'] FROM family_assessment
      WHERE case_id = ANY ($1::uuid[]) AND agency_id = app_current_agency_id() AND findings_enc IS NOT NULL`,
    [caseIds],
  );
}

export async function eraseReferrals(m: EntityManager, referralIds: string[], assessmentIds: string[]) {
  if (referralIds.length)
    await m.query(`UPDATE referral SET note_enc = NULL, consent_override_enc = NULL WHERE id = ANY ($1::uuid[])`, [
      referralIds,
    ]);
  if (assessmentIds.length)
    await m.query(`UPDATE family_assessment SET findings_enc = NULL WHERE id = ANY ($1::uuid[])`, [assessmentIds]);
}

// --- case transfers ------------------------------------------------------------------------

/** Transfers of the cases the context's agency asked for, with a note. */
export function findHeldTransferNotes(m: EntityManager, caseIds: string[]): Promise<HeldRow[]> {
  return queryRows(
    m,
    `SELECT id, case_id, ARRAY['note'] AS fields FROM case_transfer
      WHERE case_id = ANY ($1::uuid[]) AND from_agency_id = app_current_agency_id() AND note_enc IS NOT NULL`,
    [caseIds],
  );
}

export async function eraseTransferNotes(m: EntityManager, ids: string[]): Promise<void> {
  if (ids.length) await m.query(`UPDATE case_transfer SET note_enc = NULL WHERE id = ANY ($1::uuid[])`, [ids]);
}

// --- returns -------------------------------------------------------------------------------

/** Expected arrivals that opened the cases, received by the context's agency, still holding personal values. */
export function findHeldArrivals(m: EntityManager, caseIds: string[]): Promise<HeldRow[]> {
  return queryRows(
    m,
    `SELECT id, case_id, ${present([
      ['names_enc', 'names'],
      ['birth_enc', 'birth'],
      ['address_enc', 'address'],
      ['documents_enc', 'documents'],
      ['vulnerabilities_enc', 'vulnerabilities'],
    ])} AS fields
       FROM expected_arrival WHERE case_id = ANY ($1::uuid[]) AND receiving_agency_id = app_current_agency_id()
        AND (names_enc IS NOT NULL OR birth_enc IS NOT NULL OR address_enc IS NOT NULL OR documents_enc IS NOT NULL
             OR vulnerabilities_enc IS NOT NULL)`,
    [caseIds],
  );
}

export async function eraseArrivals(m: EntityManager, ids: string[]): Promise<void> {
  if (!ids.length) return;
  await m.query(
    `UPDATE expected_arrival SET names_enc = NULL, birth_enc = NULL, address_enc = NULL, documents_enc = NULL,
            vulnerabilities_enc = NULL WHERE id = ANY ($1::uuid[])`,
    [ids],
  );
  await m.query(`DELETE FROM expected_arrival_name_index WHERE arrival_id = ANY ($1::uuid[])`, [ids]);
}

// --- tracing -------------------------------------------------------------------------------

/** Tracing requests of the context's agency matched to the cases. */
export function findHeldTracingRequests(m: EntityManager, caseIds: string[]): Promise<HeldRow[]> {
  return queryRows(
    m,
    `SELECT id, matched_id AS case_id, ARRAY['inquirer', 'names'] || ${present([
      ['details_enc', 'details'],
      ['outcome_note_enc', 'outcomeNote'],
    ])} AS fields
       FROM tracing_request
      WHERE matched_kind = 'case' AND matched_id = ANY ($1::uuid[]) AND agency_id = app_current_agency_id()`,
    [caseIds],
  );
}

export async function eraseTracingRequests(
  m: EntityManager,
  ids: string[],
  inquirers: Buffer[],
  names: Buffer[],
): Promise<void> {
  if (!ids.length) return;
  await m.query(
    `UPDATE tracing_request SET inquirer_enc = v.inquirer, names_enc = v.names, details_enc = NULL,
            outcome_note_enc = NULL, birth_year_bidx = NULL
       FROM unnest($1::uuid[], $2::bytea[], $3::bytea[]) AS v(id, inquirer, names) WHERE tracing_request.id = v.id`,
    [ids, inquirers, names],
  );
  await m.query(`DELETE FROM tracing_request_name_index WHERE tracing_request_id = ANY ($1::uuid[])`, [ids]);
}

// --- records without a case (their own clock) ----------------------------------------------

/** A held record without a case, with the person it concerns (to keep it while a case of theirs is kept). */
export interface CaselessHeldRow {
  id: string;
  kind: string;
  person_id: string | null;
  fields: string[];
}

/** A screening's last activity: the interview, its last change (submission), its latest decision. */
const SCREENING_LAST_ACTIVITY = `greatest(s.conducted_at, s.updated_at,
  (SELECT max(d2.recorded_at) FROM identification_decision d2 WHERE d2.screening_id = s.id))`;

/**
 * The screenings without a case that the context's agency conducted, and the decisions it made
 * on screenings without a case, not erased yet: those whose last activity is before $1, or (with
 * a person id in $2 instead) every one about that person.
 */
export function findCaselessScreenings(
  m: EntityManager,
  scope: { before: Date } | { personId: string },
): Promise<CaselessHeldRow[]> {
  const [before, personId] = 'before' in scope ? [scope.before, null] : [null, scope.personId];
  const due = `($1::timestamptz IS NULL OR ${SCREENING_LAST_ACTIVITY} <= $1) AND ($2::uuid IS NULL OR s.person_id = $2)`;
  return queryRows(
    m,
    `SELECT s.id, 'screening' AS kind, s.person_id, ${present([
      ['s.answers_enc', 'answers'],
      ['s.results_enc', 'results'],
      ['s.narrative_enc', 'narrative'],
      ['s.place_detail_enc', 'placeDetail'],
    ])} AS fields
       FROM screening s
      WHERE s.agency_id = app_current_agency_id() AND s.case_id IS NULL AND s.retention_erased_at IS NULL AND ${due}
     UNION ALL
     SELECT d.id, 'identification_decision', s.person_id, ARRAY['basis']
       FROM identification_decision d JOIN screening s ON s.id = d.screening_id
      WHERE d.deciding_agency_id = app_current_agency_id() AND s.case_id IS NULL AND d.retention_erased_at IS NULL
        AND ${due}`,
    [before, personId],
  );
}

/** Erases caseless screenings' values (as the case eraser does) and marks them erased. */
export async function eraseCaselessScreenings(m: EntityManager, ids: string[]): Promise<void> {
  if (!ids.length) return;
  await m.query(
    `UPDATE screening SET answers_enc = NULL, results_enc = NULL, narrative_enc = NULL, place_detail_enc = NULL,
            retention_erased_at = now()
      WHERE id = ANY ($1::uuid[])`,
    [ids],
  );
}

/** Overwrites decision bases with the markers given and marks the decisions erased. */
export async function eraseCaselessDecisionBases(m: EntityManager, ids: string[], markers: Buffer[]): Promise<void> {
  if (!ids.length) return;
  await m.query(
    `UPDATE identification_decision SET basis_enc = v.enc, retention_erased_at = now()
       FROM unnest($1::uuid[], $2::bytea[]) AS v(id, enc) WHERE identification_decision.id = v.id`,
    [ids, markers],
  );
}

/**
 * The context agency's tracing requests not matched to a case, not erased yet: those closed (or,
 * never closed, last changed) before $1, or (with a person id in $2 instead) every one matched to
 * that person or to an expected arrival who became them. The person is the match's, if any.
 */
export function findCaselessTracingRequests(
  m: EntityManager,
  scope: { before: Date } | { personId: string },
): Promise<CaselessHeldRow[]> {
  const [before, personId] = 'before' in scope ? [scope.before, null] : [null, scope.personId];
  return queryRows(
    m,
    `SELECT id, 'tracing_request' AS kind, person_id, fields FROM (
       SELECT t.id, CASE WHEN t.matched_kind = 'person' THEN t.matched_id ELSE a.person_id END AS person_id,
              coalesce(t.outcome_at, t.updated_at) AS clock,
              ARRAY['inquirer', 'names'] || ${present([
                ['t.details_enc', 'details'],
                ['t.outcome_note_enc', 'outcomeNote'],
              ])} AS fields
         FROM tracing_request t
         LEFT JOIN expected_arrival a ON t.matched_kind = 'expected_arrival' AND a.id = t.matched_id
        WHERE t.agency_id = app_current_agency_id() AND t.matched_kind IS DISTINCT FROM 'case'
          AND t.retention_erased_at IS NULL) r
      WHERE ($1::timestamptz IS NULL OR r.clock <= $1) AND ($2::uuid IS NULL OR r.person_id = $2)`,
    [before, personId],
  );
}

/** Marks tracing requests erased (their values go with eraseTracingRequests). */
export async function markTracingRequestsErased(m: EntityManager, ids: string[]): Promise<void> {
  if (!ids.length) return;
  await m.query(`UPDATE tracing_request SET retention_erased_at = now() WHERE id = ANY ($1::uuid[])`, [ids]);
}
