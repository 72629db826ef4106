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
import { UserEntity } from '../users/user.entity.js';

/** A published, immutable version of the indicator catalogue; each screening keeps the one it used. */
@Entity('screening_catalogue')
export class ScreeningCatalogueEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_screening_catalogue' })
  id!: string;

  @Index('uq_screening_catalogue_version', { unique: true })
  @Column({ type: 'int' })
  version!: number;

  @Column({ type: 'text' })
  title!: string;

  @Column({ type: 'text' })
  source!: string;

  @Column({ type: 'text' })
  notes!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  publishedAt!: Date;

  @Column({ type: 'uuid', nullable: true })
  publishedBy!: string | null;
}

@Entity('screening_indicator')
@Index('uq_screening_indicator_code', ['catalogueId', 'code'], { unique: true })
export class ScreeningIndicatorEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_screening_indicator' })
  id!: string;

  @Column({ type: 'uuid' })
  catalogueId!: string;

  @ManyToOne(() => ScreeningCatalogueEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'catalogue_id', foreignKeyConstraintName: 'fk_screening_indicator_catalogue' })
  catalogue?: Relation<ScreeningCatalogueEntity>;

  @Column({ type: 'varchar', length: 30 })
  code!: string;

  @Column({ type: 'varchar', length: 40 })
  profile!: string;

  @Column({ type: 'varchar', length: 2 })
  dimension!: string;

  @Column({ type: 'varchar', length: 6 })
  weight!: string;

  @Column({ type: 'text' })
  textEn!: string;

  @Column({ type: 'text', nullable: true })
  textLo!: string | null;

  @Column({ type: 'text' })
  source!: string;

  @Column({ type: 'varchar', length: 12 })
  verification!: string;

  @Column({ type: 'smallint' })
  sortOrder!: number;
}

/**
 * A screening interview. Indicator answers, per-dimension results, the narrative and place
 * details are encrypted; the coarse victim-context codes stay plain for lists and statistics.
 */
@Entity('screening')
export class ScreeningEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_screening' })
  id!: string;

  @Index('ix_screening_agency')
  @Column({ type: 'uuid' })
  agencyId!: string;

  @ManyToOne(() => AgencyEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'agency_id', foreignKeyConstraintName: 'fk_screening_agency' })
  agency?: Relation<AgencyEntity>;

  @Column({ type: 'uuid' })
  interviewerId!: string;

  @ManyToOne(() => UserEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'interviewer_id', foreignKeyConstraintName: 'fk_screening_interviewer' })
  interviewer?: Relation<UserEntity>;

  @Index('ix_screening_person')
  @Column({ type: 'uuid', nullable: true })
  personId!: string | null;

  @ManyToOne(() => PersonEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'person_id', foreignKeyConstraintName: 'fk_screening_person' })
  person?: Relation<PersonEntity>;

  @Index('ix_screening_case')
  @Column({ type: 'uuid', nullable: true })
  caseId!: string | null;

  @ManyToOne(() => CaseEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'case_id', foreignKeyConstraintName: 'fk_screening_case' })
  case?: Relation<CaseEntity>;

  @Column({ type: 'uuid' })
  catalogueId!: string;

  @ManyToOne(() => ScreeningCatalogueEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'catalogue_id', foreignKeyConstraintName: 'fk_screening_catalogue' })
  catalogue?: Relation<ScreeningCatalogueEntity>;

  @Column({ type: 'varchar', length: 40 })
  profile!: string;

  @Column({ type: 'timestamptz' })
  conductedAt!: Date;

  @Column({ type: 'varchar', length: 20 })
  placeType!: string;

  @Column({ type: 'varchar', length: 40, nullable: true })
  borderCrossingCode!: string | null;

  @Column({ type: 'varchar', length: 6, nullable: true })
  provinceCode!: string | null;

  @Column({ type: 'char', length: 3, nullable: true })
  interviewLanguage!: string | null;

  @Column({ type: 'boolean', default: false })
  interpreterUsed!: boolean;

  @Column({ type: 'char', length: 3, nullable: true })
  interpreterLanguage!: string | null;

  @Column({ type: 'varchar', length: 20, nullable: true })
  exitMode!: string | null;

  /** Consent items: [{ item, decision, givenBy }]; no personal data. */
  @Column({ type: 'jsonb' })
  consent!: { item: string; decision: string; givenBy: string | null }[];

  @Column({ type: 'boolean' })
  interviewConsent!: boolean;

  @Column({ type: 'text', array: true, default: () => "'{}'" }) exploitationTypes!: string[];
  @Column({ type: 'text', array: true, default: () => "'{}'" }) isicSections!: string[];
  @Column({ type: 'text', array: true, default: () => "'{}'" }) meansOfControl!: string[];
  @Column({ type: 'text', array: true, default: () => "'{}'" }) recruitmentMethods!: string[];
  @Column({ type: 'text', array: true, default: () => "'{}'" }) recruitmentApps!: string[];
  @Column({ type: 'varchar', length: 30, nullable: true }) recruiterRelationship!: string | null;
  @Column({ type: 'text', array: true, default: () => "'{}'" }) recruitmentCountries!: string[];
  @Column({ type: 'text', array: true, default: () => "'{}'" }) transitCountries!: string[];
  @Column({ type: 'text', array: true, default: () => "'{}'" }) exploitationCountries!: string[];
  @Column({ type: 'date', nullable: true }) recruitmentDate!: string | null;
  @Column({ type: 'date', nullable: true }) exploitationStart!: string | null;
  @Column({ type: 'date', nullable: true }) exploitationEnd!: string | null;
  @Column({ type: 'text', array: true, default: () => "'{}'" }) immediateNeeds!: string[];
  @Column({ type: 'text', array: true, default: () => "'{}'" }) risks!: string[];

  /** { answers: { [code]: answer }, notes: { [code]: text } } */
  @Column({ type: 'bytea', nullable: true })
  answersEnc!: Buffer | null;

  /** Per-dimension results and the explanation of the suggestion. */
  @Column({ type: 'bytea', nullable: true })
  resultsEnc!: Buffer | null;

  @Column({ type: 'bytea', nullable: true })
  narrativeEnc!: Buffer | null;

  /** Place details beyond the codes (e.g. a village), encrypted. */
  @Column({ type: 'bytea', nullable: true })
  placeDetailEnc!: Buffer | null;

  @Index('ix_screening_suggested_outcome')
  @Column({ type: 'varchar', length: 30 })
  suggestedOutcome!: string;

  /** The agency asked to make the formal identification decision. */
  @Index('ix_screening_submitted_to')
  @Column({ type: 'uuid', nullable: true })
  submittedToAgencyId!: string | null;

  @ManyToOne(() => AgencyEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'submitted_to_agency_id', foreignKeyConstraintName: 'fk_screening_submitted_to' })
  submittedToAgency?: Relation<AgencyEntity>;

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

/** The formal identification decision: human, revisable, every revision kept. */
@Entity('identification_decision')
@Index('uq_identification_decision_revision', ['screeningId', 'revision'], { unique: true })
export class IdentificationDecisionEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_identification_decision' })
  id!: string;

  @Column({ type: 'uuid' })
  screeningId!: string;

  @ManyToOne(() => ScreeningEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'screening_id', foreignKeyConstraintName: 'fk_identification_decision_screening' })
  screening?: Relation<ScreeningEntity>;

  @Column({ type: 'int' })
  revision!: number;

  /** HTCDS trafficking status. */
  @Column({ type: 'varchar', length: 40 })
  status!: string;

  /** HTCDS decision-making organisation type. */
  @Column({ type: 'varchar', length: 40 })
  decisionOrgType!: string;

  @Column({ type: 'uuid' })
  decidingAgencyId!: string;

  @ManyToOne(() => AgencyEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'deciding_agency_id', foreignKeyConstraintName: 'fk_identification_decision_agency' })
  decidingAgency?: Relation<AgencyEntity>;

  @Column({ type: 'uuid' })
  decidedBy!: string;

  @ManyToOne(() => UserEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'decided_by', foreignKeyConstraintName: 'fk_identification_decision_user' })
  decider?: Relation<UserEntity>;

  @Column({ type: 'date' })
  decidedOn!: string;

  /** The basis of the decision (free text), encrypted. */
  @Column({ type: 'bytea' })
  basisEnc!: Buffer;

  @CreateDateColumn({ type: 'timestamptz' })
  recordedAt!: Date;

  /** When retention (or an erasure on request) erased its personal values, for a record without a case. */
  @Column({ type: 'timestamptz', nullable: true })
  retentionErasedAt!: Date | null;
}
