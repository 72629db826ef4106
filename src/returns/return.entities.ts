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
import { PersonEntity } from '../persons/person.entity.js';

/** Notice from a host country that people will be returned through a crossing (MLSW steps 1–8). */
@Entity('return_notice')
@Index('ix_return_notice_agency', ['receivingAgencyId', 'expectedOn'])
export class ReturnNoticeEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_return_notice' })
  id!: string;

  /** The VTC (or another receiving agency). */
  @Column({ type: 'uuid' })
  receivingAgencyId!: string;

  @ManyToOne(() => AgencyEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'receiving_agency_id', foreignKeyConstraintName: 'fk_return_notice_agency' })
  receivingAgency?: Relation<AgencyEntity>;

  @Column({ type: 'char', length: 2 })
  hostCountry!: string;

  @Column({ type: 'text' })
  hostAgency!: string;

  /** The host agency's reference (may identify people): encrypted. */
  @Column({ type: 'bytea', nullable: true })
  hostReferenceEnc!: Buffer | null;

  @Column({ type: 'varchar', length: 40 })
  borderCrossingCode!: string;

  @Column({ type: 'date' })
  expectedOn!: string;

  @Column({ type: 'int' })
  peopleCount!: number;

  @Column({ type: 'int' })
  childrenCount!: number;

  /** expected, received, cancelled. */
  @Column({ type: 'varchar', length: 10 })
  status!: string;

  @Column({ type: 'uuid' })
  createdBy!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;

  @Column({ type: 'int', default: 1 })
  version!: number;
}

/** One person expected by a notice; becomes a case at the receiving agency on arrival. */
@Entity('expected_arrival')
@Index('ix_expected_arrival_notice', ['noticeId'])
export class ExpectedArrivalEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_expected_arrival' })
  id!: string;

  @Column({ type: 'uuid' })
  noticeId!: string;

  @ManyToOne(() => ReturnNoticeEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'notice_id', foreignKeyConstraintName: 'fk_expected_arrival_notice' })
  notice?: Relation<ReturnNoticeEntity>;

  @Column({ type: 'uuid' })
  receivingAgencyId!: string;

  @Column({ type: 'boolean' })
  expectedChild!: boolean;

  /** expected, arrived, no_show. */
  @Column({ type: 'varchar', length: 10 })
  status!: string;

  @Column({ type: 'uuid', nullable: true })
  caseId!: string | null;

  @ManyToOne(() => CaseEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'case_id', foreignKeyConstraintName: 'fk_expected_arrival_case' })
  case?: Relation<CaseEntity>;

  /** The real date and time of the arrival, as the receiving staff state it. */
  @Column({ type: 'timestamptz', nullable: true })
  arrivedAt!: Date | null;

  /** When the arrival was typed in (may be later than arrivedAt). */
  @Column({ type: 'timestamptz', nullable: true })
  arrivalRecordedAt!: Date | null;

  // --- The expected returnee, when the notice names them. Identity encrypted like a person's.

  @Column({ type: 'bytea', nullable: true })
  namesEnc!: Buffer | null;

  @Column({ type: 'bytea', nullable: true })
  birthEnc!: Buffer | null;

  @Column({ type: 'bytea', nullable: true })
  addressEnc!: Buffer | null;

  @Column({ type: 'bytea', nullable: true })
  documentsEnc!: Buffer | null;

  @Column({ type: 'bytea', nullable: true })
  vulnerabilitiesEnc!: Buffer | null;

  @Column({ type: 'varchar', length: 30, nullable: true })
  gender!: string | null;

  @Column({ type: 'varchar', length: 6, nullable: true })
  homeProvinceCode!: string | null;

  @Column({ type: 'bytea', nullable: true })
  birthYearBidx!: Buffer | null;

  /** The person registered or recognised at arrival. */
  @Column({ type: 'uuid', nullable: true })
  personId!: string | null;

  @ManyToOne(() => PersonEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'person_id', foreignKeyConstraintName: 'fk_expected_arrival_person' })
  person?: Relation<PersonEntity>;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;

  @Column({ type: 'int', default: 1 })
  version!: number;
}

/** Keyed HMACs of an expected returnee's name words (exact and phonetic), like person_name_index. */
@Entity('expected_arrival_name_index')
@Index('ix_expected_arrival_name_index_value', ['value'])
export class ExpectedArrivalNameIndexEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_expected_arrival_name_index' })
  arrivalId!: string;

  @ManyToOne(() => ExpectedArrivalEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'arrival_id', foreignKeyConstraintName: 'fk_expected_arrival_name_index_arrival' })
  arrival?: Relation<ExpectedArrivalEntity>;

  @PrimaryColumn({ type: 'varchar', length: 10, primaryKeyConstraintName: 'pk_expected_arrival_name_index' })
  kind!: 'exact' | 'phonetic';

  @PrimaryColumn({ type: 'bytea', primaryKeyConstraintName: 'pk_expected_arrival_name_index' })
  value!: Buffer;
}
