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
import { ProvinceEntity } from '../reference-data/reference-data.entities.js';

@Entity('agency')
export class AgencyEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_agency' })
  id!: string;

  /** Short stable code people use, e.g. 'MLSW-VTC'. */
  @Index('uq_agency_code', { unique: true })
  @Column({ type: 'varchar', length: 40 })
  code!: string;

  @Column({ type: 'text' })
  nameEn!: string;

  @Column({ type: 'text', nullable: true })
  nameLo!: string | null;

  /** HTCDS org_Type. */
  @Column({ type: 'varchar', length: 60 })
  htcdsOrgType!: string;

  /** ctcm local type: government_department, police_anti_trafficking_unit, … */
  @Column({ type: 'varchar', length: 60 })
  localType!: string;

  @Column({ type: 'varchar', length: 6, nullable: true })
  provinceCode!: string | null;

  @ManyToOne(() => ProvinceEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'province_code', foreignKeyConstraintName: 'fk_agency_province' })
  province?: Relation<ProvinceEntity>;

  @Column({ type: 'uuid', nullable: true })
  parentAgencyId!: string | null;

  @ManyToOne(() => AgencyEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'parent_agency_id', foreignKeyConstraintName: 'fk_agency_parent' })
  parentAgency?: Relation<AgencyEntity>;

  @Column({ type: 'boolean', default: true })
  active!: boolean;

  /** May record "actual victim" decisions (in Lao PDR, the central MOPS anti-trafficking department). */
  @Column({ type: 'boolean', default: false })
  formalIdentificationAuthority!: boolean;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;

  @Column({ type: 'int', default: 1 })
  version!: number;
}
