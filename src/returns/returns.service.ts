import { Clock } from '../common/clock.js';
import { DomainEvents } from '../events/domain-events.service.js';
import { In } from 'typeorm';
import { Inject, Injectable } from '@nestjs/common';
import { AuditService, diffFields } from '../audit/audit.service.js';
import { Permission } from '../auth/permissions.js';
import type { FieldChange } from '../audit/audit.types.js';
import { CasesService } from '../cases/cases.service.js';
import { TimelineService } from '../cases/timeline.service.js';
import type { CaseResponse } from '../cases/dto/case.dto.js';
import type { Actor } from '../common/context/request-context.js';
import { DomainError, notFound } from '../common/errors/domain-error.js';
import { staleVersion } from '../common/http/etag.js';
import { uuidv7 } from '../common/uuid.js';
import { FieldCipher } from '../crypto/field-cipher.js';
import { TransactionService } from '../database/transaction.service.js';
import type { BirthDetails, IdentityDocument, PersonAddress } from '../persons/dto/person.dto.js';
import { ageOn, PersonCodec, type StoredBirth } from '../persons/person.codec.js';
import { PersonsService } from '../persons/persons.service.js';
import { birthProblems, hasAnyName, indexableNames, type ScriptNames } from '../tracing/name-match.js';
import { TracingMatcher } from '../tracing/tracing-matcher.js';
import type {
  ArrivalCandidatesResponse,
  ArrivalRequest,
  CreateReturnNoticeRequest,
  ExpectedArrivalResponse,
  ExpectedReturneeRequest,
  ExpectedReturneeResponse,
  ReturnNoticeResponse,
} from './dto/return.dto.js';
import { ExpectedArrivalEntity, ExpectedArrivalNameIndexEntity, ReturnNoticeEntity } from './return.entities.js';
import { markArrived, markNoticeReceivedWhenComplete, setCaseOpenedOn } from './returns.queries.js';

/** Clocks of phones and servers disagree a little; an arrival "now" may be a few minutes ahead. */
const CLOCK_SKEW_MS = 5 * 60_000;
const EARLIEST_ARRIVAL_BEFORE_EXPECTED_DAYS = 30;

type ReturneeColumn = 'names_enc' | 'birth_enc' | 'address_enc' | 'documents_enc' | 'vulnerabilities_enc';
const ctx = (id: string, column: ReturneeColumn) => ({ table: 'expected_arrival', column, id });

/** Returns from abroad through the VTC: pre-arrival notices, expected returnees, reception. */
@Injectable()
export class ReturnsService {
  constructor(
    @Inject(TransactionService) private readonly tx: TransactionService,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(FieldCipher) private readonly cipher: FieldCipher,
    @Inject(PersonCodec) private readonly codec: PersonCodec,
    @Inject(PersonsService) private readonly persons: PersonsService,
    @Inject(CasesService) private readonly cases: CasesService,
    @Inject(TimelineService) private readonly timeline: TimelineService,
    @Inject(TracingMatcher) private readonly tracing: TracingMatcher,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(DomainEvents) private readonly events: DomainEvents,
  ) {}

  private m() {
    return this.tx.manager();
  }

  /** A notice creates one expected arrival per person announced: the named ones, then the counted rest. */
  async createNotice(actor: Actor, body: CreateReturnNoticeRequest): Promise<ReturnNoticeResponse> {
    const returnees = body.returnees ?? [];
    const now = this.clock.todayAsDate();
    const namedChild = returnees.map((r) => {
      const age = ageOn(this.codec.storedBirth(r.birth, now), now);
      return age !== null && age < 18;
    });
    const namedChildren = namedChild.filter(Boolean).length;
    const problems = [
      ...(body.childrenCount > body.peopleCount
        ? [{ field: 'childrenCount', messages: ['childrenCount must not exceed peopleCount'] }]
        : []),
      ...(returnees.length > body.peopleCount
        ? [{ field: 'returnees', messages: ['a notice cannot name more people than peopleCount'] }]
        : []),
      ...(namedChildren > body.childrenCount
        ? [{ field: 'childrenCount', messages: ['childrenCount is less than the named returnees under 18'] }]
        : []),
      ...returnees.flatMap((r, i) => [
        ...(hasAnyName(r.names) ? [] : [{ field: `returnees[${i}].names`, messages: ['names must hold a name'] }]),
        ...birthProblems(r.birth, `returnees[${i}].birth`),
      ]),
    ];
    if (problems.length)
      throw new DomainError('VALIDATION_FAILED', 'The notice is inconsistent', { errors: problems.slice(0, 20) });

    const id = uuidv7();
    await this.m().insert(ReturnNoticeEntity, {
      id,
      receivingAgencyId: actor.agencyId,
      hostCountry: body.hostCountry,
      hostAgency: body.hostAgency,
      hostReferenceEnc: this.cipher.encryptOptional(body.hostReference, {
        table: 'return_notice',
        column: 'host_reference_enc',
        id,
      }),
      borderCrossingCode: body.borderCrossingCode,
      expectedOn: body.expectedOn,
      peopleCount: body.peopleCount,
      childrenCount: body.childrenCount,
      status: 'expected',
      createdBy: actor.userId,
    });
    const counted = body.peopleCount - returnees.length;
    const countedChildren = body.childrenCount - namedChildren;
    const rows = [
      ...returnees.map((r, i) => this.namedArrival(actor, id, r, namedChild[i]!, now)),
      ...Array.from({ length: counted }, (_, i) => ({
        id: uuidv7(),
        noticeId: id,
        receivingAgencyId: actor.agencyId,
        expectedChild: i < countedChildren,
        status: 'expected',
      })),
    ];
    await this.m().createQueryBuilder().insert().into(ExpectedArrivalEntity).values(rows).execute();
    const indexRows = returnees.flatMap((r, i) =>
      this.codec
        .nameIndexes(indexableNames(r.names))
        .map((x) => ({ arrivalId: rows[i]!.id, kind: x.kind, value: x.value })),
    );
    if (indexRows.length)
      await this.m()
        .createQueryBuilder()
        .insert()
        .into(ExpectedArrivalNameIndexEntity)
        .values(indexRows)
        .orIgnore()
        .execute();
    const changes: FieldChange[] = [
      ...diffFields(null, {
        hostCountry: body.hostCountry,
        borderCrossingCode: body.borderCrossingCode,
        expectedOn: body.expectedOn,
        peopleCount: body.peopleCount,
        childrenCount: body.childrenCount,
        namedReturnees: returnees.length,
      }),
      ...(body.hostReference ? [{ field: 'hostReference', personal: true }] : []),
      ...(returnees.length ? [{ field: 'returnees', personal: true }] : []),
    ];
    await this.audit.change('create', 'return_notice', id, changes, null, {
      expectedArrivalIds: rows.map((r) => r.id),
    });
    await this.events.record({
      type: 'return-notice.received',
      agencyIds: [actor.agencyId],
      subjectId: id,
      payload: {
        returnNoticeId: id,
        hostCountry: body.hostCountry,
        borderCrossingCode: body.borderCrossingCode,
        expectedOn: body.expectedOn,
        peopleCount: body.peopleCount,
        childrenCount: body.childrenCount,
      },
    });
    return this.notice(actor, id);
  }

  private namedArrival(actor: Actor, noticeId: string, r: ExpectedReturneeRequest, child: boolean, now: Date) {
    const id = uuidv7();
    const birth = this.codec.storedBirth(r.birth, now);
    return {
      id,
      noticeId,
      receivingAgencyId: actor.agencyId,
      expectedChild: child,
      status: 'expected',
      namesEnc: this.cipher.encryptJson(r.names, ctx(id, 'names_enc')),
      birthEnc: this.cipher.encryptOptional(birth, ctx(id, 'birth_enc')),
      addressEnc: this.cipher.encryptOptional(r.homeAddress, ctx(id, 'address_enc')),
      documentsEnc: this.cipher.encryptOptional(r.documents?.length ? r.documents : null, ctx(id, 'documents_enc')),
      vulnerabilitiesEnc: this.cipher.encryptOptional(
        r.vulnerabilities?.length ? r.vulnerabilities : null,
        ctx(id, 'vulnerabilities_enc'),
      ),
      gender: r.gender ?? null,
      homeProvinceCode: r.homeProvinceCode ?? null,
      birthYearBidx: birth?.birthYear ? this.codec.birthYearIndex(birth.birthYear) : null,
    };
  }

  async notices(actor: Actor): Promise<ReturnNoticeResponse[]> {
    const rows = await this.m()
      .getRepository(ReturnNoticeEntity)
      .find({ where: { receivingAgencyId: actor.agencyId }, order: { expectedOn: 'DESC' }, take: 500 });
    // The arrivals of every notice in one statement: the transaction's connection runs one query at a time.
    const arrivals = rows.length
      ? await this.m()
          .getRepository(ExpectedArrivalEntity)
          .find({ where: { noticeId: In(rows.map((r) => r.id)) }, order: { expectedChild: 'DESC', id: 'ASC' } })
      : [];
    return rows.map((n) =>
      this.noticeResponse(
        n,
        arrivals.filter((a) => a.noticeId === n.id),
      ),
    );
  }

  async notice(actor: Actor, id: string): Promise<ReturnNoticeResponse> {
    const n = await this.m().getRepository(ReturnNoticeEntity).findOneBy({ id });
    if (!n || n.receivingAgencyId !== actor.agencyId) throw notFound('Return notice');
    const arrivals = await this.m()
      .getRepository(ExpectedArrivalEntity)
      .find({ where: { noticeId: id }, order: { expectedChild: 'DESC', id: 'ASC' } });
    return this.noticeResponse(n, arrivals);
  }

  private noticeResponse(n: ReturnNoticeEntity, arrivals: ExpectedArrivalEntity[]): ReturnNoticeResponse {
    this.audit.touch('return_notice', [n.id]);
    return {
      id: n.id,
      receivingAgencyId: n.receivingAgencyId,
      hostCountry: n.hostCountry,
      hostAgency: n.hostAgency,
      hostReference: this.cipher.decryptOptional<string>(n.hostReferenceEnc, {
        table: 'return_notice',
        column: 'host_reference_enc',
        id: n.id,
      }),
      borderCrossingCode: n.borderCrossingCode,
      expectedOn: n.expectedOn,
      peopleCount: n.peopleCount,
      childrenCount: n.childrenCount,
      status: n.status,
      arrivals: arrivals.map((a) => this.toArrival(a)),
      version: n.version,
    };
  }

  async arrival(actor: Actor, id: string): Promise<ExpectedArrivalResponse> {
    const a = await this.visibleArrival(actor, id);
    this.audit.touch('expected_arrival', [id], a.caseId ? [a.caseId] : []);
    return this.toArrival(a);
  }

  /** Known persons (and, for tracing staff, open family inquiries) that resemble a named returnee. */
  async candidates(actor: Actor, id: string): Promise<ArrivalCandidatesResponse> {
    const a = await this.visibleArrival(actor, id);
    this.audit.touch('expected_arrival', [id]);
    const returnee = this.returneeOf(a);
    if (!returnee)
      throw new DomainError('UNPROCESSABLE', 'This expected arrival has no name to match: the notice gave a count');
    const query = {
      names: indexableNames(returnee.names),
      birthYear: returnee.birth?.birthYear ?? undefined,
      homeProvinceCode: returnee.homeProvinceCode ?? undefined,
      gender: returnee.gender ?? undefined,
    };
    const persons = await this.persons.matches(actor, query);
    const tracingRequests = actor.permissions.has(Permission.TracingRead)
      ? await this.tracing.tracingRequestsLike(actor, returnee.names, {
          birthYear: query.birthYear ?? null,
          homeProvinceCode: query.homeProvinceCode ?? null,
          gender: query.gender ?? null,
        })
      : [];
    this.audit.touch('expected_arrival', [id]);
    this.audit.noteDetails({
      candidatePersonIds: persons.map((p) => p.personId),
      candidateTracingRequestIds: tracingRequests.map((t) => t.tracingRequestId),
    });
    return { persons, tracingRequests };
  }

  /**
   * Reception at the VTC: the expected person arrives at a real date and time, and a case opens,
   * led by the receiving agency and dated on the day of arrival. A named returnee may be
   * registered as a person from the notice (with the usual duplicate check).
   */
  async arrive(actor: Actor, arrivalId: string, version: number, body: ArrivalRequest): Promise<CaseResponse> {
    const a = await this.visibleArrival(actor, arrivalId);
    if (a.status !== 'expected')
      throw new DomainError('ILLEGAL_TRANSITION', 'This arrival was already recorded', {
        extensions: { currentStatus: a.status },
      });
    if (a.version !== version) throw staleVersion('Expected arrival', a.version);
    const notice = await this.m().getRepository(ReturnNoticeEntity).findOneByOrFail({ id: a.noticeId });
    const arrivedAt = this.arrivalTime(body.arrivedAt, notice.expectedOn);
    const personId = body.personId ?? (await this.registerReturnee(actor, a, body.confirmNotDuplicate));
    const created = await this.cases.create(actor, {
      personId,
      ...(a.homeProvinceCode ? { provinceCode: a.homeProvinceCode } : {}),
    });
    await markArrived(this.m(), arrivalId, created.id, personId, arrivedAt);
    await setCaseOpenedOn(this.m(), created.id, this.clock.dateOf(arrivedAt));
    await markNoticeReceivedWhenComplete(this.m(), a.noticeId);
    await this.timeline.record(
      created.id,
      'arrived',
      actor,
      { type: 'expected_arrival', id: arrivalId },
      {
        hostCountry: notice.hostCountry,
        borderCrossingCode: notice.borderCrossingCode,
        arrivedAt: arrivedAt.toISOString(),
      },
    );
    await this.audit.change(
      'arrive',
      'expected_arrival',
      arrivalId,
      diffFields(
        { status: 'expected', caseId: null as string | null, personId: null as string | null },
        { status: 'arrived', caseId: created.id, personId },
      ),
      created.id,
      { arrivedAt: arrivedAt.toISOString() },
    );
    return this.cases.get(actor, created.id);
  }

  private arrivalTime(given: string | undefined, expectedOn: string): Date {
    const now = this.clock.now().getTime();
    const at = given ? new Date(given) : new Date(now);
    const earliest = new Date(`${expectedOn}T00:00:00Z`).getTime() - EARLIEST_ARRIVAL_BEFORE_EXPECTED_DAYS * 86_400_000;
    if (at.getTime() > now + CLOCK_SKEW_MS || at.getTime() < earliest)
      throw new DomainError('DATE_OUT_OF_RANGE', 'arrivedAt must not be in the future nor long before the notice', {
        errors: [
          {
            field: 'arrivedAt',
            messages: [`arrivedAt must be between ${new Date(earliest).toISOString().slice(0, 10)} and now`],
          },
        ],
      });
    return at;
  }

  private async registerReturnee(actor: Actor, a: ExpectedArrivalEntity, confirmNotDuplicate?: boolean) {
    // Receiving people (return.manage) is not registering them: that stays with person.create.
    if (!actor.permissions.has(Permission.PersonCreate))
      throw new DomainError('FORBIDDEN', 'Registering the person needs the person.create permission; give personId');
    const returnee = this.returneeOf(a);
    if (!returnee)
      throw new DomainError('VALIDATION_FAILED', 'Name the person: the notice gave only a count', {
        errors: [{ field: 'personId', messages: ['personId is required for an unnamed expected arrival'] }],
      });
    if (!returnee.gender)
      throw new DomainError('VALIDATION_FAILED', 'The notice gives no gender: register the person first', {
        errors: [{ field: 'personId', messages: ['personId is required when the notice gives no gender'] }],
      });
    const person = await this.persons.create(actor, {
      names: indexableNames(returnee.names),
      gender: returnee.gender,
      ...(returnee.birthDetails ? { birth: returnee.birthDetails } : {}),
      ...(returnee.homeProvinceCode ? { homeProvinceCode: returnee.homeProvinceCode } : {}),
      ...(returnee.homeAddress ? { address: returnee.homeAddress } : {}),
      documents: returnee.documents,
      confirmNotDuplicate,
    });
    return person.id;
  }

  private async visibleArrival(actor: Actor, id: string): Promise<ExpectedArrivalEntity> {
    const a = await this.m().getRepository(ExpectedArrivalEntity).findOneBy({ id });
    if (!a || a.receivingAgencyId !== actor.agencyId) throw notFound('Expected arrival');
    return a;
  }

  private returneeOf(
    a: ExpectedArrivalEntity,
  ): (ExpectedReturneeResponse & { birth: StoredBirth | null; birthDetails: BirthDetails | null }) | null {
    if (!a.namesEnc) return null;
    const birth = this.cipher.decryptOptional<StoredBirth>(a.birthEnc, ctx(a.id, 'birth_enc'));
    return {
      names: this.cipher.decryptJson<ScriptNames>(a.namesEnc, ctx(a.id, 'names_enc')),
      gender: a.gender,
      birth,
      birthDetails: birth ? toBirthDetails(birth, this.clock.todayAsDate()) : null,
      homeProvinceCode: a.homeProvinceCode,
      homeAddress: this.cipher.decryptOptional<PersonAddress>(a.addressEnc, ctx(a.id, 'address_enc')),
      documents: this.cipher.decryptOptional<IdentityDocument[]>(a.documentsEnc, ctx(a.id, 'documents_enc')) ?? [],
      vulnerabilities:
        this.cipher.decryptOptional<string[]>(a.vulnerabilitiesEnc, ctx(a.id, 'vulnerabilities_enc')) ?? [],
    };
  }

  private toArrival(a: ExpectedArrivalEntity): ExpectedArrivalResponse {
    const r = this.returneeOf(a);
    return {
      id: a.id,
      noticeId: a.noticeId,
      expectedChild: a.expectedChild,
      status: a.status,
      caseId: a.caseId,
      personId: a.personId,
      arrivedAt: a.arrivedAt?.toISOString() ?? null,
      arrivalRecordedAt: a.arrivalRecordedAt?.toISOString() ?? null,
      returnee: r
        ? {
            names: r.names,
            gender: r.gender,
            birth: r.birth,
            homeProvinceCode: r.homeProvinceCode,
            homeAddress: r.homeAddress,
            documents: r.documents,
            vulnerabilities: r.vulnerabilities,
          }
        : null,
      version: a.version,
    };
  }
}

/** The request form of a stored birth, to register the person with the same precision. */
function toBirthDetails(b: StoredBirth, today: Date): BirthDetails {
  if (b.precision === 'exact' && b.dateOfBirth) return { precision: 'exact', dateOfBirth: b.dateOfBirth };
  if (b.precision === 'estimated' && b.estimatedAge !== null) {
    const age = ageOn(b, today);
    return { precision: 'estimated', estimatedAge: age ?? b.estimatedAge };
  }
  return { precision: 'year', birthYear: b.birthYear ?? undefined };
}
