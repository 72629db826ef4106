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
import { ProvinceEntity } from '../reference-data/reference-data.entities.js';

/** A place that takes people in (the VTC, a shelter, a drop-in centre) and whom it accepts. */
@Entity('facility')
export class FacilityEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_facility' })
  id!: string;

  @Index('ix_facility_agency')
  @Column({ type: 'uuid' })
  agencyId!: string;

  @ManyToOne(() => AgencyEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'agency_id', foreignKeyConstraintName: 'fk_facility_agency' })
  agency?: Relation<AgencyEntity>;

  @Index('uq_facility_code', { unique: true })
  @Column({ type: 'varchar', length: 40 })
  code!: string;

  @Column({ type: 'text' })
  nameEn!: string;

  @Column({ type: 'text', nullable: true })
  nameLo!: string | null;

  /** transit_centre, shelter, drop_in_centre or service_point. */
  @Column({ type: 'varchar', length: 20 })
  kind!: string;

  @Column({ type: 'varchar', length: 6 })
  provinceCode!: string;

  @ManyToOne(() => ProvinceEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'province_code', foreignKeyConstraintName: 'fk_facility_province' })
  province?: Relation<ProvinceEntity>;

  /** HTCDS genders accepted. */
  @Column({ type: 'text', array: true })
  acceptsGenders!: string[];

  @Column({ type: 'smallint', default: 0 })
  acceptsMinAge!: number;

  @Column({ type: 'smallint', default: 120 })
  acceptsMaxAge!: number;

  /** Exploitation types accepted; empty means any. */
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  acceptsExploitationTypes!: string[];

  /** Service types offered. */
  @Column({ type: 'text', array: true, default: () => "'{}'" })
  services!: string[];

  @Column({ type: 'int' })
  bedCapacity!: number;

  @Column({ type: 'boolean', default: true })
  active!: boolean;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;

  @Column({ type: 'int', default: 1 })
  version!: number;
}

/** A stay in a facility: admission to a bed, then discharge. Occupancy is derived from these. */
@Entity('placement')
@Index('ix_placement_facility_open', ['facilityId'], { where: 'discharged_on IS NULL' })
@Index('uq_placement_case_open', ['caseId'], { unique: true, where: 'discharged_on IS NULL' })
export class PlacementEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_placement' })
  id!: string;

  @Column({ type: 'uuid' })
  facilityId!: string;

  @ManyToOne(() => FacilityEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'facility_id', foreignKeyConstraintName: 'fk_placement_facility' })
  facility?: Relation<FacilityEntity>;

  @Column({ type: 'uuid' })
  caseId!: string;

  @ManyToOne(() => CaseEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'case_id', foreignKeyConstraintName: 'fk_placement_case' })
  case?: Relation<CaseEntity>;

  /** The accepted referral behind the stay; null when the lead agency admits to its own facility. */
  @Column({ type: 'uuid', nullable: true })
  referralId!: string | null;

  /** The facility's agency (for row-level security without a join). */
  @Column({ type: 'uuid' })
  agencyId!: string;

  @Column({ type: 'date' })
  admittedOn!: string;

  @Column({ type: 'date', nullable: true })
  dischargedOn!: string | null;

  /** home, family, other_facility, independent_living, absconded, other. */
  @Column({ type: 'varchar', length: 20, nullable: true })
  dischargeDestination!: string | null;

  @Column({ type: 'varchar', length: 30, nullable: true })
  dischargeReason!: string | null;

  /** Province the person goes to, for the escort home. */
  @Column({ type: 'varchar', length: 6, nullable: true })
  destinationProvinceCode!: string | null;

  @Column({ type: 'boolean', default: false })
  escorted!: boolean;

  @Column({ type: 'uuid' })
  recordedBy!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;

  @Column({ type: 'int', default: 1 })
  version!: number;
}
