import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation, UpdateDateColumn } from 'typeorm';
import { AgencyEntity } from '../agencies/agency.entity.js';
import { PersonEntity } from '../persons/person.entity.js';
import { UserEntity } from '../users/user.entity.js';

/** A case follows one person; its lead agency owns it. Access rules key on these columns. */
@Entity('case_file')
export class CaseEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_case_file' })
  id!: string;

  @Index('ix_case_file_person')
  @Column({ type: 'uuid', nullable: true })
  personId!: string | null;

  @ManyToOne(() => PersonEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'person_id', foreignKeyConstraintName: 'fk_case_file_person' })
  person?: Relation<PersonEntity>;

  @Index('ix_case_file_lead_agency')
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

  @Column({ type: 'uuid' })
  createdBy!: string;

  @ManyToOne(() => UserEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'created_by', foreignKeyConstraintName: 'fk_case_file_created_by' })
  creator?: Relation<UserEntity>;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;

  @Column({ type: 'int', default: 1 })
  version!: number;
}
