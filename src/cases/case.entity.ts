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
import { PersonEntity } from '../persons/person.entity.js';
import { ProvinceEntity } from '../reference-data/reference-data.entities.js';
import { UserEntity } from '../users/user.entity.js';

/** A case follows one person; its lead agency owns it. Access rules key on these columns. */
@Entity('case_file')
// Case lists read an agency's cases newest first: one index range per agency, whatever the total.
@Index('ix_case_file_lead_agency_created', ['leadAgencyId', 'createdAt', 'id'])
// The list filtered by stage (the work list's "active cases"): one index range per agency and stage.
@Index('ix_case_file_lead_agency_stage_created', ['leadAgencyId', 'stage', 'createdAt', 'id'])
export class CaseEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_case_file' })
  id!: string;

  /** Readable case number people can say on the phone, e.g. VT-2026-000123. */
  @Index('uq_case_file_case_number', { unique: true })
  @Column({ type: 'varchar', length: 20 })
  caseNumber!: string;

  @Index('ix_case_file_person')
  @Column({ type: 'uuid' })
  personId!: string;

  @ManyToOne(() => PersonEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'person_id', foreignKeyConstraintName: 'fk_case_file_person' })
  person?: Relation<PersonEntity>;

  @Column({ type: 'uuid' })
  leadAgencyId!: string;

  @ManyToOne(() => AgencyEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'lead_agency_id', foreignKeyConstraintName: 'fk_case_file_lead_agency' })
  leadAgency?: Relation<AgencyEntity>;

  @Index('ix_case_file_caseworker')
  @Column({ type: 'uuid', nullable: true })
  assignedCaseworkerId!: string | null;

  @ManyToOne(() => UserEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'assigned_caseworker_id', foreignKeyConstraintName: 'fk_case_file_caseworker' })
  assignedCaseworker?: Relation<UserEntity>;

  @Column({ type: 'uuid', nullable: true })
  supervisorId!: string | null;

  @ManyToOne(() => UserEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'supervisor_id', foreignKeyConstraintName: 'fk_case_file_supervisor' })
  supervisor?: Relation<UserEntity>;

  @Index('ix_case_file_stage')
  @Column({ type: 'varchar', length: 20, default: 'intake' })
  stage!: string;

  /** Province the case is followed in (the person's home province by default). */
  @Index('ix_case_file_province')
  @Column({ type: 'varchar', length: 6, nullable: true })
  provinceCode!: string | null;

  @ManyToOne(() => ProvinceEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'province_code', foreignKeyConstraintName: 'fk_case_file_province' })
  province?: Relation<ProvinceEntity>;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  exploitationTypes!: string[];

  @Index('ix_case_file_opened_on')
  @Column({ type: 'date' })
  openedOn!: string;

  /** A caseworker's pending request to close: { reason, requestedBy, requestedAt }. */
  @Column({ type: 'jsonb', nullable: true })
  closureRequest!: { reason: string; requestedBy: string; requestedAt: string } | null;

  @Column({ type: 'varchar', length: 40, nullable: true })
  closureReason!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  closedAt!: Date | null;

  @Column({ type: 'uuid', nullable: true })
  closedBy!: string | null;

  /** The agency a closed-referred case was transferred to. */
  @Column({ type: 'uuid', nullable: true })
  transferredToAgencyId!: string | null;

  @Column({ type: 'uuid' })
  createdBy!: string;

  @ManyToOne(() => UserEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'created_by', foreignKeyConstraintName: 'fk_case_file_created_by' })
  creator?: Relation<UserEntity>;

  @Index('ix_case_file_created_at')
  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;

  @Column({ type: 'int', default: 1 })
  version!: number;
}
