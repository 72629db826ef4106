import { Clock } from '../common/clock.js';
import { Inject, Injectable } from '@nestjs/common';
import { AccessService } from '../access/access.service.js';
import { AuditService, diffFields } from '../audit/audit.service.js';
import type { Actor } from '../common/context/request-context.js';
import { DomainError, notFound } from '../common/errors/domain-error.js';
import { staleVersion } from '../common/http/etag.js';
import { uuidv7 } from '../common/uuid.js';
import { FieldCipher } from '../crypto/field-cipher.js';
import { TransactionService } from '../database/transaction.service.js';
import { PersonCodec, type StoredBirth } from '../persons/person.codec.js';
import { PersonsService } from '../persons/persons.service.js';
import { ExpectedArrivalEntity } from '../returns/return.entities.js';
import {
  type ConfirmMatchRequest,
  type CreateTracingRequest,
  type Inquirer,
  type MissingPerson,
  OUTCOMES_NEEDING_MATCH,
  type RecordOutcomeRequest,
  type TracingCandidatesResponse,
  type TracingRequestResponse,
} from './dto/tracing.dto.js';
import { birthProblems, hasAnyName, indexableNames, type ScriptNames } from './name-match.js';
import { TracingMatcher } from './tracing-matcher.js';
import { TracingRequestEntity, TracingRequestNameIndexEntity } from './tracing.entities.js';
import { confirmMatch, findVisibleCasesOfPersons, recordOutcome } from './tracing.queries.js';

type Details = Omit<MissingPerson, 'names' | 'gender' | 'birth' | 'homeProvinceCode'> & { birth: StoredBirth | null };
const ctx = (id: string, column: string) => ({ table: 'tracing_request', column, id });

/**
 * Family tracing requests: an agency records a family's report of a missing migrant, its staff
 * see candidate matches among the persons, expected returnees and cases they may see, one of
 * them confirms a match, and the outcome is recorded. Nothing here answers an inquirer.
 */
@Injectable()
export class TracingService {
  constructor(
    @Inject(TransactionService) private readonly tx: TransactionService,
    @Inject(AccessService) private readonly access: AccessService,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(FieldCipher) private readonly cipher: FieldCipher,
    @Inject(PersonCodec) private readonly codec: PersonCodec,
    @Inject(PersonsService) private readonly persons: PersonsService,
    @Inject(TracingMatcher) private readonly matcher: TracingMatcher,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  private m() {
    return this.tx.manager();
  }

  async create(actor: Actor, body: CreateTracingRequest): Promise<TracingRequestResponse> {
    const missing = body.missingPerson;
    const problems = [
      ...(hasAnyName(missing.names) ? [] : [{ field: 'missingPerson.names', messages: ['names must hold a name'] }]),
      ...(body.receivedOn > this.clock.today()
        ? [{ field: 'receivedOn', messages: ['receivedOn must not be in the future'] }]
        : []),
      ...birthProblems(missing.birth, 'missingPerson.birth'),
    ];
    if (problems.length)
      throw new DomainError('VALIDATION_FAILED', 'The tracing request is incomplete', { errors: problems });
    const id = uuidv7();
    const birth = this.codec.storedBirth(missing.birth);
    const { names, gender, homeProvinceCode, birth: _birth, ...rest } = missing;
    const details: Details = { ...rest, birth };
    await this.m().insert(TracingRequestEntity, {
      id,
      agencyId: actor.agencyId,
      receivedOn: body.receivedOn,
      inquirerEnc: this.cipher.encryptJson(body.inquirer, ctx(id, 'inquirer_enc')),
      namesEnc: this.cipher.encryptJson(names, ctx(id, 'names_enc')),
      detailsEnc: this.cipher.encryptJson(details, ctx(id, 'details_enc')),
      gender: gender ?? null,
      homeProvinceCode: homeProvinceCode ?? null,
      birthYearBidx: birth?.birthYear ? this.codec.birthYearIndex(birth.birthYear) : null,
      status: 'open',
      createdBy: actor.userId,
    });
    const indexRows = this.codec
      .nameIndexes(indexableNames(names))
      .map((x) => ({ tracingRequestId: id, kind: x.kind, value: x.value }));
    if (indexRows.length)
      await this.m()
        .createQueryBuilder()
        .insert()
        .into(TracingRequestNameIndexEntity)
        .values(indexRows)
        .orIgnore()
        .execute();
    await this.audit.change('create', 'tracing_request', id, [
      ...diffFields(null, { receivedOn: body.receivedOn, status: 'open', homeProvinceCode: homeProvinceCode ?? null }),
      { field: 'inquirer', personal: true },
      { field: 'missingPerson', personal: true },
    ]);
    return this.get(actor, id);
  }

  async list(actor: Actor, status?: string): Promise<TracingRequestResponse[]> {
    const rows = await this.m()
      .getRepository(TracingRequestEntity)
      .find({
        where: { agencyId: actor.agencyId, ...(status ? { status: status as never } : {}) },
        order: { receivedOn: 'DESC', id: 'DESC' },
        take: 200,
      });
    this.audit.touch(
      'tracing_request',
      rows.map((r) => r.id),
    );
    return rows.map((r) => this.toResponse(r));
  }

  async get(actor: Actor, id: string): Promise<TracingRequestResponse> {
    const r = await this.visible(actor, id);
    // The answer hands out the confirmed match's id too (and, for a case, the case it names).
    this.audit.touch(
      'tracing_request',
      [id, ...(r.matchedId ? [r.matchedId] : [])],
      r.matchedKind === 'case' && r.matchedId ? [r.matchedId] : [],
    );
    return this.toResponse(r);
  }

  /** Candidates among persons, named expected returnees and cases the caller may see. */
  async candidates(actor: Actor, id: string): Promise<TracingCandidatesResponse> {
    const r = await this.visible(actor, id);
    // Named first, so the access entry is this request's (the person search notes its candidates too).
    this.audit.touch('tracing_request', [id]);
    const names = this.cipher.decryptJson<ScriptNames>(r.namesEnc, ctx(r.id, 'names_enc'));
    const details = this.cipher.decryptOptional<Details>(r.detailsEnc, ctx(r.id, 'details_enc'));
    const facts = {
      birthYear: details?.birth?.birthYear ?? null,
      homeProvinceCode: r.homeProvinceCode,
      gender: r.gender,
    };
    const persons = await this.persons.matches(actor, {
      names: indexableNames(names),
      birthYear: facts.birthYear ?? undefined,
      homeProvinceCode: facts.homeProvinceCode ?? undefined,
      gender: facts.gender ?? undefined,
    });
    const expectedReturnees = await this.matcher.arrivalsLike(actor, names, facts);
    const score = new Map(persons.map((p) => [p.personId, p.score]));
    const caseRows = await findVisibleCasesOfPersons(
      this.m(),
      persons.map((p) => p.personId),
      this.access.caseVisibility(actor, 'c', 2),
    );
    const cases = caseRows
      .map((c) => ({
        caseId: c.id,
        caseNumber: c.case_number,
        personId: c.person_id,
        leadAgencyId: c.lead_agency_id,
        stage: c.stage,
        score: score.get(c.person_id) ?? 0,
      }))
      .sort((a, b) => b.score - a.score);
    this.audit.touch(
      'tracing_request',
      [id],
      cases.map((c) => c.caseId),
    );
    this.audit.noteDetails({
      candidatePersonIds: persons.map((p) => p.personId),
      candidateExpectedArrivalIds: expectedReturnees.map((e) => e.expectedArrivalId),
    });
    return { persons, expectedReturnees, cases };
  }

  /** A staff member confirms which record is the missing person: the system never decides it. */
  async confirm(actor: Actor, id: string, version: number, body: ConfirmMatchRequest): Promise<TracingRequestResponse> {
    const r = await this.visible(actor, id);
    if (r.status !== 'open')
      throw new DomainError('ILLEGAL_TRANSITION', 'Only an open tracing request can be matched', {
        extensions: { currentStatus: r.status },
      });
    if (r.version !== version) throw staleVersion('Tracing request', r.version);
    const caseId = await this.requireMatchable(actor, body.kind, body.id);
    if (!(await confirmMatch(this.m(), id, version, body.kind, body.id, actor.userId)))
      throw staleVersion('Tracing request', version);
    await this.audit.change(
      'confirm_match',
      'tracing_request',
      id,
      diffFields(
        { status: 'open', matchedKind: null as string | null, matchedId: null as string | null },
        { status: 'matched', matchedKind: body.kind, matchedId: body.id },
      ),
      caseId,
    );
    return this.get(actor, id);
  }

  async recordOutcome(
    actor: Actor,
    id: string,
    version: number,
    body: RecordOutcomeRequest,
  ): Promise<TracingRequestResponse> {
    const r = await this.visible(actor, id);
    if (r.status === 'closed')
      throw new DomainError('ILLEGAL_TRANSITION', 'The outcome was already recorded', {
        extensions: { currentStatus: r.status },
      });
    if (OUTCOMES_NEEDING_MATCH.has(body.outcome) && r.status !== 'matched')
      throw new DomainError('UNPROCESSABLE', 'Confirm the match before recording that the person was found');
    if (r.version !== version) throw staleVersion('Tracing request', r.version);
    if (r.matchedKind && r.matchedId) await this.requireMatchUnrestricted(r.matchedKind, r.matchedId);
    const noteEnc = this.cipher.encryptOptional(body.note, ctx(id, 'outcome_note_enc'));
    if (!(await recordOutcome(this.m(), id, version, body.outcome, noteEnc, actor.userId)))
      throw staleVersion('Tracing request', version);
    await this.audit.change('record_outcome', 'tracing_request', id, [
      ...diffFields(
        { status: r.status as string, outcome: null as string | null },
        { status: 'closed', outcome: body.outcome },
      ),
      ...(body.note ? [{ field: 'outcomeNote', personal: true }] : []),
    ]);
    return this.get(actor, id);
  }

  /** 404 unless the caller may see the record it confirms; answers the case it concerns, if any. */
  private async requireMatchable(actor: Actor, kind: string, id: string): Promise<string | null> {
    if (kind === 'person') {
      await this.access.requirePerson(actor, id);
      return null;
    }
    if (kind === 'case') {
      await this.access.requireCase(actor, id);
      return id;
    }
    const a = await this.m().getRepository(ExpectedArrivalEntity).findOneBy({ id });
    if (!a || a.receivingAgencyId !== actor.agencyId || !a.namesEnc) throw notFound('Expected arrival');
    await this.access.requireUnrestricted({ caseIds: [a.caseId], personIds: [a.personId] });
    return a.caseId;
  }

  /** A tracing request matched to a restricted person or case (directly or through an arrival) takes no write: 423. */
  private async requireMatchUnrestricted(kind: string, id: string): Promise<void> {
    if (kind === 'person') return this.access.requireUnrestricted({ personIds: [id] });
    if (kind === 'case') return this.access.requireUnrestricted({ caseIds: [id] });
    const a = await this.m().getRepository(ExpectedArrivalEntity).findOneBy({ id });
    await this.access.requireUnrestricted({ caseIds: [a?.caseId ?? null], personIds: [a?.personId ?? null] });
  }

  private async visible(actor: Actor, id: string): Promise<TracingRequestEntity> {
    const r = await this.m().getRepository(TracingRequestEntity).findOneBy({ id });
    if (!r || r.agencyId !== actor.agencyId) throw notFound('Tracing request');
    return r;
  }

  private toResponse(r: TracingRequestEntity): TracingRequestResponse {
    const details = this.cipher.decryptOptional<Details>(r.detailsEnc, ctx(r.id, 'details_enc'));
    return {
      id: r.id,
      agencyId: r.agencyId,
      receivedOn: r.receivedOn,
      status: r.status,
      inquirer: this.cipher.decryptJson<Inquirer>(r.inquirerEnc, ctx(r.id, 'inquirer_enc')),
      missingPerson: {
        names: this.cipher.decryptJson<ScriptNames>(r.namesEnc, ctx(r.id, 'names_enc')),
        gender: r.gender,
        birth: details?.birth ?? null,
        homeProvinceCode: r.homeProvinceCode,
        homeAddress: details?.homeAddress ?? null,
        documents: details?.documents ?? [],
        lastKnownCountry: details?.lastKnownCountry ?? null,
        lastKnownPlace: details?.lastKnownPlace ?? null,
        lastContactOn: details?.lastContactOn ?? null,
        circumstances: details?.circumstances ?? null,
      },
      match:
        r.matchedKind && r.matchedId && r.matchedBy && r.matchedAt
          ? { kind: r.matchedKind, id: r.matchedId, confirmedBy: r.matchedBy, confirmedAt: r.matchedAt.toISOString() }
          : null,
      outcome:
        r.outcome && r.outcomeBy && r.outcomeAt
          ? {
              outcome: r.outcome,
              note: this.cipher.decryptOptional<string>(r.outcomeNoteEnc, ctx(r.id, 'outcome_note_enc')),
              recordedBy: r.outcomeBy,
              recordedAt: r.outcomeAt.toISOString(),
            }
          : null,
      createdBy: r.createdBy,
      createdAt: r.createdAt.toISOString(),
      version: r.version,
    };
  }
}
