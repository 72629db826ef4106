import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Whether a Lao speaker has checked a text: texts the team wrote are `unverified` until one has. */
export type TranslationState = 'verified' | 'unverified';

/**
 * One user-facing text in one language: a code-list value, a country, an indicator, an error
 * message… The English row is code-owned (seeded at every start); the Lao row starts as the
 * team's draft and becomes `verified` when a translator's import says so.
 */
@Entity('i18n_text')
export class TranslationEntity {
  /** What the text labels: 'code', 'country', 'indicator', 'message', … (TRANSLATION_KINDS). */
  @PrimaryColumn({ type: 'varchar', length: 40, primaryKeyConstraintName: 'pk_i18n_text' })
  kind!: string;

  /** The stable code within the kind: 'exploitation-type.ForcedLabour', 'TH', 'AL.D1.01', 'errors.NOT_FOUND'. */
  @PrimaryColumn({ type: 'varchar', length: 300, primaryKeyConstraintName: 'pk_i18n_text' })
  key!: string;

  @PrimaryColumn({ type: 'varchar', length: 8, primaryKeyConstraintName: 'pk_i18n_text' })
  lang!: string;

  @Column({ type: 'text' })
  text!: string;

  @Column({ type: 'varchar', length: 12 })
  verification!: TranslationState;

  /** Who wrote or checked it, e.g. 'ctcm-api team draft' or 'translation import by <user id>'. */
  @Column({ type: 'text' })
  source!: string;

  /** The user whose import verified it (null for code-owned texts and drafts). */
  @Column({ type: 'uuid', nullable: true })
  verifiedBy!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  verifiedAt!: Date | null;
}
