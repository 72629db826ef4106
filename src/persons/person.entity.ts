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
import { ProvinceEntity } from '../reference-data/reference-data.entities.js';
import { UserEntity } from '../users/user.entity.js';

/**
 * The identity of a (presumed) victim. Every identifying field is encrypted in the
 * application (the *_enc columns, AES-256-GCM bound to this row); what stays plain is coarse
 * and needed by the server itself: gender, citizenship, languages, home province.
 */
@Entity('person')
export class PersonEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_person' })
  id!: string;

  @Index('ix_person_owner_agency')
  @Column({ type: 'uuid' })
  ownerAgencyId!: string;

  @ManyToOne(() => AgencyEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'owner_agency_id', foreignKeyConstraintName: 'fk_person_owner_agency' })
  ownerAgency?: Relation<AgencyEntity>;

  @Column({ type: 'uuid' })
  createdBy!: string;

  @ManyToOne(() => UserEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'created_by', foreignKeyConstraintName: 'fk_person_created_by' })
  creator?: Relation<UserEntity>;

  @Column({ type: 'varchar', length: 30 })
  gender!: string;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  citizenships!: string[];

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  languages!: string[];

  @Column({ type: 'varchar', length: 6, nullable: true })
  homeProvinceCode!: string | null;

  @ManyToOne(() => ProvinceEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'home_province_code', foreignKeyConstraintName: 'fk_person_home_province' })
  homeProvince?: Relation<ProvinceEntity>;

  @Column({ type: 'bytea' })
  namesEnc!: Buffer;

  @Column({ type: 'bytea', nullable: true })
  birthEnc!: Buffer | null;

  @Column({ type: 'bytea', nullable: true })
  addressEnc!: Buffer | null;

  @Column({ type: 'bytea', nullable: true })
  contactsEnc!: Buffer | null;

  @Column({ type: 'bytea', nullable: true })
  documentsEnc!: Buffer | null;

  @Column({ type: 'bytea', nullable: true })
  guardianEnc!: Buffer | null;

  /**
   * Coarse age band (CTDC's ageBroad bands), in clear for statistics since the birth data is
   * encrypted: set at registration and on update, kept current by the daily statistics.age-bands job.
   */
  @Column({ type: 'varchar', length: 8, nullable: true })
  ageBand!: string | null;

  /** Blind index of the birth year, for matching without decrypting. */
  @Column({ type: 'bytea', nullable: true })
  birthYearBidx!: Buffer | null;

  /** Set when this record was merged into another (reversible). */
  @Column({ type: 'uuid', nullable: true })
  mergedIntoId!: string | null;

  @ManyToOne(() => PersonEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'merged_into_id', foreignKeyConstraintName: 'fk_person_merged_into' })
  mergedInto?: Relation<PersonEntity>;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;

  @Column({ type: 'int', default: 1 })
  version!: number;

  /** When retention (or an erasure on request) erased the identity; sex, citizenships and home province stay. */
  @Column({ type: 'timestamptz', nullable: true })
  retentionErasedAt!: Date | null;
}

/**
 * Keyed HMACs of each normalised name word (exact) and its cross-script phonetic key. The
 * duplicate check reads it by value alone: (value, kind, person_id) answers that from the index
 * (an index-only scan), without visiting rows scattered over the table.
 */
@Entity('person_name_index')
@Index('ix_person_name_index_lookup', ['value', 'kind', 'personId'])
export class PersonNameIndexEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_person_name_index' })
  personId!: string;

  @ManyToOne(() => PersonEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'person_id', foreignKeyConstraintName: 'fk_person_name_index_person' })
  person?: Relation<PersonEntity>;

  @PrimaryColumn({ type: 'varchar', length: 10, primaryKeyConstraintName: 'pk_person_name_index' })
  kind!: 'exact' | 'phonetic';

  @PrimaryColumn({ type: 'bytea', primaryKeyConstraintName: 'pk_person_name_index' })
  value!: Buffer;
}
