import { Clock } from '../common/clock.js';
import { Inject, Injectable } from '@nestjs/common';
import { AccessService } from '../access/access.service.js';
import { AgencyEntity } from '../agencies/agency.entity.js';
import { AuditService, diffFields } from '../audit/audit.service.js';
import { CaseConsentEntity } from '../cases/case-records.entities.js';
import { CaseEntity } from '../cases/case.entity.js';
import { CLOSED_STAGES, type CaseStage } from '../cases/case-stages.js';
import { TimelineService } from '../cases/timeline.service.js';
import type { Actor } from '../common/context/request-context.js';
import { DomainError, notFound } from '../common/errors/domain-error.js';
import { staleVersion } from '../common/http/etag.js';
import { uuidv7 } from '../common/uuid.js';
import { FieldCipher } from '../crypto/field-cipher.js';
import { TransactionService } from '../database/transaction.service.js';
import { ageOn, PersonCodec } from '../persons/person.codec.js';
import { PersonEntity } from '../persons/person.entity.js';
import { ageGroupOf } from '../referrals/referral-rules.js';
import { UserEntity } from '../users/user.entity.js';
import { CaseTransferEntity } from './case-transfer.entity.js';
import { acceptTransfer, settleTransfer } from './case-transfers.queries.js';
import type {
  AcceptCaseTransfer,
  CaseTransferListQuery,
  CaseTransferResponse,
  DeclineCaseTransfer,
  RequestCaseTransfer,
} from './dto/case-transfer.dto.js';

const noteCtx = (id: string) => ({ table: 'case_transfer', column: 'note_enc', id });

/**
 * Transfer of a case's lead to another agency (typically the provincial social welfare office
 * after a return home): requested by the lead's supervisor, with the person's consent to share
 * with that agency; accepted or declined by the receiving agency's supervisor. The case keeps
 * its id, number and history. The former lead keeps no view of the case: the lead agency rule
 * and row-level security of case_file both move with lead_agency_id (see
 * docs/returns-tracing-transfers.md for what it keeps).
 */
@Injectable()
export class CaseTransfersService {
  constructor(
    @Inject(TransactionService) private readonly tx: TransactionService,
    @Inject(AccessService) private readonly access: AccessService,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(FieldCipher) private readonly cipher: FieldCipher,
    @Inject(PersonCodec) private readonly codec: PersonCodec,
    @Inject(TimelineService) private readonly timeline: TimelineService,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  private m() {
    return this.tx.manager();
  }

  async request(actor: Actor, body: RequestCaseTransfer): Promise<CaseTransferResponse> {
    await this.access.requireCase(actor, body.caseId, 'full');
    const c = await this.m().getRepository(CaseEntity).findOneByOrFail({ id: body.caseId });
    if (c.leadAgencyId !== actor.agencyId)
      throw new DomainError('FORBIDDEN', 'Only the lead agency can hand over the lead');
    if (CLOSED_STAGES.has(c.stage as CaseStage))
      throw new DomainError('ILLEGAL_TRANSITION', 'A closed case cannot change lead', {
        extensions: { currentStage: c.stage },
      });
    const to = await this.m().getRepository(AgencyEntity).findOneBy({ id: body.toAgencyId });
    if (!to || !to.active || to.id === actor.agencyId)
      throw new DomainError('VALIDATION_FAILED', 'Choose another active agency', {
        errors: [{ field: 'toAgencyId', messages: ['must be another active agency'] }],
      });
    await this.assertConsentCovers(c.id, body.toAgencyId);
    const pending = await this.m().getRepository(CaseTransferEntity).findOneBy({ caseId: c.id, status: 'pending' });
    if (pending)
      throw new DomainError('CONFLICT', 'A transfer of this case is already pending', {
        extensions: { transferId: pending.id },
      });
    const person = await this.m().getRepository(PersonEntity).findOneByOrFail({ id: c.personId });
    const id = uuidv7();
    await this.m().insert(CaseTransferEntity, {
      id,
      caseId: c.id,
      caseNumber: c.caseNumber,
      fromAgencyId: actor.agencyId,
      toAgencyId: body.toAgencyId,
      status: 'pending',
      noteEnc: this.cipher.encryptOptional(body.note, noteCtx(id)),
      profileGender: person.gender,
      profileAgeGroup: ageGroupOf(ageOn(this.codec.decrypt(person).birth, this.clock.todayAsDate())),
      profileProvinceCode: c.provinceCode,
      caseStage: c.stage,
      requestedBy: actor.userId,
    });
    await this.timeline.record(
      c.id,
      'lead_transfer_requested',
      actor,
      { type: 'case_transfer', id },
      {
        toAgencyId: body.toAgencyId,
      },
    );
    await this.audit.change(
      'create',
      'case_transfer',
      id,
      [
        ...diffFields(null, { status: 'pending', fromAgencyId: actor.agencyId, toAgencyId: body.toAgencyId }),
        ...(body.note ? [{ field: 'note', personal: true }] : []),
      ],
      c.id,
    );
    return this.get(actor, id);
  }

  async list(actor: Actor, q: CaseTransferListQuery): Promise<CaseTransferResponse[]> {
    const status = q.status ? { status: q.status as never } : {};
    const where = [
      ...(q.direction !== 'outgoing' ? [{ toAgencyId: actor.agencyId, ...status }] : []),
      ...(q.direction !== 'incoming' ? [{ fromAgencyId: actor.agencyId, ...status }] : []),
    ];
    const rows = await this.m()
      .getRepository(CaseTransferEntity)
      .find({ where, order: { createdAt: 'DESC', id: 'DESC' }, take: 200 });
    this.audit.touch(
      'case_transfer',
      rows.map((r) => r.id),
      rows.map((r) => r.caseId),
    );
    return rows.map((r) => this.toResponse(r));
  }

  async get(actor: Actor, id: string): Promise<CaseTransferResponse> {
    const t = await this.visible(actor, id);
    this.audit.touch('case_transfer', [id], [t.caseId]);
    return this.toResponse(t);
  }

  async accept(actor: Actor, id: string, version: number, body: AcceptCaseTransfer): Promise<CaseTransferResponse> {
    const t = await this.pendingFor(actor, id, version, 'to');
    // Taking over the lead of a restricted case is processing it: 423. Declining or cancelling goes on.
    await this.access.requireUnrestricted({ caseIds: [t.caseId] });
    const caseworkerId = body.assignedCaseworkerId ?? (actor.roles.includes('caseworker') ? actor.userId : null);
    const supervisorId = body.supervisorId ?? (actor.roles.includes('case_supervisor') ? actor.userId : null);
    await this.assertOwnStaff(actor, [
      ['assignedCaseworkerId', caseworkerId],
      ['supervisorId', supervisorId],
    ]);
    const caseId = await acceptTransfer(this.m(), id, caseworkerId, supervisorId);
    if (!caseId)
      throw new DomainError(
        'CONFLICT',
        'The case changed lead or was closed since the request; ask for a new transfer',
      );
    // Consent may have been withdrawn since the request: checked again, now as the lead (the
    // whole transaction, lead change included, rolls back if it no longer covers this agency).
    await this.assertConsentCovers(caseId, actor.agencyId);
    await this.timeline.record(
      caseId,
      'lead_transferred',
      actor,
      { type: 'case_transfer', id },
      {
        fromAgencyId: t.fromAgencyId,
        toAgencyId: t.toAgencyId,
      },
    );
    await this.audit.change(
      'accept',
      'case_transfer',
      id,
      diffFields({ status: 'pending' }, { status: 'accepted' }),
      caseId,
    );
    await this.audit.change(
      'transfer_lead',
      'case',
      caseId,
      diffFields(
        { leadAgencyId: t.fromAgencyId, assignedCaseworkerId: null as string | null },
        { leadAgencyId: t.toAgencyId, assignedCaseworkerId: caseworkerId },
      ),
      caseId,
      { transferId: id },
    );
    return this.get(actor, id);
  }

  async decline(actor: Actor, id: string, version: number, body: DeclineCaseTransfer): Promise<CaseTransferResponse> {
    const t = await this.pendingFor(actor, id, version, 'to');
    if (!(await settleTransfer(this.m(), id, version, 'declined', body.reason, actor.userId)))
      throw staleVersion('Case transfer', version);
    await this.audit.change(
      'decline',
      'case_transfer',
      id,
      diffFields(
        { status: 'pending', declineReason: null as string | null },
        { status: 'declined', declineReason: body.reason },
      ),
      t.caseId,
    );
    return this.get(actor, id);
  }

  async cancel(actor: Actor, id: string, version: number): Promise<CaseTransferResponse> {
    const t = await this.pendingFor(actor, id, version, 'from');
    if (!(await settleTransfer(this.m(), id, version, 'cancelled', null, actor.userId)))
      throw staleVersion('Case transfer', version);
    await this.timeline.record(
      t.caseId,
      'lead_transfer_cancelled',
      actor,
      { type: 'case_transfer', id },
      {
        toAgencyId: t.toAgencyId,
      },
    );
    await this.audit.change(
      'cancel',
      'case_transfer',
      id,
      diffFields({ status: 'pending' }, { status: 'cancelled' }),
      t.caseId,
    );
    return this.get(actor, id);
  }

  /** The transfer, pending, seen by the caller's agency on the side that may act on it. */
  private async pendingFor(actor: Actor, id: string, version: number, side: 'from' | 'to') {
    const t = await this.visible(actor, id);
    this.audit.touch('case_transfer', [id], [t.caseId]);
    const party = side === 'to' ? t.toAgencyId : t.fromAgencyId;
    if (party !== actor.agencyId)
      throw new DomainError(
        'FORBIDDEN',
        side === 'to'
          ? 'Only the receiving agency answers a transfer'
          : 'Only the requesting agency cancels a transfer',
      );
    if (t.status !== 'pending')
      throw new DomainError('ILLEGAL_TRANSITION', 'This transfer was already settled', {
        extensions: { currentStatus: t.status },
      });
    if (t.version !== version) throw staleVersion('Case transfer', t.version);
    return t;
  }

  private async assertConsentCovers(caseId: string, agencyId: string): Promise<void> {
    const consent = await this.m().getRepository(CaseConsentEntity).findOneBy({ caseId, status: 'active' });
    if (!consent?.purposes.includes('sharing_for_referral') || !consent.coveredAgencyIds.includes(agencyId))
      throw new DomainError('CONSENT_REQUIRED', "The person's consent does not cover sharing with this agency", {
        errors: [{ field: 'toAgencyId', messages: ['record a consent covering this agency first'] }],
      });
  }

  private async assertOwnStaff(actor: Actor, users: [string, string | null][]): Promise<void> {
    for (const [field, userId] of users) {
      if (!userId) continue;
      const user = await this.m().getRepository(UserEntity).findOneBy({ id: userId });
      if (!user || user.agencyId !== actor.agencyId || !user.active)
        throw new DomainError('VALIDATION_FAILED', 'Assign staff of your own agency', {
          errors: [{ field, messages: ['must be an active user of your agency'] }],
        });
    }
  }

  private async visible(actor: Actor, id: string): Promise<CaseTransferEntity> {
    const t = await this.m().getRepository(CaseTransferEntity).findOneBy({ id });
    if (!t || (t.fromAgencyId !== actor.agencyId && t.toAgencyId !== actor.agencyId)) throw notFound('Case transfer');
    return t;
  }

  private toResponse(t: CaseTransferEntity): CaseTransferResponse {
    return {
      id: t.id,
      caseId: t.caseId,
      caseNumber: t.caseNumber,
      fromAgencyId: t.fromAgencyId,
      toAgencyId: t.toAgencyId,
      status: t.status,
      note: this.cipher.decryptOptional<string>(t.noteEnc, noteCtx(t.id)),
      profile: {
        gender: t.profileGender,
        ageGroup: t.profileAgeGroup,
        provinceCode: t.profileProvinceCode,
        stage: t.caseStage,
      },
      declineReason: t.declineReason,
      requestedBy: t.requestedBy,
      requestedAt: t.createdAt.toISOString(),
      respondedBy: t.respondedBy,
      respondedAt: t.respondedAt?.toISOString() ?? null,
      assignedCaseworkerId: t.assignedCaseworkerId,
      version: t.version,
    };
  }
}
