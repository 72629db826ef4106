import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock.js';
import { AccessService } from '../access/access.service.js';
import { CaseAccessGrantEntity } from '../access/case-access-grant.entity.js';
import { AgencyEntity } from '../agencies/agency.entity.js';
import { AuditService, diffFields } from '../audit/audit.service.js';
import { CaseEntity } from '../cases/case.entity.js';
import { CaseConsentEntity } from '../cases/case-records.entities.js';
import { CLOSED_STAGES, type CaseStage } from '../cases/case-stages.js';
import { TimelineService } from '../cases/timeline.service.js';
import type { Actor } from '../common/context/request-context.js';
import { DomainError, notFound } from '../common/errors/domain-error.js';
import { staleVersion } from '../common/http/etag.js';
import { uuidv7 } from '../common/uuid.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { FieldCipher } from '../crypto/field-cipher.js';
import { TransactionService } from '../database/transaction.service.js';
import { DomainEvents } from '../events/domain-events.service.js';
import type { EventType } from '../events/event-catalogue.js';
import { JobQueue } from '../queue/job-queue.service.js';
import { FacilityEntity } from '../facilities/facility.entity.js';
import { Permission } from '../auth/permissions.js';
import { CaseProfileService } from './case-profile.js';
import type {
  CreateReferralRequest,
  FamilyAssessmentRequest,
  FamilyAssessmentResponse,
  InboxCounts,
  ReferralResponse,
} from './dto/referral.dto.js';
import {
  ageGroupOf,
  checkMove,
  eligibilityFailures,
  OPEN_STATUSES,
  type ReferralAction,
  type ReferralStatus,
} from './referral-rules.js';
import { FamilyAssessmentEntity, ReferralEntity, UnmetNeedEntity } from './referral.entities.js';
import {
  countInbox,
  expireOverdueReferrals,
  findInbox,
  findCaseNumbers,
  moveReferral,
  revokeReferralGrants,
} from './referrals.queries.js';

const enc = (id: string, column: string) => ({ table: 'referral', column, id });

/**
 * Referrals from a case's lead agency to another agency's inbox: consent-bound, eligibility-
 * checked, with a server-enforced state machine, an answer deadline that expires them, and a
 * limited view of the case for the receiver while the referral is open.
 */
@Injectable()
export class ReferralsService implements OnModuleInit {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(TransactionService) private readonly tx: TransactionService,
    @Inject(AccessService) private readonly access: AccessService,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(FieldCipher) private readonly cipher: FieldCipher,
    @Inject(TimelineService) private readonly timeline: TimelineService,
    @Inject(CaseProfileService) private readonly profiles: CaseProfileService,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(DomainEvents) private readonly events: DomainEvents,
    @Inject(JobQueue) private readonly queue: JobQueue,
  ) {}

  /** Expiry is a job on the queue: one replica at a time, every REFERRAL_EXPIRY_INTERVAL_MS. */
  onModuleInit(): void {
    this.queue.every('referrals.expire', this.config.referrals.expiryIntervalMs, () => this.expireOverdue());
  }

  /** Safe from any number of replicas at once: each overdue referral is expired exactly once. */
  async expireOverdue(): Promise<number> {
    return expireOverdueReferrals(this.dataSource);
  }

  private m() {
    return this.tx.manager();
  }

  async create(actor: Actor, caseId: string, body: CreateReferralRequest): Promise<ReferralResponse> {
    await this.access.requireCase(actor, caseId, 'full');
    const c = await this.m().getRepository(CaseEntity).findOneByOrFail({ id: caseId });
    if (c.leadAgencyId !== actor.agencyId)
      throw new DomainError('FORBIDDEN', "Referrals are sent by the case's lead agency");
    if (CLOSED_STAGES.has(c.stage as CaseStage)) throw new DomainError('ILLEGAL_TRANSITION', 'The case is closed');
    if (body.toAgencyId === actor.agencyId)
      throw new DomainError('UNPROCESSABLE', 'Refer to another agency', {
        errors: [{ field: 'toAgencyId', messages: ['toAgencyId is your own agency'] }],
      });
    const target = await this.m().getRepository(AgencyEntity).findOneBy({ id: body.toAgencyId });
    if (!target?.active)
      throw new DomainError('VALIDATION_FAILED', 'Unknown agency', {
        errors: [{ field: 'toAgencyId', messages: ['no active agency has this id'] }],
      });

    // Sharing needs the person's consent covering this agency, unless overridden with a reason.
    const consent = await this.m().getRepository(CaseConsentEntity).findOneBy({ caseId, status: 'active' });
    const covered = Boolean(
      consent?.purposes.includes('sharing_for_referral') && consent.coveredAgencyIds.includes(body.toAgencyId),
    );
    if (!covered) {
      if (!body.consentOverrideReason) {
        throw new DomainError('CONSENT_REQUIRED', "The person's consent does not cover sharing with this agency", {
          errors: [
            {
              field: 'toAgencyId',
              messages: ['record a consent covering this agency, or override with a reason (supervisors)'],
            },
          ],
        });
      }
      if (!actor.permissions.has(Permission.ReferralConsentOverride))
        throw new DomainError('FORBIDDEN', 'Overriding consent needs the referral.consent-override permission');
    } else if (body.consentOverrideReason) {
      throw new DomainError('VALIDATION_FAILED', 'Consent covers this referral: no override needed', {
        errors: [{ field: 'consentOverrideReason', messages: ['remove it: consent covers this agency'] }],
      });
    }

    const profile = await this.profiles.of(caseId);
    if (body.toFacilityId) {
      const facility = await this.m().getRepository(FacilityEntity).findOneBy({ id: body.toFacilityId });
      if (!facility || facility.agencyId !== body.toAgencyId) {
        throw new DomainError('VALIDATION_FAILED', 'The facility does not belong to that agency', {
          errors: [{ field: 'toFacilityId', messages: ['must be a facility of toAgencyId'] }],
        });
      }
      const failures = eligibilityFailures(facility, profile);
      if (failures.length) {
        await this.recordUnmetNeed(actor, caseId, body.purpose, profile, failures[0]!.rule, facility.id);
        throw new DomainError(
          'NOT_ELIGIBLE',
          `${facility.nameEn} cannot take this person: ${failures.map((f) => f.detail).join('; ')}`,
          {
            extensions: { rules: failures.map((f) => f.rule), failures, unmetNeedRecorded: true },
          },
        );
      }
    }

    const id = uuidv7();
    const dueBy = new Date(
      this.clock.now().getTime() + (this.config.referrals.slaHours[body.urgency] ?? 72) * 3600_000,
    );
    await this.m().insert(ReferralEntity, {
      id,
      caseId,
      fromAgencyId: actor.agencyId,
      toAgencyId: body.toAgencyId,
      toFacilityId: body.toFacilityId ?? null,
      purpose: body.purpose,
      urgency: body.urgency,
      status: 'pending',
      noteEnc: this.cipher.encryptOptional(body.note, enc(id, 'note_enc')),
      dueBy,
      consentOverrideEnc: covered
        ? null
        : this.cipher.encryptJson(body.consentOverrideReason!, enc(id, 'consent_override_enc')),
      consentOverrideBy: covered ? null : actor.userId,
      profileGender: profile.gender,
      profileAgeGroup: ageGroupOf(profile.age),
      createdBy: actor.userId,
    });
    // While open, the receiver sees the case through the limited view.
    await this.m().insert(CaseAccessGrantEntity, {
      id: uuidv7(),
      caseId,
      granteeAgencyId: body.toAgencyId,
      granteeUserId: null,
      kind: 'referral',
      view: 'limited',
      reason: `referral ${id}`,
      sourceId: id,
      expiresAt: null,
    });
    await this.timeline.record(
      caseId,
      'referral_sent',
      actor,
      { type: 'referral', id },
      { toAgencyId: body.toAgencyId, purpose: body.purpose, urgency: body.urgency, consentOverridden: !covered },
    );
    await this.audit.change(
      'create',
      'referral',
      id,
      [
        ...diffFields(null, {
          toAgencyId: body.toAgencyId,
          toFacilityId: body.toFacilityId ?? null,
          purpose: body.purpose,
          urgency: body.urgency,
          status: 'pending',
        }),
        ...(body.note ? [{ field: 'note', personal: true }] : []),
        ...(covered ? [] : [{ field: 'consentOverrideReason', personal: true }]),
      ],
      caseId,
      covered ? undefined : { consentOverride: true },
    );
    const sent = {
      referralId: id,
      fromAgencyId: actor.agencyId,
      toAgencyId: body.toAgencyId,
      purpose: body.purpose,
      urgency: body.urgency,
      status: 'pending',
      dueBy: dueBy.toISOString(),
    };
    await this.events.record({
      type: 'referral.sent',
      agencyIds: [actor.agencyId],
      caseId,
      subjectId: id,
      payload: sent,
    });
    await this.events.record({
      type: 'referral.received',
      agencyIds: [body.toAgencyId],
      caseId,
      subjectId: id,
      payload: sent,
    });
    return this.get(actor, id);
  }

  /** Recorded in its own transaction: the refusal is answered with 422, yet the evidence stays. */
  private async recordUnmetNeed(
    actor: Actor,
    caseId: string,
    service: string,
    profile: Awaited<ReturnType<CaseProfileService['of']>>,
    rule: string,
    facilityId: string | null,
  ): Promise<void> {
    await this.dataSource.getRepository(UnmetNeedEntity).insert({
      id: uuidv7(),
      caseId,
      agencyId: actor.agencyId,
      provinceCode: profile.provinceCode,
      service,
      gender: profile.gender,
      ageGroup: ageGroupOf(profile.age),
      exploitationTypes: profile.exploitationTypes,
      rule,
      facilityId,
    });
  }

  async get(actor: Actor, id: string): Promise<ReferralResponse> {
    const r = await this.m().getRepository(ReferralEntity).findOneBy({ id });
    if (!r || (r.fromAgencyId !== actor.agencyId && r.toAgencyId !== actor.agencyId)) throw notFound('Referral');
    if (r.fromAgencyId === actor.agencyId) await this.access.requireCase(actor, r.caseId, 'full');
    this.audit.touch('referral', [id], [r.caseId]);
    return (await this.responses([r]))[0]!;
  }

  async forCase(actor: Actor, caseId: string): Promise<ReferralResponse[]> {
    const view = await this.access.requireCase(actor, caseId);
    const rows = await this.m()
      .getRepository(ReferralEntity)
      .find({
        where: view === 'full' ? { caseId } : { caseId, toAgencyId: actor.agencyId },
        order: { createdAt: 'ASC' },
      });
    this.audit.touch(
      'referral',
      rows.map((r) => r.id),
      [caseId],
    );
    return this.responses(rows);
  }

  /** The agency's inbox: pending (by due time), overdue, or accepted. */
  async inbox(actor: Actor, view: string): Promise<ReferralResponse[]> {
    const entities = await findInbox(this.m(), actor.agencyId, view);
    this.audit.touch(
      'referral',
      entities.map((r) => r.id),
      entities.map((r) => r.caseId),
    );
    return this.responses(entities);
  }

  async counts(actor: Actor): Promise<InboxCounts> {
    return countInbox(this.m(), actor.agencyId);
  }

  /** accept / decline (receiver), withdraw (sender), complete (receiver), cancel (either). */
  async move(
    actor: Actor,
    id: string,
    version: number,
    action: ReferralAction,
    reason?: string,
  ): Promise<ReferralResponse> {
    const r = await this.m().getRepository(ReferralEntity).findOneBy({ id });
    if (!r || (r.fromAgencyId !== actor.agencyId && r.toAgencyId !== actor.agencyId)) throw notFound('Referral');
    const party = r.toAgencyId === actor.agencyId ? 'receiver' : 'sender';
    const check = checkMove(action, r.status as ReferralStatus, party);
    if (!check.ok) {
      if (check.reason === 'wrong_party')
        throw new DomainError(
          'FORBIDDEN',
          action === 'withdraw'
            ? 'Only the sending agency withdraws a referral'
            : 'Only the receiving agency answers a referral',
        );
      throw new DomainError(
        'ILLEGAL_TRANSITION',
        `A ${r.status} referral cannot be ${action === 'cancel' ? 'cancelled' : `${action}ed`}`.replace(
          'withdrawed',
          'withdrawn',
        ),
        { extensions: { currentStatus: r.status, action } },
      );
    }
    if (r.version !== version) throw staleVersion('Referral', r.version);
    // Accepting or completing works on a restricted case (423); declining, withdrawing or
    // cancelling ends the share without using the data, and goes on (its entry notes the restriction).
    await this.access.requireUnrestricted(
      { caseIds: [r.caseId] },
      { evenIfRestricted: !OPEN_STATUSES.has(check.to) && action !== 'complete' },
    );
    const responds = action === 'accept' || action === 'decline';
    await moveReferral(this.m(), id, check.to, action, reason ?? null, responds, actor.userId);
    await this.timeline.record(
      r.caseId,
      `referral_${check.to}`,
      actor,
      { type: 'referral', id },
      { toAgencyId: r.toAgencyId, purpose: r.purpose, ...(reason ? { reason } : {}) },
    );
    await this.audit.change(
      action,
      'referral',
      id,
      diffFields({ status: r.status }, { status: check.to }),
      r.caseId,
      reason ? { reason } : undefined,
    );
    await this.events.record({
      type: `referral.${check.to}` as EventType,
      agencyIds: [r.fromAgencyId, r.toAgencyId],
      caseId: r.caseId,
      subjectId: id,
      payload: {
        referralId: id,
        fromAgencyId: r.fromAgencyId,
        toAgencyId: r.toAgencyId,
        purpose: r.purpose,
        urgency: r.urgency,
        status: check.to,
        dueBy: r.dueBy.toISOString(),
      },
    });
    if (!OPEN_STATUSES.has(check.to)) {
      // The referral ended: so does the receiver's view of the case (last, as the receiver may be the actor).
      await revokeReferralGrants(this.m(), id);
    }
    return this.get(actor, id);
  }

  /** The home province's family tracing and assessment result, on a family-tracing referral. */
  async recordFamilyAssessment(
    actor: Actor,
    referralId: string,
    body: FamilyAssessmentRequest,
  ): Promise<FamilyAssessmentResponse> {
    const r = await this.m().getRepository(ReferralEntity).findOneBy({ id: referralId });
    if (!r || r.toAgencyId !== actor.agencyId) throw notFound('Referral');
    if (r.purpose !== 'family_tracing')
      throw new DomainError('UNPROCESSABLE', 'Family assessments answer family-tracing referrals');
    await this.access.requireUnrestricted({ caseIds: [r.caseId] });
    if (r.status !== 'accepted')
      throw new DomainError('ILLEGAL_TRANSITION', 'Accept the referral first', {
        extensions: { currentStatus: r.status },
      });
    if (body.assessedOn > this.clock.today())
      throw new DomainError('DATE_OUT_OF_RANGE', 'assessedOn must not be in the future', {
        errors: [{ field: 'assessedOn', messages: ['assessedOn must not be in the future'] }],
      });
    const id = uuidv7();
    await this.m().insert(FamilyAssessmentEntity, {
      id,
      referralId,
      caseId: r.caseId,
      agencyId: actor.agencyId,
      assessedOn: body.assessedOn,
      familyFound: body.familyFound,
      recommendation: body.recommendation,
      householdRisks: body.householdRisks ?? [],
      findingsEnc: this.cipher.encryptOptional(body.findings, {
        table: 'family_assessment',
        column: 'findings_enc',
        id,
      }),
      recordedBy: actor.userId,
    });
    await this.timeline.record(
      r.caseId,
      'family_assessment_recorded',
      actor,
      { type: 'family_assessment', id },
      { familyFound: body.familyFound, recommendation: body.recommendation },
    );
    await this.audit.change(
      'create',
      'family_assessment',
      id,
      [
        ...diffFields(null, {
          familyFound: body.familyFound,
          recommendation: body.recommendation,
          householdRisks: body.householdRisks ?? [],
        }),
        ...(body.findings ? [{ field: 'findings', personal: true }] : []),
      ],
      r.caseId,
    );
    return this.familyAssessment(id);
  }

  async familyAssessments(actor: Actor, caseId: string): Promise<FamilyAssessmentResponse[]> {
    await this.access.requireCase(actor, caseId, 'full');
    // One statement: the transaction's connection runs one query at a time.
    const rows = await this.m()
      .getRepository(FamilyAssessmentEntity)
      .find({ where: { caseId }, order: { assessedOn: 'ASC', id: 'ASC' } });
    this.audit.touch(
      'family_assessment',
      rows.map((r) => r.id),
      [caseId],
    );
    return rows.map((f) => this.toFamilyAssessment(f));
  }

  private async familyAssessment(id: string): Promise<FamilyAssessmentResponse> {
    return this.toFamilyAssessment(await this.m().getRepository(FamilyAssessmentEntity).findOneByOrFail({ id }));
  }

  private toFamilyAssessment(f: FamilyAssessmentEntity): FamilyAssessmentResponse {
    return {
      id: f.id,
      referralId: f.referralId,
      caseId: f.caseId,
      agencyId: f.agencyId,
      assessedOn: f.assessedOn,
      familyFound: f.familyFound,
      recommendation: f.recommendation,
      householdRisks: f.householdRisks,
      findings: this.cipher.decryptOptional<string>(f.findingsEnc, {
        table: 'family_assessment',
        column: 'findings_enc',
        id: f.id,
      }),
      createdAt: f.createdAt.toISOString(),
    };
  }

  private async responses(rows: ReferralEntity[]): Promise<ReferralResponse[]> {
    if (!rows.length) return [];
    const numbers = await findCaseNumbers(this.m(), [...new Set(rows.map((r) => r.caseId))]);
    const byCase = new Map(numbers.map((n) => [n.id, n.case_number]));
    const now = this.clock.now().getTime();
    return rows.map((r) => ({
      id: r.id,
      caseId: r.caseId,
      caseNumber: byCase.get(r.caseId) ?? '',
      fromAgencyId: r.fromAgencyId,
      toAgencyId: r.toAgencyId,
      toFacilityId: r.toFacilityId,
      purpose: r.purpose,
      urgency: r.urgency,
      status: r.status,
      note: this.cipher.decryptOptional<string>(r.noteEnc, enc(r.id, 'note_enc')),
      dueBy: r.dueBy.toISOString(),
      dueByLocal: this.clock.localDateTime(r.dueBy),
      overdue: r.status === 'pending' && r.dueBy.getTime() < now,
      declineReason: r.declineReason,
      endReason: r.endReason,
      consentOverridden: r.consentOverrideBy !== null,
      profileAgeGroup: r.profileAgeGroup,
      profileGender: r.profileGender,
      createdAt: r.createdAt.toISOString(),
      respondedAt: r.respondedAt?.toISOString() ?? null,
      endedAt: r.endedAt?.toISOString() ?? null,
      version: r.version,
    }));
  }
}
