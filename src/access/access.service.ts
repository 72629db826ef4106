import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Actor } from '../common/context/request-context.js';
import { notFound } from '../common/errors/domain-error.js';
import { prepared, preparedRows } from '../database/sql.js';
import { TransactionService } from '../database/transaction.service.js';
import { AGENCY_WIDE_CASE_ROLES, REFERRAL_RECEIVER_ROLES, type Role } from '../auth/permissions.js';
import type { CaseView } from './case-access-grant.entity.js';
import { actorContextSql } from './row-level-security.js';

const hasAny = (actor: Actor, roles: ReadonlySet<Role>) => actor.roles.some((r) => roles.has(r as Role));

export interface VisibilitySql {
  /** A boolean SQL expression over the case alias; true when the actor may see the case. */
  condition: string;
  /** A text SQL expression: 'full', 'limited' or NULL. */
  view: string;
  params: unknown[];
}

/**
 * Answers "may this actor see these cases, and through which view?" in one set-based query.
 * Every case-bound module calls it before touching a record; a case the actor may not see
 * answers 404 exactly like a missing one. Row-level security is the second wall behind it.
 *
 * Rules: the lead agency's supervisors (and identification officers) see all its cases; its
 * other staff see the cases assigned to, supervised or created by them; a user with an active
 * break-the-glass grant sees the case in full; an agency with an open referral sees it
 * through the limited view. Nobody else sees it.
 */
@Injectable()
export class AccessService implements OnModuleInit {
  constructor(@Inject(TransactionService) private readonly tx: TransactionService) {}

  onModuleInit(): void {
    this.tx.onTransactionStart(actorContextSql);
  }

  /** The actor's parameters, in the order the visibility SQL expects them. */
  private actorParams(actor: Actor): unknown[] {
    return [
      actor.agencyId,
      actor.userId,
      hasAny(actor, AGENCY_WIDE_CASE_ROLES),
      hasAny(actor, REFERRAL_RECEIVER_ROLES),
    ];
  }

  /**
   * The three ways a case becomes visible, each written once: single reads, lists and their
   * branches all assemble the rule from these. `p(i)` is the i-th actor parameter.
   */
  private ownCase(alias: string, p: (i: number) => string): string {
    return `(${alias}.lead_agency_id = ${p(0)} AND (${p(2)}::boolean OR ${alias}.assigned_caseworker_id = ${p(1)} OR ${alias}.supervisor_id = ${p(1)} OR ${alias}.created_by = ${p(1)}))`;
  }

  private breakGlassGrant(p: (i: number) => string): string {
    return `g.kind = 'break_glass' AND g.grantee_user_id = ${p(1)} AND g.revoked_at IS NULL AND g.expires_at > now()`;
  }

  private referralGrant(p: (i: number) => string): string {
    return `g.kind = 'referral' AND g.grantee_agency_id = ${p(0)} AND g.grantee_user_id IS NULL AND g.revoked_at IS NULL
                 AND (g.expires_at IS NULL OR g.expires_at > now())`;
  }

  private caseConditions(alias: string, p: (i: number) => string): { full: string; limited: string } {
    return {
      full: `(${this.ownCase(alias, p)}
      OR EXISTS (SELECT 1 FROM case_access_grant g WHERE g.case_id = ${alias}.id AND ${this.breakGlassGrant(p)}))`,
      limited: `(${p(3)}::boolean AND EXISTS (SELECT 1 FROM case_access_grant g WHERE g.case_id = ${alias}.id AND ${this.referralGrant(p)}))`,
    };
  }

  /** SQL for list queries, so lists and single reads apply the very same rule. */
  caseVisibility(actor: Actor, alias: string, firstParam: number): VisibilitySql {
    const p = (i: number) => `$${firstParam + i}`;
    const { full, limited } = this.caseConditions(alias, p);
    return {
      condition: `(${full} OR ${limited})`,
      view: `(CASE WHEN ${full} THEN 'full' WHEN ${limited} THEN 'limited' END)`,
      params: this.actorParams(actor),
    };
  }

  /**
   * The same rule as caseVisibility, split into the ways a case becomes visible, for lists:
   * the lead agency's own cases (an index range per agency), break-the-glass grants (a few per
   * user) and open referral grants (`referral` joins case_access_grant `g` to the case `alias`;
   * an index range per agency, newest case first). A page is the top of each merged, so its
   * cost does not grow with the number of cases.
   */
  caseVisibilityBranches(
    actor: Actor,
    alias: string,
    firstParam: number,
  ): {
    own: string;
    breakGlass: string;
    referral: { from: string; where: string };
    receivesReferrals: boolean;
    params: unknown[];
  } {
    const p = (i: number) => `$${firstParam + i}`;
    return {
      own: this.ownCase(alias, p),
      breakGlass: `${alias}.id IN (SELECT g.case_id FROM case_access_grant g WHERE ${this.breakGlassGrant(p)})`,
      referral: {
        from: `case_access_grant g JOIN case_file ${alias} ON ${alias}.id = g.case_id`,
        where: `${p(3)}::boolean AND ${this.referralGrant(p)}`,
      },
      receivesReferrals: hasAny(actor, REFERRAL_RECEIVER_ROLES),
      params: this.actorParams(actor),
    };
  }

  /**
   * Persons: in full to the staff who registered or interviewed them (and their agency's
   * supervisors and identification officers) and to whoever sees one of their cases in full;
   * through the limited view to an agency with an open referral for one of their cases.
   */
  personVisibility(actor: Actor, alias: string, firstParam: number): VisibilitySql {
    const p = (i: number) => `$${firstParam + i}`;
    const c = this.caseConditions('vc', p);
    const full = `(
      (${alias}.owner_agency_id = ${p(0)} AND (${p(2)}::boolean OR ${alias}.created_by = ${p(1)}))
      OR EXISTS (SELECT 1 FROM screening vs WHERE vs.person_id = ${alias}.id AND (vs.agency_id = ${p(0)} OR vs.submitted_to_agency_id = ${p(0)})
                 AND (${p(2)}::boolean OR vs.interviewer_id = ${p(1)}))
      OR EXISTS (SELECT 1 FROM case_file vc WHERE vc.person_id = ${alias}.id AND ${c.full}))`;
    const limited = `EXISTS (SELECT 1 FROM case_file vc WHERE vc.person_id = ${alias}.id AND ${c.limited})`;
    return {
      condition: `(${full} OR ${limited})`,
      view: `(CASE WHEN ${full} THEN 'full' WHEN ${limited} THEN 'limited' END)`,
      params: this.actorParams(actor),
    };
  }

  /**
   * Screenings: the interviewer and their agency's supervisors and identification officers;
   * identification officers of the agency asked to decide; whoever sees the case in full.
   * Never a referral receiver (the limited view excludes the interview).
   */
  screeningVisibility(actor: Actor, alias: string, firstParam: number): { condition: string; params: unknown[] } {
    const p = (i: number) => `$${firstParam + i}`;
    const c = this.caseConditions('vc', p);
    return {
      condition: `(
        (${alias}.agency_id = ${p(0)} AND (${p(2)}::boolean OR ${alias}.interviewer_id = ${p(1)}))
        OR (${alias}.submitted_to_agency_id = ${p(0)} AND ${p(2)}::boolean)
        OR (${alias}.case_id IS NOT NULL AND EXISTS (SELECT 1 FROM case_file vc WHERE vc.id = ${alias}.case_id AND ${c.full})))`,
      // The full-view condition uses the first three actor parameters only.
      params: this.actorParams(actor).slice(0, 3),
    };
  }

  async requireScreening(actor: Actor, screeningId: string): Promise<void> {
    const v = this.screeningVisibility(actor, 's', 2);
    const rows = await preparedRows(
      this.tx.manager(),
      prepared(`SELECT 1 FROM screening s WHERE s.id = $1 AND ${v.condition}`),
      [screeningId, ...v.params],
    );
    if (!rows.length) throw notFound('Screening');
  }

  async personViews(actor: Actor, personIds: readonly string[]): Promise<Map<string, CaseView>> {
    if (personIds.length === 0) return new Map();
    const v = this.personVisibility(actor, 'p', 2);
    // One id (the common case) by equality: its generic plan is as good as a custom one, so
    // PostgreSQL stops planning it after a few runs; an array of unknown length is replanned.
    const single = personIds.length === 1;
    const rows = await preparedRows<{ id: string; view: CaseView | null }>(
      this.tx.manager(),
      prepared(
        `SELECT p.id, ${v.view} AS view FROM person p WHERE ${single ? 'p.id = $1::uuid' : 'p.id = ANY($1::uuid[])'}`,
      ),
      [single ? personIds[0] : personIds, ...v.params],
    );
    return new Map(rows.filter((r) => r.view !== null).map((r) => [r.id, r.view!]));
  }

  /** Throws 404 unless the actor sees the person (in full when `need` is 'full'). */
  async requirePerson(actor: Actor, personId: string, need: CaseView = 'limited'): Promise<CaseView> {
    const view = (await this.personViews(actor, [personId])).get(personId);
    if (!view || (need === 'full' && view !== 'full')) throw notFound('Person');
    return view;
  }

  /** The view the actor has of each requested case; invisible or missing cases are absent. */
  async caseViews(actor: Actor, caseIds: readonly string[]): Promise<Map<string, CaseView>> {
    if (caseIds.length === 0) return new Map();
    const v = this.caseVisibility(actor, 'c', 2);
    const single = caseIds.length === 1;
    const rows = await preparedRows<{ id: string; view: CaseView | null }>(
      this.tx.manager(),
      prepared(
        `SELECT c.id, ${v.view} AS view FROM case_file c WHERE ${single ? 'c.id = $1::uuid' : 'c.id = ANY($1::uuid[])'}`,
      ),
      [single ? caseIds[0] : caseIds, ...v.params],
    );
    return new Map(rows.filter((r) => r.view !== null).map((r) => [r.id, r.view!]));
  }

  /** Throws 404 unless the actor sees the case (in full when `need` is 'full'). */
  async requireCase(actor: Actor, caseId: string, need: CaseView = 'limited'): Promise<CaseView> {
    const view = (await this.caseViews(actor, [caseId])).get(caseId);
    if (!view || (need === 'full' && view !== 'full')) throw notFound('Case');
    return view;
  }

  /**
   * Admissions (route permission placement.manage): the staff who run an agency's beds admit
   * any case their agency leads, whoever it is assigned to, without thereby seeing the case
   * itself; a case led elsewhere must be visible (an open referral). Anything else answers 404.
   */
  async requireCaseToAdmit(actor: Actor, caseId: string): Promise<void> {
    const v = this.caseVisibility(actor, 'c', 3);
    const rows = await preparedRows(
      this.tx.manager(),
      prepared(`SELECT 1 FROM case_file c WHERE c.id = $1::uuid AND (c.lead_agency_id = $2::uuid OR ${v.condition})`),
      [caseId, actor.agencyId, ...v.params],
    );
    if (!rows.length) throw notFound('Case');
  }

  /** Throws 404 unless the actor sees every one of the cases. */
  async requireCases(
    actor: Actor,
    caseIds: readonly string[],
    need: CaseView = 'limited',
  ): Promise<Map<string, CaseView>> {
    const unique = [...new Set(caseIds)];
    const views = await this.caseViews(actor, unique);
    if (unique.some((id) => !views.has(id) || (need === 'full' && views.get(id) !== 'full'))) throw notFound('Case');
    return views;
  }
}
