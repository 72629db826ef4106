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

@Entity('app_user')
export class UserEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_app_user' })
  id!: string;

  @Index('ix_app_user_agency')
  @Column({ type: 'uuid' })
  agencyId!: string;

  @ManyToOne(() => AgencyEntity, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'agency_id', foreignKeyConstraintName: 'fk_app_user_agency' })
  agency?: Relation<AgencyEntity>;

  /** Lower-cased; the login name. */
  @Index('uq_app_user_email', { unique: true })
  @Column({ type: 'varchar', length: 254 })
  email!: string;

  @Column({ type: 'text' })
  displayName!: string;

  @Column({ type: 'text', array: true })
  roles!: string[];

  /** argon2id PHC string. */
  @Column({ type: 'text' })
  passwordHash!: string;

  @Column({ type: 'boolean', default: false })
  mustChangePassword!: boolean;

  @Column({ type: 'boolean', default: true })
  active!: boolean;

  /** Bumped to invalidate every token of the user at once. */
  @Column({ type: 'int', default: 1 })
  tokenVersion!: number;

  @Column({ type: 'int', default: 0 })
  failedLoginCount!: number;

  /** Backoff: no login attempt is checked before this time. */
  @Column({ type: 'timestamptz', nullable: true })
  loginBlockedUntil!: Date | null;

  /** Locked after repeated failures until an administrator unlocks. */
  @Column({ type: 'timestamptz', nullable: true })
  lockedAt!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  lastLoginAt!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  passwordChangedAt!: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;

  @Column({ type: 'int', default: 1 })
  version!: number;
}
