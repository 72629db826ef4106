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
import { UserEntity } from '../users/user.entity.js';
import { CaseEntity } from './case.entity.js';

/** Per (prefix, year) counter behind case numbers: one atomic upsert per new case. */
@Entity('case_number_sequence')
export class CaseNumberSequenceEntity {
  @PrimaryColumn({ type: 'varchar', length: 3, primaryKeyConstraintName: 'pk_case_number_sequence' })
  prefix!: string;

  @PrimaryColumn({ type: 'int', primaryKeyConstraintName: 'pk_case_number_sequence' })
  year!: number;

  @Column({ type: 'int' })
  last!: number;
}

/** Append-only timeline of a case: stage changes, consent, records, referrals, in order. */
@Entity('case_timeline_event')
@Index('ix_case_timeline_event_case', ['caseId', 'occurredAt'])
export class CaseTimelineEventEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_case_timeline_event' })
  id!: string;

  @Column({ type: 'uuid' })
  caseId!: string;

  @ManyToOne(() => CaseEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'case_id', foreignKeyConstraintName: 'fk_case_timeline_event_case' })
  case?: Relation<CaseEntity>;

  @Column({ type: 'timestamptz', default: () => 'clock_timestamp()' })
  occurredAt!: Date;

  /** e.g. stage_changed, consent_recorded, service_recorded, note_added, referral_created. */
  @Column({ type: 'varchar', length: 40 })
  kind!: string;

  @Column({ type: 'uuid', nullable: true })
  actorId!: string | null;

  @Column({ type: 'uuid', nullable: true })
  agencyId!: string | null;

  @Column({ type: 'varchar', length: 40, nullable: true })
  refType!: string | null;

  @Column({ type: 'uuid', nullable: true })
  refId!: string | null;

  /** Non-personal facts only (codes, stages, dates). */
  @Column({ type: 'jsonb', default: () => "'{}'" })
  summary!: Record<string, unknown>;
}

/** Versioned consent of the person for a case: purposes and the agencies it covers. */
@Entity('case_consent')
@Index('uq_case_consent_version', ['caseId', 'version'], { unique: true })
export class CaseConsentEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_case_consent' })
  id!: string;

  @Column({ type: 'uuid' })
  caseId!: string;

  @ManyToOne(() => CaseEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'case_id', foreignKeyConstraintName: 'fk_case_consent_case' })
  case?: Relation<CaseEntity>;

  @Column({ type: 'int' })
  version!: number;

  @Column({ type: 'text', array: true })
  purposes!: string[];

  @Column({ type: 'uuid', array: true, default: () => "'{}'" })
  coveredAgencyIds!: string[];

  /** person, guardian or proxy. */
  @Column({ type: 'varchar', length: 20 })
  givenBy!: string;

  /** written, oral_certified or recorded. */
  @Column({ type: 'varchar', length: 20 })
  method!: string;

  @Column({ type: 'date' })
  givenOn!: string;

  @Column({ type: 'char', length: 3, nullable: true })
  language!: string | null;

  @Column({ type: 'uuid' })
  recordedBy!: string;

  /** active, superseded or withdrawn. */
  @Index('ix_case_consent_status')
  @Column({ type: 'varchar', length: 12 })
  status!: string;

  @Column({ type: 'timestamptz', nullable: true })
  withdrawnAt!: Date | null;

  @Column({ type: 'uuid', nullable: true })
  withdrawnBy!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}

abstract class CaseRecord {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'uuid' })
  caseId!: string;

  @Column({ type: 'uuid' })
  agencyId!: string;

  @Column({ type: 'uuid' })
  recordedBy!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;

  @Column({ type: 'int', default: 1 })
  version!: number;
}

/** Individual, household/family or community risks and needs; repeated over time. */
@Entity('case_assessment')
@Index('ix_case_assessment_case', ['caseId'])
export class AssessmentEntity extends CaseRecord {
  @ManyToOne(() => CaseEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'case_id', foreignKeyConstraintName: 'fk_case_assessment_case' })
  case?: Relation<CaseEntity>;

  @Column({ type: 'varchar', length: 12 })
  kind!: string;

  @Column({ type: 'date' })
  assessedOn!: string;

  @Column({ type: 'varchar', length: 8 })
  riskLevel!: string;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  risks!: string[];

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  needs!: string[];

  @Column({ type: 'bytea', nullable: true })
  findingsEnc!: Buffer | null;
}

/** A support plan (HTCDS spl_*): objectives and actions encrypted, dates plain. */
@Entity('case_support_plan')
@Index('ix_case_support_plan_case', ['caseId'])
export class SupportPlanEntity extends CaseRecord {
  @ManyToOne(() => CaseEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'case_id', foreignKeyConstraintName: 'fk_case_support_plan_case' })
  case?: Relation<CaseEntity>;

  @Column({ type: 'varchar', length: 40 })
  type!: string;

  @Column({ type: 'varchar', length: 12 })
  status!: string;

  @Column({ type: 'bytea' })
  objectivesEnc!: Buffer;

  /** [{ description, responsibleAgencyId, plannedDate, actualDate, status }] */
  @Column({ type: 'bytea', nullable: true })
  actionsEnc!: Buffer | null;

  @Column({ type: 'date', nullable: true })
  plannedEndDate!: string | null;

  @Column({ type: 'date', nullable: true })
  actualEndDate!: string | null;
}

/** One service delivered: type, provider, date, quantity, cost in LAK, outcome. */
@Entity('case_service_record')
@Index('ix_case_service_record_case', ['caseId'])
export class ServiceRecordEntity extends CaseRecord {
  @ManyToOne(() => CaseEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'case_id', foreignKeyConstraintName: 'fk_case_service_record_case' })
  case?: Relation<CaseEntity>;

  @Column({ type: 'varchar', length: 40 })
  serviceType!: string;

  @Column({ type: 'uuid' })
  providerAgencyId!: string;

  @ManyToOne(() => AgencyEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'provider_agency_id', foreignKeyConstraintName: 'fk_case_service_record_provider' })
  providerAgency?: Relation<AgencyEntity>;

  @Column({ type: 'date' })
  deliveredOn!: string;

  @Column({ type: 'numeric', precision: 12, scale: 2, nullable: true })
  quantity!: string | null;

  @Column({ type: 'varchar', length: 20, nullable: true })
  unit!: string | null;

  /** Whole kip. */
  @Column({ type: 'bigint', nullable: true })
  costLak!: string | null;

  @Column({ type: 'varchar', length: 16 })
  outcome!: string;

  @Column({ type: 'bytea', nullable: true })
  notesEnc!: Buffer | null;
}

/** A scheduled follow-up visit, due on a date, recorded when done. */
@Entity('case_follow_up')
@Index('ix_case_follow_up_due', ['agencyId', 'dueOn'])
@Index('ix_case_follow_up_case', ['caseId'])
export class FollowUpEntity extends CaseRecord {
  @ManyToOne(() => CaseEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'case_id', foreignKeyConstraintName: 'fk_case_follow_up_case' })
  case?: Relation<CaseEntity>;

  @Column({ type: 'date' })
  dueOn!: string;

  /** Months after the reference date (1, 3, 6, 12 by default). */
  @Column({ type: 'smallint', nullable: true })
  planMonth!: number | null;

  @Column({ type: 'varchar', length: 12 })
  status!: string;

  @Column({ type: 'date', nullable: true })
  completedOn!: string | null;

  @Column({ type: 'varchar', length: 30, nullable: true })
  outcome!: string | null;

  @Column({ type: 'bytea', nullable: true })
  notesEnc!: Buffer | null;

  /** Why the visit was last cancelled or rescheduled (a code; 'case_closed' when the case closed). */
  @Column({ type: 'varchar', length: 30, nullable: true })
  changeReason!: string | null;
}

/** Case notes are never edited: a correction adds a version that supersedes the previous one. */
@Entity('case_note')
@Index('ix_case_note_case', ['caseId'])
export class CaseNoteEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_case_note' })
  id!: string;

  @Column({ type: 'uuid' })
  caseId!: string;

  @ManyToOne(() => CaseEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'case_id', foreignKeyConstraintName: 'fk_case_note_case' })
  case?: Relation<CaseEntity>;

  /** The first version's id: all versions of one note share it. */
  @Column({ type: 'uuid' })
  threadId!: string;

  @Column({ type: 'int' })
  revision!: number;

  @Column({ type: 'uuid' })
  authorId!: string;

  @ManyToOne(() => UserEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'author_id', foreignKeyConstraintName: 'fk_case_note_author' })
  author?: Relation<UserEntity>;

  @Column({ type: 'uuid' })
  authorAgencyId!: string;

  @Column({ type: 'bytea' })
  bodyEnc!: Buffer;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;
}

/** Stored results of requests sent with an Idempotency-Key (response encrypted). */
@Entity('idempotency_key')
export class IdempotencyKeyEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_idempotency_key' })
  actorUserId!: string;

  @PrimaryColumn({ type: 'varchar', length: 200, primaryKeyConstraintName: 'pk_idempotency_key' })
  key!: string;

  @Column({ type: 'varchar', length: 200 })
  route!: string;

  @Column({ type: 'bytea' })
  requestHash!: Buffer;

  @Column({ type: 'smallint', nullable: true })
  status!: number | null;

  @Column({ type: 'bytea', nullable: true })
  responseEnc!: Buffer | null;

  /** What the original answer's access entry named (type, ids, case ids: no personal data), for its replays. */
  @Column({ type: 'jsonb', nullable: true })
  accessNotes!: { resourceType: string | null; resourceIds: string[]; caseIds: string[] } | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @Index('ix_idempotency_key_expires')
  @Column({ type: 'timestamptz' })
  expiresAt!: Date;
}
