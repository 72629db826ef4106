import { Inject, Injectable } from '@nestjs/common';
import { CaseTransfersService } from '../case-transfers/case-transfers.service.js';
import { CasesService } from '../cases/cases.service.js';
import { AssistanceService } from '../cases/assistance.service.js';
import type { Actor } from '../common/context/request-context.js';
import { DomainError } from '../common/errors/domain-error.js';
import { TransactionService } from '../database/transaction.service.js';
import type { RecordType } from '../documents/dto/document.dto.js';
import { DocumentsService } from '../documents/documents.service.js';
import { FacilitiesService } from '../facilities/facilities.service.js';
import { IntakeSubmissionsService } from '../intake/intake-submissions.service.js';
import { PersonsService } from '../persons/persons.service.js';
import { ReferralsService } from '../referrals/referrals.service.js';
import type { ReturnNoticeResponse } from '../returns/dto/return.dto.js';
import { ReturnsService } from '../returns/returns.service.js';
import { ScreeningService } from '../screening/screening.service.js';
import { TracingService } from '../tracing/tracing.service.js';
import type { SubjectAccessCase, SubjectAccessExport, SubjectAccessSection } from './dto/subject-request.dto.js';
import { findSubjectRecords } from './subject-requests.queries.js';

/** Bounds: a person has a handful of cases and screenings; these stop a runaway export. */
const MAX_CASE_PAGES = 10;
const MAX_SCREENINGS = 100;
const MAX_DOCUMENT_PAGES = 10;

/**
 * What the export still does not hold, said plainly (docs/data-protection.md). Documents are
 * listed with their type, description and file names; their files are downloaded one by one.
 */
const NOT_COVERED = [
  "the files of documents: each is listed with its type, description and file name; its file is downloaded from the document's own route",
];

/**
 * Everything held about one person that the requesting supervisor may see, assembled from the
 * very read services the API answers with: each applies the access rules of src/access/ (the
 * limited view of a referred case, a placement only in one's own facility, a tracing request,
 * expected arrival or return notice only of one's own agency, a transfer only to a party), decrypts,
 * and notes the ids it returned for the request's access entry. A section the actor may not
 * see answers 404 there and is left out here, as the API would leave it out.
 */
@Injectable()
export class SubjectAccessExporter {
  constructor(
    @Inject(TransactionService) private readonly tx: TransactionService,
    @Inject(PersonsService) private readonly persons: PersonsService,
    @Inject(CasesService) private readonly cases: CasesService,
    @Inject(AssistanceService) private readonly assistance: AssistanceService,
    @Inject(ReferralsService) private readonly referrals: ReferralsService,
    @Inject(FacilitiesService) private readonly facilities: FacilitiesService,
    @Inject(ScreeningService) private readonly screenings: ScreeningService,
    @Inject(TracingService) private readonly tracing: TracingService,
    @Inject(ReturnsService) private readonly returns: ReturnsService,
    @Inject(CaseTransfersService) private readonly transfers: CaseTransfersService,
    @Inject(DocumentsService) private readonly documents: DocumentsService,
    @Inject(IntakeSubmissionsService) private readonly intake: IntakeSubmissionsService,
  ) {}

  async build(actor: Actor, requestId: string, personId: string, producedAt: Date): Promise<SubjectAccessExport> {
    const person = await this.persons.get(actor, personId);
    const screeningList = await this.screenings.list(actor, { personId, limit: MAX_SCREENINGS });
    const screenings = [];
    const decisions = [];
    for (const s of screeningList) {
      screenings.push(await this.screenings.get(actor, s.id));
      decisions.push(...((await visibleOrNothing(() => this.screenings.decisions(actor, s.id))) ?? []));
    }

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

    // The agency's own records about the person outside its visible cases' sections.
    const own = await findSubjectRecords(this.tx.manager(), personId);
    const tracingRequests = await this.each(own.tracingRequests, (id) => this.tracing.get(actor, id));
    const arrivals = await this.each(own.expectedArrivals, (id) => this.returns.arrival(actor, id));
    const arrivalIds = new Set(arrivals.map((a) => a.id));
    const notices = await this.each([...new Set(arrivals.map((a) => a.noticeId))], async (id) =>
      onlyThePerson(await this.returns.notice(actor, id), arrivalIds),
    );
    const caseTransfers = await this.each(own.caseTransfers, (id) => this.transfers.get(actor, id));

    // Files attached to the person and to screenings without a case (a case's files are in its own section).
    const documents = await this.documentsOf(actor, { recordType: 'person', recordId: personId });
    for (const s of screeningList.filter((x) => !x.caseId))
      documents.push(...(await this.documentsOf(actor, { recordType: 'screening', recordId: s.id })));

    // Interviews received from KoboToolbox (the agency's own): submitted as a screening of the person,
    // or drafts attributed by name (no stored link yet; `linkedBy: 'name'`, for the supervisor to confirm).
    const intakeSubmissions = await this.intake.forSubjectAccess(personId, {
      names: person.names,
      birthYear: person.birth?.birthYear ?? null,
    });

    const sections: SubjectAccessSection[] = [
      { section: 'screenings', items: screenings },
      { section: 'identificationDecisions', items: decisions },
      { section: 'documents', items: documents },
      { section: 'tracingRequests', items: tracingRequests },
      { section: 'expectedArrivals', items: arrivals },
      { section: 'returnNotices', items: notices },
      { section: 'caseTransfers', items: caseTransfers },
      { section: 'intakeSubmissions', items: intakeSubmissions },
    ];
    return {
      requestId,
      agencyId: actor.agencyId,
      producedAt: producedAt.toISOString(),
      person,
      sections,
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
      ['documents', () => this.documentsOf(actor, { caseId })],
    ];
    const sections: SubjectAccessSection[] = [];
    for (const [section, read] of sources) {
      const items = await visibleOrNothing(read);
      if (items) sections.push({ section, items });
    }
    return { caseId, caseNumber: c.caseNumber, view: c.view, case: c, sections };
  }

  /** Reads each record through its service, one at a time (the transaction runs one query at a time). */
  private async each<T>(ids: string[], read: (id: string) => Promise<T>): Promise<T[]> {
    const out: T[] = [];
    for (const id of ids) {
      const item = await visibleOrNothing(async () => [await read(id)]);
      if (item) out.push(...item);
    }
    return out;
  }

  /** The documents of a case or a record as GET /documents answers them (metadata, no content). */
  private async documentsOf(
    actor: Actor,
    scope: { caseId: string } | { recordType: RecordType; recordId: string },
  ): Promise<unknown[]> {
    const items: unknown[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < MAX_DOCUMENT_PAGES; page++) {
      const result = await this.documents.list(actor, { ...scope, limit: 100, cursor });
      items.push(...result.items);
      if (!result.nextCursor) break;
      cursor = result.nextCursor;
    }
    return items;
  }
}

/** A notice announces a group: the export keeps the notice and the person's own arrivals only, never the others'. */
function onlyThePerson(notice: ReturnNoticeResponse, arrivalIds: Set<string>): ReturnNoticeResponse {
  return { ...notice, arrivals: notice.arrivals.filter((a) => arrivalIds.has(a.id)) };
}

/** A section the actor may not see (404 or 403 from its read service) is not part of the export. */
async function visibleOrNothing<T>(read: () => Promise<T[]>): Promise<T[] | undefined> {
  try {
    return await read();
  } catch (e) {
    if (e instanceof DomainError && (e.code === 'NOT_FOUND' || e.code === 'FORBIDDEN')) return undefined;
    throw e;
  }
}
