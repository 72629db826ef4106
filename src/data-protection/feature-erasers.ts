import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { FieldCipher } from '../crypto/field-cipher.js';
import { type HeldRecord, RetentionErasers, type RetentionTarget } from './retention-erasers.js';
import * as q from './retention-erasers.queries.js';

/** What replaces a personal text that cannot be NULL: says what happened, names nobody. */
export const ERASED_TEXT = '[erased]';

const held = (resourceType: string, rows: q.HeldRow[]): HeldRecord[] =>
  rows.map((r) => ({ resourceType, id: r.id, caseId: r.case_id, fields: r.fields }));
const heldByKind = (rows: (q.HeldRow & { kind: string })[]): HeldRecord[] =>
  rows.map((r) => ({ resourceType: r.kind, id: r.id, caseId: r.case_id, fields: r.fields }));
const idsOf = (records: HeldRecord[], resourceType: string) =>
  records.filter((r) => r.resourceType === resourceType).map((r) => r.id);
const caseIds = (targets: RetentionTarget[]) => targets.map((t) => t.caseId);

/**
 * The erasers of the features that held personal values before retention existed. A new
 * feature registers its own from its module (see RetentionErasers); the defaults are
 * documented in docs/data-protection.md.
 */
@Injectable()
export class FeatureErasers implements OnModuleInit {
  constructor(
    @Inject(RetentionErasers) private readonly erasers: RetentionErasers,
    @Inject(FieldCipher) private readonly cipher: FieldCipher,
  ) {}

  private markers(ids: string[], table: string, column: string, value: unknown): Buffer[] {
    return ids.map((id) => this.cipher.encryptJson(value, { table, column, id }));
  }

  /**
   * Records without a case, on their own clock (docs/data-protection.md): a screening that never
   * led to a case, counted from its last activity; a tracing request never matched to a case,
   * counted from its closure. Each waits while a case of the same person is still kept.
   */
  private registerCaseless(): void {
    const caseless = (rows: q.CaselessHeldRow[]): HeldRecord[] =>
      rows.map((r) => ({ resourceType: r.kind, id: r.id, caseId: null, fields: r.fields }));
    const dueUnlessKept = async (m: EntityManager, rows: q.CaselessHeldRow[], before: Date) => {
      if (!rows.length) return { records: [], waiting: 0 };
      const kept = await q.findPersonsStillKept(m, [...new Set(rows.flatMap((r) => r.person_id ?? []))], before);
      const due = rows.filter((r) => !r.person_id || !kept.has(r.person_id));
      return { records: caseless(due), waiting: rows.length - due.length };
    };
    this.erasers.registerCaseless('screenings-without-case', {
      defaultMonths: 36,
      countedFrom: "the screening's last activity (interview, submission or identification decision)",
      description:
        'Screenings that never led to a case: answers, suggested results, narratives, place details; identification decision bases',
      find: async (m, before) => dueUnlessKept(m, await q.findCaselessScreenings(m, { before }), before),
      findForPerson: async (m, personId) => caseless(await q.findCaselessScreenings(m, { personId })),
      erase: async (m, records) => {
        await q.eraseCaselessScreenings(m, idsOf(records, 'screening'));
        const decisions = idsOf(records, 'identification_decision');
        await q.eraseCaselessDecisionBases(
          m,
          decisions,
          this.markers(decisions, 'identification_decision', 'basis_enc', ERASED_TEXT),
        );
      },
    });
    this.erasers.registerCaseless('tracing-without-case', {
      defaultMonths: 36,
      countedFrom: 'the closure of the tracing request (its outcome), or its last change if never closed',
      description:
        "Tracing requests never matched to a case: the inquirer, the sought person's names and details, outcome notes, name indexes",
      find: async (m, before) => dueUnlessKept(m, await q.findCaselessTracingRequests(m, { before }), before),
      findForPerson: async (m, personId) => caseless(await q.findCaselessTracingRequests(m, { personId })),
      erase: async (m, records) => {
        const ids = idsOf(records, 'tracing_request');
        await this.eraseTracing(m, ids);
        await q.markTracingRequestsErased(m, ids);
      },
    });
  }

  /**
   * A person registered but never given a case (screened only): their identity on a clock of its
   * own, counted from their last activity anywhere. A person with any case is the `persons`
   * schedule's (counted from the closure of their cases, never while one is kept or held).
   */
  private registerCaselessPersons(): void {
    this.erasers.registerCaseless('persons-without-case', {
      defaultMonths: 36,
      countedFrom:
        "the person's last activity: registration or last change, their latest screening or identification decision, tracing match or arrival (any agency)",
      description:
        'Persons never given a case: names, birth data, address, contacts, identity documents, guardian and name indexes; sex, citizenships and home province stay',
      find: async (m, before) => ({ records: held('person', await q.findCaselessPersonsDue(m, before)), waiting: 0 }),
      // On a whole-person request the `persons` eraser takes the identity (and marks it erased).
      findForPerson: async () => [],
      erase: (m, records) => {
        const ids = idsOf(records, 'person');
        return q.erasePersons(m, ids, this.markers(ids, 'person', 'names_enc', {}));
      },
    });
  }

  private eraseTracing(m: EntityManager, ids: string[]): Promise<void> {
    return q.eraseTracingRequests(
      m,
      ids,
      this.markers(ids, 'tracing_request', 'inquirer_enc', { name: ERASED_TEXT, relationship: ERASED_TEXT }),
      this.markers(ids, 'tracing_request', 'names_enc', {}),
    );
  }

  onModuleInit(): void {
    this.erasers.register('cases', {
      defaultMonths: 60,
      description: 'Assessment findings, support-plan objectives and actions, service and follow-up notes, case notes',
      find: async (m, targets) => heldByKind(await q.findHeldCaseRecords(m, caseIds(targets))),
      erase: async (m, records) => {
        await q.eraseNullableCaseRecords(m, {
          assessments: idsOf(records, 'case_assessment'),
          services: idsOf(records, 'case_service_record'),
          followUps: idsOf(records, 'case_follow_up'),
        });
        const plans = idsOf(records, 'case_support_plan');
        await q.eraseSupportPlans(m, plans, this.markers(plans, 'case_support_plan', 'objectives_enc', ERASED_TEXT));
        const notes = idsOf(records, 'case_note');
        await q.eraseCaseNotes(m, notes, this.markers(notes, 'case_note', 'body_enc', ERASED_TEXT));
      },
    });
    this.erasers.register('referrals', {
      defaultMonths: 60,
      description: "Referral notes, consent-override reasons, receiving agencies' family assessment findings",
      find: async (m, targets) => heldByKind(await q.findHeldReferrals(m, caseIds(targets))),
      erase: (m, records) => q.eraseReferrals(m, idsOf(records, 'referral'), idsOf(records, 'family_assessment')),
    });
    this.erasers.register('case-transfers', {
      defaultMonths: 60,
      description: 'Notes of lead transfers',
      find: async (m, targets) => held('case_transfer', await q.findHeldTransferNotes(m, caseIds(targets))),
      erase: (m, records) => q.eraseTransferNotes(m, idsOf(records, 'case_transfer')),
    });
    this.erasers.register('returns', {
      defaultMonths: 60,
      description: "Expected arrivals' names, birth, address, documents and vulnerabilities, and their name indexes",
      find: async (m, targets) => held('expected_arrival', await q.findHeldArrivals(m, caseIds(targets))),
      erase: (m, records) => q.eraseArrivals(m, idsOf(records, 'expected_arrival')),
    });
    this.erasers.register('tracing', {
      defaultMonths: 60,
      description:
        "Family tracing requests matched to the case: the inquirer, the sought person's names and details, outcome notes, name indexes",
      find: async (m, targets) => held('tracing_request', await q.findHeldTracingRequests(m, caseIds(targets))),
      erase: (m, records) => this.eraseTracing(m, idsOf(records, 'tracing_request')),
    });
    this.erasers.register('screenings', {
      defaultMonths: 84,
      description: 'Screening answers, suggested results, narratives and place details, identification decision bases',
      find: async (m, targets) => heldByKind(await q.findHeldScreenings(m, caseIds(targets))),
      erase: async (m, records) => {
        await q.eraseScreenings(m, idsOf(records, 'screening'));
        const decisions = idsOf(records, 'identification_decision');
        await q.eraseDecisionBases(
          m,
          decisions,
          this.markers(decisions, 'identification_decision', 'basis_enc', ERASED_TEXT),
        );
      },
    });
    this.registerCaseless();
    this.registerCaselessPersons();
    this.erasers.register('persons', {
      defaultMonths: 120,
      description:
        "The person's names, birth data, address, contacts, identity documents, guardian and name indexes " +
        '(once no other case of theirs is kept); sex, citizenships and home province stay',
      find: async (m, targets) =>
        held(
          'person',
          await q.findHeldPersons(
            m,
            targets.map((t) => t.personId),
            caseIds(targets),
          ),
        ),
      erase: (m, records) => {
        const ids = idsOf(records, 'person');
        return q.erasePersons(m, ids, this.markers(ids, 'person', 'names_enc', {}));
      },
      eligible: async (m: EntityManager, targets, closedBefore) => {
        const kept = await q.findPersonsStillKept(
          m,
          targets.map((t) => t.personId),
          closedBefore,
        );
        return targets.filter((t) => !kept.has(t.personId));
      },
    });
  }
}
