import { Inject, Injectable } from '@nestjs/common';
import { BlindIndexer, FieldCipher } from '../crypto/field-cipher.js';
import { normalisedWords, phoneticKeys } from '../crypto/lao-phonetic.js';
import type {
  BirthDetails,
  Contact,
  Guardian,
  IdentityDocument,
  PersonAddress,
  PersonNames,
} from './dto/person.dto.js';
import type { PersonEntity } from './person.entity.js';

export interface StoredBirth {
  precision: 'exact' | 'year' | 'estimated';
  dateOfBirth: string | null;
  birthYear: number | null;
  estimatedAge: number | null;
  estimatedAt: string | null;
}

export interface DecryptedPerson {
  names: PersonNames;
  birth: StoredBirth | null;
  address: PersonAddress | null;
  contacts: Contact[];
  documents: IdentityDocument[];
  guardian: Guardian | null;
}

/** Personal columns of `person` and how each is encrypted. */
export const PERSON_ENCRYPTED_COLUMNS = [
  'names_enc',
  'birth_enc',
  'address_enc',
  'contacts_enc',
  'documents_enc',
  'guardian_enc',
] as const;

const ctx = (id: string, column: (typeof PERSON_ENCRYPTED_COLUMNS)[number]) => ({ table: 'person', column, id });

/** Encryption, decryption and blind indexes of a person's identity. */
@Injectable()
export class PersonCodec {
  constructor(
    @Inject(FieldCipher) private readonly cipher: FieldCipher,
    @Inject(BlindIndexer) private readonly indexer: BlindIndexer,
  ) {}

  storedBirth(birth: BirthDetails | undefined, now = new Date()): StoredBirth | null {
    if (!birth) return null;
    return {
      precision: birth.precision,
      dateOfBirth: birth.precision === 'exact' ? (birth.dateOfBirth ?? null) : null,
      birthYear:
        birth.precision === 'exact'
          ? Number(birth.dateOfBirth!.slice(0, 4))
          : birth.precision === 'year'
            ? (birth.birthYear ?? null)
            : now.getUTCFullYear() - (birth.estimatedAge ?? 0),
      estimatedAge: birth.precision === 'estimated' ? (birth.estimatedAge ?? null) : null,
      estimatedAt: birth.precision === 'estimated' ? now.toISOString() : null,
    };
  }

  encrypt(
    id: string,
    data: Partial<DecryptedPerson>,
  ): Partial<
    Pick<
      PersonEntity,
      'namesEnc' | 'birthEnc' | 'addressEnc' | 'contactsEnc' | 'documentsEnc' | 'guardianEnc' | 'birthYearBidx'
    >
  > {
    const out: ReturnType<PersonCodec['encrypt']> = {};
    if (data.names !== undefined) out.namesEnc = this.cipher.encryptJson(data.names, ctx(id, 'names_enc'));
    if (data.birth !== undefined) {
      out.birthEnc = this.cipher.encryptOptional(data.birth, ctx(id, 'birth_enc'));
      out.birthYearBidx = data.birth?.birthYear ? this.birthYearIndex(data.birth.birthYear) : null;
    }
    if (data.address !== undefined) out.addressEnc = this.cipher.encryptOptional(data.address, ctx(id, 'address_enc'));
    if (data.contacts !== undefined)
      out.contactsEnc = this.cipher.encryptOptional(
        data.contacts.length ? data.contacts : null,
        ctx(id, 'contacts_enc'),
      );
    if (data.documents !== undefined)
      out.documentsEnc = this.cipher.encryptOptional(
        data.documents.length ? data.documents : null,
        ctx(id, 'documents_enc'),
      );
    if (data.guardian !== undefined)
      out.guardianEnc = this.cipher.encryptOptional(data.guardian, ctx(id, 'guardian_enc'));
    return out;
  }

  decrypt(p: PersonEntity): DecryptedPerson {
    return {
      ...this.decryptIdentity(p),
      address: this.cipher.decryptOptional<PersonAddress>(p.addressEnc, ctx(p.id, 'address_enc')),
      contacts: this.cipher.decryptOptional<Contact[]>(p.contactsEnc, ctx(p.id, 'contacts_enc')) ?? [],
      documents: this.cipher.decryptOptional<IdentityDocument[]>(p.documentsEnc, ctx(p.id, 'documents_enc')) ?? [],
    };
  }

  /** Names, birth and guardian only: what the limited view returns (address, contacts and documents stay sealed). */
  decryptIdentity(p: PersonEntity): Pick<DecryptedPerson, 'names' | 'birth' | 'guardian'> {
    return {
      names: this.cipher.decryptJson<PersonNames>(p.namesEnc, ctx(p.id, 'names_enc')),
      birth: this.cipher.decryptOptional<StoredBirth>(p.birthEnc, ctx(p.id, 'birth_enc')),
      guardian: this.cipher.decryptOptional<Guardian>(p.guardianEnc, ctx(p.id, 'guardian_enc')),
    };
  }

  /** The birth details alone (the age-band job reads nothing else). */
  decryptBirth(id: string, birthEnc: Buffer | null): StoredBirth | null {
    return this.cipher.decryptOptional<StoredBirth>(birthEnc, ctx(id, 'birth_enc'));
  }

  birthYearIndex(year: number): Buffer {
    return this.indexer.index('birth_year', String(year));
  }

  /** Every name word of the record, for the exact and the phonetic (cross-script) indexes. */
  nameIndexes(names: PersonNames): { kind: 'exact' | 'phonetic'; value: Buffer }[] {
    const all = [
      names.givenNameLo,
      names.familyNameLo,
      names.givenNameLatin,
      names.familyNameLatin,
      ...(names.aliases ?? []),
    ].filter((n): n is string => Boolean(n));
    const exact = new Set(all.flatMap(normalisedWords));
    const phonetic = new Set(all.flatMap(phoneticKeys));
    return [
      ...[...exact].map((w) => ({ kind: 'exact' as const, value: this.indexer.index('name_exact', w) })),
      ...[...phonetic].map((k) => ({ kind: 'phonetic' as const, value: this.indexer.index('name_phonetic', k) })),
    ];
  }

  /** Query words: exact and phonetic, counted separately for scoring. */
  queryIndexes(names: PersonNames): { exact: Buffer[]; phonetic: Buffer[] } {
    const idx = this.nameIndexes(names);
    return {
      exact: idx.filter((i) => i.kind === 'exact').map((i) => i.value),
      phonetic: idx.filter((i) => i.kind === 'phonetic').map((i) => i.value),
    };
  }
}

/** Age in whole years on `at`, from the most precise birth information held. */
export function ageOn(birth: StoredBirth | null, at: Date): number | null {
  if (!birth) return null;
  if (birth.precision === 'exact' && birth.dateOfBirth) {
    const dob = new Date(`${birth.dateOfBirth}T00:00:00Z`);
    let age = at.getUTCFullYear() - dob.getUTCFullYear();
    const m = at.getUTCMonth() - dob.getUTCMonth();
    if (m < 0 || (m === 0 && at.getUTCDate() < dob.getUTCDate())) age -= 1;
    return age;
  }
  if (birth.precision === 'estimated' && birth.estimatedAge !== null && birth.estimatedAt) {
    return (
      birth.estimatedAge + Math.floor((at.getTime() - new Date(birth.estimatedAt).getTime()) / (365.25 * 86_400_000))
    );
  }
  if (birth.birthYear) return at.getUTCFullYear() - birth.birthYear;
  return null;
}

export function displayName(names: PersonNames): string {
  const latin = [names.givenNameLatin, names.familyNameLatin].filter(Boolean).join(' ');
  const lao = [names.givenNameLo, names.familyNameLo].filter(Boolean).join(' ');
  return latin || lao || names.aliases?.[0] || '(no name)';
}
