import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { type BirthDetails, PersonNames } from '../persons/dto/person.dto.js';

/**
 * Names as families and host-country agencies give them: Lao script, romanised, and Thai script
 * (Thai authorities write returnees' names in Thai). Thai words get exact and phonetic blind
 * indexes; the phonetic key (src/crypto/lao-phonetic.ts) lets สมใจ meet ສົມໃຈ and Somchai.
 */
export class ScriptNames extends PersonNames {
  @ApiPropertyOptional({ description: 'Given name in Thai script', example: 'สมใจ', maxLength: 100 })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  givenNameTh?: string;
  @ApiPropertyOptional({ description: 'Family name in Thai script', maxLength: 100 })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  familyNameTh?: string;
}

export const hasAnyName = (n: ScriptNames): boolean =>
  Boolean(
    n.givenNameLo ||
    n.familyNameLo ||
    n.givenNameLatin ||
    n.familyNameLatin ||
    n.givenNameTh ||
    n.familyNameTh ||
    n.aliases?.length,
  );

/** The names as PersonCodec indexes them: Thai-script names count as further aliases. */
export function indexableNames(n: ScriptNames): PersonNames {
  const thai = [n.givenNameTh, n.familyNameTh].filter((x): x is string => Boolean(x));
  return {
    givenNameLo: n.givenNameLo,
    familyNameLo: n.familyNameLo,
    givenNameLatin: n.givenNameLatin,
    familyNameLatin: n.familyNameLatin,
    aliases: [...(n.aliases ?? []), ...thai].slice(0, 10),
  };
}

export function displayScriptName(n: ScriptNames): string {
  const latin = [n.givenNameLatin, n.familyNameLatin].filter(Boolean).join(' ');
  const lao = [n.givenNameLo, n.familyNameLo].filter(Boolean).join(' ');
  const thai = [n.givenNameTh, n.familyNameTh].filter(Boolean).join(' ');
  return latin || lao || thai || n.aliases?.[0] || '(no name)';
}

export interface MatchQuery {
  exactCount: number;
  phoneticCount: number;
  birthYearIndex: Buffer | null;
  homeProvinceCode: string | null;
  gender: string | null;
}

export interface IndexHit {
  exactHits: number;
  phoneticHits: number;
  birthYearBidx: Buffer | null;
  homeProvinceCode: string | null;
  gender: string | null;
}

/**
 * The score persons' matching uses (src/persons/persons.service.ts), so the candidates of every
 * kind read alike: names 0.6 (exact word hits, or 0.85 of phonetic hits), birth year 0.2, home
 * province 0.1, gender 0.1, over the weights the query can use.
 */
export function scoreHit(q: MatchQuery, h: IndexHit): { score: number; reasons: string[] } {
  const weights = {
    name: 0.6,
    year: q.birthYearIndex ? 0.2 : 0,
    province: q.homeProvinceCode ? 0.1 : 0,
    gender: q.gender ? 0.1 : 0,
  };
  const total = weights.name + weights.year + weights.province + weights.gender;
  const nameScore = Math.min(
    1,
    Math.max(h.exactHits / Math.max(1, q.exactCount), (0.85 * h.phoneticHits) / Math.max(1, q.phoneticCount)),
  );
  const yearMatch =
    q.birthYearIndex !== null && h.birthYearBidx !== null && Buffer.compare(q.birthYearIndex, h.birthYearBidx) === 0;
  const provinceMatch = Boolean(q.homeProvinceCode) && h.homeProvinceCode === q.homeProvinceCode;
  const genderMatch = Boolean(q.gender) && h.gender === q.gender;
  const score =
    (weights.name * nameScore +
      weights.year * Number(yearMatch) +
      weights.province * Number(provinceMatch) +
      weights.gender * Number(genderMatch)) /
    total;
  return {
    score: Math.round(score * 1000) / 1000,
    reasons: [
      ...(h.exactHits ? ['name_exact'] : []),
      ...(h.phoneticHits ? ['name_phonetic'] : []),
      ...(yearMatch ? ['birth_year'] : []),
      ...(provinceMatch ? ['home_province'] : []),
      ...(genderMatch ? ['gender'] : []),
    ],
  };
}

/** Birth details that contradict their precision or lie in the future, as field errors. */
export function birthProblems(birth: BirthDetails | undefined, field: string): { field: string; messages: string[] }[] {
  if (!birth) return [];
  if (birth.precision === 'exact' && !birth.dateOfBirth)
    return [{ field: `${field}.dateOfBirth`, messages: ['dateOfBirth is required when precision is exact'] }];
  if (birth.precision === 'year' && !birth.birthYear)
    return [{ field: `${field}.birthYear`, messages: ['birthYear is required when precision is year'] }];
  if (birth.precision === 'estimated' && birth.estimatedAge === undefined)
    return [{ field: `${field}.estimatedAge`, messages: ['estimatedAge is required when precision is estimated'] }];
  if (
    (birth.dateOfBirth && new Date(`${birth.dateOfBirth}T00:00:00Z`).getTime() > Date.now()) ||
    (birth.birthYear && birth.birthYear > new Date().getUTCFullYear())
  )
    return [{ field, messages: ['the birth must not be in the future'] }];
  return [];
}
