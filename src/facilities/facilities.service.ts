import { Inject, Injectable } from '@nestjs/common';
import { DomainEvents } from '../events/domain-events.service.js';
import { Clock } from '../common/clock.js';
import { AccessService } from '../access/access.service.js';
import { AgencyEntity } from '../agencies/agency.entity.js';
import { AuditService, diffFields } from '../audit/audit.service.js';
import { TimelineService } from '../cases/timeline.service.js';
import type { Actor } from '../common/context/request-context.js';
import { DomainError, notFound } from '../common/errors/domain-error.js';
import { staleVersion } from '../common/http/etag.js';
import { uuidv7 } from '../common/uuid.js';
import { TransactionService } from '../database/transaction.service.js';
import { CaseEntity } from '../cases/case.entity.js';
import { CaseProfileService } from '../referrals/case-profile.js';
import { eligibilityFailures } from '../referrals/referral-rules.js';
import { ReferralEntity } from '../referrals/referral.entities.js';
import type {
  AdmitRequest,
  CreateFacilityRequest,
  DischargeRequest,
  FacilityListQuery,
  FacilityResponse,
  PlacementResponse,
  UpdateFacilityRequest,
} from './dto/facility.dto.js';
import {
  countOpenPlacements,
  dischargePlacement,
  findOccupancy,
  findPlacementsOfCase,
  lockFacilityForAdmission,
} from './facilities.queries.js';
import { FacilityEntity, PlacementEntity } from './facility.entity.js';

/** Facilities, whom they take, their free beds, and admissions that never exceed capacity. */
@Injectable()
export class FacilitiesService {
  constructor(
    @Inject(TransactionService) private readonly tx: TransactionService,
    @Inject(AccessService) private readonly access: AccessService,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(CaseProfileService) private readonly profiles: CaseProfileService,
    @Inject(TimelineService) private readonly timeline: TimelineService,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(DomainEvents) private readonly events: DomainEvents,
  ) {}

  private m() {
    return this.tx.manager();
  }

  private async occupancy(): Promise<Map<string, number>> {
    const rows = await findOccupancy(this.m());
    return new Map(rows.map((r) => [r.facility_id, r.occupied]));
  }

  private toResponse(f: FacilityEntity, occupied: number): FacilityResponse {
    return {
      id: f.id,
      agencyId: f.agencyId,
      code: f.code,
      nameEn: f.nameEn,
      nameLo: f.nameLo,
      kind: f.kind,
      provinceCode: f.provinceCode,
      acceptsGenders: f.acceptsGenders,
      acceptsMinAge: f.acceptsMinAge,
      acceptsMaxAge: f.acceptsMaxAge,
      acceptsExploitationTypes: f.acceptsExploitationTypes,
      services: f.services,
      bedCapacity: f.bedCapacity,
      occupied,
      freeBeds: Math.max(0, f.bedCapacity - occupied),
      active: f.active,
      version: f.version,
    };
  }

  /** The facility directory; with eligibleFor, those that can take this case's person, with free beds. */
  async list(actor: Actor, q: FacilityListQuery): Promise<FacilityResponse[]> {
    const facilities = await this.m()
      .getRepository(FacilityEntity)
      .find({
        where: { ...(q.province ? { provinceCode: q.province } : {}), ...(q.kind ? { kind: q.kind } : {}) },
        order: { provinceCode: 'ASC', code: 'ASC' },
      });
    const occ = await this.occupancy();
    let result = facilities.map((f) => this.toResponse(f, occ.get(f.id) ?? 0));
    if (q.eligibleFor) {
      await this.access.requireCase(actor, q.eligibleFor, 'full');
      const profile = await this.profiles.of(q.eligibleFor);
      result = facilities
        .map((f) => {
          const failures = eligibilityFailures(f, profile);
          const r = this.toResponse(f, occ.get(f.id) ?? 0);
          const reasons: { rule: string; detail: string }[] = [...failures];
          if (r.freeBeds === 0) reasons.push({ rule: 'capacity', detail: 'no free bed' });
          return { ...r, eligible: reasons.length === 0, ineligibleBecause: reasons };
        })
        .filter((r) => q.includeIneligible || r.eligible);
      this.audit.touch('case', [q.eligibleFor], [q.eligibleFor]);
    }
    return result;
  }

  async create(actor: Actor, body: CreateFacilityRequest): Promise<FacilityResponse> {
    if (!actor.roles.includes('system_admin') && body.agencyId !== actor.agencyId) throw notFound('Agency');
    if (!(await this.m().getRepository(AgencyEntity).existsBy({ id: body.agencyId }))) throw notFound('Agency');
    if ((body.acceptsMinAge ?? 0) > (body.acceptsMaxAge ?? 120)) {
      throw new DomainError('VALIDATION_FAILED', 'Age range is inverted', {
        errors: [{ field: 'acceptsMinAge', messages: ['acceptsMinAge must not exceed acceptsMaxAge'] }],
      });
    }
    if (await this.m().getRepository(FacilityEntity).existsBy({ code: body.code })) {
      throw new DomainError('CONFLICT', 'A facility with this code exists', {
        errors: [{ field: 'code', messages: ['code is already used'] }],
      });
    }
    const id = uuidv7();
    await this.m().insert(FacilityEntity, {
      id,
      agencyId: body.agencyId,
      code: body.code,
      nameEn: body.nameEn,
      nameLo: body.nameLo ?? null,
      kind: body.kind,
      provinceCode: body.provinceCode,
      acceptsGenders: body.acceptsGenders,
      acceptsMinAge: body.acceptsMinAge ?? 0,
      acceptsMaxAge: body.acceptsMaxAge ?? 120,
      acceptsExploitationTypes: body.acceptsExploitationTypes ?? [],
      services: body.services ?? [],
      bedCapacity: body.bedCapacity,
      active: true,
    });
    await this.audit.change('create', 'facility', id, diffFields(null, { ...body }));
    return this.get(id);
  }

  async get(id: string): Promise<FacilityResponse> {
    const f = await this.m().getRepository(FacilityEntity).findOneBy({ id });
    if (!f) throw notFound('Facility');
    this.audit.touch('facility', [id]);
    return this.toResponse(f, (await this.occupancy()).get(id) ?? 0);
  }

  async update(actor: Actor, id: string, version: number, body: UpdateFacilityRequest): Promise<FacilityResponse> {
    const f = await this.m().getRepository(FacilityEntity).findOneBy({ id });
    if (!f || (!actor.roles.includes('system_admin') && f.agencyId !== actor.agencyId)) throw notFound('Facility');
    if (f.version !== version) throw staleVersion('Facility', f.version);
    const patch = Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined));
    const result = await this.m()
      .createQueryBuilder()
      .update(FacilityEntity)
      .set({ ...patch, version: () => 'version + 1' })
      .where('id = :id AND version = :version', { id, version })
      .execute();
    if (!result.affected)
      throw staleVersion('Facility', (await this.m().getRepository(FacilityEntity).findOneByOrFail({ id })).version);
    await this.audit.change('update', 'facility', id, diffFields(f as unknown as Record<string, unknown>, patch));
    return this.get(id);
  }

  /**
   * Admission to a bed, by the facility's agency: for a case it leads, or on an accepted referral
   * to this facility. The facility row is locked while beds are counted, so concurrent
   * admissions for the last bed give exactly one success.
   */
  async admit(actor: Actor, facilityId: string, body: AdmitRequest): Promise<PlacementResponse> {
    const facility = await this.m().getRepository(FacilityEntity).findOneBy({ id: facilityId });
    if (!facility || facility.agencyId !== actor.agencyId) throw notFound('Facility');
    await this.access.requireCaseToAdmit(actor, body.caseId);
    const c = await this.m().getRepository(CaseEntity).findOneByOrFail({ id: body.caseId });
    // A named referral is checked even for a case the agency leads, so the stored link is true.
    if (c.leadAgencyId !== actor.agencyId || body.referralId) {
      const referral = body.referralId
        ? await this.m().getRepository(ReferralEntity).findOneBy({ id: body.referralId, caseId: body.caseId })
        : null;
      if (!referral || referral.toAgencyId !== actor.agencyId) {
        throw new DomainError(
          'UNPROCESSABLE',
          'Admit a case your agency leads, or name the accepted referral to this facility',
          {
            errors: [
              { field: 'referralId', messages: ['an accepted referral of this case to this facility is required'] },
            ],
          },
        );
      }
      if (referral.status !== 'accepted' || referral.toFacilityId !== facilityId) {
        throw new DomainError('ILLEGAL_TRANSITION', 'Admit only on an accepted referral to this facility', {
          extensions: { currentStatus: referral.status },
        });
      }
    }
    if (body.admittedOn > this.clock.today())
      throw new DomainError('DATE_OUT_OF_RANGE', 'admittedOn must not be in the future', {
        errors: [{ field: 'admittedOn', messages: ['admittedOn must not be in the future'] }],
      });
    if (body.admittedOn < c.openedOn)
      throw new DomainError('DATE_OUT_OF_RANGE', 'admittedOn is before the case was opened', {
        errors: [{ field: 'admittedOn', messages: [`admittedOn is before the case was opened (${c.openedOn})`] }],
      });
    const failures = eligibilityFailures(facility, await this.profiles.of(body.caseId));
    if (failures.length)
      throw new DomainError(
        'NOT_ELIGIBLE',
        `${facility.nameEn} cannot take this person: ${failures.map((f) => f.detail).join('; ')}`,
        { extensions: { rules: failures.map((f) => f.rule) } },
      );
    const locked = await lockFacilityForAdmission(this.m(), facilityId);
    const n = await countOpenPlacements(this.m(), facilityId);
    if (!locked.active || n >= locked.bed_capacity) {
      throw new DomainError('FACILITY_FULL', 'No free bed: every bed of this facility is taken', {
        extensions: { bedCapacity: locked.bed_capacity, occupied: n },
      });
    }
    const id = uuidv7();
    try {
      await this.m().query('SAVEPOINT admit');
      await this.m().insert(PlacementEntity, {
        id,
        facilityId,
        caseId: body.caseId,
        referralId: body.referralId ?? null,
        agencyId: actor.agencyId,
        admittedOn: body.admittedOn,
        recordedBy: actor.userId,
        escorted: false,
      });
      await this.m().query('RELEASE SAVEPOINT admit');
      await this.events.checkCapacity(facilityId);
    } catch (err) {
      if ((err as { driverError?: { code?: string } }).driverError?.code === '23505') {
        await this.m().query('ROLLBACK TO SAVEPOINT admit');
        throw new DomainError(
          'CONFLICT',
          'This person still has an open placement, here or in another facility: ' +
            'that facility discharges them first (POST /placements/{id}/discharge)',
        );
      }
      throw err;
    }
    await this.timeline.record(
      body.caseId,
      'admitted',
      actor,
      { type: 'placement', id },
      { facilityId, admittedOn: body.admittedOn },
    );
    await this.audit.change(
      'admit',
      'placement',
      id,
      diffFields(null, { facilityId, admittedOn: body.admittedOn, referralId: body.referralId ?? null }),
      body.caseId,
    );
    return this.placement(id);
  }

  async discharge(
    actor: Actor,
    placementId: string,
    version: number,
    body: DischargeRequest,
  ): Promise<PlacementResponse> {
    const p = await this.m().getRepository(PlacementEntity).findOneBy({ id: placementId });
    if (!p || p.agencyId !== actor.agencyId) throw notFound('Placement');
    if (p.dischargedOn) throw new DomainError('ILLEGAL_TRANSITION', 'This stay has already ended');
    if (p.version !== version) throw staleVersion('Placement', p.version);
    if (body.dischargedOn < p.admittedOn) {
      throw new DomainError('DATE_OUT_OF_RANGE', 'Discharge cannot come before admission', {
        errors: [{ field: 'dischargedOn', messages: [`dischargedOn is before the admission on ${p.admittedOn}`] }],
      });
    }
    if (body.dischargedOn > this.clock.today())
      throw new DomainError('DATE_OUT_OF_RANGE', 'dischargedOn must not be in the future', {
        errors: [{ field: 'dischargedOn', messages: ['dischargedOn must not be in the future'] }],
      });
    await dischargePlacement(this.m(), placementId, version, {
      dischargedOn: body.dischargedOn,
      destination: body.destination,
      reason: body.reason,
      destinationProvinceCode: body.destinationProvinceCode ?? null,
      escorted: body.escorted ?? false,
    });
    await this.timeline.record(
      p.caseId,
      'discharged',
      actor,
      { type: 'placement', id: placementId },
      {
        dischargedOn: body.dischargedOn,
        destination: body.destination,
        reason: body.reason,
        escorted: body.escorted ?? false,
      },
    );
    await this.audit.change(
      'discharge',
      'placement',
      placementId,
      diffFields({ dischargedOn: null as string | null }, { dischargedOn: body.dischargedOn }),
      p.caseId,
      { destination: body.destination, reason: body.reason },
    );
    return this.placement(placementId);
  }

  async placementsOfCase(actor: Actor, caseId: string): Promise<PlacementResponse[]> {
    const view = await this.access.requireCase(actor, caseId);
    // Through a referral, an agency sees only placements in its own facilities: where a person
    // shelters is given to those who need to know it.
    const rows = await findPlacementsOfCase(this.m(), caseId, view !== 'full' ? actor.agencyId : undefined);
    this.audit.touch(
      'placement',
      rows.map((r) => r.id),
      [caseId],
    );
    return rows.map(toPlacement);
  }

  private async placement(id: string): Promise<PlacementResponse> {
    return toPlacement(await this.m().getRepository(PlacementEntity).findOneByOrFail({ id }));
  }
}

const toPlacement = (p: PlacementEntity): PlacementResponse => ({
  id: p.id,
  facilityId: p.facilityId,
  caseId: p.caseId,
  referralId: p.referralId,
  admittedOn: p.admittedOn,
  dischargedOn: p.dischargedOn,
  dischargeDestination: p.dischargeDestination,
  dischargeReason: p.dischargeReason,
  destinationProvinceCode: p.destinationProvinceCode,
  escorted: p.escorted,
  version: p.version,
});
