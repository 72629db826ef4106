import { Inject, Injectable } from '@nestjs/common';
import { DomainEvents } from '../events/domain-events.service.js';
import { Clock } from '../common/clock.js';
import { AccessService } from '../access/access.service.js';
import { AgencyEntity } from '../agencies/agency.entity.js';
import { AuditService, diffFields } from '../audit/audit.service.js';
import type { Actor } from '../common/context/request-context.js';
import { DomainError, type FieldError, notFound } from '../common/errors/domain-error.js';
import { uuidv7 } from '../common/uuid.js';
import { FieldCipher } from '../crypto/field-cipher.js';
import { findById } from '../database/find-by-id.js';
import { TransactionService } from '../database/transaction.service.js';
import { PersonsService } from '../persons/persons.service.js';
import { CONSENT_ITEMS } from '../reference-data/data/code-lists.js';
import { CatalogueService } from './catalogue.service.js';
import {
  type AnsweredIndicator,
  type Answer,
  type Dimension,
  type Suggestion,
  suggestOutcome,
  type Weight,
} from './decision-rule.js';
import type {
  CreateScreeningRequest,
  IdentificationDecisionRequest,
  IdentificationDecisionResponse,
  IndicatorAnswer,
  ScreeningListQuery,
  ScreeningResponse,
  ScreeningSummaryResponse,
  VictimContext,
} from './dto/screening.dto.js';
import { IdentificationDecisionEntity, ScreeningEntity } from './screening.entities.js';
import {
  findCatalogueVersion,
  findLatestDecisionStatus,
  listVisibleScreenings,
  nextDecisionRevision,
  setSubmittedToAgency,
} from './screening.queries.js';

const CLOCK_SKEW_MS = 5 * 60_000;
const invalid = (errors: FieldError[], detail = 'Some fields are invalid') =>
  new DomainError('VALIDATION_FAILED', detail, { errors });

interface StoredAnswers {
  answers: Record<string, Answer>;
  notes: Record<string, string>;
}

const enc = (id: string, column: string) => ({ table: 'screening', column, id });

const DECISION_ORG_BY_LOCAL_TYPE: Record<string, string> = {
  police_anti_trafficking_unit: 'Police',
  government_department: 'NonPoliceGovernmentalOrganization',
  transit_centre: 'NonPoliceGovernmentalOrganization',
};

/**
 * Victim identification screening: captures the interview, SUGGESTS an outcome with the
 * ILO/EC rule, and keeps the formal identification decision as a separate human record.
 */
@Injectable()
export class ScreeningService {
  constructor(
    @Inject(TransactionService) private readonly tx: TransactionService,
    @Inject(AccessService) private readonly access: AccessService,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(FieldCipher) private readonly cipher: FieldCipher,
    @Inject(CatalogueService) private readonly catalogues: CatalogueService,
    @Inject(PersonsService) private readonly persons: PersonsService,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(DomainEvents) private readonly events: DomainEvents,
  ) {}

  private repo() {
    return this.tx.manager().getRepository(ScreeningEntity);
  }

  async create(actor: Actor, body: CreateScreeningRequest): Promise<ScreeningResponse> {
    const conductedAt = new Date(body.conductedAt);
    const errors: FieldError[] = [];
    if (conductedAt.getTime() > this.clock.now().getTime() + CLOCK_SKEW_MS)
      errors.push({ field: 'conductedAt', messages: ['conductedAt must not be in the future'] });
    errors.push(...this.checkConsent(body), ...this.checkPlace(body));
    for (const [field, date] of Object.entries(body.victimContext ?? {})) {
      if (typeof date === 'string' && /Date$|Start$|End$/.test(field) && date > this.clock.today()) {
        errors.push({ field: `victimContext.${field}`, messages: [`${field} must not be in the future`] });
      }
    }
    const codes = (body.answers ?? []).map((a) => a.indicatorCode);
    codes.forEach(
      (c, i) =>
        codes.indexOf(c) !== i &&
        errors.push({ field: `answers[${i}].indicatorCode`, messages: [`${c} is answered twice`] }),
    );
    if (errors.length) throw invalid(errors);

    const interviewConsent = body.consent.some((c) => c.item === 'interview' && c.decision === 'given');
    if (!interviewConsent) {
      // Without consent to the interview only the minimum record is kept: nothing asked, nothing inferred.
      const asked = (['answers', 'narrative', 'victimContext', 'exitMode'] as const).filter(
        (f) => body[f] !== undefined && !(Array.isArray(body[f]) && (body[f] as unknown[]).length === 0),
      );
      if (asked.length) {
        throw new DomainError('CONSENT_REQUIRED', 'Without consent to the interview only the minimum record is kept', {
          errors: asked.map((field) => ({
            field,
            messages: [`${field} cannot be recorded without interview consent`],
          })),
        });
      }
    }

    let catalogue;
    try {
      catalogue = await this.catalogues.byVersion(body.catalogueVersion);
    } catch {
      throw invalid([{ field: 'catalogueVersion', messages: ['no published catalogue has this version'] }]);
    }
    const indicators = await this.catalogues.indicators(catalogue.id, body.profile);
    if (!indicators.length)
      throw invalid([
        { field: 'profile', messages: [`catalogue version ${catalogue.version} has no ${body.profile} indicators`] },
      ]);

    if (body.personId) {
      await this.access.requirePerson(actor, body.personId, 'full');
      const age = await this.persons.ageOn(body.personId, conductedAt);
      const childProfile = body.profile.startsWith('child_');
      if (age !== null && childProfile !== age < 18) {
        throw new DomainError(
          'PROFILE_MISMATCH',
          `The person was ${age} at the interview: use ${age < 18 ? 'a child' : 'an adult'} profile`,
          {
            errors: [{ field: 'profile', messages: [`${body.profile} does not fit a person aged ${age}`] }],
          },
        );
      }
    }

    const byCode = new Map(indicators.map((i) => [i.code, i]));
    const outside = (body.answers ?? []).flatMap((a, i) =>
      byCode.has(a.indicatorCode)
        ? []
        : [
            {
              field: `answers[${i}].indicatorCode`,
              messages: [
                `${a.indicatorCode} is not a ${body.profile} indicator of catalogue version ${catalogue.version}`,
              ],
            },
          ],
    );
    if (outside.length) throw new DomainError('INDICATOR_NOT_IN_CATALOGUE', undefined, { errors: outside });

    const answered: AnsweredIndicator[] = (body.answers ?? []).map((a) => {
      const ind = byCode.get(a.indicatorCode)!;
      return {
        code: a.indicatorCode,
        dimension: ind.dimension as Dimension,
        weight: ind.weight as Weight,
        answer: a.answer as Answer,
      };
    });
    const suggestion: Suggestion | null = interviewConsent
      ? suggestOutcome(answered, body.profile.startsWith('child_'))
      : null;
    const id = uuidv7();
    const stored: StoredAnswers = {
      answers: Object.fromEntries((body.answers ?? []).map((a) => [a.indicatorCode, a.answer as Answer])),
      notes: Object.fromEntries((body.answers ?? []).filter((a) => a.note).map((a) => [a.indicatorCode, a.note!])),
    };
    const ctx: VictimContext = body.victimContext ?? {};
    await this.repo().insert({
      id,
      agencyId: actor.agencyId,
      interviewerId: actor.userId,
      personId: body.personId ?? null,
      caseId: null,
      catalogueId: catalogue.id,
      profile: body.profile,
      conductedAt,
      placeType: body.place.type,
      borderCrossingCode: body.place.borderCrossingCode ?? null,
      provinceCode: body.place.provinceCode ?? null,
      placeDetailEnc: this.cipher.encryptOptional(body.place.detail, enc(id, 'place_detail_enc')),
      interviewLanguage: body.interviewLanguage ?? null,
      interpreterUsed: body.interpreter?.used ?? false,
      interpreterLanguage: body.interpreter?.language ?? null,
      exitMode: body.exitMode ?? null,
      consent: body.consent.map((c) => ({
        item: c.item,
        decision: c.decision,
        givenBy: c.decision === 'given' ? (c.givenBy ?? null) : null,
      })),
      interviewConsent,
      exploitationTypes: ctx.exploitationTypes ?? [],
      isicSections: ctx.isicSections ?? [],
      meansOfControl: ctx.meansOfControl ?? [],
      recruitmentMethods: ctx.recruitmentMethods ?? [],
      recruitmentApps: ctx.recruitmentApps ?? [],
      recruiterRelationship: ctx.recruiterRelationship ?? null,
      recruitmentCountries: ctx.recruitmentCountries ?? [],
      transitCountries: ctx.transitCountries ?? [],
      exploitationCountries: ctx.exploitationCountries ?? [],
      recruitmentDate: ctx.recruitmentDate ?? null,
      exploitationStart: ctx.exploitationStart ?? null,
      exploitationEnd: ctx.exploitationEnd ?? null,
      immediateNeeds: body.immediateNeeds ?? [],
      risks: body.risks ?? [],
      answersEnc: interviewConsent ? this.cipher.encryptJson(stored, enc(id, 'answers_enc')) : null,
      resultsEnc: suggestion ? this.cipher.encryptJson(suggestion, enc(id, 'results_enc')) : null,
      narrativeEnc: this.cipher.encryptOptional(body.narrative, enc(id, 'narrative_enc')),
      suggestedOutcome: suggestion?.outcome ?? 'not_assessed',
      submittedToAgencyId: null,
    });
    await this.audit.change(
      'create',
      'screening',
      id,
      [
        ...diffFields(null, {
          profile: body.profile,
          catalogueVersion: catalogue.version,
          suggestedOutcome: suggestion?.outcome ?? 'not_assessed',
          interviewConsent,
          personId: body.personId ?? null,
        }),
        ...(body.answers?.length ? [{ field: 'answers', personal: true }] : []),
        ...(body.narrative ? [{ field: 'narrative', personal: true }] : []),
      ],
      null,
      { consent: body.consent.map((c) => `${c.item}:${c.decision}`) },
    );
    return this.get(actor, id);
  }

  private checkConsent(body: CreateScreeningRequest): FieldError[] {
    const errors: FieldError[] = [];
    const items = body.consent.map((c) => c.item);
    const missing = CONSENT_ITEMS.filter((i) => !items.includes(i));
    if (missing.length)
      errors.push({
        field: 'consent',
        messages: [`a decision is needed for every consent item; missing: ${missing.join(', ')}`],
      });
    items.forEach(
      (item, i) =>
        items.indexOf(item) !== i && errors.push({ field: `consent[${i}].item`, messages: [`${item} appears twice`] }),
    );
    body.consent.forEach((c, i) => {
      if (c.decision === 'given' && !c.givenBy)
        errors.push({ field: `consent[${i}].givenBy`, messages: ['givenBy is required when consent is given'] });
      if (c.decision !== 'given' && c.givenBy)
        errors.push({ field: `consent[${i}].givenBy`, messages: ['givenBy is only for consent that was given'] });
    });
    return errors;
  }

  private checkPlace(body: CreateScreeningRequest): FieldError[] {
    const errors: FieldError[] = [];
    if (body.place.type === 'border_crossing' && !body.place.borderCrossingCode)
      errors.push({
        field: 'place.borderCrossingCode',
        messages: ['borderCrossingCode is required at a border crossing'],
      });
    if (body.place.type === 'province' && !body.place.provinceCode)
      errors.push({ field: 'place.provinceCode', messages: ['provinceCode is required for a province'] });
    if (body.interpreter?.used && !body.interpreter.language)
      errors.push({ field: 'interpreter.language', messages: ['language is required when an interpreter was used'] });
    return errors;
  }

  async get(actor: Actor, id: string): Promise<ScreeningResponse> {
    await this.access.requireScreening(actor, id);
    const s = await findById(this.tx.manager(), ScreeningEntity, id);
    if (!s) throw notFound('Screening');
    const catalogue = await findCatalogueVersion(this.tx.manager(), s.catalogueId);
    const [latest] = await findLatestDecisionStatus(this.tx.manager(), id);
    this.audit.touch('screening', [id], s.caseId ? [s.caseId] : []);
    return this.toResponse(s, catalogue[0]!.version, latest?.status ?? null);
  }

  async list(actor: Actor, q: ScreeningListQuery): Promise<ScreeningSummaryResponse[]> {
    const v = this.access.screeningVisibility(actor, 's', 1);
    const rows = await listVisibleScreenings(
      this.tx.manager(),
      v,
      {
        personId: q.personId,
        caseId: q.caseId,
        suggestedOutcome: q.suggestedOutcome,
        // Submitted to the actor's agency, which has not decided yet.
        awaitingDecisionBy: q.awaitingDecision ? actor.agencyId : undefined,
      },
      q.limit ?? 50,
    );
    this.audit.touch(
      'screening',
      rows.map((r) => r.id),
      rows.flatMap((r) => (r.case_id ? [r.case_id] : [])),
    );
    return rows.map((r) => ({
      id: r.id,
      agencyId: r.agency_id,
      personId: r.person_id,
      caseId: r.case_id,
      profile: r.profile,
      conductedAt: r.conducted_at.toISOString(),
      suggestedOutcome: r.suggested_outcome,
      submittedToAgencyId: r.submitted_to_agency_id,
      identificationStatus: r.status,
    }));
  }

  /** Asks an identification authority (the police anti-trafficking department) to decide. */
  async submitForIdentification(actor: Actor, id: string, agencyId: string): Promise<ScreeningResponse> {
    await this.access.requireScreening(actor, id);
    const s = await this.repo().findOneByOrFail({ id });
    if (s.agencyId !== actor.agencyId) throw notFound('Screening');
    const target = await this.tx.manager().getRepository(AgencyEntity).findOneBy({ id: agencyId });
    if (!target || !target.active) throw invalid([{ field: 'agencyId', messages: ['no active agency has this id'] }]);
    if (!target.formalIdentificationAuthority && target.localType !== 'police_anti_trafficking_unit') {
      throw new DomainError(
        'NOT_IDENTIFICATION_AUTHORITY',
        'Identification decisions are made by the police anti-trafficking department',
        { errors: [{ field: 'agencyId', messages: ['this agency does not decide identification'] }] },
      );
    }
    await setSubmittedToAgency(this.tx.manager(), id, agencyId);
    await this.audit.change(
      'submit_for_identification',
      'screening',
      id,
      diffFields({ submittedToAgencyId: s.submittedToAgencyId }, { submittedToAgencyId: agencyId }),
      s.caseId,
    );
    await this.events.record({
      type: 'identification.requested',
      agencyIds: [actor.agencyId, agencyId],
      caseId: s.caseId,
      subjectId: id,
      payload: { screeningId: id, identificationAgencyId: agencyId },
    });
    return this.get(actor, id);
  }

  /** Records a formal decision; a later one revises it and the history is kept whole. */
  async decide(actor: Actor, id: string, body: IdentificationDecisionRequest): Promise<IdentificationDecisionResponse> {
    await this.access.requireScreening(actor, id);
    const s = await this.repo().findOneByOrFail({ id });
    if (s.agencyId !== actor.agencyId && s.submittedToAgencyId !== actor.agencyId) throw notFound('Screening');
    if (body.decidedOn > this.clock.today())
      throw invalid([{ field: 'decidedOn', messages: ['decidedOn must not be in the future'] }]);
    const agency = await this.tx.manager().getRepository(AgencyEntity).findOneByOrFail({ id: actor.agencyId });
    if (body.status === 'ActualVictimOfTrafficking' && !agency.formalIdentificationAuthority) {
      throw new DomainError(
        'NOT_IDENTIFICATION_AUTHORITY',
        'Only a formal identification authority (in Lao PDR, the central anti-trafficking department) can record an actual victim',
        {
          errors: [
            {
              field: 'status',
              messages: ['record PossibleVictimOfTrafficking, or submit the screening to the identification authority'],
            },
          ],
        },
      );
    }
    const next = await nextDecisionRevision(this.tx.manager(), id);
    const decisionId = uuidv7();
    await this.tx.manager().insert(IdentificationDecisionEntity, {
      id: decisionId,
      screeningId: id,
      revision: next,
      status: body.status,
      decisionOrgType: body.decisionOrgType ?? DECISION_ORG_BY_LOCAL_TYPE[agency.localType] ?? 'NGO',
      decidingAgencyId: actor.agencyId,
      decidedBy: actor.userId,
      decidedOn: body.decidedOn,
      basisEnc: this.cipher.encryptJson(body.basis, {
        table: 'identification_decision',
        column: 'basis_enc',
        id: decisionId,
      }),
    });
    const previous = next > 1 ? ((await this.latestDecision(id, next - 1))?.status ?? null) : null;
    await this.audit.change(
      next > 1 ? 'revise_identification' : 'identify',
      'identification_decision',
      decisionId,
      [...diffFields({ status: previous }, { status: body.status }), { field: 'basis', personal: true }],
      s.caseId,
      { screeningId: id, revision: next },
    );
    await this.events.record({
      type: 'identification.decided',
      agencyIds: [s.agencyId, actor.agencyId],
      caseId: s.caseId,
      subjectId: decisionId,
      payload: { screeningId: id, decisionId, status: body.status, revision: next },
    });
    return (await this.decisions(actor, id)).find((d) => d.id === decisionId)!;
  }

  async decisions(actor: Actor, id: string): Promise<IdentificationDecisionResponse[]> {
    await this.access.requireScreening(actor, id);
    const rows = await this.tx
      .manager()
      .getRepository(IdentificationDecisionEntity)
      .find({ where: { screeningId: id }, order: { revision: 'ASC' } });
    this.audit.touch(
      'identification_decision',
      rows.map((r) => r.id),
    );
    const last = rows.at(-1)?.revision;
    return rows.map((d) => ({
      id: d.id,
      screeningId: d.screeningId,
      revision: d.revision,
      status: d.status,
      decisionOrgType: d.decisionOrgType,
      decidingAgencyId: d.decidingAgencyId,
      decidedBy: d.decidedBy,
      decidedOn: d.decidedOn,
      basis: this.cipher.decryptJson<string>(d.basisEnc, {
        table: 'identification_decision',
        column: 'basis_enc',
        id: d.id,
      }),
      recordedAt: d.recordedAt.toISOString(),
      current: d.revision === last,
    }));
  }

  private async latestDecision(screeningId: string, revision?: number): Promise<IdentificationDecisionEntity | null> {
    return this.tx
      .manager()
      .getRepository(IdentificationDecisionEntity)
      .findOne({
        where: { screeningId, ...(revision ? { revision } : {}) },
        order: { revision: 'DESC' },
      });
  }

  private toResponse(
    s: ScreeningEntity,
    catalogueVersion: number,
    identificationStatus: string | null,
  ): ScreeningResponse {
    const stored = this.cipher.decryptOptional<StoredAnswers>(s.answersEnc, enc(s.id, 'answers_enc'));
    const results = this.cipher.decryptOptional<Suggestion>(s.resultsEnc, enc(s.id, 'results_enc'));
    const answers: IndicatorAnswer[] = Object.entries(stored?.answers ?? {}).map(([indicatorCode, answer]) => ({
      indicatorCode,
      answer,
      ...(stored?.notes[indicatorCode] ? { note: stored.notes[indicatorCode] } : {}),
    }));
    return {
      id: s.id,
      agencyId: s.agencyId,
      interviewerId: s.interviewerId,
      personId: s.personId,
      caseId: s.caseId,
      catalogueVersion,
      profile: s.profile,
      conductedAt: s.conductedAt.toISOString(),
      place: {
        type: s.placeType,
        ...(s.borderCrossingCode ? { borderCrossingCode: s.borderCrossingCode } : {}),
        ...(s.provinceCode ? { provinceCode: s.provinceCode } : {}),
        ...(s.placeDetailEnc
          ? { detail: this.cipher.decryptJson<string>(s.placeDetailEnc, enc(s.id, 'place_detail_enc')) }
          : {}),
      },
      interviewLanguage: s.interviewLanguage,
      interpreter: { used: s.interpreterUsed, ...(s.interpreterLanguage ? { language: s.interpreterLanguage } : {}) },
      consent: s.consent,
      interviewConsent: s.interviewConsent,
      exitMode: s.exitMode,
      victimContext: {
        exploitationTypes: s.exploitationTypes,
        isicSections: s.isicSections,
        meansOfControl: s.meansOfControl,
        recruitmentMethods: s.recruitmentMethods,
        recruitmentApps: s.recruitmentApps,
        ...(s.recruiterRelationship ? { recruiterRelationship: s.recruiterRelationship } : {}),
        recruitmentCountries: s.recruitmentCountries,
        transitCountries: s.transitCountries,
        exploitationCountries: s.exploitationCountries,
        ...(s.recruitmentDate ? { recruitmentDate: s.recruitmentDate } : {}),
        ...(s.exploitationStart ? { exploitationStart: s.exploitationStart } : {}),
        ...(s.exploitationEnd ? { exploitationEnd: s.exploitationEnd } : {}),
      },
      immediateNeeds: s.immediateNeeds,
      risks: s.risks,
      answers,
      narrative: this.cipher.decryptOptional<string>(s.narrativeEnc, enc(s.id, 'narrative_enc')),
      suggestion: results
        ? { outcome: results.outcome, dimensions: results.dimensions, explanation: results.explanation }
        : {
            outcome: s.suggestedOutcome,
            dimensions: [],
            explanation: ['Not assessed: the person did not consent to the interview.'],
          },
      submittedToAgencyId: s.submittedToAgencyId,
      identificationStatus,
      createdAt: s.createdAt.toISOString(),
      version: s.version,
    };
  }
}
