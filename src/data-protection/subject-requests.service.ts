import { Inject, Injectable } from '@nestjs/common';
import { AccessService } from '../access/access.service.js';
import { AuditService } from '../audit/audit.service.js';
import { Clock } from '../common/clock.js';
import type { Actor } from '../common/context/request-context.js';
import { DomainError, notFound } from '../common/errors/domain-error.js';
import { uuidv7 } from '../common/uuid.js';
import { TransactionService } from '../database/transaction.service.js';
import { DomainEvents } from '../events/domain-events.service.js';
import type {
  CreateSubjectRequest,
  RefuseSubjectRequest,
  SubjectAccessExport,
  SubjectRequestListQuery,
  SubjectRequestResponse,
} from './dto/subject-request.dto.js';
import type { RetentionTarget } from './retention-erasers.js';
import { RetentionService } from './retention.service.js';
import { SubjectAccessExporter } from './subject-access-export.js';
import {
  decideSubjectRequest,
  findActiveRestriction,
  findHeldCases,
  findPersonCases,
  findSubjectRequest,
  insertRestriction,
  insertSubjectRequest,
  liftRestriction,
  listSubjectRequests,
  setRecordsErased,
  type SubjectRequestRow,
} from './subject-requests.queries.js';

/**
 * A person's requests about their data (docs/data-protection.md): access, restriction, lifting
 * a restriction, erasure. A supervisor opens one; another supervisor of the same agency decides
 * it (four eyes among those who already see the agency's cases); an approval of a restriction,
 * lifting or erasure takes effect at once, an approved access request lets its requester
 * download the export. Every step is audited and stated as a domain event (ids and codes only).
 */
@Injectable()
export class SubjectRequestsService {
  constructor(
    @Inject(TransactionService) private readonly tx: TransactionService,
    @Inject(AccessService) private readonly access: AccessService,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(DomainEvents) private readonly events: DomainEvents,
    @Inject(RetentionService) private readonly retention: RetentionService,
    @Inject(SubjectAccessExporter) private readonly exporter: SubjectAccessExporter,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async create(actor: Actor, body: CreateSubjectRequest): Promise<SubjectRequestResponse> {
    const m = this.tx.manager();
    const caseId = body.caseId ?? null;
    if (body.kind === 'access' && caseId)
      throw new DomainError('BAD_REQUEST', 'An access request covers the person: give no caseId');
    // Access: any view of the person. Acting on records: the agency sees the person in full.
    const view = (await this.access.personViews(actor, [body.personId])).get(body.personId);
    if (!view || (body.kind !== 'access' && view !== 'full')) throw notFound('Person');
    if (caseId) await this.caseOfPerson(actor, body.personId, caseId);
    await this.assertApplicable(actor, body.kind, body.personId, caseId);
    const id = uuidv7();
    await insertSubjectRequest(m, {
      id,
      agencyId: actor.agencyId,
      personId: body.personId,
      caseId,
      kind: body.kind,
      reason: body.reason,
      channel: body.channel,
      requestedBy: actor.userId,
    });
    await this.audit.change(
      'create',
      'subject_request',
      id,
      [
        { field: 'kind', personal: false, new: body.kind },
        { field: 'reason', personal: false, new: body.reason },
        { field: 'channel', personal: false, new: body.channel },
      ],
      caseId,
    );
    return this.respond(id);
  }

  async get(actor: Actor, id: string): Promise<SubjectRequestResponse> {
    return this.respond(id);
  }

  async list(actor: Actor, q: SubjectRequestListQuery): Promise<SubjectRequestResponse[]> {
    const rows = await listSubjectRequests(this.tx.manager(), q, q.limit ?? 50);
    this.audit.touch(
      'subject_request',
      rows.map((r) => r.id),
      rows.flatMap((r) => (r.case_id ? [r.case_id] : [])),
    );
    return rows.map(toResponse);
  }

  /** Approves the request (another supervisor than its requester) and carries it out. */
  async approve(actor: Actor, id: string): Promise<SubjectRequestResponse> {
    const m = this.tx.manager();
    const r = await this.pendingToDecide(actor, id);
    await this.assertApplicable(actor, r.kind, r.person_id, r.case_id);
    await decideSubjectRequest(m, id, { status: 'approved', decidedBy: actor.userId, refusalReason: null });
    await this.audit.change(
      'approve',
      'subject_request',
      id,
      [{ field: 'status', personal: false, old: 'pending', new: 'approved' }],
      r.case_id,
    );
    await this.stateDecision(r, 'approved');
    if (r.kind === 'restriction') await this.restrict(actor, r);
    if (r.kind === 'lift-restriction') await this.lift(r);
    if (r.kind === 'erasure') await this.erase(actor, r);
    return this.respond(id);
  }

  async refuse(actor: Actor, id: string, body: RefuseSubjectRequest): Promise<SubjectRequestResponse> {
    const r = await this.pendingToDecide(actor, id);
    await decideSubjectRequest(this.tx.manager(), id, {
      status: 'refused',
      decidedBy: actor.userId,
      refusalReason: body.reason,
    });
    await this.audit.change(
      'refuse',
      'subject_request',
      id,
      [
        { field: 'status', personal: false, old: 'pending', new: 'refused' },
        { field: 'refusalReason', personal: false, new: body.reason },
      ],
      r.case_id,
    );
    await this.stateDecision(r, 'refused');
    return this.respond(id);
  }

  /**
   * Everything held about the person that the agency may see, for the requester of an approved
   * access request. The access entry names the request, the person and every case returned.
   */
  async export(actor: Actor, id: string): Promise<SubjectAccessExport> {
    const r = await this.find(id);
    if (r.kind !== 'access') throw new DomainError('CONFLICT', 'Only an access request has an export');
    if (r.status !== 'approved') throw new DomainError('CONFLICT', 'The request is not approved');
    if (r.requested_by !== actor.userId)
      throw new DomainError('FORBIDDEN', 'The supervisor who opened the request downloads its export');
    this.audit.touch('subject_request', [id, r.person_id]);
    const result = await this.exporter.build(actor, id, r.person_id, this.clock.now());
    const caseIds = result.cases.map((c) => c.caseId);
    this.audit.touch('subject_request', [], caseIds);
    this.audit.noteDetails({ subjectAccessExport: true, personId: r.person_id, caseIds });
    return result;
  }

  private async find(id: string): Promise<SubjectRequestRow> {
    const r = await findSubjectRequest(this.tx.manager(), id);
    if (!r) throw notFound('Subject request');
    return r;
  }

  private async respond(id: string): Promise<SubjectRequestResponse> {
    const r = await this.find(id);
    this.audit.touch('subject_request', [r.id, r.person_id], r.case_id ? [r.case_id] : []);
    return toResponse(r);
  }

  private async pendingToDecide(actor: Actor, id: string): Promise<SubjectRequestRow> {
    const r = await findSubjectRequest(this.tx.manager(), id, true);
    if (!r) throw notFound('Subject request');
    if (r.status !== 'pending') throw new DomainError('CONFLICT', 'The request is already decided');
    if (r.requested_by === actor.userId)
      throw new DomainError('FORBIDDEN', 'Another supervisor than the one who opened the request decides it');
    return r;
  }

  /** The case must be one of the person's, seen in full by the actor; 404 otherwise. */
  private async caseOfPerson(actor: Actor, personId: string, caseId: string): Promise<void> {
    const view = (await this.access.caseViews(actor, [caseId])).get(caseId);
    const cases = await findPersonCases(this.tx.manager(), personId);
    if (view !== 'full' || !cases.some((c) => c.id === caseId)) throw notFound('Case');
  }

  /** The cases an action on the person covers: the one case, or every case of theirs the actor sees in full. */
  private async scopeCases(actor: Actor, personId: string, caseId: string | null) {
    const cases = (await findPersonCases(this.tx.manager(), personId)).filter((c) => !caseId || c.id === caseId);
    const views = await this.access.caseViews(
      actor,
      cases.map((c) => c.id),
    );
    return cases.filter((c) => views.get(c.id) === 'full');
  }

  /** Refuses what cannot apply now: a second restriction, lifting none, erasing under a legal hold. */
  private async assertApplicable(actor: Actor, kind: string, personId: string, caseId: string | null): Promise<void> {
    const m = this.tx.manager();
    if (kind === 'restriction' && (await findActiveRestriction(m, personId, caseId)))
      throw new DomainError('CONFLICT', 'The records are already restricted');
    if (kind === 'lift-restriction' && !(await findActiveRestriction(m, personId, caseId)))
      throw new DomainError('CONFLICT', 'No restriction of these records is in force');
    if (kind === 'erasure') {
      const cases = await this.scopeCases(actor, personId, caseId);
      const held = await findHeldCases(
        m,
        cases.map((c) => c.id),
      );
      if (held.length)
        throw new DomainError('LEGAL_HOLD_ACTIVE', 'A legal hold is active: nothing is erased until it is lifted', {
          extensions: { caseIds: held },
        });
    }
  }

  private async restrict(actor: Actor, r: SubjectRequestRow): Promise<void> {
    const restrictionId = uuidv7();
    await insertRestriction(this.tx.manager(), {
      id: restrictionId,
      agencyId: actor.agencyId,
      personId: r.person_id,
      caseId: r.case_id,
      requestId: r.id,
    });
    await this.audit.change('create', 'record_restriction', restrictionId, [], r.case_id, { requestId: r.id });
    await this.events.record({
      type: 'record.restricted',
      agencyIds: [actor.agencyId],
      caseId: r.case_id,
      subjectId: restrictionId,
      payload: { restrictionId, requestId: r.id, scope: r.case_id ? 'case' : 'person' },
    });
  }

  private async lift(r: SubjectRequestRow): Promise<void> {
    const restriction = (await findActiveRestriction(this.tx.manager(), r.person_id, r.case_id))!;
    await liftRestriction(this.tx.manager(), restriction.id, r.id);
    await this.audit.change('lift', 'record_restriction', restriction.id, [], r.case_id, { requestId: r.id });
    await this.events.record({
      type: 'record.restriction-lifted',
      agencyIds: [r.agency_id],
      caseId: r.case_id,
      subjectId: restriction.id,
      payload: { restrictionId: restriction.id, requestId: r.id, scope: r.case_id ? 'case' : 'person' },
    });
  }

  /** The registered erasers, for the cases in scope, as this agency; the person's identity when the whole person. */
  private async erase(actor: Actor, r: SubjectRequestRow): Promise<void> {
    const cases = await this.scopeCases(actor, r.person_id, r.case_id);
    const targets: RetentionTarget[] = cases.map((c) => ({
      caseId: c.id,
      personId: r.person_id,
      leadAgencyId: c.lead_agency_id,
    }));
    // A person with no case in scope: the persons eraser still finds the identity (no case to name).
    if (!targets.length) targets.push({ caseId: null as unknown as string, personId: r.person_id, leadAgencyId: '' });
    const { recordTypes, records } = await this.retention.eraseOnRequest(actor, r.id, targets, !r.case_id);
    await setRecordsErased(this.tx.manager(), r.id, records.length);
    this.audit.touch(
      'subject_request',
      records.map((x) => x.id),
      cases.map((c) => c.id),
    );
    await this.events.record({
      type: 'person.erased-on-request',
      agencyIds: [r.agency_id],
      caseId: r.case_id,
      subjectId: r.id,
      payload: { requestId: r.id, recordTypes, records: records.length },
    });
  }

  private async stateDecision(r: SubjectRequestRow, decision: 'approved' | 'refused'): Promise<void> {
    await this.events.record({
      type: 'subject-request.decided',
      agencyIds: [r.agency_id],
      caseId: r.case_id,
      subjectId: r.id,
      payload: { requestId: r.id, kind: r.kind, decision },
    });
  }
}

const toResponse = (r: SubjectRequestRow): SubjectRequestResponse => ({
  id: r.id,
  agencyId: r.agency_id,
  personId: r.person_id,
  caseId: r.case_id,
  kind: r.kind,
  reason: r.reason,
  channel: r.channel,
  status: r.status,
  requestedBy: r.requested_by,
  requestedAt: r.requested_at.toISOString(),
  decidedBy: r.decided_by,
  decidedAt: r.decided_at?.toISOString() ?? null,
  refusalReason: r.refusal_reason,
  recordsErased: r.records_erased,
});
