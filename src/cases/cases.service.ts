import { Inject, Injectable } from '@nestjs/common';
import { DomainEvents } from '../events/domain-events.service.js';
import { Clock } from '../common/clock.js';
import { AccessService } from '../access/access.service.js';
import { CaseAccessGrantEntity, type CaseView } from '../access/case-access-grant.entity.js';
import { AgencyEntity } from '../agencies/agency.entity.js';
import { AuditService, diffFields } from '../audit/audit.service.js';
import type { Actor } from '../common/context/request-context.js';
import { DomainError, notFound } from '../common/errors/domain-error.js';
import { staleVersion } from '../common/http/etag.js';
import { type CursorValueType, invalidCursor, isCursorValue } from '../common/http/cursor.js';
import { uuidv7 } from '../common/uuid.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { hydratePrefixed } from '../database/find-by-id.js';
import { TransactionService } from '../database/transaction.service.js';
import { PersonEntity } from '../persons/person.entity.js';
import { PersonsService } from '../persons/persons.service.js';
import { ScreeningEntity } from '../screening/screening.entities.js';
import { UserEntity } from '../users/user.entity.js';
import { CaseEntity } from './case.entity.js';
import {
  type CaseStage,
  canTransition,
  CLOSED_STAGES,
  htcdsStatus,
  missingFact,
  REFERRED_CLOSURE_REASON,
  stageFromScreening,
  TRANSITIONS,
} from './case-stages.js';
import type {
  AccessGrantResponse,
  CaseCountsResponse,
  CaseListItem,
  CaseListQuery,
  CasePage,
  CaseResponse,
  CreateCaseRequest,
  TimelineEventResponse,
  UpdateCaseRequest,
} from './dto/case.dto.js';
import { FOLLOW_UP_CLOSED_REASON } from './dto/case.dto.js';
import {
  findIdentificationDecisionsOfCase,
  findScreeningDecisionStatus,
  findStageFacts,
} from './case-stages.queries.js';
import {
  assignCaseStaff,
  CASE_LIST_SORTS,
  closeCaseAtVersion,
  countCasesSeenInFull,
  findCaseForRead,
  listVisibleCases,
  nextCaseNumberInSequence,
  reopenCaseAtVersion,
  setCaseExploitationTypes,
  setCaseStage,
  setClosureRequest,
  setScreeningCase,
  updateCaseProfile,
} from './cases.queries.js';
import { cancelScheduledFollowUps } from './follow-ups.queries.js';
import { TimelineService } from './timeline.service.js';

const toGrantResponse = (g: CaseAccessGrantEntity): AccessGrantResponse => ({
  id: g.id,
  caseId: g.caseId,
  kind: g.kind,
  view: g.view,
  granteeAgencyId: g.granteeAgencyId,
  granteeUserId: g.granteeUserId,
  reason: g.reason,
  grantedAt: g.grantedAt.toISOString(),
  expiresAt: g.expiresAt?.toISOString() ?? null,
  revokedAt: g.revokedAt?.toISOString() ?? null,
  active: g.revokedAt === null && (g.expiresAt === null || g.expiresAt.getTime() > Date.now()),
});

/** The case lifecycle: creation with a readable number, stages, closure, lists and the timeline. */
@Injectable()
export class CasesService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(TransactionService) private readonly tx: TransactionService,
    @Inject(AccessService) private readonly access: AccessService,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(PersonsService) private readonly persons: PersonsService,
    @Inject(TimelineService) private readonly timeline: TimelineService,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(DomainEvents) private readonly events: DomainEvents,
  ) {}

  private repo() {
    return this.tx.manager().getRepository(CaseEntity);
  }

  /** Next number for a prefix and year: one atomic upsert, so concurrent creations never collide. */
  private async nextCaseNumber(prefix: string): Promise<string> {
    const year = this.clock.year();
    const last = await nextCaseNumberInSequence(this.tx.manager(), prefix, year);
    return `${prefix}-${year}-${String(last).padStart(6, '0')}`;
  }

  private async assertStaff(actor: Actor, userIds: (string | undefined)[]): Promise<void> {
    for (const id of userIds.filter((u): u is string => Boolean(u))) {
      const user = await this.tx.manager().getRepository(UserEntity).findOneBy({ id });
      if (!user || user.agencyId !== actor.agencyId || !user.active) {
        throw new DomainError('VALIDATION_FAILED', 'Assign staff of your own agency', {
          errors: [{ field: 'assignedCaseworkerId', messages: ['must be an active user of your agency'] }],
        });
      }
    }
  }

  async create(
    actor: Actor,
    body: CreateCaseRequest,
    stage: CaseStage = 'intake',
    extra: { screeningId?: string } = {},
  ): Promise<CaseResponse> {
    await this.access.requirePerson(actor, body.personId, 'full');
    await this.assertStaff(actor, [body.assignedCaseworkerId, body.supervisorId]);
    const person = await this.tx.manager().getRepository(PersonEntity).findOneByOrFail({ id: body.personId });
    if (person.mergedIntoId)
      throw new DomainError(
        'UNPROCESSABLE',
        'This person record was merged; open the case on the record it was merged into',
      );
    const agency = await this.tx.manager().getRepository(AgencyEntity).findOneByOrFail({ id: actor.agencyId });
    const prefix = agency.provinceCode ? agency.provinceCode.slice(3) : 'LA';
    const id = uuidv7();
    const caseNumber = await this.nextCaseNumber(prefix);
    await this.repo().insert({
      id,
      caseNumber,
      personId: body.personId,
      leadAgencyId: actor.agencyId,
      assignedCaseworkerId: body.assignedCaseworkerId ?? (actor.roles.includes('caseworker') ? actor.userId : null),
      supervisorId: body.supervisorId ?? null,
      createdBy: actor.userId,
      stage,
      provinceCode: body.provinceCode ?? person.homeProvinceCode,
      exploitationTypes: body.exploitationTypes ?? [],
      openedOn: this.clock.today(),
    });
    await this.timeline.record(id, 'case_opened', actor, null, {
      caseNumber,
      stage,
      ...(extra.screeningId ? { screeningId: extra.screeningId } : {}),
    });
    await this.audit.change(
      'create',
      'case',
      id,
      diffFields(null, { caseNumber, stage, personId: body.personId, leadAgencyId: actor.agencyId }),
      id,
    );
    return this.get(actor, id);
  }

  /** Opens a case from a screening (stage screening, or identified/not identified if decided). */
  async openFromScreening(
    actor: Actor,
    screeningId: string,
    body: { assignedCaseworkerId?: string; supervisorId?: string },
  ): Promise<CaseResponse> {
    await this.access.requireScreening(actor, screeningId);
    const screening = await this.tx.manager().getRepository(ScreeningEntity).findOneByOrFail({ id: screeningId });
    if (screening.caseId)
      throw new DomainError('CONFLICT', 'This screening already belongs to a case', {
        extensions: { caseId: screening.caseId },
      });
    if (!screening.personId)
      throw new DomainError('UNPROCESSABLE', 'Register the person first: a case belongs to one person');
    const stage = stageFromScreening(await findScreeningDecisionStatus(this.tx.manager(), screeningId));
    const created = await this.create(
      actor,
      { personId: screening.personId, exploitationTypes: screening.exploitationTypes, ...body },
      stage,
      { screeningId },
    );
    await this.attachScreening(actor, screening, created.id);
    return this.get(actor, created.id);
  }

  async linkScreening(actor: Actor, screeningId: string, caseId: string): Promise<CaseResponse> {
    await this.access.requireScreening(actor, screeningId);
    await this.access.requireCase(actor, caseId, 'full');
    const screening = await this.tx.manager().getRepository(ScreeningEntity).findOneByOrFail({ id: screeningId });
    const c = await this.repo().findOneByOrFail({ id: caseId });
    if (screening.caseId) throw new DomainError('CONFLICT', 'This screening already belongs to a case');
    if (screening.personId && screening.personId !== c.personId)
      throw new DomainError('UNPROCESSABLE', 'The screening is of another person');
    await this.attachScreening(actor, screening, caseId);
    const added = screening.exploitationTypes.filter((t) => !c.exploitationTypes.includes(t));
    if (added.length) {
      // The screening's victim context reaches the case, so filters and eligibility work without retyping.
      const merged = [...c.exploitationTypes, ...added];
      await setCaseExploitationTypes(this.tx.manager(), caseId, merged);
      await this.audit.change(
        'update',
        'case',
        caseId,
        diffFields({ exploitationTypes: c.exploitationTypes }, { exploitationTypes: merged }),
        caseId,
        { screeningId },
      );
    }
    return this.get(actor, caseId);
  }

  private async attachScreening(actor: Actor, screening: ScreeningEntity, caseId: string): Promise<void> {
    await setScreeningCase(this.tx.manager(), screening.id, caseId);
    await this.timeline.record(
      caseId,
      'screening_linked',
      actor,
      { type: 'screening', id: screening.id },
      { suggestedOutcome: screening.suggestedOutcome, conductedAt: screening.conductedAt.toISOString() },
    );
    await this.audit.change(
      'link',
      'screening',
      screening.id,
      diffFields({ caseId: null as string | null }, { caseId }),
      caseId,
    );
  }

  async get(actor: Actor, id: string): Promise<CaseResponse> {
    const m = this.tx.manager();
    const v = this.access.caseVisibility(actor, 'c', 2);
    // One statement: the view, the case, the person, needs, risks and identification status.
    const row = await findCaseForRead(m, v, id);
    if (!row?.view) throw notFound('Case');
    this.audit.touch('case', [id], [id]);
    const c = hydratePrefixed(m, CaseEntity, row, 'c_');
    const person = hydratePrefixed(m, PersonEntity, row, 'p_');
    return this.toResponse(
      c,
      person,
      { needs: row.n_needs ?? [], risks: row.n_risks ?? [], identificationStatus: row.n_identification_status },
      row.view,
    );
  }

  private async toResponse(
    c: CaseEntity,
    person: PersonEntity,
    needsRisks: { needs: string[]; risks: string[]; identificationStatus: string | null },
    view: CaseView,
  ): Promise<CaseResponse> {
    return {
      id: c.id,
      caseNumber: c.caseNumber,
      view,
      stage: c.stage,
      status: htcdsStatus(c.stage as CaseStage),
      personId: c.personId,
      leadAgencyId: c.leadAgencyId,
      assignedCaseworkerId: c.assignedCaseworkerId,
      supervisorId: c.supervisorId,
      provinceCode: c.provinceCode,
      exploitationTypes: c.exploitationTypes,
      openedOn: c.openedOn,
      // The limited view carries identity, needs and risks, not the identification record.
      identificationStatus: view === 'full' ? needsRisks.identificationStatus : null,
      closureRequest: c.closureRequest
        ? {
            reason: c.closureRequest.reason,
            requestedBy: c.closureRequest.requestedBy,
            requestedAt: c.closureRequest.requestedAt,
          }
        : null,
      closureReason: c.closureReason,
      closedAt: c.closedAt?.toISOString() ?? null,
      transferredToAgencyId: c.transferredToAgencyId,
      needs: needsRisks.needs,
      risks: needsRisks.risks,
      person: await this.persons.toResponse(person, view),
      createdAt: c.createdAt.toISOString(),
      updatedAt: c.updatedAt.toISOString(),
      version: c.version,
    };
  }

  async list(actor: Actor, q: CaseListQuery): Promise<CasePage> {
    const sort = CASE_LIST_SORTS[q.sort ?? '-createdAt']!;
    const limit = q.limit ?? 50;
    const v = this.access.caseVisibility(actor, 'c', 1);
    const branches = this.access.caseVisibilityBranches(actor, 'c', 1);
    const pageCursor = q.cursor ? decodeCursor(q.cursor, sort.cast) : undefined;
    const rows = await listVisibleCases(this.tx.manager(), v, branches, q, sort, pageCursor, limit, this.clock.today());
    const items = rows.slice(0, limit);
    this.audit.touch(
      'case',
      items.map((r) => r.id),
      items.map((r) => r.id),
    );
    const last = items.at(-1);
    return {
      items: items.map((r): CaseListItem => ({
        id: r.id,
        caseNumber: r.case_number,
        view: r.view,
        stage: r.stage,
        leadAgencyId: r.lead_agency_id,
        assignedCaseworkerId: r.assigned_caseworker_id,
        provinceCode: r.province_code,
        exploitationTypes: r.exploitation_types,
        openedOn: r.opened_on,
        followUpOverdue: r.overdue,
        closureRequested: r.closure_requested,
        createdAt: r.created_at.toISOString(),
        updatedAt: r.updated_at.toISOString(),
      })),
      nextCursor: rows.length > limit && last ? encodeCursor(last.sort_value, last.id) : null,
    };
  }

  /** Dashboard counts over the cases the actor sees in full (supervisors: closure requests to decide). */
  async counts(actor: Actor): Promise<CaseCountsResponse> {
    const v = this.access.caseVisibility(actor, 'c', 2);
    const row = await countCasesSeenInFull(this.tx.manager(), v, this.clock.today());
    return { closureRequested: row?.closure_requested ?? 0, overdueFollowUp: row?.overdue ?? 0 };
  }

  /** Loads a case the actor sees in full and checks the version the client read. */
  async forUpdate(actor: Actor, id: string, version: number): Promise<CaseEntity> {
    await this.access.requireCase(actor, id, 'full');
    const c = await this.repo().findOneByOrFail({ id });
    if (c.leadAgencyId !== actor.agencyId)
      throw new DomainError('FORBIDDEN', 'Only the lead agency changes the case itself');
    if (c.version !== version) throw staleVersion('Case', c.version);
    return c;
  }

  /** Bumps the version only if it is still the one read: a concurrent writer gets 412. */
  private async bump(id: string, updated: Promise<{ id: string }[]>): Promise<void> {
    const rows = await updated;
    if (!rows.length) throw staleVersion('Case', (await this.repo().findOneByOrFail({ id })).version);
  }

  async update(actor: Actor, id: string, version: number, body: UpdateCaseRequest): Promise<CaseResponse> {
    const c = await this.forUpdate(actor, id, version);
    await this.bump(
      id,
      updateCaseProfile(this.tx.manager(), id, version, body.provinceCode ?? null, body.exploitationTypes ?? null),
    );
    await this.audit.change(
      'update',
      'case',
      id,
      diffFields(
        { provinceCode: c.provinceCode, exploitationTypes: c.exploitationTypes },
        { provinceCode: body.provinceCode, exploitationTypes: body.exploitationTypes },
      ),
      id,
    );
    return this.get(actor, id);
  }

  async assign(
    actor: Actor,
    id: string,
    version: number,
    body: { assignedCaseworkerId?: string; supervisorId?: string },
  ): Promise<CaseResponse> {
    const c = await this.forUpdate(actor, id, version);
    await this.assertStaff(actor, [body.assignedCaseworkerId, body.supervisorId]);
    await this.bump(
      id,
      assignCaseStaff(this.tx.manager(), id, version, body.assignedCaseworkerId ?? null, body.supervisorId ?? null),
    );
    const changes = diffFields(
      { assignedCaseworkerId: c.assignedCaseworkerId, supervisorId: c.supervisorId },
      { assignedCaseworkerId: body.assignedCaseworkerId, supervisorId: body.supervisorId },
    );
    await this.timeline.record(
      id,
      'assigned',
      actor,
      null,
      Object.fromEntries(changes.map((ch) => [ch.field, ch.new])),
    );
    await this.audit.change('assign', 'case', id, changes, id);
    return this.get(actor, id);
  }

  async transition(actor: Actor, id: string, version: number, to: CaseStage, reason?: string): Promise<CaseResponse> {
    const c = await this.forUpdate(actor, id, version);
    const from = c.stage as CaseStage;
    if (!canTransition(from, to)) {
      throw new DomainError('ILLEGAL_TRANSITION', `A case cannot move from ${from} to ${to}`, {
        extensions: { from, to, allowed: TRANSITIONS[from] },
      });
    }
    const missing = missingFact(to, await findStageFacts(this.tx.manager(), id));
    if (missing) {
      throw new DomainError('STAGE_FACT_MISSING', missing.detail, {
        extensions: { from, to, missingFact: missing.fact },
      });
    }
    await this.bump(id, setCaseStage(this.tx.manager(), id, version, to));
    await this.timeline.record(id, 'stage_changed', actor, null, { from, to, ...(reason ? { reason } : {}) });
    await this.audit.change('transition', 'case', id, diffFields({ stage: from }, { stage: to }), id);
    return this.get(actor, id);
  }

  /** A caseworker asks to close; a supervisor decides. */
  async requestClosure(actor: Actor, id: string, version: number, reason: string): Promise<CaseResponse> {
    const c = await this.forUpdate(actor, id, version);
    if (CLOSED_STAGES.has(c.stage as CaseStage))
      throw new DomainError('ILLEGAL_TRANSITION', 'The case is already closed');
    const request = { reason, requestedBy: actor.userId, requestedAt: new Date().toISOString() };
    await this.bump(id, setClosureRequest(this.tx.manager(), id, version, JSON.stringify(request)));
    await this.timeline.record(id, 'closure_requested', actor, null, { reason });
    await this.audit.change(
      'request_closure',
      'case',
      id,
      diffFields<{ closureRequest: { reason: string } | null }>(
        { closureRequest: null },
        { closureRequest: { reason } },
      ),
      id,
    );
    await this.events.record({
      type: 'case.closure-requested',
      agencyIds: [actor.agencyId],
      caseId: id,
      subjectId: id,
      payload: { reason, stage: c.stage },
    });
    return this.get(actor, id);
  }

  /** Closing needs a reason from the fixed list and a supervisor (case.close). */
  async close(
    actor: Actor,
    id: string,
    version: number,
    reason: string,
    transferredToAgencyId?: string,
  ): Promise<CaseResponse> {
    const c = await this.forUpdate(actor, id, version);
    if (CLOSED_STAGES.has(c.stage as CaseStage))
      throw new DomainError('ILLEGAL_TRANSITION', 'The case is already closed');
    const referred = reason === REFERRED_CLOSURE_REASON;
    if (referred && !transferredToAgencyId) {
      throw new DomainError('VALIDATION_FAILED', 'Name the agency that takes the case over', {
        errors: [
          {
            field: 'transferredToAgencyId',
            messages: ['transferredToAgencyId is required when the reason is transferred_or_referred'],
          },
        ],
      });
    }
    if (
      transferredToAgencyId &&
      !(await this.tx.manager().getRepository(AgencyEntity).existsBy({ id: transferredToAgencyId, active: true }))
    ) {
      throw new DomainError('VALIDATION_FAILED', 'Unknown agency', {
        errors: [{ field: 'transferredToAgencyId', messages: ['no active agency has this id'] }],
      });
    }
    const stage: CaseStage = referred ? 'closed_referred' : 'closed';
    await this.bump(
      id,
      closeCaseAtVersion(this.tx.manager(), id, version, stage, reason, actor.userId, transferredToAgencyId ?? null),
    );
    // The closure rule for follow-ups: visits still scheduled are cancelled with 'case_closed'
    // (a reopened case schedules anew); completed visits stay as they were.
    const cancelledVisits = await cancelScheduledFollowUps(this.tx.manager(), id, FOLLOW_UP_CLOSED_REASON);
    if (cancelledVisits.length) {
      await this.timeline.record(id, 'follow_ups_cancelled', actor, null, {
        count: cancelledVisits.length,
        reason: FOLLOW_UP_CLOSED_REASON,
      });
      await this.audit.change(
        'cancel',
        'case_follow_up',
        cancelledVisits[0]!,
        diffFields({ status: 'scheduled' }, { status: 'cancelled' }),
        id,
        { followUpIds: cancelledVisits, reason: FOLLOW_UP_CLOSED_REASON },
      );
    }
    await this.timeline.record(id, 'closed', actor, null, {
      from: c.stage,
      to: stage,
      reason,
      approvedBy: actor.userId,
      requestedBy: c.closureRequest?.requestedBy ?? actor.userId,
    });
    await this.audit.change(
      'close',
      'case',
      id,
      diffFields({ stage: c.stage, closureReason: c.closureReason }, { stage, closureReason: reason }),
      id,
    );
    await this.events.record({
      type: 'case.closure-approved',
      agencyIds: [actor.agencyId],
      caseId: id,
      subjectId: id,
      payload: { reason, stage },
    });
    return this.get(actor, id);
  }

  async reopen(
    actor: Actor,
    id: string,
    version: number,
    reason: string,
    stage: CaseStage = 'assessment',
  ): Promise<CaseResponse> {
    const c = await this.forUpdate(actor, id, version);
    if (!CLOSED_STAGES.has(c.stage as CaseStage))
      throw new DomainError('ILLEGAL_TRANSITION', 'Only a closed case can be reopened');
    await this.bump(id, reopenCaseAtVersion(this.tx.manager(), id, version, stage));
    await this.timeline.record(id, 'reopened', actor, null, { from: c.stage, to: stage, reason });
    await this.audit.change('reopen', 'case', id, diffFields({ stage: c.stage }, { stage }), id, { reason });
    return this.get(actor, id);
  }

  async timelineOf(actor: Actor, id: string): Promise<TimelineEventResponse[]> {
    await this.access.requireCase(actor, id, 'full');
    const events = await this.timeline.list(id);
    // Identification decisions are often made by another agency (the police): they are read
    // from the decisions themselves rather than copied into the lead agency's timeline.
    const decisions = await findIdentificationDecisionsOfCase(this.tx.manager(), id);
    this.audit.touch('case', [id], [id]);
    const merged: TimelineEventResponse[] = [
      ...events.map((e) => ({
        id: e.id,
        occurredAt: e.occurredAt.toISOString(),
        kind: e.kind,
        actorId: e.actorId,
        agencyId: e.agencyId,
        refType: e.refType,
        refId: e.refId,
        summary: e.summary,
      })),
      ...decisions.map((d) => ({
        id: d.id,
        occurredAt: d.recorded_at.toISOString(),
        kind: 'identification_decided',
        actorId: d.decided_by,
        agencyId: d.deciding_agency_id,
        refType: 'identification_decision',
        refId: d.id,
        summary: { status: d.status, revision: d.revision, decidedOn: d.decided_on, screeningId: d.screening_id },
      })),
    ];
    return merged.sort((a, b) => a.occurredAt.localeCompare(b.occurredAt) || a.id.localeCompare(b.id));
  }

  /**
   * Break-the-glass: a full view of a case outside the actor's scope for a few hours, with a
   * reason. The grant is audited and listed for the lead agency. A missing case answers 404.
   */
  async breakGlass(actor: Actor, caseId: string, reason: string): Promise<AccessGrantResponse> {
    const current = (await this.access.caseViews(actor, [caseId])).get(caseId);
    if (current === 'full') throw new DomainError('CONFLICT', 'You already see this case in full');
    const grant: Partial<CaseAccessGrantEntity> = {
      id: uuidv7(),
      caseId,
      granteeAgencyId: actor.agencyId,
      granteeUserId: actor.userId,
      kind: 'break_glass',
      view: 'full',
      reason,
      sourceId: null,
      expiresAt: new Date(Date.now() + this.config.auth.breakGlassHours * 3600_000),
    };
    try {
      // The foreign key, checked without row-level security, tells a missing case apart.
      await this.tx.manager().query('SAVEPOINT break_glass');
      await this.tx.manager().insert(CaseAccessGrantEntity, grant);
      await this.tx.manager().query('RELEASE SAVEPOINT break_glass');
    } catch (err) {
      if ((err as { driverError?: { code?: string } }).driverError?.code === '23503') {
        await this.tx.manager().query('ROLLBACK TO SAVEPOINT break_glass');
        throw notFound('Case');
      }
      throw err;
    }
    this.audit.noteBreakGlass(grant.id!);
    await this.timeline.record(
      caseId,
      'break_glass',
      actor,
      { type: 'case_access_grant', id: grant.id! },
      { expiresAt: grant.expiresAt!.toISOString() },
    );
    await this.audit.change(
      'break_glass',
      'case_access_grant',
      grant.id!,
      [{ field: 'reason', personal: true }],
      caseId,
      { expiresAt: grant.expiresAt!.toISOString() },
    );
    await this.events.record({
      type: 'case.break-glass',
      agencyIds: [actor.agencyId],
      caseId,
      subjectId: grant.id!,
      payload: {
        grantId: grant.id!,
        agencyId: actor.agencyId,
        userId: actor.userId,
        expiresAt: grant.expiresAt!.toISOString(),
      },
    });
    return toGrantResponse(
      await this.tx.manager().getRepository(CaseAccessGrantEntity).findOneByOrFail({ id: grant.id! }),
    );
  }

  /** Who outside the lead agency can see the case (referrals, break-the-glass), for its supervisors. */
  async accessGrants(actor: Actor, caseId: string): Promise<AccessGrantResponse[]> {
    await this.access.requireCase(actor, caseId, 'full');
    const c = await this.repo().findOneByOrFail({ id: caseId });
    if (c.leadAgencyId !== actor.agencyId) throw notFound('Case');
    const grants = await this.tx
      .manager()
      .getRepository(CaseAccessGrantEntity)
      .find({ where: { caseId }, order: { grantedAt: 'DESC' } });
    this.audit.touch(
      'case_access_grant',
      grants.map((g) => g.id),
      [caseId],
    );
    return grants.map(toGrantResponse);
  }
}

function encodeCursor(value: string, id: string): string {
  return Buffer.from(JSON.stringify([value, id])).toString('base64url');
}

/** A cursor decodes to [sort value, case id], each of the type its SQL compares it as, or 400. */
function decodeCursor(cursor: string, sortType: CursorValueType): [string, string] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString());
  } catch {
    throw invalidCursor();
  }
  if (
    Array.isArray(parsed) &&
    parsed.length === 2 &&
    isCursorValue(sortType, parsed[0]) &&
    isCursorValue('uuid', parsed[1])
  )
    return [parsed[0], parsed[1]];
  throw invalidCursor();
}
