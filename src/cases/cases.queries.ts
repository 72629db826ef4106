import type { EntityManager } from 'typeorm';
import type { CaseVisibilityBranches, VisibilitySql } from '../access/access.queries.js';
import type { CaseView } from '../access/case-access-grant.entity.js';
import { entityColumns } from '../database/find-by-id.js';
import { type PreparedStatement, prepared, preparedRows, preparedWhileFew, queryRows } from '../database/sql.js';
import { PersonEntity } from '../persons/person.entity.js';
import { CaseEntity } from './case.entity.js';
import type { CaseListQuery } from './dto/case.dto.js';

/** Next number for a prefix and year: one atomic upsert, so concurrent creations never collide. */
export async function nextCaseNumberInSequence(m: EntityManager, prefix: string, year: number): Promise<number> {
  const [row] = await queryRows<{ last: number }>(
    m,
    `INSERT INTO case_number_sequence AS s (prefix, year, last) VALUES ($1, $2, 1)
     ON CONFLICT (prefix, year) DO UPDATE SET last = s.last + 1 RETURNING last`,
    [prefix, year],
  );
  return row!.last;
}

/** Replaces the case's exploitation types (merged from a screening linked to it). */
export async function setCaseExploitationTypes(m: EntityManager, caseId: string, types: string[]): Promise<void> {
  await m.query(
    'UPDATE case_file SET exploitation_types = $2, version = version + 1, updated_at = now() WHERE id = $1',
    [caseId, types],
  );
}

/** Links a screening to a case. */
export async function setScreeningCase(m: EntityManager, screeningId: string, caseId: string): Promise<void> {
  await m.query('UPDATE screening SET case_id = $2, version = version + 1, updated_at = now() WHERE id = $1', [
    screeningId,
    caseId,
  ]);
}

export type CaseReadRow = Record<string, unknown> & {
  view: CaseView | null;
  n_needs: string[] | null;
  n_risks: string[] | null;
  n_identification_status: string | null;
};

let caseRead: PreparedStatement | undefined;

/**
 * One statement reads the actor's view of the case (the access rule `v`, its parameters from
 * $2), the case and person columns (prefixed c_ and p_), the needs and risks
 * (app_case_needs_risks) and the latest identification status: a case read is the hottest
 * route, so it is prepared. No row, or a NULL view, when the actor may not see the case.
 */
export async function findCaseForRead(
  m: EntityManager,
  v: VisibilitySql,
  id: string,
): Promise<CaseReadRow | undefined> {
  caseRead ??=
    prepared(`SELECT ${v.view} AS view, ${entityColumns(m, CaseEntity, 'c', 'c_')}, ${entityColumns(m, PersonEntity, 'p', 'p_')},
                       n.needs AS n_needs, n.risks AS n_risks,
                       (SELECT d.status FROM identification_decision d JOIN screening s ON s.id = d.screening_id
                         WHERE s.case_id = c.id ORDER BY d.recorded_at DESC, d.revision DESC LIMIT 1) AS n_identification_status
                  FROM case_file c
                  JOIN person p ON p.id = c.person_id
                  LEFT JOIN LATERAL app_case_needs_risks(c.id) n ON true
                 WHERE c.id = $1::uuid`);
  const [row] = await preparedRows<CaseReadRow>(m, caseRead, [id, ...v.params]);
  return row;
}

/** Sort orders of the case list: the column, direction and the type a cursor value is compared as. */
export const CASE_LIST_SORTS: Record<string, { column: string; dir: 'ASC' | 'DESC'; cast: 'timestamptz' | 'text' }> = {
  createdAt: { column: 'c.created_at', dir: 'ASC', cast: 'timestamptz' },
  '-createdAt': { column: 'c.created_at', dir: 'DESC', cast: 'timestamptz' },
  updatedAt: { column: 'c.updated_at', dir: 'ASC', cast: 'timestamptz' },
  '-updatedAt': { column: 'c.updated_at', dir: 'DESC', cast: 'timestamptz' },
  caseNumber: { column: 'c.case_number', dir: 'ASC', cast: 'text' },
  '-caseNumber': { column: 'c.case_number', dir: 'DESC', cast: 'text' },
};

export interface CaseListRow {
  id: string;
  case_number: string;
  view: CaseView;
  stage: string;
  lead_agency_id: string;
  assigned_caseworker_id: string | null;
  province_code: string | null;
  exploitation_types: string[];
  opened_on: string;
  overdue: boolean;
  closure_requested: boolean;
  created_at: Date;
  updated_at: Date;
  sort_value: string;
}

/**
 * One page (up to `limit + 1` rows, the extra one telling a next page exists) of the cases the
 * actor sees (`v` and its `branches`, actor parameters from $1), filtered and sorted, after
 * `pageCursor`. The page is the top of each way the actor sees cases, merged; the full rule is
 * checked again on the page (the branches are the rule split up).
 */
export async function listVisibleCases(
  m: EntityManager,
  v: VisibilitySql,
  branches: CaseVisibilityBranches,
  q: CaseListQuery,
  sort: { column: string; dir: 'ASC' | 'DESC'; cast: 'timestamptz' | 'text' },
  pageCursor: [string, string] | undefined,
  limit: number,
  today: string,
): Promise<CaseListRow[]> {
  // Filters render against any parameter list: the page query and the referral scan number them differently.
  const filterDefs: { sql: (p: string) => string; value: unknown }[] = [];
  const extra: string[] = [];
  if (q.stage) filterDefs.push({ sql: (p) => `c.stage = ${p}`, value: q.stage });
  if (q.province) filterDefs.push({ sql: (p) => `c.province_code = ${p}`, value: q.province });
  if (q.agencyId) filterDefs.push({ sql: (p) => `c.lead_agency_id = ${p}`, value: q.agencyId });
  if (q.caseworkerId) filterDefs.push({ sql: (p) => `c.assigned_caseworker_id = ${p}`, value: q.caseworkerId });
  if (q.exploitationType)
    filterDefs.push({ sql: (p) => `c.exploitation_types @> ARRAY[${p}]::text[]`, value: q.exploitationType });
  if (q.personId) filterDefs.push({ sql: (p) => `c.person_id = ${p}::uuid`, value: q.personId });
  if (q.closureRequested) extra.push(`c.closure_request IS NOT NULL AND c.stage NOT IN ('closed', 'closed_referred')`);
  if (q.caseNumber) filterDefs.push({ sql: (p) => `c.case_number = ${p}`, value: q.caseNumber });
  if (q.overdueFollowUp)
    filterDefs.push({
      sql: (p) =>
        `EXISTS (SELECT 1 FROM case_follow_up f WHERE f.case_id = c.id AND f.status = 'scheduled' AND f.due_on < ${p}::date)`,
      value: today,
    });
  const renderFilters = (params: unknown[]) =>
    [
      ...filterDefs.map((f) => {
        params.push(f.value);
        return f.sql(`$${params.length}`);
      }),
      ...extra,
    ]
      .map((c) => ` AND ${c}`)
      .join('');
  const cmp = sort.dir === 'DESC' ? '<' : '>';
  const params: unknown[] = [...v.params];
  const filters = renderFilters(params);
  let cursor = '';
  if (pageCursor) {
    params.push(pageCursor[0], pageCursor[1]);
    cursor = ` AND (${sort.column}, c.id) ${cmp} ($${params.length - 1}::${sort.cast}, $${params.length}::uuid)`;
  }
  params.push(today);
  const todayParam = `$${params.length}::date`;
  params.push(limit + 1);
  const order = `ORDER BY ${sort.column} ${sort.dir}, c.id ${sort.dir}`;
  const top = `LIMIT $${params.length}`;
  const ownFirst = `SELECT c.id FROM case_file c WHERE ${branches.own}${filters}${cursor} ${order} ${top}`;
  const breakGlassFirst = `SELECT c.id FROM case_file c WHERE ${branches.breakGlass}${filters}${cursor} ${order} ${top}`;
  let referralFirst: string;
  if (!branches.receivesReferrals) {
    referralFirst = 'SELECT NULL::uuid WHERE false';
  } else if (sort.column === 'c.created_at') {
    // Newest (or oldest) first: the agency's open referral grants are walked in index order.
    const onlyStage = q.stage !== undefined && filterDefs.length === 1 && extra.length === 0;
    params.push(await findReferredCasesInOrder(m, sort.dir, pageCursor, limit + 1, q.stage, onlyStage, renderFilters));
    referralFirst = `SELECT unnest($${params.length}::uuid[])`;
  } else {
    // DISTINCT: a case may hold two open referral grants to the same agency.
    referralFirst = `SELECT r.id FROM (SELECT DISTINCT ${sort.column} AS k, c.id AS id FROM ${branches.referral.from}
                       WHERE ${branches.referral.where}${filters}${cursor} ORDER BY k ${sort.dir}, id ${sort.dir} ${top}) r`;
  }
  // The top of each way the actor sees cases, merged; the full rule is checked again on the
  // page (the branches are the rule split up).
  // Prepared (while few texts): the page's text is fixed for a set of filters, and planning it
  // cost more than running it.
  return queryRows<CaseListRow>(
    m,
    preparedWhileFew(`SELECT c.id, c.case_number, ${v.view} AS view, c.stage, c.lead_agency_id, c.assigned_caseworker_id, c.province_code, c.exploitation_types,
            to_char(c.opened_on, 'YYYY-MM-DD') AS opened_on, c.closure_request IS NOT NULL AS closure_requested, c.created_at, c.updated_at, ${sort.column}::text AS sort_value,
            EXISTS (SELECT 1 FROM case_follow_up f WHERE f.case_id = c.id AND f.status = 'scheduled' AND f.due_on < ${todayParam}) AS overdue
       FROM case_file c
      WHERE c.id IN ((${ownFirst}) UNION ALL (${breakGlassFirst}) UNION ALL (${referralFirst}))
        AND ${v.condition}
      ${order}
      ${top}`) as string,
    params,
  );
}

/** Dashboard counts over the cases the actor sees in full (`v`, actor parameters from $2). */
export async function countCasesSeenInFull(
  m: EntityManager,
  v: VisibilitySql,
  today: string,
): Promise<{ closure_requested: number; overdue: number } | undefined> {
  const [row] = await queryRows<{ closure_requested: number; overdue: number }>(
    m,
    `SELECT count(*) FILTER (WHERE c.closure_request IS NOT NULL AND c.stage NOT IN ('closed', 'closed_referred'))::int AS closure_requested,
            count(*) FILTER (WHERE EXISTS (SELECT 1 FROM case_follow_up f WHERE f.case_id = c.id AND f.status = 'scheduled' AND f.due_on < $1::date))::int AS overdue
       FROM case_file c
      WHERE ${v.view} = 'full'`,
    [today, ...v.params],
  );
  return row;
}

/**
 * The first `wanted` cases reached through the caller agency's open referral grants that pass
 * the filters, in creation order, read in batches along the grants' index (agency, case
 * creation time) by app_referred_cases(), which skips cases of another stage itself: the cost
 * of a page does not grow with the number of grants. The case filters and the case's own
 * row-level security apply as usual.
 */
async function findReferredCasesInOrder(
  m: EntityManager,
  dir: 'ASC' | 'DESC',
  after: [string, string] | undefined,
  wanted: number,
  stage: string | undefined,
  onlyStage: boolean,
  renderFilters: (params: unknown[]) => string,
): Promise<string[]> {
  const found: string[] = [];
  let keyset = after;
  for (;;) {
    // With no filter but the stage (which the walk applies), every grant read is taken: read no more than a page.
    const batch = onlyStage ? wanted : Math.max(200, wanted * 4);
    const params: unknown[] = [keyset?.[0] ?? null, keyset?.[1] ?? null, batch, dir === 'DESC', stage ?? null];
    // The stage alone is the walk's own filter: nothing left to check here (the page checks the
    // full rule, under row-level security, on every case it returns).
    const ok = onlyStage ? 'true' : `EXISTS (SELECT 1 FROM case_file c WHERE c.id = x.case_id${renderFilters(params)})`;
    const rows = await queryRows<{ k: string; id: string; ok: boolean }>(
      m,
      preparedWhileFew(
        `SELECT x.case_created_at::text AS k, x.case_id::text AS id, ${ok} AS ok
           FROM app_referred_cases($1::timestamptz, $2::uuid, $3::int, $4::boolean, $5::text) x
          ORDER BY x.case_created_at ${dir}, x.case_id ${dir}`,
      ) as string,
      params,
    );
    for (const r of rows) if (r.ok && found.length < wanted) found.push(r.id);
    const last = rows.at(-1);
    if (found.length >= wanted || rows.length < batch || !last) return found;
    keyset = [last.k, last.id];
  }
}

/** Changes the case if it is still at `version` (bumping it); no row back means a concurrent writer came first. */
function updateCaseAtVersion(
  m: EntityManager,
  id: string,
  version: number,
  set: string,
  params: unknown[],
): Promise<{ id: string }[]> {
  return queryRows<{ id: string }>(
    m,
    `UPDATE case_file SET ${set}${set ? ', ' : ''}version = version + 1, updated_at = now() WHERE id = $1 AND version = $2 RETURNING id`,
    [id, version, ...params],
  );
}

/** Sets the province and/or exploitation types (NULL keeps the current value), at `version`. */
export function updateCaseProfile(
  m: EntityManager,
  id: string,
  version: number,
  provinceCode: string | null,
  exploitationTypes: string[] | null,
): Promise<{ id: string }[]> {
  return updateCaseAtVersion(
    m,
    id,
    version,
    'province_code = COALESCE($3, province_code), exploitation_types = COALESCE($4, exploitation_types)',
    [provinceCode, exploitationTypes],
  );
}

/** Assigns the caseworker and/or supervisor (NULL keeps the current one), at `version`. */
export function assignCaseStaff(
  m: EntityManager,
  id: string,
  version: number,
  caseworkerId: string | null,
  supervisorId: string | null,
): Promise<{ id: string }[]> {
  return updateCaseAtVersion(
    m,
    id,
    version,
    'assigned_caseworker_id = COALESCE($3, assigned_caseworker_id), supervisor_id = COALESCE($4, supervisor_id)',
    [caseworkerId, supervisorId],
  );
}

/** Moves the case to a stage, at `version`. */
export function setCaseStage(m: EntityManager, id: string, version: number, stage: string): Promise<{ id: string }[]> {
  return updateCaseAtVersion(m, id, version, 'stage = $3', [stage]);
}

/** Records a closure request (JSON), at `version`. */
export function setClosureRequest(
  m: EntityManager,
  id: string,
  version: number,
  request: string,
): Promise<{ id: string }[]> {
  return updateCaseAtVersion(m, id, version, 'closure_request = $3', [request]);
}

/** Closes the case (the request, if any, is answered), at `version`. */
export function closeCaseAtVersion(
  m: EntityManager,
  id: string,
  version: number,
  stage: string,
  reason: string,
  closedBy: string,
  transferredToAgencyId: string | null,
): Promise<{ id: string }[]> {
  return updateCaseAtVersion(
    m,
    id,
    version,
    `stage = $3, closure_reason = $4, closed_at = now(), closed_by = $5, transferred_to_agency_id = $6, closure_request = NULL`,
    [stage, reason, closedBy, transferredToAgencyId],
  );
}

/** Reopens a closed case at a stage, clearing the closure, at `version`. */
export function reopenCaseAtVersion(
  m: EntityManager,
  id: string,
  version: number,
  stage: string,
): Promise<{ id: string }[]> {
  return updateCaseAtVersion(
    m,
    id,
    version,
    'stage = $3, closure_reason = NULL, closed_at = NULL, closed_by = NULL, transferred_to_agency_id = NULL',
    [stage],
  );
}
