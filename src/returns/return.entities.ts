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

  @Column({ type: 'timestamptz', nullable: true })
  arrivedAt!: Date | null;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;

  @Column({ type: 'int', default: 1 })
  version!: number;
}
