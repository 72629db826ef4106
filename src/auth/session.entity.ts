import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, type Relation } from 'typeorm';
import { UserEntity } from '../users/user.entity.js';

/** A login session: one refresh-token family, with an absolute lifetime. */
@Entity('auth_session')
export class SessionEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_auth_session' })
  id!: string;

  @Index('ix_auth_session_user')
  @Column({ type: 'uuid' })
  userId!: string;

  @ManyToOne(() => UserEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'fk_auth_session_user' })
  user?: Relation<UserEntity>;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @Column({ type: 'timestamptz' })
  absoluteExpiresAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;

  @Column({ type: 'varchar', length: 40, nullable: true })
  revokedReason!: string | null;

  /** What the user needs to recognise the session: the client's User-Agent and address at sign-in. */
  @Column({ type: 'varchar', length: 300, nullable: true })
  userAgent!: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  clientIp!: string | null;

  /** Last refresh (access tokens are not tracked per request: that would be a write per read). */
  @Column({ type: 'timestamptz', nullable: true })
  lastUsedAt!: Date | null;

  /** How the second factor was proved at sign-in: totp, recovery_code, or null (password only). */
  @Column({ type: 'varchar', length: 20, nullable: true })
  secondFactor!: string | null;
}

/** Refresh tokens are stored as SHA-256 hashes; each is used once, then rotated. */
@Entity('auth_refresh_token')
export class RefreshTokenEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_auth_refresh_token' })
  id!: string;

  @Index('ix_auth_refresh_token_session')
  @Column({ type: 'uuid' })
  sessionId!: string;

  @ManyToOne(() => SessionEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'session_id', foreignKeyConstraintName: 'fk_auth_refresh_token_session' })
  session?: Relation<SessionEntity>;

  @Index('uq_auth_refresh_token_hash', { unique: true })
  @Column({ type: 'bytea' })
  tokenHash!: Buffer;

  @CreateDateColumn({ type: 'timestamptz' })
  issuedAt!: Date;

  @Column({ type: 'timestamptz' })
  expiresAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  usedAt!: Date | null;
}

/** Fixed-window counters for rate limits, shared by every API replica. */
@Entity('rate_limit_counter')
export class RateLimitCounterEntity {
  @PrimaryColumn({ type: 'varchar', length: 200, primaryKeyConstraintName: 'pk_rate_limit_counter' })
  key!: string;

  @Column({ type: 'timestamptz' })
  windowStart!: Date;

  @Column({ type: 'int' })
  count!: number;
}
