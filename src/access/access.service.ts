import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { AuditService } from '../audit/audit.service.js';
import { type Actor, currentRequest } from '../common/context/request-context.js';
import { DomainError, notFound } from '../common/errors/domain-error.js';
import { TransactionService } from '../database/transaction.service.js';
import {
  actorContextSql,
  type CaseVisibilityBranches,
  caseVisibility,
  caseVisibilityBranches,
  findCaseToAdmit,
  findCaseViews,
  findPersonViews,
  findRestrictedRecords,
  findVisibleScreening,
  personVisibility,
  screeningVisibility,
  type VisibilitySql,
} from './access.queries.js';
import type { CaseView } from './case-access-grant.entity.js';

export type { VisibilitySql } from './access.queries.js';

/** Options of the single-record checks. */
export interface RequireOptions {
  /**
   * Data-protection routes that act on a restriction itself (lift it, erase on request, place a
   * legal hold) pass true: they are the only writes a restricted record still takes.
   */
  evenIfRestricted?: boolean;
}

const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

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
  constructor(
    @Inject(TransactionService) private readonly tx: TransactionService,
    @Inject(AuditService) private readonly audit: AuditService,
  ) {}

  onModuleInit(): void {
    this.tx.onTransactionStart(actorContextSql);
  }

  /** SQL for list queries, so lists and single reads apply the very same rule. */
  caseVisibility(actor: Actor, alias: string, firstParam: number): VisibilitySql {
    return caseVisibility(actor, alias, firstParam);
  }

  /**
   * The same rule as caseVisibility, split into the ways a case becomes visible, for lists:
   * the lead agency's own cases (an index range per agency), break-the-glass grants (a few per
   * user) and open referral grants (`referral` joins case_access_grant `g` to the case `alias`;
   * an index range per agency, newest case first). A page is the top of each merged, so its
   * cost does not grow with the number of cases.
   */
  caseVisibilityBranches(actor: Actor, alias: string, firstParam: number): CaseVisibilityBranches {
    return caseVisibilityBranches(actor, alias, firstParam);
  }

  /**
   * Persons: in full to the staff who registered or interviewed them (and their agency's
   * supervisors and identification officers) and to whoever sees one of their cases in full;
   * through the limited view to an agency with an open referral for one of their cases.
   */
  personVisibility(actor: Actor, alias: string, firstParam: number): VisibilitySql {
    return personVisibility(actor, alias, firstParam);
  }

  /**
   * Screenings: the interviewer and their agency's supervisors and identification officers;
   * identification officers of the agency asked to decide; whoever sees the case in full.
   * Never a referral receiver (the limited view excludes the interview).
   */
  screeningVisibility(actor: Actor, alias: string, firstParam: number): { condition: string; params: unknown[] } {
    return screeningVisibility(actor, alias, firstParam);
  }

  /**
   * Throws 404 unless the actor sees the screening. A screening is its person's and its case's
   * data: a write to it (submitting it, deciding on it, opening or linking a case from it, adding
   * a file to it) answers 423 while either is restricted, whoever it was submitted to.
   */
  async requireScreening(actor: Actor, screeningId: string, options: RequireOptions = {}): Promise<void> {
    const [row] = await findVisibleScreening(this.tx.manager(), actor, screeningId);
    if (!row) throw notFound('Screening');
    await this.checkRestriction(row.case_id ? [row.case_id] : [], row.person_id ? [row.person_id] : [], options);
  }

  /**
   * Restriction for a write that reaches a case or person through a record of its own, which the
   * caller has already found visible by its own rule (a referral or transfer the agency is party
   * to, a document, a tracing request's confirmed match): the same check as requireCase and
   * requirePerson, so a restricted case or person answers 423 on every write path.
   */
  async requireUnrestricted(
    records: { caseIds?: readonly (string | null)[]; personIds?: readonly (string | null)[] },
    options: RequireOptions = {},
  ): Promise<void> {
    const ids = (list?: readonly (string | null)[]) => [...new Set((list ?? []).filter((x): x is string => !!x))];
    await this.checkRestriction(ids(records.caseIds), ids(records.personIds), options);
  }

  async personViews(actor: Actor, personIds: readonly string[]): Promise<Map<string, CaseView>> {
    if (personIds.length === 0) return new Map();
    const rows = await findPersonViews(this.tx.manager(), actor, personIds);
    return new Map(rows.filter((r) => r.view !== null).map((r) => [r.id, r.view!]));
  }

  /** Throws 404 unless the actor sees the person (in full when `need` is 'full'). */
  async requirePerson(
    actor: Actor,
    personId: string,
    need: CaseView = 'limited',
    options: RequireOptions = {},
  ): Promise<CaseView> {
    const view = (await this.personViews(actor, [personId])).get(personId);
    if (!view || (need === 'full' && view !== 'full')) throw notFound('Person');
    await this.checkRestriction([], [personId], options);
    return view;
  }

  /** The view the actor has of each requested case; invisible or missing cases are absent. */
  async caseViews(actor: Actor, caseIds: readonly string[]): Promise<Map<string, CaseView>> {
    if (caseIds.length === 0) return new Map();
    const rows = await findCaseViews(this.tx.manager(), actor, caseIds);
    return new Map(rows.filter((r) => r.view !== null).map((r) => [r.id, r.view!]));
  }

  /** Throws 404 unless the actor sees the case (in full when `need` is 'full'). */
  async requireCase(
    actor: Actor,
    caseId: string,
    need: CaseView = 'limited',
    options: RequireOptions = {},
  ): Promise<CaseView> {
    const view = (await this.caseViews(actor, [caseId])).get(caseId);
    if (!view || (need === 'full' && view !== 'full')) throw notFound('Case');
    await this.checkRestriction([caseId], [], options);
    return view;
  }

  /**
   * Admissions (route permission placement.manage): the staff who run an agency's beds admit
   * any case their agency leads, whoever it is assigned to, without thereby seeing the case
   * itself; a case led elsewhere must be visible (an open referral). Anything else answers 404.
   */
  async requireCaseToAdmit(actor: Actor, caseId: string): Promise<void> {
    const rows = await findCaseToAdmit(this.tx.manager(), actor, caseId);
    if (!rows.length) throw notFound('Case');
    await this.checkRestriction([caseId], [], {});
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
    await this.checkRestriction(unique, [], {});
    return views;
  }

  /**
   * Restriction of processing (docs/data-protection.md), enforced here and nowhere else: every
   * write to a case or person goes through one of the checks above (requireScreening for a
   * screening's person and case, requireUnrestricted for records reached by their own rule). A write to a restricted
   * record answers 423 RECORD_RESTRICTED; a read goes on and its access entry says the record
   * was restricted.
   */
  private async checkRestriction(
    caseIds: readonly string[],
    personIds: readonly string[],
    options: RequireOptions,
  ): Promise<void> {
    const method = currentRequest()?.facts?.method;
    if (!method || (!caseIds.length && !personIds.length)) return;
    const restricted = await findRestrictedRecords(this.tx.manager(), caseIds, personIds);
    if (!restricted.size) return;
    if (READ_METHODS.has(method.toUpperCase()) || options.evenIfRestricted) {
      this.audit.noteDetails({ restricted: [...restricted] });
      return;
    }
    throw new DomainError('RECORD_RESTRICTED', 'The record is restricted: it can be read but not changed', {
      extensions: { restrictedIds: [...restricted] },
    });
  }
}
