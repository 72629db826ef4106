import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { findPersonsActiveWithoutCase, findPersonsStillKept } from './retention-erasers.queries.js';

/** A case whose personal values of one record type are due for erasure. */
export interface RetentionTarget {
  caseId: string;
  personId: string;
  leadAgencyId: string;
}

/** One record an eraser holds for a target case: what it is and which personal fields it still holds. */
export interface HeldRecord {
  resourceType: string;
  id: string;
  /** The case it belongs to; null for a record without a case (a caseless eraser's). */
  caseId: string | null;
  fields: string[];
}

/**
 * What a feature gives retention for its personal values. The run calls `find` and `erase`
 * once per agency with the transaction's row-level-security context set to that agency, so
 * an eraser works on the rows that agency owns and never needs to bypass row-level security
 * (`app_current_agency_id()` names the agency). Erasing replaces personal values (NULL, or an
 * encrypted marker where a column cannot be NULL) and removes blind indexes; it keeps the row,
 * its codes and its dates so statistics and the audit trail still add up.
 */
export interface RetentionEraser {
  /** Months after the case closed before the values go; RETENTION_SCHEDULES overrides it. */
  defaultMonths: number;
  /** What is erased, in a sentence (the schedules endpoint and docs/data-protection.md). */
  description: string;
  /** The records of these cases that the context's agency holds. Must not change anything. */
  find(m: EntityManager, targets: RetentionTarget[]): Promise<HeldRecord[]>;
  /** Erases the personal values of records `find` returned, in the same agency context. */
  erase(m: EntityManager, records: HeldRecord[]): Promise<void>;
  /**
   * Optional: the targets whose values may go now (persons: only when no other case of the
   * person is still kept). Called once per run, outside any agency context.
   */
  eligible?(m: EntityManager, targets: RetentionTarget[], closedBefore: Date): Promise<RetentionTarget[]>;
}

/**
 * What a feature gives retention for records that may have NO case (a screening that never led
 * to one, a tracing request never matched to one): their clock is their own (last activity or
 * closure, `countedFrom`), not a case's closure. Like a case eraser, `find` and `erase` run once
 * per agency in that agency's row-level-security context, and touch that agency's rows only.
 */
export interface CaselessEraser {
  /** Months after `countedFrom` before the values go; RETENTION_SCHEDULES overrides it. */
  defaultMonths: number;
  /** What is erased, in a sentence. */
  description: string;
  /** What the clock counts from, in a few words (the schedules endpoint). */
  countedFrom: string;
  /**
   * The context agency's records whose clock ran out at `before` and whose values are still
   * there; `waiting` counts those due but kept because a case of the same person is still kept
   * (open, closed after `before`, or on legal hold). Must not change anything.
   */
  find(m: EntityManager, before: Date): Promise<{ records: HeldRecord[]; waiting: number }>;
  /** The context agency's records of this type about one person, whatever their clock (erasure on request). */
  findForPerson(m: EntityManager, personId: string): Promise<HeldRecord[]>;
  /** Erases the personal values of records `find` or `findForPerson` returned, and marks them erased. */
  erase(m: EntityManager, records: HeldRecord[]): Promise<void>;
}

/**
 * The one interface between retention and the features that hold personal values: each
 * feature registers an eraser for its record type (`erasers.register('documents', …)` in its
 * module's onModuleInit), and the retention run erases whatever is registered.
 */
@Injectable()
export class RetentionErasers {
  private readonly erasers = new Map<string, RetentionEraser>();
  private readonly caselessErasers = new Map<string, CaselessEraser>();

  register(recordType: string, eraser: RetentionEraser): void {
    this.checkNew(recordType);
    this.erasers.set(recordType, eraser);
  }

  /** Registers an eraser for records without a case, counted on their own clock. */
  registerCaseless(recordType: string, eraser: CaselessEraser): void {
    this.checkNew(recordType);
    this.caselessErasers.set(recordType, eraser);
  }

  /** Every registered case record type with its eraser, in registration order. */
  all(): [string, RetentionEraser][] {
    return [...this.erasers];
  }

  /** Every registered caseless record type with its eraser, in registration order. */
  caseless(): [string, CaselessEraser][] {
    return [...this.caselessErasers];
  }

  /**
   * For a caseless eraser's `find`: which of the persons are still kept by a case (open, closed
   * after `before`, or on legal hold), so their records wait (counted as `waiting`).
   */
  keptPersons(m: EntityManager, personIds: string[], before: Date): Promise<Set<string>> {
    return personIds.length ? findPersonsStillKept(m, [...new Set(personIds)], before) : Promise.resolve(new Set());
  }

  /**
   * Which of the persons are still kept by a case (as keptPersons) or, never given a case, by
   * activity after `before` (the persons-without-case clock): a record attached to the person
   * itself (a file on them) waits for either.
   */
  async keptOrActivePersons(m: EntityManager, personIds: string[], before: Date): Promise<Set<string>> {
    if (!personIds.length) return new Set();
    const ids = [...new Set(personIds)];
    const kept = await findPersonsStillKept(m, ids, before);
    const active = await findPersonsActiveWithoutCase(m, ids, before);
    return new Set([...kept, ...active]);
  }

  private checkNew(recordType: string): void {
    if (!/^[a-z][a-z-]{1,39}$/.test(recordType)) throw new Error(`retention record type ${recordType} is not valid`);
    if (this.erasers.has(recordType) || this.caselessErasers.has(recordType))
      throw new Error(`retention record type ${recordType} is registered twice`);
  }
}
