import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { AgencyEntity } from '../agencies/agency.entity.js';
import { CaseEntity } from '../cases/case.entity.js';
import { UserEntity } from '../users/user.entity.js';

export type CaseGrantKind = 'referral' | 'break_glass';
export type CaseView = 'full' | 'limited';

/**
 * Access to a case from outside its lead agency: an open referral gives the receiving
 * agency a limited view; break-the-glass gives one user a full view for a few hours.
 */
@Entity('case_access_grant')
@Index('ix_case_access_grant_case', ['caseId'])
@Index('ix_case_access_grant_agency', ['granteeAgencyId'])
// Break-the-glass grants are looked up by user in every case visibility check.
@Index('ix_case_access_grant_break_glass_user', ['granteeUserId'], { where: "kind = 'break_glass'" })
// An agency's open referral grants, newest case first: the granted half of a case list page.
@Index('ix_case_access_grant_referral_recent', ['granteeAgencyId', 'caseCreatedAt', 'caseId'], {
  where: "kind = 'referral' AND grantee_user_id IS NULL AND revoked_at IS NULL",
})
export class CaseAccessGrantEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_case_access_grant' })
  id!: string;

  @Column({ type: 'uuid' })
  caseId!: string;

  @ManyToOne(() => CaseEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'case_id', foreignKeyConstraintName: 'fk_case_access_grant_case' })
  case?: Relation<CaseEntity>;

  @Column({ type: 'uuid' })
  granteeAgencyId!: string;

  @ManyToOne(() => AgencyEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'grantee_agency_id', foreignKeyConstraintName: 'fk_case_access_grant_agency' })
  granteeAgency?: Relation<AgencyEntity>;

  /** Set for a personal grant (break-the-glass); null for an agency-wide one (referral). */
  @Column({ type: 'uuid', nullable: true })
  granteeUserId!: string | null;

  @ManyToOne(() => UserEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'grantee_user_id', foreignKeyConstraintName: 'fk_case_access_grant_user' })
  granteeUser?: Relation<UserEntity>;

  @Column({ type: 'varchar', length: 20 })
  kind!: CaseGrantKind;

  @Column({ type: 'varchar', length: 10 })
  view!: CaseView;

  /** Why the grant exists: the break-the-glass reason, or a referral reference. */
  @Column({ type: 'text' })
  reason!: string;

  /** The referral behind the grant, when kind = 'referral'. */
  @Column({ type: 'uuid', nullable: true })
  sourceId!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  grantedAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  expiresAt!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;

  /**
   * The case's creation time, copied by a trigger on insert (a case's creation time never
   * changes): lists page through granted cases newest first by index, like their own.
   */
  @Column({ type: 'timestamptz', nullable: true, insert: false, update: false })
  caseCreatedAt!: Date | null;
}
