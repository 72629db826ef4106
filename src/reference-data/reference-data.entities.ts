import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { Verification } from './reference-data.types.js';

const VERIFICATION = { type: 'varchar', length: 12 } as const;

@Entity('ref_province')
export class ProvinceEntity {
  @PrimaryColumn({ type: 'varchar', length: 6, primaryKeyConstraintName: 'pk_ref_province' })
  code!: string;

  @Index('uq_ref_province_national_code', { unique: true })
  @Column({ type: 'char', length: 2 })
  nationalCode!: string;

  @Index('uq_ref_province_short_code', { unique: true })
  @Column({ type: 'varchar', length: 3 })
  shortCode!: string;

  @Column({ type: 'text' })
  isoName!: string;

  @Column({ type: 'text' })
  nameEn!: string;

  @Column({ type: 'text', nullable: true })
  nameLo!: string | null;

  @Column({ type: 'varchar', length: 12 })
  kind!: 'prefecture' | 'province';

  @Column(VERIFICATION)
  nameLoVerification!: Verification;

  @Column(VERIFICATION)
  verification!: Verification;
}

@Entity('ref_country')
export class CountryEntity {
  @PrimaryColumn({ type: 'char', length: 2, primaryKeyConstraintName: 'pk_ref_country' })
  code!: string;

  @Index('uq_ref_country_alpha3', { unique: true })
  @Column({ type: 'char', length: 3 })
  alpha3!: string;

  @Column({ type: 'text' })
  nameEn!: string;

  @Column({ type: 'text', nullable: true })
  nameLo!: string | null;
}

@Entity('ref_language')
export class LanguageEntity {
  @PrimaryColumn({ type: 'char', length: 3, primaryKeyConstraintName: 'pk_ref_language' })
  code!: string;

  @Column({ type: 'char', length: 2, nullable: true })
  alpha2!: string | null;

  @Column({ type: 'text' })
  nameEn!: string;
}

@Entity('ref_border_crossing')
export class BorderCrossingEntity {
  @PrimaryColumn({ type: 'varchar', length: 40, primaryKeyConstraintName: 'pk_ref_border_crossing' })
  code!: string;

  @Column({ type: 'text' })
  nameEn!: string;

  @Column({ type: 'text', nullable: true })
  nameLo!: string | null;

  @Column({ type: 'varchar', length: 6 })
  provinceCode!: string;

  @Column({ type: 'char', length: 2, nullable: true })
  foreignCountry!: string | null;

  @Column({ type: 'text', nullable: true })
  foreignLocality!: string | null;

  @Column({ type: 'varchar', length: 16 })
  kind!: 'international' | 'local' | 'traditional' | 'airport';

  @Column({ type: 'boolean' })
  usedForReturns!: boolean;

  @Column(VERIFICATION)
  verification!: Verification;

  @Column({ type: 'text', nullable: true })
  notes!: string | null;
}

@Entity('ref_code_list')
export class CodeListEntity {
  @PrimaryColumn({ type: 'varchar', length: 60, primaryKeyConstraintName: 'pk_ref_code_list' })
  category!: string;

  @Column({ type: 'text' })
  description!: string;
}

@Entity('ref_code')
export class CodeEntity {
  @PrimaryColumn({ type: 'varchar', length: 60, primaryKeyConstraintName: 'pk_ref_code' })
  category!: string;

  @PrimaryColumn({ type: 'varchar', length: 80, primaryKeyConstraintName: 'pk_ref_code' })
  code!: string;

  @Column({ type: 'text' })
  labelEn!: string;

  @Column({ type: 'text', nullable: true })
  labelLo!: string | null;

  @Column(VERIFICATION)
  verification!: Verification;

  @Column({ type: 'text' })
  source!: string;

  @Column({ type: 'smallint' })
  sortOrder!: number;
}
