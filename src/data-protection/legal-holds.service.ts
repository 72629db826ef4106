import { Inject, Injectable } from '@nestjs/common';
import { AccessService } from '../access/access.service.js';
import { AuditService } from '../audit/audit.service.js';
import { CaseEntity } from '../cases/case.entity.js';
import type { Actor } from '../common/context/request-context.js';
import { DomainError } from '../common/errors/domain-error.js';
import { uuidv7 } from '../common/uuid.js';
import { TransactionService } from '../database/transaction.service.js';
import { DomainEvents } from '../events/domain-events.service.js';
import type { CaseRetentionResponse, LegalHoldResponse, LiftLegalHold, PlaceLegalHold } from './dto/retention.dto.js';
import {
  findCaseErasures,
  findCaseErasuresOnRequest,
  findCaseFacts,
  insertLegalHold,
  type LegalHoldRow,
  liftLegalHold,
  listLegalHolds,
} from './retention.queries.js';

/**
 * Legal holds: while a case has an active hold, retention erases nothing of it. Placed and
 * lifted by a supervisor of the lead agency, with a reason code (no free text: a hold is
 * often about people); both are audited and stated as domain events.
 */
@Injectable()
export class LegalHoldsService {
  constructor(
    @Inject(TransactionService) private readonly tx: TransactionService,
    @Inject(AccessService) private readonly access: AccessService,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(DomainEvents) private readonly events: DomainEvents,
  ) {}

  /** A case's holds, what retention already erased, and its kept facts. */
  async caseRetention(actor: Actor, caseId: string): Promise<CaseRetentionResponse> {
    await this.access.requireCase(actor, caseId, 'full');
    const m = this.tx.manager();
    const holds = await listLegalHolds(m, caseId);
    const erased = await findCaseErasures(m, caseId);
    const onRequest = await findCaseErasuresOnRequest(m, caseId, actor.agencyId);
    const facts = await findCaseFacts(m, caseId);
    this.audit.touch('case_legal_hold', [...holds.map((h) => h.id), ...onRequest.map((r) => r.id)], [caseId]);
    return {
      caseId,
      onLegalHold: holds.some((h) => !h.lifted_at),
      holds: holds.map(toHoldResponse),
      erased: erased.map((e) => ({
        recordType: e.record_type,
        runId: e.run_id,
        erasedAt: e.erased_at.toISOString(),
        records: e.records,
      })),
      erasedOnRequest: onRequest.map((r) => ({
        requestId: r.id,
        erasedAt: r.decided_at.toISOString(),
        records: r.records_erased ?? 0,
      })),
      facts: facts
        ? {
            gender: facts.gender,
            ageBand: facts.age_band,
            exploitationTypes: facts.exploitation_types,
            provinceCode: facts.province_code,
            closureReason: facts.closure_reason,
            openedMonth: facts.opened_month,
            closedMonth: facts.closed_month,
          }
        : null,
    };
  }

  async place(actor: Actor, caseId: string, body: PlaceLegalHold): Promise<LegalHoldResponse> {
    await this.leadCase(actor, caseId);
    const m = this.tx.manager();
    const active = (await listLegalHolds(m, caseId)).find((h) => !h.lifted_at);
    if (active)
      throw new DomainError('CONFLICT', 'The case is already on legal hold', { extensions: { holdId: active.id } });
    const id = uuidv7();
    await insertLegalHold(m, { id, caseId, reason: body.reason, placedBy: actor.userId });
    await this.audit.change(
      'create',
      'case_legal_hold',
      id,
      [{ field: 'reason', personal: false, new: body.reason }],
      caseId,
    );
    await this.events.record({
      type: 'case.legal-hold-placed',
      agencyIds: [],
      caseId,
      subjectId: id,
      payload: { holdId: id, reason: body.reason },
    });
    return toHoldResponse((await listLegalHolds(m, caseId)).find((h) => h.id === id)!);
  }

  async lift(actor: Actor, caseId: string, body: LiftLegalHold): Promise<LegalHoldResponse> {
    await this.leadCase(actor, caseId);
    const m = this.tx.manager();
    const id = await liftLegalHold(m, caseId, actor.userId, body.reason);
    if (!id) throw new DomainError('CONFLICT', 'The case has no active legal hold');
    await this.audit.change(
      'update',
      'case_legal_hold',
      id,
      [{ field: 'liftReason', personal: false, new: body.reason }],
      caseId,
    );
    await this.events.record({
      type: 'case.legal-hold-lifted',
      agencyIds: [],
      caseId,
      subjectId: id,
      payload: { holdId: id, reason: body.reason },
    });
    return toHoldResponse((await listLegalHolds(m, caseId)).find((h) => h.id === id)!);
  }

  private async leadCase(actor: Actor, caseId: string): Promise<void> {
    // A hold concerns the record's keeping, not its processing: a restricted case still takes one.
    await this.access.requireCase(actor, caseId, 'full', { evenIfRestricted: true });
    const c = await this.tx.manager().getRepository(CaseEntity).findOneByOrFail({ id: caseId });
    if (c.leadAgencyId !== actor.agencyId)
      throw new DomainError('FORBIDDEN', 'Only the lead agency places or lifts a legal hold');
  }
}

export const toHoldResponse = (h: LegalHoldRow): LegalHoldResponse => ({
  id: h.id,
  caseId: h.case_id,
  reason: h.reason,
  placedBy: h.placed_by,
  placedAt: h.placed_at.toISOString(),
  liftedBy: h.lifted_by,
  liftedAt: h.lifted_at?.toISOString() ?? null,
  liftReason: h.lift_reason,
  active: !h.lifted_at,
});
