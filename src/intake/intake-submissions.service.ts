import { Inject, Injectable } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { AuditService, diffFields } from '../audit/audit.service.js';
import { Clock } from '../common/clock.js';
import type { Actor } from '../common/context/request-context.js';
import { DomainError, type FieldError, notFound } from '../common/errors/domain-error.js';
import { uuidv7 } from '../common/uuid.js';
import { FieldCipher } from '../crypto/field-cipher.js';
import { TransactionService } from '../database/transaction.service.js';
import { DomainEvents } from '../events/domain-events.service.js';
import type { MatchCandidate, PersonNames } from '../persons/dto/person.dto.js';
import { PersonCodec } from '../persons/person.codec.js';
import { PersonsService } from '../persons/persons.service.js';
import {
  type Answer,
  type Dimension,
  type Suggestion,
  suggestOutcome,
  type Weight,
} from '../screening/decision-rule.js';
import { CreateScreeningRequest } from '../screening/dto/screening.dto.js';
import { ScreeningService } from '../screening/screening.service.js';
import type {
  CorrectIntakeSubmissionRequest,
  IntakeReceiptResponse,
  IntakeSubmissionListQuery,
  IntakeSubmissionResponse,
  IntakeSubmissionSummaryResponse,
  SubmitIntakeSubmissionRequest,
  SubmittedIntakeResponse,
} from './dto/intake.dto.js';
import { hashIntakeSecret, intakeSecretMatches } from './intake-connections.service.js';
import { type CatalogueForm, IntakeFormService } from './intake-form.service.js';
import {
  findOpenDrafts,
  findSubmission,
  findSubmissionByInstance,
  findSubmissionsOfPerson,
  insertSubmissionOnce,
  listSubmissions,
  markSubmissionSubmitted,
  openConnectionForReceiver,
  type SubmissionRow,
  updateSubmissionReading,
} from './intake.queries.js';
import {
  catalogueVersionOf,
  instanceKeyOf,
  isSubmissionObject,
  type PersonDraft,
  type Problem,
  readSubmission,
  type ScreeningDraft,
} from './kobo-submission.js';

/** What is kept of a reading, encrypted: the draft, the person, the ignored fields and the suggestion. */
interface StoredDraft {
  screening: ScreeningDraft | null;
  person: PersonDraft | null;
  ignoredFields: string[];
  suggestion: Suggestion | null;
}

interface Reading {
  status: 'pending_review' | 'quarantined';
  catalogueVersion: number | null;
  draft: StoredDraft;
  problems: Problem[];
  suggestedOutcome: string | null;
}

/** Drafts an export reads to attribute by name: the open ones of one agency (retention keeps them to a year). */
const MAX_DRAFTS_ATTRIBUTED = 5000;

const enc = (id: string, column: 'payload_enc' | 'draft_enc') => ({ table: 'intake_submission', column, id });
const invalid = (errors: FieldError[], detail = 'Some fields are invalid') =>
  new DomainError('VALIDATION_FAILED', detail, { errors });

/**
 * Field intake: KoboToolbox submissions received through an intake connection, read against
 * the form of the catalogue version they name, kept encrypted, and reviewed by a screener who
 * submits them on the normal screening path. Nothing received is dropped: what cannot be read
 * is quarantined with its reasons, and can be reprocessed or corrected.
 */
@Injectable()
export class IntakeSubmissionsService {
  constructor(
    @Inject(TransactionService) private readonly tx: TransactionService,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(FieldCipher) private readonly cipher: FieldCipher,
    @Inject(IntakeFormService) private readonly forms: IntakeFormService,
    @Inject(PersonsService) private readonly persons: PersonsService,
    @Inject(ScreeningService) private readonly screenings: ScreeningService,
    @Inject(DomainEvents) private readonly events: DomainEvents,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(PersonCodec) private readonly codec: PersonCodec,
  ) {}

  /**
   * The REST Service's POST. 2xx only once the submission is stored (commit precedes the
   * answer); a retry of a stored instance is answered 200 again without storing anything.
   */
  async receive(connectionId: string, secret: string | undefined, raw: unknown): Promise<IntakeReceiptResponse> {
    const m = this.tx.manager();
    // One round trip: the connection, and its agency's row-level-security context when the secret fits.
    const connection = await openConnectionForReceiver(m, connectionId, hashIntakeSecret(secret ?? ''));
    // One answer for a missing connection, a revoked one and a wrong secret: no detail for a prober.
    if (!intakeSecretMatches(secret, connection?.secret_hash) || !connection?.active || !connection.acting)
      throw new DomainError('UNAUTHENTICATED');
    this.audit.touch('intake_connection', [connectionId]);
    if (!isSubmissionObject(raw)) throw invalid([{ field: '(body)', messages: ['a submission is a JSON object'] }]);
    const instanceKey = instanceKeyOf(raw);
    if (!instanceKey)
      throw invalid(
        [{ field: 'meta/instanceID', messages: ['meta/instanceID or _uuid is required to recognise retries'] }],
        'The submission has no instance id',
      );
    // No look-up first: the insert below is the duplicate check (a retry inserts nothing). Kobo
    // retries only what failed, so a duplicate is rare and pays for the reading it did not need.
    const id = uuidv7();
    const reading = await this.read(raw);
    const stored = await insertSubmissionOnce(m, {
      id,
      agencyId: connection.agency_id,
      connectionId,
      instanceKey,
      catalogueVersion: reading.catalogueVersion,
      status: reading.status,
      payloadEnc: this.cipher.encryptJson(raw, enc(id, 'payload_enc')),
      draftEnc: this.cipher.encryptJson(reading.draft, enc(id, 'draft_enc')),
      problems: reading.problems,
      suggestedOutcome: reading.suggestedOutcome,
    });
    if (!stored) {
      // A retry of a stored instance (or a concurrent one that stored it first).
      const first = (await findSubmissionByInstance(m, connection.agency_id, instanceKey))!;
      return { submissionId: first.id, status: first.status, duplicate: true };
    }
    await this.audit.change(
      'receive',
      'intake_submission',
      id,
      [
        ...diffFields(null, {
          connectionId,
          status: reading.status,
          catalogueVersion: reading.catalogueVersion,
          suggestedOutcome: reading.suggestedOutcome,
        }),
        { field: 'payload', personal: true },
      ],
      null,
      { problems: reading.problems.length, ignoredFields: reading.draft.ignoredFields.length },
    );
    await this.events.record({
      type: reading.status === 'quarantined' ? 'intake.submission-quarantined' : 'intake.submission-received',
      agencyIds: [connection.agency_id],
      subjectId: id,
      payload: {
        submissionId: id,
        connectionId,
        catalogueVersion: reading.catalogueVersion,
        status: reading.status,
        problemCount: reading.problems.length,
        screeningId: null,
      },
    });
    return { submissionId: id, status: reading.status, duplicate: false };
  }

  /** The review queue: drafts waiting for a screener. */
  queue(_actor: Actor, q: IntakeSubmissionListQuery): Promise<IntakeSubmissionSummaryResponse[]> {
    return this.listIn('pending_review', q);
  }

  /** The quarantine: what could not be read, with the reasons (for the agency administrator). */
  quarantine(_actor: Actor, q: IntakeSubmissionListQuery): Promise<IntakeSubmissionSummaryResponse[]> {
    return this.listIn('quarantined', q);
  }

  async get(actor: Actor, id: string): Promise<IntakeSubmissionResponse> {
    const row = await this.visible(id);
    this.audit.touch('intake_submission', [id]);
    const draft = this.draftOf(row);
    return {
      ...toSummary(row),
      screening: (draft.screening as IntakeSubmissionResponse['screening']) ?? null,
      person: draft.person,
      suggestion: draft.suggestion
        ? {
            outcome: draft.suggestion.outcome,
            dimensions: draft.suggestion.dimensions,
            explanation: draft.suggestion.explanation,
          }
        : null,
      possibleDuplicates: await this.duplicateCheck(actor, draft.person),
      ignoredFields: draft.ignoredFields,
    };
  }

  /** A screener's correction of what the field got wrong; the draft is read anew (and audited). */
  async correct(actor: Actor, id: string, body: CorrectIntakeSubmissionRequest): Promise<IntakeSubmissionResponse> {
    const row = await this.notErased(await this.visible(id));
    if (row.status === 'submitted')
      throw new DomainError('ILLEGAL_TRANSITION', 'This submission was already submitted as a screening');
    if (!body.screening && !body.person) throw invalid([{ field: 'screening', messages: ['nothing to correct'] }]);
    if (body.screening?.personId)
      throw invalid([
        { field: 'screening.personId', messages: ['the person is chosen when the draft is submitted, not here'] },
      ]);
    const before = this.draftOf(row);
    const screening = (body.screening as unknown as ScreeningDraft | undefined) ?? before.screening;
    if (!screening)
      throw invalid([{ field: 'screening', messages: ['the draft could not be read: send the whole screening'] }]);
    const version = screening.catalogueVersion ?? row.catalogue_version;
    const form = version ? await this.forms.formFor(version) : undefined;
    if (!form)
      throw invalid([{ field: 'screening.catalogueVersion', messages: ['no published catalogue has this version'] }]);
    const suggestion = suggestionFor({ ...screening, catalogueVersion: form.version }, form);
    const draft: StoredDraft = {
      screening: { ...screening, catalogueVersion: form.version },
      person: body.person ? (body.person as PersonDraft) : before.person,
      ignoredFields: before.ignoredFields,
      suggestion,
    };
    const outcome = suggestion?.outcome ?? 'not_assessed';
    await updateSubmissionReading(this.tx.manager(), id, {
      status: 'pending_review',
      catalogueVersion: form.version,
      draftEnc: this.cipher.encryptJson(draft, enc(id, 'draft_enc')),
      problems: [],
      suggestedOutcome: outcome,
      corrected: true,
    });
    await this.audit.change('correct', 'intake_submission', id, [
      ...diffFields(
        {
          status: row.status,
          catalogueVersion: row.catalogue_version,
          suggestedOutcome: row.suggested_outcome,
          profile: before.screening?.profile ?? null,
        },
        {
          status: 'pending_review',
          catalogueVersion: form.version,
          suggestedOutcome: outcome,
          profile: screening.profile,
        },
      ),
      ...(body.screening ? [{ field: 'screening', personal: true }] : []),
      ...(body.person ? [{ field: 'person', personal: true }] : []),
    ]);
    return this.get(actor, id);
  }

  /** Reads a quarantined submission again, against the catalogue as it is now (e.g. after a version was published). */
  async reprocess(actor: Actor, id: string): Promise<IntakeSubmissionSummaryResponse> {
    const row = await this.notErased(await this.visible(id));
    if (row.status !== 'quarantined')
      throw new DomainError('ILLEGAL_TRANSITION', 'Only a quarantined submission is reprocessed');
    const raw = this.cipher.decryptJson<Record<string, unknown>>(row.payload_enc, enc(id, 'payload_enc'));
    const reading = await this.read(raw);
    await updateSubmissionReading(this.tx.manager(), id, {
      status: reading.status,
      catalogueVersion: reading.catalogueVersion,
      draftEnc: this.cipher.encryptJson(reading.draft, enc(id, 'draft_enc')),
      problems: reading.problems,
      suggestedOutcome: reading.suggestedOutcome,
      corrected: false,
    });
    await this.audit.change(
      'reprocess',
      'intake_submission',
      id,
      diffFields(
        { status: row.status, catalogueVersion: row.catalogue_version, problems: row.problems.length },
        { status: reading.status, catalogueVersion: reading.catalogueVersion, problems: reading.problems.length },
      ),
    );
    if (reading.status === 'pending_review')
      await this.events.record({
        type: 'intake.submission-received',
        agencyIds: [actor.agencyId],
        subjectId: id,
        payload: {
          submissionId: id,
          connectionId: row.connection_id,
          catalogueVersion: reading.catalogueVersion,
          status: reading.status,
          problemCount: 0,
          screeningId: null,
        },
      });
    return toSummary((await findSubmission(this.tx.manager(), id))!);
  }

  /**
   * Submits the reviewed draft on the normal screening path (the same checks, rule and audit as
   * POST /screenings), for a matched person, a newly registered one, or none.
   */
  async submit(actor: Actor, id: string, body: SubmitIntakeSubmissionRequest): Promise<SubmittedIntakeResponse> {
    const row = await this.notErased(await this.visible(id));
    if (row.status !== 'pending_review')
      throw new DomainError(
        'ILLEGAL_TRANSITION',
        row.status === 'submitted' ? 'This submission was already submitted' : 'Correct or reprocess it first',
      );
    if (body.personId && body.registerPerson)
      throw invalid([{ field: 'personId', messages: ['either match a person or register one, not both'] }]);
    const draft = this.draftOf(row);
    if (!draft.screening) throw new DomainError('ILLEGAL_TRANSITION', 'Correct or reprocess it first');
    let personId = body.personId ?? null;
    if (body.registerPerson) {
      const p = draft.person;
      if (!p) throw invalid([{ field: 'registerPerson', messages: ['the draft names no person: correct it first'] }]);
      if (!p.gender) throw invalid([{ field: 'person.gender', messages: ['gender is needed to register the person'] }]);
      const created = await this.persons.create(actor, {
        names: p.names,
        gender: p.gender,
        ...(p.birthYear ? { birth: { precision: 'year', birthYear: p.birthYear } } : {}),
        ...(p.homeProvinceCode ? { homeProvinceCode: p.homeProvinceCode } : {}),
        ...(body.confirmNotDuplicate ? { confirmNotDuplicate: true } : {}),
      } as Parameters<PersonsService['create']>[1]);
      personId = created.id;
    }
    const request = plainToInstance(CreateScreeningRequest, {
      ...draft.screening,
      ...(personId ? { personId } : {}),
    });
    const errors = await validate(request, { whitelist: true, forbidNonWhitelisted: true });
    if (errors.length)
      throw invalid(
        errors.map((e) => ({ field: `screening.${e.property}`, messages: ['is not valid: correct the draft'] })),
        'The draft is not a valid screening: correct it first',
      );
    const screening = await this.screenings.create(actor, request);
    if (!(await markSubmissionSubmitted(this.tx.manager(), id, screening.id, actor.userId)))
      throw new DomainError('ILLEGAL_TRANSITION', 'This submission was already submitted');
    await this.audit.change(
      'submit',
      'intake_submission',
      id,
      diffFields<{ status: string; screeningId: string | null }>(
        { status: row.status, screeningId: null },
        { status: 'submitted', screeningId: screening.id },
      ),
    );
    await this.events.record({
      type: 'intake.submission-submitted',
      agencyIds: [actor.agencyId],
      subjectId: id,
      payload: {
        submissionId: id,
        connectionId: row.connection_id,
        catalogueVersion: row.catalogue_version,
        status: 'submitted',
        problemCount: 0,
        screeningId: screening.id,
      },
    });
    this.audit.touch('intake_submission', [id]);
    return { submissionId: id, screeningId: screening.id, personId };
  }

  /** Reads a submission against the form of the catalogue version it names. */
  private async read(raw: Record<string, unknown>): Promise<Reading> {
    const version = catalogueVersionOf(raw);
    const quarantined = (problems: Problem[]): Reading => ({
      status: 'quarantined',
      catalogueVersion: version,
      draft: { screening: null, person: null, ignoredFields: [], suggestion: null },
      problems,
      suggestedOutcome: null,
    });
    if (version === null)
      return quarantined([{ field: 'catalogue_version', message: 'the submission names no catalogue version' }]);
    const form = await this.forms.formFor(version);
    if (!form)
      return quarantined([{ field: 'catalogue_version', message: `catalogue version ${version} is not published` }]);
    const r = readSubmission(raw, form.form, version, form.indicatorProfiles, this.clock.today());
    const suggestion = r.problems.length ? null : suggestionFor(r.draft, form);
    return {
      status: r.problems.length ? 'quarantined' : 'pending_review',
      catalogueVersion: version,
      draft: { screening: r.draft, person: r.person, ignoredFields: r.ignoredFields, suggestion },
      problems: r.problems.slice(0, 100),
      suggestedOutcome: r.problems.length ? null : (suggestion?.outcome ?? 'not_assessed'),
    };
  }

  private async listIn(status: string, q: IntakeSubmissionListQuery): Promise<IntakeSubmissionSummaryResponse[]> {
    const rows = await listSubmissions(this.tx.manager(), status, q.after ?? null, q.limit ?? 50);
    this.audit.touch(
      'intake_submission',
      rows.map((r) => r.id),
    );
    return rows.map(toSummary);
  }

  /** The duplicate-person check, among the persons this reviewer may see. */
  private async duplicateCheck(actor: Actor, person: PersonDraft | null): Promise<MatchCandidate[]> {
    if (!person || !Object.keys(person.names).length || !actor.permissions.has('person.read')) return [];
    return this.persons.matches(actor, {
      names: person.names,
      ...(person.birthYear ? { birthYear: person.birthYear } : {}),
      ...(person.homeProvinceCode ? { homeProvinceCode: person.homeProvinceCode } : {}),
      ...(person.gender ? { gender: person.gender } : {}),
    });
  }

  private draftOf(row: SubmissionRow): StoredDraft {
    return row.draft_enc
      ? this.cipher.decryptJson<StoredDraft>(row.draft_enc, enc(row.id, 'draft_enc'))
      : { screening: null, person: null, ignoredFields: [], suggestion: null };
  }

  /**
   * The subject-access export's part (docs/data-protection.md): the agency's submissions about
   * the person. A submission is linked to a person only once submitted (its screening's person);
   * a draft in review or quarantine names nobody the system knows, so it is ATTRIBUTED by name:
   * every name word of the draft (exact, normalised) is one of the person's and the draft has at
   * least two, and the birth year, when both give one, is the same. Attributed drafts are marked
   * `linkedBy: 'name'` for the supervisor to confirm before handing the export over. Never the
   * duplicate check (it names other persons). Audited as read.
   */
  async forSubjectAccess(
    personId: string,
    person: { names: PersonNames; birthYear: number | null },
  ): Promise<(IntakeSubmissionSummaryResponse & Record<string, unknown>)[]> {
    const m = this.tx.manager();
    const wordsOf = (names: PersonNames) =>
      new Set(this.codec.queryIndexes(names).exact.map((b) => b.toString('base64')));
    const theirs = wordsOf(person.names);
    const linked = await findSubmissionsOfPerson(m, personId);
    const attributed = (await findOpenDrafts(m, MAX_DRAFTS_ATTRIBUTED)).filter((row) => {
      const draft = this.draftOf(row).person;
      if (!draft) return false;
      const words = wordsOf(draft.names as PersonNames);
      if (words.size < 2 || [...words].some((w) => !theirs.has(w))) return false;
      return !(draft.birthYear && person.birthYear && draft.birthYear !== person.birthYear);
    });
    const items = [
      ...linked.map((row) => ({ row, linkedBy: 'screening' })),
      ...attributed.map((row) => ({ row, linkedBy: 'name' })),
    ];
    this.audit.touch(
      'intake_submission',
      items.map((i) => i.row.id),
    );
    return items.map(({ row, linkedBy }) => {
      const draft = this.draftOf(row);
      return {
        ...toSummary(row),
        linkedBy,
        screening: draft.screening,
        person: draft.person,
        ignoredFields: draft.ignoredFields,
      };
    });
  }

  /** A submission whose payload retention erased cannot be corrected, reprocessed or submitted. */
  private notErased(row: SubmissionRow): SubmissionRow {
    if (row.retention_erased_at)
      throw new DomainError('ILLEGAL_TRANSITION', 'This submission was erased by retention', {
        extensions: { erasedAt: row.retention_erased_at.toISOString() },
      });
    return row;
  }

  private async visible(id: string): Promise<SubmissionRow> {
    // Row-level security answers only the actor's agency: another agency's submission is "not found".
    const row = await findSubmission(this.tx.manager(), id);
    if (!row) throw notFound('Intake submission');
    return row;
  }
}

/** The decision rule's suggestion for a draft (none without consent to the interview). */
function suggestionFor(draft: ScreeningDraft, form: CatalogueForm): Suggestion | null {
  const consented = draft.consent.some((c) => c.item === 'interview' && c.decision === 'given');
  if (!consented || !draft.profile) return null;
  const byCode = new Map(form.indicators.map((i) => [i.code, i]));
  const answered = (draft.answers ?? []).flatMap((a) => {
    const i = byCode.get(a.indicatorCode);
    return i
      ? [
          {
            code: a.indicatorCode,
            dimension: i.dimension as Dimension,
            weight: i.weight as Weight,
            answer: a.answer as Answer,
          },
        ]
      : [];
  });
  return suggestOutcome(answered, draft.profile.startsWith('child_'));
}

const toSummary = (r: SubmissionRow): IntakeSubmissionSummaryResponse => ({
  id: r.id,
  connectionId: r.connection_id,
  catalogueVersion: r.catalogue_version,
  status: r.status,
  suggestedOutcome: r.suggested_outcome,
  problems: r.problems,
  corrections: r.corrections,
  screeningId: r.screening_id,
  receivedAt: r.received_at.toISOString(),
  version: r.version,
  erasedAt: r.retention_erased_at?.toISOString() ?? null,
});
