import { Inject, Injectable } from '@nestjs/common';
import { CasesService } from '../cases/cases.service.js';
import { AssistanceService } from '../cases/assistance.service.js';
import type { Actor } from '../common/context/request-context.js';
import { DomainError } from '../common/errors/domain-error.js';
import { FacilitiesService } from '../facilities/facilities.service.js';
import { PersonsService } from '../persons/persons.service.js';
import { ReferralsService } from '../referrals/referrals.service.js';
import { ScreeningService } from '../screening/screening.service.js';
import type { SubjectAccessCase, SubjectAccessExport, SubjectAccessSection } from './dto/subject-request.dto.js';

/** Bounds: a person has a handful of cases and screenings; these stop a runaway export. */
const MAX_CASE_PAGES = 10;
const MAX_SCREENINGS = 100;

/** What the export does not hold yet (docs/data-protection.md, "Left to do"). */
const NOT_COVERED = [
  'tracing requests (they are matched to cases, not persons)',
  'expected arrivals and return notices',
  'lead transfers of cases',
];

/**
 * Everything held about one person that the requesting supervisor may see, assembled from the
 * very read services the API answers with: each applies the access rules of src/access/ (the
 * limited view of a referred case, a placement only in one's own facility, …), decrypts, and
 * notes the ids it returned for the request's access entry. A section the actor may not see
 * answers 404 there and is left out here, as the API would leave it out.
 */
@Injectable()
export class SubjectAccessExporter {
  constructor(
    @Inject(PersonsService) private readonly persons: PersonsService,
    @Inject(CasesService) private readonly cases: CasesService,
    @Inject(AssistanceService) private readonly assistance: AssistanceService,
    @Inject(ReferralsService) private readonly referrals: ReferralsService,
    @Inject(FacilitiesService) private readonly facilities: FacilitiesService,
    @Inject(ScreeningService) private readonly screenings: ScreeningService,
  ) {}

  async build(actor: Actor, requestId: string, personId: string, producedAt: Date): Promise<SubjectAccessExport> {
    const person = await this.persons.get(actor, personId);
    const screeningList = await this.screenings.list(actor, { personId, limit: MAX_SCREENINGS });
    const screenings = [];
    for (const s of screeningList) screenings.push(await this.screenings.get(actor, s.id));

    const caseIds: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < MAX_CASE_PAGES; page++) {
      const result = await this.cases.list(actor, { personId, limit: 100, cursor });
      caseIds.push(...result.items.map((c) => c.id));
      if (!result.nextCursor) break;
      cursor = result.nextCursor;
    }
    const cases: SubjectAccessCase[] = [];
    for (const caseId of caseIds) cases.push(await this.caseOf(actor, caseId));
    return {
      requestId,
      agencyId: actor.agencyId,
      producedAt: producedAt.toISOString(),
      person,
      sections: [{ section: 'screenings', items: screenings }],
      cases,
      notCovered: NOT_COVERED,
    };
  }

  private async caseOf(actor: Actor, caseId: string): Promise<SubjectAccessCase> {
    const c = await this.cases.get(actor, caseId);
    const sources: [string, () => Promise<unknown[]>][] = [
      ['consents', () => this.assistance.consents(actor, caseId)],
      ['assessments', () => this.assistance.assessments(actor, caseId)],
      ['supportPlans', () => this.assistance.plans(actor, caseId)],
      ['services', () => this.assistance.services(actor, caseId)],
      ['followUps', () => this.assistance.followUps(actor, caseId)],
      ['notes', () => this.assistance.notes(actor, caseId, true)],
      ['referrals', () => this.referrals.forCase(actor, caseId)],
      ['familyAssessments', () => this.referrals.familyAssessments(actor, caseId)],
      ['placements', () => this.facilities.placementsOfCase(actor, caseId)],
    ];
    const sections: SubjectAccessSection[] = [];
    for (const [section, read] of sources) {
      const items = await visibleOrNothing(read);
      if (items) sections.push({ section, items });
    }
    return { caseId, caseNumber: c.caseNumber, view: c.view, case: c, sections };
  }
}

/** A section the actor may not see (404 or 403 from its read service) is not part of the export. */
async function visibleOrNothing(read: () => Promise<unknown[]>): Promise<unknown[] | undefined> {
  try {
    return await read();
  } catch (e) {
    if (e instanceof DomainError && (e.code === 'NOT_FOUND' || e.code === 'FORBIDDEN')) return undefined;
    throw e;
  }
}
