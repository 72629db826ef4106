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

export type CaseTransferStatus = 'pending' | 'accepted' | 'declined' | 'cancelled';

/**
 * A request that another agency take over the lead of a case. Seen by its two agencies only;
 * the receiving agency decides on the profile copied here, without a view of the case.
 */
@Entity('case_transfer')
@Index('ix_case_transfer_case', ['caseId'])
@Index('ix_case_transfer_to', ['toAgencyId', 'status'])
@Index('ix_case_transfer_from', ['fromAgencyId', 'status'])
@Index('uq_case_transfer_pending', ['caseId'], { unique: true, where: "status = 'pending'" })
export class CaseTransferEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_case_transfer' })
  id!: string;

  @Column({ type: 'uuid' })
  caseId!: string;

  @ManyToOne(() => CaseEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'case_id', foreignKeyConstraintName: 'fk_case_transfer_case' })
  case?: Relation<CaseEntity>;

  /** The case number does not change with the lead; copied so both parties can name the case. */
  @Column({ type: 'varchar', length: 20 })
  caseNumber!: string;

  @Column({ type: 'uuid' })
  fromAgencyId!: string;

  @ManyToOne(() => AgencyEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'from_agency_id', foreignKeyConstraintName: 'fk_case_transfer_from_agency' })
  fromAgency?: Relation<AgencyEntity>;

  @Column({ type: 'uuid' })
  toAgencyId!: string;

  @ManyToOne(() => AgencyEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'to_agency_id', foreignKeyConstraintName: 'fk_case_transfer_to_agency' })
  toAgency?: Relation<AgencyEntity>;

  @Column({ type: 'varchar', length: 12 })
  status!: CaseTransferStatus;

  /** Why the lead should move (free text for the receiving agency): encrypted. */
  @Column({ type: 'bytea', nullable: true })
  noteEnc!: Buffer | null;

  @Column({ type: 'varchar', length: 40, nullable: true })
  declineReason!: string | null;

  @Column({ type: 'varchar', length: 30 })
  profileGender!: string;

  @Column({ type: 'varchar', length: 8 })
  profileAgeGroup!: string;

  @Column({ type: 'varchar', length: 6, nullable: true })
  profileProvinceCode!: string | null;

  @Column({ type: 'varchar', length: 20 })
  caseStage!: string;

  @Column({ type: 'uuid' })
  requestedBy!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @Column({ type: 'uuid', nullable: true })
  respondedBy!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  respondedAt!: Date | null;

  /** The receiving agency's caseworker who takes the case on. */
  @Column({ type: 'uuid', nullable: true })
  assignedCaseworkerId!: string | null;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;

  @Column({ type: 'int', default: 1 })
  version!: number;
}
