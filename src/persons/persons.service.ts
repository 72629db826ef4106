import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { AccessService } from '../access/access.service.js';
import type { CaseView } from '../access/case-access-grant.entity.js';
import { AuditService, diffFields } from '../audit/audit.service.js';
import type { FieldChange } from '../audit/audit.types.js';
import type { Actor } from '../common/context/request-context.js';
import { DomainError, notFound } from '../common/errors/domain-error.js';
import { staleVersion } from '../common/http/etag.js';
import { uuidv7 } from '../common/uuid.js';
import { findById } from '../database/find-by-id.js';
import { TransactionService } from '../database/transaction.service.js';
import type {
  BirthDetails,
  CreatePersonRequest,
  MatchCandidate,
  MatchRequest,
  PersonNames,
  PersonResponse,
  UpdatePersonRequest,
} from './dto/person.dto.js';
import { ageOn, type DecryptedPerson, displayName, PersonCodec } from './person.codec.js';
import { PersonEntity, PersonNameIndexEntity } from './person.entity.js';
import { clearMergedInto, findMatchCandidates, setMergedInto } from './persons.queries.js';
import { ageBandOf } from '../statistics/age-bands.js';

export const STRONG_MATCH = 0.8;
const PERSONAL_FIELDS = new Set(['names', 'birth', 'address', 'contacts', 'documents', 'guardian']);

function assertNames(names: PersonNames | undefined, field = 'names'): void {
  if (
    names &&
    !names.givenNameLo &&
    !names.familyNameLo &&
    !names.givenNameLatin &&
    !names.familyNameLatin &&
    !names.aliases?.length
  ) {
    throw new DomainError('VALIDATION_FAILED', 'A person needs at least one name', {
      errors: [{ field, messages: [`${field} must hold at least one name`] }],
    });
  }
}

function assertBirth(birth: BirthDetails | undefined, today: string): void {
  if (!birth) return;
  const problems: { field: string; messages: string[] }[] = [];
  if (birth.precision === 'exact' && !birth.dateOfBirth)
    problems.push({ field: 'birth.dateOfBirth', messages: ['dateOfBirth is required when precision is exact'] });
  if (birth.precision === 'year' && !birth.birthYear)
    problems.push({ field: 'birth.birthYear', messages: ['birthYear is required when precision is year'] });
  if (birth.precision === 'estimated' && birth.estimatedAge === undefined)
    problems.push({ field: 'birth.estimatedAge', messages: ['estimatedAge is required when precision is estimated'] });
  if (birth.dateOfBirth && birth.dateOfBirth > today)
    problems.push({ field: 'birth.dateOfBirth', messages: ['dateOfBirth must not be in the future'] });
  if (birth.birthYear && birth.birthYear > Number(today.slice(0, 4)))
    problems.push({ field: 'birth.birthYear', messages: ['birthYear must not be in the future'] });
  if (problems.length)
    throw new DomainError('VALIDATION_FAILED', 'The birth details are inconsistent', { errors: problems });
}

/** Identities of (presumed) victims, encrypted, searchable by blind index, merged reversibly. */
@Injectable()
export class PersonsService {
  constructor(
    @Inject(TransactionService) private readonly tx: TransactionService,
    @Inject(AccessService) private readonly access: AccessService,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(PersonCodec) private readonly codec: PersonCodec,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  private repo() {
    return this.tx.manager().getRepository(PersonEntity);
  }

  async create(actor: Actor, body: CreatePersonRequest): Promise<PersonResponse> {
    assertNames(body.names);
    assertBirth(body.birth, this.clock.today());
    const birth = this.codec.storedBirth(body.birth);
    const candidates = await this.findMatches(actor, {
      names: body.names,
      birthYear: birth?.birthYear ?? undefined,
      homeProvinceCode: body.homeProvinceCode,
      gender: body.gender,
    });
    const strong = candidates.filter((c) => c.score >= STRONG_MATCH);
    if (strong.length && !body.confirmNotDuplicate) {
      throw new DomainError(
        'POSSIBLE_DUPLICATE',
        'Review the candidates; register anyway with confirmNotDuplicate: true, or use the existing record',
        {
          extensions: { candidates: strong.map((c) => ({ personId: c.personId, score: c.score, reasons: c.reasons })) },
        },
      );
    }
    const id = uuidv7();
    const data: DecryptedPerson = {
      names: body.names,
      birth,
      address: body.address ?? null,
      contacts: body.contacts ?? [],
      documents: body.documents ?? [],
      guardian: body.guardian ?? null,
    };
    await this.repo().insert({
      id,
      ownerAgencyId: actor.agencyId,
      createdBy: actor.userId,
      gender: body.gender,
      citizenships: body.citizenships ?? [],
      languages: body.languages ?? [],
      homeProvinceCode: body.homeProvinceCode ?? null,
      ageBand: ageBandOf(ageOn(birth, this.clock.todayAsDate())),
      ...this.codec.encrypt(id, data),
    } as PersonEntity);
    await this.writeNameIndexes(id, body.names);
    const changes: FieldChange[] = [
      ...diffFields(null, {
        gender: body.gender,
        citizenships: body.citizenships ?? [],
        languages: body.languages ?? [],
        homeProvinceCode: body.homeProvinceCode ?? null,
      }),
      ...[...PERSONAL_FIELDS]
        .filter((f) => (body as unknown as Record<string, unknown>)[f] !== undefined)
        .map((field) => ({ field, personal: true })),
    ];
    await this.audit.change(
      'create',
      'person',
      id,
      changes,
      null,
      strong.length ? { confirmedNotDuplicateOf: strong.map((c) => c.personId) } : undefined,
    );
    return this.get(actor, id);
  }

  async get(actor: Actor, id: string): Promise<PersonResponse> {
    const view = await this.access.requirePerson(actor, id);
    const person = await this.repo().findOneByOrFail({ id });
    this.audit.touch('person', [id]);
    return this.toResponse(person, view);
  }

  async update(actor: Actor, id: string, version: number, body: UpdatePersonRequest): Promise<PersonResponse> {
    await this.access.requirePerson(actor, id, 'full');
    assertNames(body.names);
    assertBirth(body.birth, this.clock.today());
    const before = await this.repo().findOneByOrFail({ id });
    if (before.version !== version) throw staleVersion('Person', before.version);
    const current = this.codec.decrypt(before);
    const next: Partial<DecryptedPerson> = {};
    if (body.names) next.names = body.names;
    if (body.birth) next.birth = this.codec.storedBirth(body.birth);
    if (body.address) next.address = body.address;
    if (body.contacts) next.contacts = body.contacts;
    if (body.documents) next.documents = body.documents;
    if (body.guardian) next.guardian = body.guardian;
    const plain = {
      gender: body.gender ?? before.gender,
      citizenships: body.citizenships ?? before.citizenships,
      languages: body.languages ?? before.languages,
      homeProvinceCode: body.homeProvinceCode ?? before.homeProvinceCode,
    };
    const result = await this.tx
      .manager()
      .createQueryBuilder()
      .update(PersonEntity)
      .set({
        ...plain,
        ...(next.birth !== undefined ? { ageBand: ageBandOf(ageOn(next.birth, this.clock.todayAsDate())) } : {}),
        ...this.codec.encrypt(id, next),
        version: () => 'version + 1',
      })
      .where('id = :id AND version = :version', { id, version })
      .execute();
    if (!result.affected) throw staleVersion('Person', (await this.repo().findOneByOrFail({ id })).version);
    if (body.names) {
      await this.tx.manager().delete(PersonNameIndexEntity, { personId: id });
      await this.writeNameIndexes(id, body.names);
    }
    const changes: FieldChange[] = [
      ...diffFields(
        {
          gender: before.gender,
          citizenships: before.citizenships,
          languages: before.languages,
          homeProvinceCode: before.homeProvinceCode,
        },
        plain,
      ),
      ...Object.keys(next)
        .filter(
          (k) =>
            JSON.stringify((next as Record<string, unknown>)[k]) !==
            JSON.stringify((current as unknown as Record<string, unknown>)[k]),
        )
        .map((field) => ({ field, personal: true })),
    ];
    await this.audit.change('update', 'person', id, changes);
    return this.get(actor, id);
  }

  async matches(actor: Actor, body: MatchRequest): Promise<MatchCandidate[]> {
    assertNames(body.names);
    const candidates = await this.findMatches(actor, body);
    this.audit.touch(
      'person',
      candidates.map((c) => c.personId),
    );
    return candidates;
  }

  /** Scored candidates among the persons the actor may see, found through blind indexes only. */
  private async findMatches(actor: Actor, q: MatchRequest): Promise<MatchCandidate[]> {
    const { exact, phonetic } = this.codec.queryIndexes(q.names);
    if (!exact.length && !phonetic.length) return [];
    const yearIndex = q.birthYear ? this.codec.birthYearIndex(q.birthYear) : null;
    const v = this.access.personVisibility(actor, 'p', 11);
    const weights = {
      name: 0.6,
      year: q.birthYear ? 0.2 : 0,
      province: q.homeProvinceCode ? 0.1 : 0,
      gender: q.gender ? 0.1 : 0,
    };
    const total = weights.name + weights.year + weights.province + weights.gender;
    // Ranked in PostgreSQL over every visible candidate (common names have thousands), so the
    // best 20 are returned, not 20 of an arbitrary subset. The score is the one computed below.
    const rows = await findMatchCandidates(
      this.tx.manager(),
      v,
      actor.agencyId,
      { exact, phonetic, yearIndex, homeProvinceCode: q.homeProvinceCode ?? null, gender: q.gender ?? null },
      weights,
    );
    return rows
      .map((r) => {
        const nameScore = Math.min(
          1,
          Math.max(r.exact_hits / Math.max(1, exact.length), (0.85 * r.phonetic_hits) / Math.max(1, phonetic.length)),
        );
        const yearMatch =
          yearIndex !== null && r.birthYearBidx !== null && Buffer.compare(yearIndex, r.birthYearBidx) === 0;
        const provinceMatch = Boolean(q.homeProvinceCode) && r.homeProvinceCode === q.homeProvinceCode;
        const genderMatch = Boolean(q.gender) && r.gender === q.gender;
        const score =
          (weights.name * nameScore +
            weights.year * Number(yearMatch) +
            weights.province * Number(provinceMatch) +
            weights.gender * Number(genderMatch)) /
          total;
        const reasons = [
          ...(r.exact_hits ? ['name_exact'] : []),
          ...(r.phonetic_hits ? ['name_phonetic'] : []),
          ...(yearMatch ? ['birth_year'] : []),
          ...(provinceMatch ? ['home_province'] : []),
          ...(genderMatch ? ['gender'] : []),
        ];
        const decrypted = this.codec.decrypt(r as PersonEntity);
        return {
          personId: r.id,
          score: Math.round(score * 1000) / 1000,
          reasons,
          displayName: displayName(decrypted.names),
          gender: r.gender,
          birthYear: decrypted.birth?.birthYear ?? null,
          homeProvinceCode: r.homeProvinceCode,
        };
      })
      .sort((a, b) => b.score - a.score)
      .slice(0, 20);
  }

  /** Marks `id` as a duplicate of `intoId`. Nothing is deleted, so unmerge restores it. */
  async merge(actor: Actor, id: string, intoId: string): Promise<PersonResponse> {
    if (id === intoId) throw new DomainError('UNPROCESSABLE', 'A person cannot be merged into itself');
    await this.access.requirePerson(actor, id, 'full');
    await this.access.requirePerson(actor, intoId, 'full');
    // One after the other: the transaction's connection runs one query at a time.
    const source = await this.repo().findOneByOrFail({ id });
    const target = await this.repo().findOneByOrFail({ id: intoId });
    if (source.mergedIntoId) throw new DomainError('CONFLICT', 'This record is already merged; unmerge it first');
    if (target.mergedIntoId) throw new DomainError('UNPROCESSABLE', 'The target record is itself merged into another');
    await setMergedInto(this.tx.manager(), id, intoId);
    await this.audit.change(
      'merge',
      'person',
      id,
      diffFields<{ mergedIntoId: string | null }>({ mergedIntoId: null }, { mergedIntoId: intoId }),
      null,
      { intoPersonId: intoId },
    );
    return this.get(actor, id);
  }

  async unmerge(actor: Actor, id: string): Promise<PersonResponse> {
    await this.access.requirePerson(actor, id, 'full');
    const source = await this.repo().findOneByOrFail({ id });
    if (!source.mergedIntoId) throw new DomainError('CONFLICT', 'This record is not merged');
    await clearMergedInto(this.tx.manager(), id);
    await this.audit.change(
      'unmerge',
      'person',
      id,
      diffFields<{ mergedIntoId: string | null }>({ mergedIntoId: source.mergedIntoId }, { mergedIntoId: null }),
    );
    return this.get(actor, id);
  }

  /** Age of a person on a date (null when unknown); decrypts only the birth field. */
  async ageOn(personId: string, at: Date): Promise<number | null> {
    const person = await findById(this.tx.manager(), PersonEntity, personId);
    if (!person) throw notFound('Person');
    return ageOn(this.codec.decrypt(person).birth, at);
  }

  private async writeNameIndexes(personId: string, names: PersonNames): Promise<void> {
    const rows = this.codec.nameIndexes(names).map((i) => ({ personId, kind: i.kind, value: i.value }));
    if (rows.length)
      await this.tx
        .manager()
        .createQueryBuilder()
        .insert()
        .into(PersonNameIndexEntity)
        .values(rows)
        .orIgnore()
        .execute();
  }

  toResponse(p: PersonEntity, view: CaseView): PersonResponse {
    // Only what the view returns is decrypted: the limited view never opens address, contacts or documents.
    const full = view === 'full' ? this.codec.decrypt(p) : undefined;
    const d = full ?? this.codec.decryptIdentity(p);
    const age = ageOn(d.birth, this.clock.todayAsDate());
    const base: PersonResponse = {
      id: p.id,
      view,
      ownerAgencyId: p.ownerAgencyId,
      names: d.names,
      gender: p.gender,
      birth: d.birth,
      age,
      isChild: age === null ? null : age < 18,
      citizenships: p.citizenships,
      languages: p.languages,
      homeProvinceCode: p.homeProvinceCode,
      guardian: d.guardian,
      mergedIntoId: p.mergedIntoId,
      createdAt: p.createdAt.toISOString(),
      updatedAt: p.updatedAt.toISOString(),
      version: p.version,
    };
    // The limited view (an open referral) carries what a receiving agency needs to take the
    // person in: identity, age, languages, guardian. Documents, contacts and address stay home.
    return full ? { ...base, address: full.address, contacts: full.contacts, documents: full.documents } : base;
  }
}
