import type { DataSource, EntityManager } from 'typeorm';
import type { VisibilitySql } from '../access/access.service.js';
import { prepared, preparedRows } from '../database/sql.js';
import type { ScreeningCatalogueEntity } from './screening.entities.js';

const CATALOGUE_VERSION = prepared('SELECT version FROM screening_catalogue WHERE id = $1');
const LATEST_DECISION_STATUS = prepared(
  'SELECT d.status FROM identification_decision d WHERE d.screening_id = $1 ORDER BY d.revision DESC LIMIT 1',
);

/** The version number of a catalogue (prepared: every screening read asks). */
export function findCatalogueVersion(m: EntityManager, catalogueId: string): Promise<{ version: number }[]> {
  return preparedRows<{ version: number }>(m, CATALOGUE_VERSION, [catalogueId]);
}

/** The latest identification decision's status on a screening, by revision (prepared: every screening read asks). */
export function findLatestDecisionStatus(m: EntityManager, screeningId: string): Promise<{ status: string }[]> {
  return preparedRows<{ status: string }>(m, LATEST_DECISION_STATUS, [screeningId]);
}

export interface ScreeningListRow {
  id: string;
  agency_id: string;
  person_id: string | null;
  case_id: string | null;
  profile: string;
  conducted_at: Date;
  suggested_outcome: string;
  submitted_to_agency_id: string | null;
  status: string | null;
}

/**
 * The newest screenings the actor may see (`visibility`, built for alias `s` from $1), with the
 * latest decision's status; `awaitingDecisionBy` keeps those submitted to that agency and not yet
 * decided by it (another agency's "possible" does not count).
 */
export function listVisibleScreenings(
  m: EntityManager,
  v: Pick<VisibilitySql, 'condition' | 'params'>,
  filters: { personId?: string; caseId?: string; suggestedOutcome?: string; awaitingDecisionBy?: string },
  limit: number,
): Promise<ScreeningListRow[]> {
  const params: unknown[] = [...v.params];
  const conds = [v.condition];
  const add = (sql: (p: string) => string, value: unknown) => {
    params.push(value);
    conds.push(sql(`$${params.length}`));
  };
  if (filters.personId) add((p) => `s.person_id = ${p}`, filters.personId);
  if (filters.caseId) add((p) => `s.case_id = ${p}`, filters.caseId);
  if (filters.suggestedOutcome) add((p) => `s.suggested_outcome = ${p}`, filters.suggestedOutcome);
  if (filters.awaitingDecisionBy) {
    add(
      (p) =>
        `s.submitted_to_agency_id = ${p} AND NOT EXISTS (SELECT 1 FROM identification_decision d WHERE d.screening_id = s.id AND d.deciding_agency_id = ${p})`,
      filters.awaitingDecisionBy,
    );
  }
  params.push(limit);
  return m.query(
    `SELECT s.id, s.agency_id, s.person_id, s.case_id, s.profile, s.conducted_at, s.suggested_outcome, s.submitted_to_agency_id,
              (SELECT d.status FROM identification_decision d WHERE d.screening_id = s.id ORDER BY d.revision DESC LIMIT 1) AS status
         FROM screening s WHERE ${conds.join(' AND ')} ORDER BY s.conducted_at DESC, s.id DESC LIMIT $${params.length}`,
    params,
  );
}

/** Records that a screening was submitted to an identification authority. */
export async function setSubmittedToAgency(m: EntityManager, screeningId: string, agencyId: string): Promise<void> {
  await m.query(
    'UPDATE screening SET submitted_to_agency_id = $2, version = version + 1, updated_at = now() WHERE id = $1',
    [screeningId, agencyId],
  );
}

/** The revision number the next identification decision on a screening takes. */
export async function nextDecisionRevision(m: EntityManager, screeningId: string): Promise<number> {
  const [{ next }] = await m.query(
    'SELECT coalesce(max(revision), 0) + 1 AS next FROM identification_decision WHERE screening_id = $1',
    [screeningId],
  );
  return next;
}

/** How many indicator catalogues exist (the seed runs on a database without one). */
export async function countCatalogues(ds: DataSource): Promise<number> {
  const [{ n }] = await ds.query('SELECT count(*)::int AS n FROM screening_catalogue');
  return n;
}

/** Stores a catalogue's header (its indicators are inserted through the repository). */
export async function insertCatalogue(
  ds: DataSource,
  catalogue: { id: string; version: number; title: string; source: string; notes: string | null },
): Promise<void> {
  await ds.query('INSERT INTO screening_catalogue (id, version, title, source, notes) VALUES ($1, $2, $3, $4, $5)', [
    catalogue.id,
    catalogue.version,
    catalogue.title,
    catalogue.source,
    catalogue.notes,
  ]);
}

/** Every catalogue version, newest first, with its indicator count. */
export function listCatalogues(m: EntityManager): Promise<(ScreeningCatalogueEntity & { indicator_count: number })[]> {
  return m.query(
    `SELECT c.version, c.title, c.source, c.notes, c.published_at AS "publishedAt", (SELECT count(*)::int FROM screening_indicator i WHERE i.catalogue_id = c.id) AS indicator_count
       FROM screening_catalogue c ORDER BY c.version DESC`,
  );
}

/** Serialises publishing (held until the transaction ends), so versions stay dense and unique. */
export async function lockCataloguePublishing(m: EntityManager): Promise<void> {
  await m.query(`SELECT pg_advisory_xact_lock(hashtext('ctcm:catalogue-publish'))`);
}

/** The version number the next published catalogue takes. */
export async function nextCatalogueVersion(m: EntityManager): Promise<number> {
  const [{ next }] = await m.query('SELECT coalesce(max(version), 0) + 1 AS next FROM screening_catalogue');
  return next;
}
