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

export type TracingStatus = 'open' | 'matched' | 'closed';

/**
 * A family's report of a missing migrant, held by the agency that took it. The inquirer and the
 * missing person's identity are encrypted; names are matched through blind indexes only.
 */
@Entity('tracing_request')
@Index('ix_tracing_request_agency', ['agencyId', 'status', 'receivedOn'])
export class TracingRequestEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_tracing_request' })
  id!: string;

  @Column({ type: 'uuid' })
  agencyId!: string;

  @ManyToOne(() => AgencyEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'agency_id', foreignKeyConstraintName: 'fk_tracing_request_agency' })
  agency?: Relation<AgencyEntity>;

  @Column({ type: 'date' })
  receivedOn!: string;

  /** Who asked: name, relationship, contacts. */
  @Column({ type: 'bytea' })
  inquirerEnc!: Buffer;

  /** The missing person's names (Lao, Latin, Thai script, aliases). */
  @Column({ type: 'bytea' })
  namesEnc!: Buffer;

  /** Birth, home address, documents, last known whereabouts and circumstances. */
  @Column({ type: 'bytea', nullable: true })
  detailsEnc!: Buffer | null;

  @Column({ type: 'varchar', length: 30, nullable: true })
  gender!: string | null;

  @Column({ type: 'varchar', length: 6, nullable: true })
  homeProvinceCode!: string | null;

  @Column({ type: 'bytea', nullable: true })
  birthYearBidx!: Buffer | null;

  @Column({ type: 'varchar', length: 12 })
  status!: TracingStatus;

  /** The confirmed match: person, expected_arrival or case. */
  @Column({ type: 'varchar', length: 20, nullable: true })
  matchedKind!: string | null;

  @Column({ type: 'uuid', nullable: true })
  matchedId!: string | null;

  @Column({ type: 'uuid', nullable: true })
  matchedBy!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  matchedAt!: Date | null;

  @Column({ type: 'varchar', length: 40, nullable: true })
  outcome!: string | null;

  @Column({ type: 'bytea', nullable: true })
  outcomeNoteEnc!: Buffer | null;

  @Column({ type: 'uuid', nullable: true })
  outcomeBy!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  outcomeAt!: Date | null;

  @Column({ type: 'uuid' })
  createdBy!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;

  @Column({ type: 'int', default: 1 })
  version!: number;
  /** When retention (or an erasure on request) erased its personal values, for a record without a case. */
  @Column({ type: 'timestamptz', nullable: true })
  retentionErasedAt!: Date | null;
}

/** Keyed HMACs of the missing person's name words, like person_name_index. */
@Entity('tracing_request_name_index')
@Index('ix_tracing_request_name_index_value', ['value'])
export class TracingRequestNameIndexEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_tracing_request_name_index' })
  tracingRequestId!: string;

  @ManyToOne(() => TracingRequestEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'tracing_request_id', foreignKeyConstraintName: 'fk_tracing_request_name_index_request' })
  tracingRequest?: Relation<TracingRequestEntity>;

  @PrimaryColumn({ type: 'varchar', length: 10, primaryKeyConstraintName: 'pk_tracing_request_name_index' })
  kind!: 'exact' | 'phonetic';

  @PrimaryColumn({ type: 'bytea', primaryKeyConstraintName: 'pk_tracing_request_name_index' })
  value!: Buffer;
}
