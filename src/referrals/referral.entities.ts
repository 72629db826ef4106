import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
  type Relation,
  UpdateDateColumn,
} from 'typeorm';
import { AgencyEntity } from '../agencies/agency.entity.js';
import { CaseEntity } from '../cases/case.entity.js';
import { FacilityEntity } from '../facilities/facility.entity.js';

/** A referral from the case's lead agency to another agency's inbox. */
@Entity('referral')
@Index('ix_referral_inbox', ['toAgencyId', 'status', 'dueBy'])
@Index('ix_referral_case', ['caseId'])
@Index('ix_referral_pending_due', ['dueBy'], { where: "status = 'pending'" })
export class ReferralEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_referral' })
  id!: string;

  @Column({ type: 'uuid' })
  caseId!: string;

  @ManyToOne(() => CaseEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'case_id', foreignKeyConstraintName: 'fk_referral_case' })
  case?: Relation<CaseEntity>;

  @Column({ type: 'uuid' })
  fromAgencyId!: string;

  @ManyToOne(() => AgencyEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'from_agency_id', foreignKeyConstraintName: 'fk_referral_from_agency' })
  fromAgency?: Relation<AgencyEntity>;

  @Column({ type: 'uuid' })
  toAgencyId!: string;

  @ManyToOne(() => AgencyEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'to_agency_id', foreignKeyConstraintName: 'fk_referral_to_agency' })
  toAgency?: Relation<AgencyEntity>;

  @Column({ type: 'uuid', nullable: true })
  toFacilityId!: string | null;

  @ManyToOne(() => FacilityEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'to_facility_id', foreignKeyConstraintName: 'fk_referral_to_facility' })
  toFacility?: Relation<FacilityEntity>;

  @Column({ type: 'varchar', length: 30 })
  purpose!: string;

  @Column({ type: 'varchar', length: 12 })
  urgency!: string;

  /** pending, accepted, declined, withdrawn, expired, completed, cancelled. */
  @Column({ type: 'varchar', length: 12 })
  status!: string;

  @Column({ type: 'bytea', nullable: true })
  noteEnc!: Buffer | null;

  /** When the receiver must answer by (SLA of the urgency). */
  @Column({ type: 'timestamptz' })
  dueBy!: Date;

  @Column({ type: 'varchar', length: 40, nullable: true })
  declineReason!: string | null;

  @Column({ type: 'varchar', length: 40, nullable: true })
  endReason!: string | null;

  /** Sent without the person's consent: the override reason (encrypted) and who gave it. */
  @Column({ type: 'bytea', nullable: true })
  consentOverrideEnc!: Buffer | null;

  @Column({ type: 'uuid', nullable: true })
  consentOverrideBy!: string | null;

  /** Coarse profile at referral time, for the unmet-needs report. */
  @Column({ type: 'varchar', length: 30 })
  profileGender!: string;

  @Column({ type: 'varchar', length: 8 })
  profileAgeGroup!: string;

  @Column({ type: 'uuid' })
  createdBy!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @Column({ type: 'uuid', nullable: true })
  respondedBy!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  respondedAt!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  endedAt!: Date | null;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;

  @Column({ type: 'int', default: 1 })
  version!: number;
}

/**
 * A person no eligible facility could take (or no service existed for): the evidence agencies
 * need to argue for services, especially for adult men. No personal data.
 */
@Entity('unmet_need')
@Index('ix_unmet_need_recorded', ['recordedAt'])
export class UnmetNeedEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_unmet_need' })
  id!: string;

  @Column({ type: 'uuid' })
  caseId!: string;

  @Column({ type: 'uuid' })
  agencyId!: string;

  @Column({ type: 'varchar', length: 6, nullable: true })
  provinceCode!: string | null;

  /** The referral purpose or service that could not be met. */
  @Column({ type: 'varchar', length: 30 })
  service!: string;

  @Column({ type: 'varchar', length: 30 })
  gender!: string;

  @Column({ type: 'varchar', length: 8 })
  ageGroup!: string;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  exploitationTypes!: string[];

  /** The eligibility rule that refused, e.g. gender, age, exploitation_type, capacity, no_facility. */
  @Column({ type: 'varchar', length: 30 })
  rule!: string;

  @Column({ type: 'uuid', nullable: true })
  facilityId!: string | null;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  recordedAt!: Date;
}

/** A family tracing and assessment result (home-province social welfare), for a referral. */
@Entity('family_assessment')
export class FamilyAssessmentEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_family_assessment' })
  id!: string;

  @Index('uq_family_assessment_referral', { unique: true })
  @Column({ type: 'uuid' })
  referralId!: string;

  @ManyToOne(() => ReferralEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'referral_id', foreignKeyConstraintName: 'fk_family_assessment_referral' })
  referral?: Relation<ReferralEntity>;

  @Index('ix_family_assessment_case')
  @Column({ type: 'uuid' })
  caseId!: string;

  @Column({ type: 'uuid' })
  agencyId!: string;

  @Column({ type: 'date' })
  assessedOn!: string;

  @Column({ type: 'boolean' })
  familyFound!: boolean;

  /** return_home, alternative_care or shelter. */
  @Column({ type: 'varchar', length: 20 })
  recommendation!: string;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  householdRisks!: string[];

  @Column({ type: 'bytea', nullable: true })
  findingsEnc!: Buffer | null;

  @Column({ type: 'uuid' })
  recordedBy!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}
