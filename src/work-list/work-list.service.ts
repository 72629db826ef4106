import { Inject, Injectable } from '@nestjs/common';
import { AccessService } from '../access/access.service.js';
import { AuditService } from '../audit/audit.service.js';
import { Permission } from '../auth/permissions.js';
import { addDays, Clock } from '../common/clock.js';
import type { Actor } from '../common/context/request-context.js';
import { TransactionService } from '../database/transaction.service.js';
import type { FollowUpTask, WorkKind, WorkListResponse } from './dto/work-list.dto.js';
import {
  type FollowUpTaskRow,
  findClosuresToApprove,
  findFollowUpsDue,
  findIdentificationsToDecide,
  findReferralsToAnswer,
  findReturneesExpected,
} from './work-list.queries.js';

/** The permission each kind of work needs: the one its own list or action route declares. */
const KIND_PERMISSION: Record<WorkKind, Permission> = {
  referrals_to_answer: Permission.ReferralRespond,
  closures_to_approve: Permission.CaseClose,
  identifications_to_decide: Permission.IdentificationDecide,
  follow_ups_overdue: Permission.FollowUpRead,
  follow_ups_due_this_week: Permission.FollowUpRead,
  returnees_expected: Permission.ReturnManage,
};

const toFollowUpTask = (r: FollowUpTaskRow): FollowUpTask => ({
  id: r.id,
  caseId: r.case_id,
  caseNumber: r.case_number,
  dueOn: r.due_on,
  planMonth: r.plan_month,
  daysOverdue: r.days_overdue,
});

/**
 * What needs the caller or their agency now, computed from current state: each kind only for
 * the roles that act on it, and each over exactly the records the kind's own list shows (the
 * same access predicates). Ids, case numbers and codes only: never a name.
 */
@Injectable()
export class WorkListService {
  constructor(
    @Inject(TransactionService) private readonly tx: TransactionService,
    @Inject(AccessService) private readonly access: AccessService,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  /** The kinds of work the actor's roles take on. */
  kindsFor(actor: Actor): WorkKind[] {
    return (Object.keys(KIND_PERMISSION) as WorkKind[]).filter((k) => actor.permissions.has(KIND_PERMISSION[k]));
  }

  async forActor(actor: Actor): Promise<WorkListResponse> {
    const m = this.tx.manager();
    const kinds = this.kindsFor(actor);
    const has = (k: WorkKind) => kinds.includes(k);
    const today = this.clock.today();
    const caseVisibility = this.access.caseVisibility(actor, 'c', 1);
    // One after the other: a request holds one connection (docs/one-query-per-connection.md).
    const referrals = has('referrals_to_answer') ? await findReferralsToAnswer(m, actor.agencyId) : [];
    const closures = has('closures_to_approve') ? await findClosuresToApprove(m, caseVisibility) : [];
    const identifications = has('identifications_to_decide')
      ? await findIdentificationsToDecide(m, this.access.screeningVisibility(actor, 's', 1), actor.agencyId)
      : [];
    const overdue = has('follow_ups_overdue')
      ? await findFollowUpsDue(m, caseVisibility, actor.agencyId, today, { overdue: true })
      : [];
    const thisWeek = has('follow_ups_due_this_week')
      ? await findFollowUpsDue(m, caseVisibility, actor.agencyId, today, { overdue: false, until: addDays(today, 6) })
      : [];
    const returns = has('returnees_expected') ? await findReturneesExpected(m, actor.agencyId) : [];

    const ids = [
      ...referrals.map((r) => r.id),
      ...closures.map((r) => r.case_id),
      ...identifications.map((r) => r.id),
      ...overdue.map((r) => r.id),
      ...thisWeek.map((r) => r.id),
      ...returns.map((r) => r.id),
    ];
    const caseIds = [
      ...referrals.map((r) => r.case_id),
      ...closures.map((r) => r.case_id),
      ...identifications.flatMap((r) => (r.case_id ? [r.case_id] : [])),
      ...overdue.map((r) => r.case_id),
      ...thisWeek.map((r) => r.case_id),
    ];
    this.audit.touch('work_list', ids, caseIds);

    return {
      generatedAt: this.clock.now().toISOString(),
      today,
      kinds,
      counts: {
        referralsToAnswer: referrals[0]?.total ?? 0,
        referralsOverdue: referrals[0]?.total_overdue ?? 0,
        referralsEmergency: referrals[0]?.total_emergency ?? 0,
        closuresToApprove: closures[0]?.total ?? 0,
        identificationsToDecide: identifications[0]?.total ?? 0,
        followUpsOverdue: overdue[0]?.total ?? 0,
        followUpsDueThisWeek: thisWeek[0]?.total ?? 0,
        returneesExpected: returns[0]?.total ?? 0,
      },
      referralsToAnswer: referrals.map((r) => ({
        id: r.id,
        caseId: r.case_id,
        caseNumber: r.case_number,
        fromAgencyId: r.from_agency_id,
        purpose: r.purpose,
        urgency: r.urgency,
        dueBy: r.due_by.toISOString(),
        overdue: r.overdue,
      })),
      closuresToApprove: closures.map((r) => ({
        caseId: r.case_id,
        caseNumber: r.case_number,
        reason: r.reason,
        requestedBy: r.requested_by,
        requestedAt: r.requested_at,
      })),
      identificationsToDecide: identifications.map((r) => ({
        id: r.id,
        caseId: r.case_id,
        caseNumber: r.case_number,
        agencyId: r.agency_id,
        profile: r.profile,
        suggestedOutcome: r.suggested_outcome,
        conductedAt: r.conducted_at.toISOString(),
      })),
      followUpsOverdue: overdue.map(toFollowUpTask),
      followUpsDueThisWeek: thisWeek.map(toFollowUpTask),
      returneesExpected: returns.map((r) => ({
        id: r.id,
        hostCountry: r.host_country,
        borderCrossingCode: r.border_crossing_code,
        expectedOn: r.expected_on,
        peopleCount: r.people_count,
        childrenCount: r.children_count,
        arrivalsExpected: r.arrivals_expected,
      })),
    };
  }
}
