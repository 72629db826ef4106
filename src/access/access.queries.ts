import type { EntityManager } from 'typeorm';
import { AGENCY_WIDE_CASE_ROLES, REFERRAL_RECEIVER_ROLES, type Role } from '../auth/permissions.js';
import type { Actor, RequestStore } from '../common/context/request-context.js';
import { prepared, preparedRows } from '../database/sql.js';
import type { CaseView } from './case-access-grant.entity.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Transaction-local (set_config(…, true)): the actor context that the PostgreSQL
 * row-level-security policies read. Without it they match no row. It travels with the
 * transaction's BEGIN, so the ids are literals: they come from the user's database row and
 * are checked to be UUIDs here, never passed through as text.
 */
export function actorContextSql(store: RequestStore): string | undefined {
  if (!store.actor) return undefined;
  const { userId, agencyId } = store.actor;
  if (!UUID.test(userId) || !UUID.test(agencyId)) throw new Error('The actor context needs UUID user and agency ids');
  return `SELECT set_config('app.user_id', '${userId}', true), set_config('app.agency_id', '${agencyId}', true)`;
}

const hasAny = (actor: Actor, roles: ReadonlySet<Role>) => actor.roles.some((r) => roles.has(r as Role));

export interface VisibilitySql {
  /** A boolean SQL expression over the case alias; true when the actor may see the case. */
  condition: string;
  /** A text SQL expression: 'full', 'limited' or NULL. */
  view: string;
  params: unknown[];
}

/** The actor's parameters, in the order the visibility SQL expects them. */
function actorParams(actor: Actor): unknown[] {
  return [actor.agencyId, actor.userId, hasAny(actor, AGENCY_WIDE_CASE_ROLES), hasAny(actor, REFERRAL_RECEIVER_ROLES)];
}

/**
 * The three ways a case becomes visible, each written once: single reads, lists and their
 * branches all assemble the rule from these. `p(i)` is the i-th actor parameter.
 */
function ownCase(alias: string, p: (i: number) => string): string {
  return `(${alias}.lead_agency_id = ${p(0)} AND (${p(2)}::boolean OR ${alias}.assigned_caseworker_id = ${p(1)} OR ${alias}.supervisor_id = ${p(1)} OR ${alias}.created_by = ${p(1)}))`;
}

function breakGlassGrant(p: (i: number) => string): string {
  return `g.kind = 'break_glass' AND g.grantee_user_id = ${p(1)} AND g.revoked_at IS NULL AND g.expires_at > now()`;
}

function referralGrant(p: (i: number) => string): string {
  return `g.kind = 'referral' AND g.grantee_agency_id = ${p(0)} AND g.grantee_user_id IS NULL AND g.revoked_at IS NULL
                 AND (g.expires_at IS NULL OR g.expires_at > now())`;
}

function caseConditions(alias: string, p: (i: number) => string): { full: string; limited: string } {
  return {
    full: `(${ownCase(alias, p)}
      OR EXISTS (SELECT 1 FROM case_access_grant g WHERE g.case_id = ${alias}.id AND ${breakGlassGrant(p)}))`,
    limited: `(${p(3)}::boolean AND EXISTS (SELECT 1 FROM case_access_grant g WHERE g.case_id = ${alias}.id AND ${referralGrant(p)}))`,
  };
}

/** The case-visibility rule as SQL over `alias`, its actor parameters from `firstParam`. */
export function caseVisibility(actor: Actor, alias: string, firstParam: number): VisibilitySql {
  const p = (i: number) => `$${firstParam + i}`;
  const { full, limited } = caseConditions(alias, p);
  return {
    condition: `(${full} OR ${limited})`,
    view: `(CASE WHEN ${full} THEN 'full' WHEN ${limited} THEN 'limited' END)`,
    params: actorParams(actor),
  };
}

export interface CaseVisibilityBranches {
  own: string;
  breakGlass: string;
  referral: { from: string; where: string };
  receivesReferrals: boolean;
  params: unknown[];
}

/** The case-visibility rule split into its three branches (see AccessService.caseVisibilityBranches). */
export function caseVisibilityBranches(actor: Actor, alias: string, firstParam: number): CaseVisibilityBranches {
  const p = (i: number) => `$${firstParam + i}`;
  return {
    own: ownCase(alias, p),
    breakGlass: `${alias}.id IN (SELECT g.case_id FROM case_access_grant g WHERE ${breakGlassGrant(p)})`,
    referral: {
      from: `case_access_grant g JOIN case_file ${alias} ON ${alias}.id = g.case_id`,
      where: `${p(3)}::boolean AND ${referralGrant(p)}`,
    },
    receivesReferrals: hasAny(actor, REFERRAL_RECEIVER_ROLES),
    params: actorParams(actor),
  };
}

/** The person-visibility rule as SQL over `alias` (see AccessService.personVisibility). */
export function personVisibility(actor: Actor, alias: string, firstParam: number): VisibilitySql {
  const p = (i: number) => `$${firstParam + i}`;
  const c = caseConditions('vc', p);
  const full = `(
      (${alias}.owner_agency_id = ${p(0)} AND (${p(2)}::boolean OR ${alias}.created_by = ${p(1)}))
      OR EXISTS (SELECT 1 FROM screening vs WHERE vs.person_id = ${alias}.id AND (vs.agency_id = ${p(0)} OR vs.submitted_to_agency_id = ${p(0)})
                 AND (${p(2)}::boolean OR vs.interviewer_id = ${p(1)}))
      OR EXISTS (SELECT 1 FROM case_file vc WHERE vc.person_id = ${alias}.id AND ${c.full}))`;
  const limited = `EXISTS (SELECT 1 FROM case_file vc WHERE vc.person_id = ${alias}.id AND ${c.limited})`;
  return {
    condition: `(${full} OR ${limited})`,
    view: `(CASE WHEN ${full} THEN 'full' WHEN ${limited} THEN 'limited' END)`,
    params: actorParams(actor),
  };
}

/** The screening-visibility rule as SQL over `alias` (see AccessService.screeningVisibility). */
export function screeningVisibility(
  actor: Actor,
  alias: string,
  firstParam: number,
): { condition: string; params: unknown[] } {
  const p = (i: number) => `$${firstParam + i}`;
  const c = caseConditions('vc', p);
  return {
    condition: `(
        (${alias}.agency_id = ${p(0)} AND (${p(2)}::boolean OR ${alias}.interviewer_id = ${p(1)}))
        OR (${alias}.submitted_to_agency_id = ${p(0)} AND ${p(2)}::boolean)
        OR (${alias}.case_id IS NOT NULL AND EXISTS (SELECT 1 FROM case_file vc WHERE vc.id = ${alias}.case_id AND ${c.full})))`,
    // The full-view condition uses the first three actor parameters only.
    params: actorParams(actor).slice(0, 3),
  };
}

/**
 * The screening's person and case if the actor sees it (one row if so, none otherwise); prepared,
 * as every screening read asks. The ids let the access check apply restriction to the screening.
 */
export function findVisibleScreening(
  m: EntityManager,
  actor: Actor,
  screeningId: string,
): Promise<{ person_id: string | null; case_id: string | null }[]> {
  const v = screeningVisibility(actor, 's', 2);
  return preparedRows<{ person_id: string | null; case_id: string | null }>(
    m,
    prepared(`SELECT s.person_id, s.case_id FROM screening s WHERE s.id = $1 AND ${v.condition}`),
    [screeningId, ...v.params],
  );
}

/**
 * The actor's view of each person (NULL where none); prepared. One id (the common case) by
 * equality: its generic plan is as good as a custom one, so PostgreSQL stops planning it after
 * a few runs; an array of unknown length is replanned.
 */
export function findPersonViews(
  m: EntityManager,
  actor: Actor,
  personIds: readonly string[],
): Promise<{ id: string; view: CaseView | null }[]> {
  const v = personVisibility(actor, 'p', 2);
  const single = personIds.length === 1;
  return preparedRows<{ id: string; view: CaseView | null }>(
    m,
    prepared(
      `SELECT p.id, ${v.view} AS view FROM person p WHERE ${single ? 'p.id = $1::uuid' : 'p.id = ANY($1::uuid[])'}`,
    ),
    [single ? personIds[0] : personIds, ...v.params],
  );
}

/** The actor's view of each case (NULL where none); prepared, one id by equality as for persons. */
export function findCaseViews(
  m: EntityManager,
  actor: Actor,
  caseIds: readonly string[],
): Promise<{ id: string; view: CaseView | null }[]> {
  const v = caseVisibility(actor, 'c', 2);
  const single = caseIds.length === 1;
  return preparedRows<{ id: string; view: CaseView | null }>(
    m,
    prepared(
      `SELECT c.id, ${v.view} AS view FROM case_file c WHERE ${single ? 'c.id = $1::uuid' : 'c.id = ANY($1::uuid[])'}`,
    ),
    [single ? caseIds[0] : caseIds, ...v.params],
  );
}

/** Whether the actor's agency leads the case or the actor sees it (one row if so); prepared. */
export function findCaseToAdmit(m: EntityManager, actor: Actor, caseId: string): Promise<unknown[]> {
  const v = caseVisibility(actor, 'c', 3);
  return preparedRows(
    m,
    prepared(`SELECT 1 FROM case_file c WHERE c.id = $1::uuid AND (c.lead_agency_id = $2::uuid OR ${v.condition})`),
    [caseId, actor.agencyId, ...v.params],
  );
}

/** Which of these cases and persons are restricted now, by any agency (SECURITY DEFINER; ids only). */
export async function findRestrictedRecords(
  m: EntityManager,
  caseIds: readonly string[],
  personIds: readonly string[],
): Promise<Set<string>> {
  const rows = await m.query(
    `SELECT app_restricted_records AS id FROM app_restricted_records($1::uuid[], $2::uuid[])`,
    [caseIds, personIds],
  );
  return new Set((rows as { id: string }[]).map((r) => r.id));
}
