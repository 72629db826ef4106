import { Inject, Injectable } from '@nestjs/common';
import { AccessService } from '../access/access.service.js';
import type { CaseView } from '../access/case-access-grant.entity.js';
import { AgencyEntity } from '../agencies/agency.entity.js';
import { AuditService, diffFields } from '../audit/audit.service.js';
import type { Actor } from '../common/context/request-context.js';
import { DomainError, notFound } from '../common/errors/domain-error.js';
import { staleVersion } from '../common/http/etag.js';
import { uuidv7 } from '../common/uuid.js';
import { Clock } from '../common/clock.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { FieldCipher } from '../crypto/field-cipher.js';
import { TransactionService } from '../database/transaction.service.js';
import {
  AssessmentEntity,
  CaseConsentEntity,
  CaseNoteEntity,
  FollowUpEntity,
  ServiceRecordEntity,
  SupportPlanEntity,
} from './case-records.entities.js';
import { CaseEntity } from './case.entity.js';
import { ageOn, PersonCodec } from '../persons/person.codec.js';
import { PersonEntity } from '../persons/person.entity.js';
import { findOverdueFollowUps, findUpcomingFollowUps } from './follow-ups.queries.js';
import {
  cancelUncoveredReferrals,
  nextConsentVersion,
  nextNoteRevision,
  revokeUncoveredReferralGrants,
  supersedeActiveConsent,
  withdrawConsentRecord,
} from './assistance.queries.js';
import { addDays } from '../common/clock.js';
import type {
  AssessmentResponse,
  CancelFollowUpRequest,
  RescheduleFollowUpRequest,
  UpcomingFollowUpResponse,
  UpcomingFollowUpsQuery,
  ConsentResponse,
  CreateAssessmentRequest,
  CreateServiceRecordRequest,
  CreateSupportPlanRequest,
  FollowUpResponse,
  NoteResponse,
  OverdueFollowUpResponse,
  PlanAction,
  RecordConsentRequest,
  RecordFollowUpRequest,
  ScheduleFollowUpsRequest,
  ServiceRecordResponse,
  SupportPlanResponse,
  UpdateSupportPlanRequest,
} from './dto/case.dto.js';
import { TimelineService } from './timeline.service.js';

const addMonths = (date: string, months: number) => {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + months);
  return d.toISOString().slice(0, 10);
};
const outOfRange = (field: string, message: string) =>
  new DomainError('DATE_OUT_OF_RANGE', message, { errors: [{ field, messages: [message] }] });

/**
 * What is assessed, planned and delivered for a case, the person's consent, follow-ups and
 * notes. Free text is encrypted; every change enters the case timeline and the audit trail.
 */
@Injectable()
export class AssistanceService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(TransactionService) private readonly tx: TransactionService,
    @Inject(AccessService) private readonly access: AccessService,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(FieldCipher) private readonly cipher: FieldCipher,
    @Inject(TimelineService) private readonly timeline: TimelineService,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(PersonCodec) private readonly codec: PersonCodec,
  ) {}

  private m() {
    return this.tx.manager();
  }

  private async caseFor(actor: Actor, caseId: string, need: CaseView = 'full'): Promise<CaseEntity> {
    await this.access.requireCase(actor, caseId, need);
    return this.m().getRepository(CaseEntity).findOneByOrFail({ id: caseId });
  }

  private assertNotBeforeOpening(c: CaseEntity, date: string, field: string): void {
    if (date < c.openedOn) throw outOfRange(field, `${field} is before the case was opened (${c.openedOn})`);
  }

  private assertNotFuture(date: string, field: string): void {
    if (date > this.clock.today()) throw outOfRange(field, `${field} must not be in the future`);
  }

  // --- Consent -----------------------------------------------------------------

  /**
   * A child's consent is given by a guardian (or a proxy such as the child-protection officer),
   * never by the child alone: a person under 18 on the day consent is given (age known from
   * their birth details) cannot give it as 'person'. Their views are heard; the record says who decided.
   */
  private async assertConsentGiverFits(personId: string, givenBy: string, givenOn: string): Promise<void> {
    if (givenBy !== 'person') return;
    const person = await this.m().getRepository(PersonEntity).findOneByOrFail({ id: personId });
    const age = ageOn(this.codec.decrypt(person).birth, new Date(`${givenOn}T00:00:00Z`));
    if (age !== null && age < 18)
      throw new DomainError(
        'CONSENT_REQUIRED',
        'A child cannot consent alone: record the guardian or proxy who gave it',
        {
          errors: [{ field: 'givenBy', messages: ['a person under 18 gives consent through a guardian or proxy'] }],
        },
      );
  }

  async recordConsent(actor: Actor, caseId: string, body: RecordConsentRequest): Promise<ConsentResponse> {
    const c = await this.caseFor(actor, caseId);
    if (c.leadAgencyId !== actor.agencyId) throw new DomainError('FORBIDDEN', 'The lead agency records consent');
    this.assertNotFuture(body.givenOn, 'givenOn');
    await this.assertConsentGiverFits(c.personId, body.givenBy, body.givenOn);
    const known = await this.m()
      .getRepository(AgencyEntity)
      .countBy(body.coveredAgencyIds.map((id) => ({ id })));
    if (body.coveredAgencyIds.length && known !== body.coveredAgencyIds.length) {
      throw new DomainError('VALIDATION_FAILED', 'Unknown agency', {
        errors: [{ field: 'coveredAgencyIds', messages: ['every id must be an agency'] }],
      });
    }
    const next = await nextConsentVersion(this.m(), caseId);
    await supersedeActiveConsent(this.m(), caseId);
    const id = uuidv7();
    await this.m().insert(CaseConsentEntity, {
      id,
      caseId,
      version: next,
      purposes: body.purposes,
      coveredAgencyIds: body.coveredAgencyIds,
      givenBy: body.givenBy,
      method: body.method,
      givenOn: body.givenOn,
      language: body.language ?? null,
      recordedBy: actor.userId,
      status: 'active',
    });
    // A narrower consent ends the access of agencies it no longer covers.
    const revoked = await this.revokeUncoveredReferralAccess(
      caseId,
      body.purposes.includes('sharing_for_referral') ? body.coveredAgencyIds : [],
    );
    await this.timeline.record(
      caseId,
      'consent_recorded',
      actor,
      { type: 'case_consent', id },
      {
        version: next,
        purposes: body.purposes,
        coveredAgencies: body.coveredAgencyIds.length,
        revokedReferralAccess: revoked,
      },
    );
    await this.audit.change(
      'create',
      'case_consent',
      id,
      diffFields(null, {
        version: next,
        purposes: body.purposes,
        coveredAgencyIds: body.coveredAgencyIds,
        givenBy: body.givenBy,
        method: body.method,
      }),
      caseId,
    );
    return this.consentResponse(await this.m().getRepository(CaseConsentEntity).findOneByOrFail({ id }));
  }

  async consents(actor: Actor, caseId: string): Promise<ConsentResponse[]> {
    await this.caseFor(actor, caseId);
    const rows = await this.m()
      .getRepository(CaseConsentEntity)
      .find({ where: { caseId }, order: { version: 'DESC' } });
    this.audit.touch(
      'case_consent',
      rows.map((r) => r.id),
      [caseId],
    );
    return rows.map((r) => this.consentResponse(r));
  }

  /** Withdrawal stops further sharing and revokes every open referral access at once. */
  async withdrawConsent(actor: Actor, caseId: string, consentId: string): Promise<ConsentResponse> {
    const c = await this.caseFor(actor, caseId);
    if (c.leadAgencyId !== actor.agencyId) throw new DomainError('FORBIDDEN', 'The lead agency records a withdrawal');
    const consent = await this.m().getRepository(CaseConsentEntity).findOneBy({ id: consentId, caseId });
    if (!consent) throw notFound('Consent');
    if (consent.status !== 'active') throw new DomainError('CONFLICT', 'Only the active consent can be withdrawn');
    await withdrawConsentRecord(this.m(), consentId, actor.userId);
    const revoked = await this.revokeUncoveredReferralAccess(caseId, []);
    await this.timeline.record(
      caseId,
      'consent_withdrawn',
      actor,
      { type: 'case_consent', id: consentId },
      { version: consent.version, revokedReferralAccess: revoked },
    );
    await this.audit.change(
      'withdraw',
      'case_consent',
      consentId,
      diffFields({ status: 'active' }, { status: 'withdrawn' }),
      caseId,
      { revokedReferralAccess: revoked },
    );
    return this.consentResponse(await this.m().getRepository(CaseConsentEntity).findOneByOrFail({ id: consentId }));
  }

  /** Ends the referrals (and the access) of every agency the consent no longer covers. */
  private async revokeUncoveredReferralAccess(caseId: string, covered: string[]): Promise<number> {
    await cancelUncoveredReferrals(this.m(), caseId, covered);
    const rows = await revokeUncoveredReferralGrants(this.m(), caseId, covered);
    return rows.length;
  }

  private consentResponse(r: CaseConsentEntity): ConsentResponse {
    return {
      id: r.id,
      caseId: r.caseId,
      version: r.version,
      purposes: r.purposes,
      coveredAgencyIds: r.coveredAgencyIds,
      givenBy: r.givenBy,
      method: r.method,
      givenOn: r.givenOn,
      language: r.language,
      status: r.status,
      withdrawnAt: r.withdrawnAt?.toISOString() ?? null,
      createdAt: r.createdAt.toISOString(),
    };
  }

  // --- Assessments ---------------------------------------------------------------

  async createAssessment(actor: Actor, caseId: string, body: CreateAssessmentRequest): Promise<AssessmentResponse> {
    const c = await this.caseFor(actor, caseId);
    this.assertNotFuture(body.assessedOn, 'assessedOn');
    this.assertNotBeforeOpening(c, body.assessedOn, 'assessedOn');
    const id = uuidv7();
    await this.m().insert(AssessmentEntity, {
      id,
      caseId,
      agencyId: actor.agencyId,
      recordedBy: actor.userId,
      kind: body.kind,
      assessedOn: body.assessedOn,
      riskLevel: body.riskLevel,
      risks: body.risks ?? [],
      needs: body.needs ?? [],
      findingsEnc: this.cipher.encryptOptional(body.findings, { table: 'case_assessment', column: 'findings_enc', id }),
    });
    await this.timeline.record(
      caseId,
      'assessment_recorded',
      actor,
      { type: 'case_assessment', id },
      { kind: body.kind, riskLevel: body.riskLevel, assessedOn: body.assessedOn },
    );
    await this.audit.change(
      'create',
      'case_assessment',
      id,
      [
        ...diffFields(null, {
          kind: body.kind,
          riskLevel: body.riskLevel,
          risks: body.risks ?? [],
          needs: body.needs ?? [],
        }),
        ...(body.findings ? [{ field: 'findings', personal: true }] : []),
      ],
      caseId,
    );
    return this.assessmentResponse(await this.m().getRepository(AssessmentEntity).findOneByOrFail({ id }));
  }

  async assessments(actor: Actor, caseId: string): Promise<AssessmentResponse[]> {
    await this.caseFor(actor, caseId);
    const rows = await this.m()
      .getRepository(AssessmentEntity)
      .find({ where: { caseId }, order: { assessedOn: 'DESC', createdAt: 'DESC' } });
    this.audit.touch(
      'case_assessment',
      rows.map((r) => r.id),
      [caseId],
    );
    return rows.map((r) => this.assessmentResponse(r));
  }

  private assessmentResponse(r: AssessmentEntity): AssessmentResponse {
    return {
      id: r.id,
      caseId: r.caseId,
      agencyId: r.agencyId,
      kind: r.kind,
      assessedOn: r.assessedOn,
      riskLevel: r.riskLevel,
      risks: r.risks,
      needs: r.needs,
      findings: this.cipher.decryptOptional<string>(r.findingsEnc, {
        table: 'case_assessment',
        column: 'findings_enc',
        id: r.id,
      }),
      recordedBy: r.recordedBy,
      createdAt: r.createdAt.toISOString(),
      version: r.version,
    };
  }

  // --- Support plans ---------------------------------------------------------------

  async createPlan(actor: Actor, caseId: string, body: CreateSupportPlanRequest): Promise<SupportPlanResponse> {
    const c = await this.caseFor(actor, caseId);
    if (body.plannedEndDate) this.assertNotBeforeOpening(c, body.plannedEndDate, 'plannedEndDate');
    const id = uuidv7();
    await this.m().insert(SupportPlanEntity, {
      id,
      caseId,
      agencyId: actor.agencyId,
      recordedBy: actor.userId,
      type: body.type,
      status: body.status ?? 'draft',
      objectivesEnc: this.cipher.encryptJson(body.objectives, {
        table: 'case_support_plan',
        column: 'objectives_enc',
        id,
      }),
      actionsEnc: this.cipher.encryptOptional(body.actions ?? [], {
        table: 'case_support_plan',
        column: 'actions_enc',
        id,
      }),
      plannedEndDate: body.plannedEndDate ?? null,
      actualEndDate: null,
    });
    await this.timeline.record(
      caseId,
      'support_plan_created',
      actor,
      { type: 'case_support_plan', id },
      { type: body.type, status: body.status ?? 'draft' },
    );
    await this.audit.change(
      'create',
      'case_support_plan',
      id,
      [
        ...diffFields(null, {
          type: body.type,
          status: body.status ?? 'draft',
          plannedEndDate: body.plannedEndDate ?? null,
        }),
        { field: 'objectives', personal: true },
        { field: 'actions', personal: true },
      ],
      caseId,
    );
    return this.planResponse(await this.m().getRepository(SupportPlanEntity).findOneByOrFail({ id }));
  }

  async updatePlan(
    actor: Actor,
    caseId: string,
    planId: string,
    version: number,
    body: UpdateSupportPlanRequest,
  ): Promise<SupportPlanResponse> {
    const c = await this.caseFor(actor, caseId);
    const plan = await this.m().getRepository(SupportPlanEntity).findOneBy({ id: planId, caseId });
    if (!plan) throw notFound('Support plan');
    if (plan.version !== version) throw staleVersion('Support plan', plan.version);
    if (body.actualEndDate) {
      this.assertNotFuture(body.actualEndDate, 'actualEndDate');
      this.assertNotBeforeOpening(c, body.actualEndDate, 'actualEndDate');
    }
    const set: Partial<SupportPlanEntity> = {};
    if (body.objectives)
      set.objectivesEnc = this.cipher.encryptJson(body.objectives, {
        table: 'case_support_plan',
        column: 'objectives_enc',
        id: planId,
      });
    if (body.actions)
      set.actionsEnc = this.cipher.encryptJson(body.actions, {
        table: 'case_support_plan',
        column: 'actions_enc',
        id: planId,
      });
    if (body.plannedEndDate) set.plannedEndDate = body.plannedEndDate;
    if (body.actualEndDate) set.actualEndDate = body.actualEndDate;
    if (body.status) set.status = body.status;
    const result = await this.m()
      .createQueryBuilder()
      .update(SupportPlanEntity)
      .set({ ...set, version: () => 'version + 1' })
      .where('id = :id AND version = :version', { id: planId, version })
      .execute();
    if (!result.affected)
      throw staleVersion(
        'Support plan',
        (await this.m().getRepository(SupportPlanEntity).findOneByOrFail({ id: planId })).version,
      );
    const changes = [
      ...diffFields(
        { status: plan.status, plannedEndDate: plan.plannedEndDate, actualEndDate: plan.actualEndDate },
        { status: body.status, plannedEndDate: body.plannedEndDate, actualEndDate: body.actualEndDate },
      ),
      ...(body.objectives ? [{ field: 'objectives', personal: true }] : []),
      ...(body.actions ? [{ field: 'actions', personal: true }] : []),
    ];
    await this.timeline.record(
      caseId,
      'support_plan_updated',
      actor,
      { type: 'case_support_plan', id: planId },
      { status: body.status ?? plan.status },
    );
    await this.audit.change('update', 'case_support_plan', planId, changes, caseId);
    return this.planResponse(await this.m().getRepository(SupportPlanEntity).findOneByOrFail({ id: planId }));
  }

  async plans(actor: Actor, caseId: string): Promise<SupportPlanResponse[]> {
    await this.caseFor(actor, caseId);
    const rows = await this.m()
      .getRepository(SupportPlanEntity)
      .find({ where: { caseId }, order: { createdAt: 'DESC' } });
    this.audit.touch(
      'case_support_plan',
      rows.map((r) => r.id),
      [caseId],
    );
    return rows.map((r) => this.planResponse(r));
  }

  private planResponse(r: SupportPlanEntity): SupportPlanResponse {
    return {
      id: r.id,
      caseId: r.caseId,
      agencyId: r.agencyId,
      type: r.type,
      status: r.status,
      objectives: this.cipher.decryptJson<string>(r.objectivesEnc, {
        table: 'case_support_plan',
        column: 'objectives_enc',
        id: r.id,
      }),
      actions:
        this.cipher.decryptOptional<PlanAction[]>(r.actionsEnc, {
          table: 'case_support_plan',
          column: 'actions_enc',
          id: r.id,
        }) ?? [],
      plannedEndDate: r.plannedEndDate,
      actualEndDate: r.actualEndDate,
      createdAt: r.createdAt.toISOString(),
      updatedAt: r.updatedAt.toISOString(),
      version: r.version,
    };
  }

  // --- Services ------------------------------------------------------------------

  /** Services are recorded by the lead agency or by a provider that sees the case through a referral. */
  async createService(actor: Actor, caseId: string, body: CreateServiceRecordRequest): Promise<ServiceRecordResponse> {
    const c = await this.caseFor(actor, caseId, 'limited');
    const view = await this.access.requireCase(actor, caseId);
    const providerAgencyId = body.providerAgencyId ?? actor.agencyId;
    if (view === 'limited' && providerAgencyId !== actor.agencyId)
      throw new DomainError('FORBIDDEN', 'Through a referral you record only the services your agency gives');
    if (!(await this.m().getRepository(AgencyEntity).existsBy({ id: providerAgencyId }))) {
      throw new DomainError('VALIDATION_FAILED', 'Unknown provider', {
        errors: [{ field: 'providerAgencyId', messages: ['no agency has this id'] }],
      });
    }
    this.assertNotFuture(body.deliveredOn, 'deliveredOn');
    this.assertNotBeforeOpening(c, body.deliveredOn, 'deliveredOn');
    const id = uuidv7();
    await this.m().insert(ServiceRecordEntity, {
      id,
      caseId,
      agencyId: actor.agencyId,
      recordedBy: actor.userId,
      serviceType: body.serviceType,
      providerAgencyId,
      deliveredOn: body.deliveredOn,
      quantity: body.quantity?.toString() ?? null,
      unit: body.unit ?? null,
      costLak: body.costLak?.toString() ?? null,
      outcome: body.outcome,
      notesEnc: this.cipher.encryptOptional(body.notes, { table: 'case_service_record', column: 'notes_enc', id }),
    });
    await this.timeline.record(
      caseId,
      'service_recorded',
      actor,
      { type: 'case_service_record', id },
      { serviceType: body.serviceType, providerAgencyId, deliveredOn: body.deliveredOn, outcome: body.outcome },
    );
    await this.audit.change(
      'create',
      'case_service_record',
      id,
      [
        ...diffFields(null, {
          serviceType: body.serviceType,
          providerAgencyId,
          deliveredOn: body.deliveredOn,
          costLak: body.costLak ?? null,
          outcome: body.outcome,
        }),
        ...(body.notes ? [{ field: 'notes', personal: true }] : []),
      ],
      caseId,
    );
    return this.serviceResponse(await this.m().getRepository(ServiceRecordEntity).findOneByOrFail({ id }));
  }

  async services(actor: Actor, caseId: string): Promise<ServiceRecordResponse[]> {
    const view = await this.access.requireCase(actor, caseId);
    // Through a referral, an agency sees the services it recorded itself.
    const rows = await this.m()
      .getRepository(ServiceRecordEntity)
      .find({
        where: view === 'full' ? { caseId } : { caseId, agencyId: actor.agencyId },
        order: { deliveredOn: 'DESC', createdAt: 'DESC' },
      });
    this.audit.touch(
      'case_service_record',
      rows.map((r) => r.id),
      [caseId],
    );
    return rows.map((r) => this.serviceResponse(r));
  }

  private serviceResponse(r: ServiceRecordEntity): ServiceRecordResponse {
    return {
      id: r.id,
      caseId: r.caseId,
      serviceType: r.serviceType,
      providerAgencyId: r.providerAgencyId,
      deliveredOn: r.deliveredOn,
      quantity: r.quantity === null ? null : Number(r.quantity),
      unit: r.unit,
      costLak: r.costLak === null ? null : Number(r.costLak),
      outcome: r.outcome,
      notes: this.cipher.decryptOptional<string>(r.notesEnc, {
        table: 'case_service_record',
        column: 'notes_enc',
        id: r.id,
      }),
      recordedBy: r.recordedBy,
      createdAt: r.createdAt.toISOString(),
      version: r.version,
    };
  }

  // --- Follow-ups --------------------------------------------------------------------

  async scheduleFollowUps(actor: Actor, caseId: string, body: ScheduleFollowUpsRequest): Promise<FollowUpResponse[]> {
    const c = await this.caseFor(actor, caseId);
    this.assertNotBeforeOpening(c, body.fromDate, 'fromDate');
    const agencyId = body.agencyId ?? actor.agencyId;
    if (!(await this.m().getRepository(AgencyEntity).existsBy({ id: agencyId, active: true }))) {
      throw new DomainError('VALIDATION_FAILED', 'Unknown agency', {
        errors: [{ field: 'agencyId', messages: ['no active agency has this id'] }],
      });
    }
    const months = body.months ?? this.config.cases.followUpPlanMonths;
    const ids: string[] = [];
    for (const month of months) {
      const id = uuidv7();
      ids.push(id);
      await this.m().insert(FollowUpEntity, {
        id,
        caseId,
        agencyId,
        recordedBy: actor.userId,
        dueOn: addMonths(body.fromDate, month),
        planMonth: month,
        status: 'scheduled',
        completedOn: null,
        outcome: null,
        notesEnc: null,
      });
    }
    await this.timeline.record(caseId, 'follow_ups_scheduled', actor, null, {
      fromDate: body.fromDate,
      months,
      agencyId,
    });
    await this.audit.change(
      'create',
      'case_follow_up',
      ids[0]!,
      diffFields(null, { fromDate: body.fromDate, months, agencyId }),
      caseId,
      { followUpIds: ids },
    );
    return this.followUps(actor, caseId);
  }

  async recordFollowUp(
    actor: Actor,
    caseId: string,
    followUpId: string,
    version: number,
    body: RecordFollowUpRequest,
  ): Promise<FollowUpResponse> {
    const c = await this.caseFor(actor, caseId, 'limited');
    const f = await this.m().getRepository(FollowUpEntity).findOneBy({ id: followUpId, caseId });
    if (!f) throw notFound('Follow-up');
    const view = await this.access.requireCase(actor, caseId);
    if (view === 'limited' && f.agencyId !== actor.agencyId) throw notFound('Follow-up');
    if (f.version !== version) throw staleVersion('Follow-up', f.version);
    this.assertNotFuture(body.completedOn, 'completedOn');
    this.assertNotBeforeOpening(c, body.completedOn, 'completedOn');
    const notesEnc = this.cipher.encryptOptional(body.notes, {
      table: 'case_follow_up',
      column: 'notes_enc',
      id: followUpId,
    });
    const result = await this.m()
      .createQueryBuilder()
      .update(FollowUpEntity)
      .set({
        status: 'completed',
        completedOn: body.completedOn,
        outcome: body.outcome,
        notesEnc,
        version: () => 'version + 1',
      })
      .where('id = :id AND version = :version', { id: followUpId, version })
      .execute();
    if (!result.affected)
      throw staleVersion(
        'Follow-up',
        (await this.m().getRepository(FollowUpEntity).findOneByOrFail({ id: followUpId })).version,
      );
    await this.timeline.record(
      caseId,
      'follow_up_recorded',
      actor,
      { type: 'case_follow_up', id: followUpId },
      { dueOn: f.dueOn, completedOn: body.completedOn, outcome: body.outcome },
    );
    await this.audit.change(
      'update',
      'case_follow_up',
      followUpId,
      [
        ...diffFields({ status: f.status, outcome: f.outcome }, { status: 'completed', outcome: body.outcome }),
        ...(body.notes ? [{ field: 'notes', personal: true }] : []),
      ],
      caseId,
    );
    return (await this.followUps(actor, caseId)).find((x) => x.id === followUpId)!;
  }

  async followUps(actor: Actor, caseId: string): Promise<FollowUpResponse[]> {
    const view = await this.access.requireCase(actor, caseId);
    const rows = await this.m()
      .getRepository(FollowUpEntity)
      .find({ where: view === 'full' ? { caseId } : { caseId, agencyId: actor.agencyId }, order: { dueOn: 'ASC' } });
    this.audit.touch(
      'case_follow_up',
      rows.map((r) => r.id),
      [caseId],
    );
    const now = this.clock.today();
    return rows.map((r) => ({
      id: r.id,
      caseId: r.caseId,
      agencyId: r.agencyId,
      dueOn: r.dueOn,
      planMonth: r.planMonth,
      status: r.status,
      overdue: r.status === 'scheduled' && r.dueOn < now,
      completedOn: r.completedOn,
      outcome: r.outcome,
      notes: this.cipher.decryptOptional<string>(r.notesEnc, {
        table: 'case_follow_up',
        column: 'notes_enc',
        id: r.id,
      }),
      changeReason: r.changeReason,
      version: r.version,
    }));
  }

  /**
   * A scheduled visit the actor may change: the lead agency (full view) changes any, the
   * visiting agency (limited view) its own; anything else answers 404.
   */
  private async changeableFollowUp(
    actor: Actor,
    caseId: string,
    followUpId: string,
    version: number,
  ): Promise<{ c: CaseEntity; f: FollowUpEntity }> {
    const view = await this.access.requireCase(actor, caseId);
    const c = await this.m().getRepository(CaseEntity).findOneByOrFail({ id: caseId });
    const f = await this.m().getRepository(FollowUpEntity).findOneBy({ id: followUpId, caseId });
    if (!f || (view === 'limited' && f.agencyId !== actor.agencyId)) throw notFound('Follow-up');
    if (f.version !== version) throw staleVersion('Follow-up', f.version);
    if (f.status !== 'scheduled')
      throw new DomainError('ILLEGAL_TRANSITION', `The visit is already ${f.status}`, {
        extensions: { currentStatus: f.status },
      });
    return { c, f };
  }

  private async updateFollowUp(id: string, version: number, set: Partial<FollowUpEntity>): Promise<void> {
    const result = await this.m()
      .createQueryBuilder()
      .update(FollowUpEntity)
      .set({ ...set, version: () => 'version + 1' })
      .where('id = :id AND version = :version', { id, version })
      .execute();
    if (!result.affected)
      throw staleVersion('Follow-up', (await this.m().getRepository(FollowUpEntity).findOneByOrFail({ id })).version);
  }

  async cancelFollowUp(
    actor: Actor,
    caseId: string,
    followUpId: string,
    version: number,
    body: CancelFollowUpRequest,
  ): Promise<FollowUpResponse> {
    const { f } = await this.changeableFollowUp(actor, caseId, followUpId, version);
    await this.updateFollowUp(followUpId, version, { status: 'cancelled', changeReason: body.reason });
    await this.timeline.record(
      caseId,
      'follow_up_cancelled',
      actor,
      { type: 'case_follow_up', id: followUpId },
      { dueOn: f.dueOn, reason: body.reason },
    );
    await this.audit.change(
      'cancel',
      'case_follow_up',
      followUpId,
      diffFields(
        { status: f.status, changeReason: f.changeReason },
        { status: 'cancelled', changeReason: body.reason },
      ),
      caseId,
    );
    return (await this.followUps(actor, caseId)).find((x) => x.id === followUpId)!;
  }

  async rescheduleFollowUp(
    actor: Actor,
    caseId: string,
    followUpId: string,
    version: number,
    body: RescheduleFollowUpRequest,
  ): Promise<FollowUpResponse> {
    const { f } = await this.changeableFollowUp(actor, caseId, followUpId, version);
    if (body.dueOn < this.clock.today()) throw outOfRange('dueOn', 'dueOn must be today or later');
    await this.updateFollowUp(followUpId, version, { dueOn: body.dueOn, changeReason: body.reason });
    await this.timeline.record(
      caseId,
      'follow_up_rescheduled',
      actor,
      { type: 'case_follow_up', id: followUpId },
      { from: f.dueOn, to: body.dueOn, reason: body.reason },
    );
    await this.audit.change(
      'reschedule',
      'case_follow_up',
      followUpId,
      diffFields({ dueOn: f.dueOn, changeReason: f.changeReason }, { dueOn: body.dueOn, changeReason: body.reason }),
      caseId,
    );
    return (await this.followUps(actor, caseId)).find((x) => x.id === followUpId)!;
  }

  /** The actor's agency's scheduled visits due in a date range (default the next 30 days), on cases it may see. */
  async upcoming(actor: Actor, q: UpcomingFollowUpsQuery): Promise<UpcomingFollowUpResponse[]> {
    const from = q.from ?? this.clock.today();
    const to = q.to ?? addDays(from, 30);
    if (to < from) throw outOfRange('to', 'to must not be before from');
    if (to > addDays(from, 366)) throw outOfRange('to', 'the range is at most 366 days');
    const rows = await findUpcomingFollowUps(
      this.m(),
      this.access.caseVisibility(actor, 'c', 1),
      actor.agencyId,
      from,
      to,
    );
    this.audit.touch(
      'case_follow_up',
      rows.map((r) => r.id),
      rows.map((r) => r.case_id),
    );
    return rows.map((r) => ({
      id: r.id,
      caseId: r.case_id,
      caseNumber: r.case_number,
      dueOn: r.due_on,
      planMonth: r.plan_month,
      changeReason: r.change_reason,
      version: r.version,
    }));
  }

  /** The actor's agency's overdue visits, on cases the actor may see. */
  async overdue(actor: Actor): Promise<OverdueFollowUpResponse[]> {
    const v = this.access.caseVisibility(actor, 'c', 1);
    const rows = await findOverdueFollowUps(this.m(), v, actor.agencyId, this.clock.today());
    this.audit.touch(
      'case_follow_up',
      rows.map((r) => r.id),
      rows.map((r) => r.case_id),
    );
    return rows.map((r) => ({
      id: r.id,
      caseId: r.case_id,
      caseNumber: r.case_number,
      dueOn: r.due_on,
      daysOverdue: r.days,
      planMonth: r.plan_month,
    }));
  }

  // --- Notes ---------------------------------------------------------------------

  async addNote(actor: Actor, caseId: string, text: string, correcting?: string): Promise<NoteResponse> {
    await this.caseFor(actor, caseId, 'limited');
    let threadId: string;
    let revision = 1;
    if (correcting) {
      const original = await this.m().getRepository(CaseNoteEntity).findOneBy({ id: correcting, caseId });
      if (!original) throw notFound('Note');
      if (original.authorAgencyId !== actor.agencyId)
        throw new DomainError('FORBIDDEN', "Only the author's agency corrects a note");
      threadId = original.threadId;
      revision = await nextNoteRevision(this.m(), threadId);
    }
    const id = uuidv7();
    threadId ??= id;
    await this.m().insert(CaseNoteEntity, {
      id,
      caseId,
      threadId,
      revision,
      authorId: actor.userId,
      authorAgencyId: actor.agencyId,
      bodyEnc: this.cipher.encryptJson(text, { table: 'case_note', column: 'body_enc', id }),
    });
    await this.timeline.record(
      caseId,
      correcting ? 'note_corrected' : 'note_added',
      actor,
      { type: 'case_note', id },
      { threadId, revision },
    );
    await this.audit.change(
      correcting ? 'correct' : 'create',
      'case_note',
      id,
      [{ field: 'text', personal: true }],
      caseId,
      { threadId, revision },
    );
    return (await this.notes(actor, caseId, true)).find((n) => n.id === id)!;
  }

  /** Current versions by default; every version with `history`. Referral receivers see their own agency's notes only. */
  async notes(actor: Actor, caseId: string, history = false): Promise<NoteResponse[]> {
    const view = await this.access.requireCase(actor, caseId);
    const rows = await this.m()
      .getRepository(CaseNoteEntity)
      .find({
        where: view === 'full' ? { caseId } : { caseId, authorAgencyId: actor.agencyId },
        order: { createdAt: 'ASC' },
      });
    const latest = new Map<string, number>();
    for (const r of rows) latest.set(r.threadId, Math.max(latest.get(r.threadId) ?? 0, r.revision));
    const shown = history ? rows : rows.filter((r) => latest.get(r.threadId) === r.revision);
    this.audit.touch(
      'case_note',
      shown.map((r) => r.id),
      [caseId],
    );
    return shown.map((r) => ({
      id: r.id,
      threadId: r.threadId,
      revision: r.revision,
      caseId: r.caseId,
      authorId: r.authorId,
      authorAgencyId: r.authorAgencyId,
      text: this.cipher.decryptJson<string>(r.bodyEnc, { table: 'case_note', column: 'body_enc', id: r.id }),
      createdAt: r.createdAt.toISOString(),
      current: latest.get(r.threadId) === r.revision,
    }));
  }
}
