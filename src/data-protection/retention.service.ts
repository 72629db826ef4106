import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { Clock } from '../common/clock.js';
import type { Actor } from '../common/context/request-context.js';
import { uuidv7 } from '../common/uuid.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { FieldCipher } from '../crypto/field-cipher.js';
import { TransactionService } from '../database/transaction.service.js';
import { DomainEvents } from '../events/domain-events.service.js';
import { ageOn, type StoredBirth } from '../persons/person.codec.js';
import { JobQueue } from '../queue/job-queue.service.js';
import type { RetentionReport, RetentionRunResponse, RetentionScheduleResponse } from './dto/retention.dto.js';
import {
  type CaselessEraser,
  type HeldRecord,
  type RetentionEraser,
  RetentionErasers,
  type RetentionTarget,
} from './retention-erasers.js';
import {
  findCasesWithoutFacts,
  findRetentionCandidates,
  finishRetentionRun,
  insertCaseFacts,
  insertRetentionErasures,
  insertRetentionRun,
  listAgencyIds,
  listRetentionRuns,
  type RetentionCandidateRow,
  type RetentionRunRow,
  setAgencyContext,
} from './retention.queries.js';

/** Coarse age bands kept for statistics once the birth data is erased (age when the case opened). */
export function ageBandOf(age: number | null): string {
  if (age === null || age < 0) return 'unknown';
  if (age < 12) return '0-11';
  if (age < 15) return '12-14';
  if (age < 18) return '15-17';
  if (age < 25) return '18-24';
  if (age < 35) return '25-34';
  if (age < 50) return '35-49';
  return '50+';
}

/** The instant `months` calendar months before `at`. */
export function monthsBefore(at: Date, months: number): Date {
  const d = new Date(at);
  d.setUTCMonth(d.getUTCMonth() - months);
  return d;
}

const NO_USER = '00000000-0000-0000-0000-000000000000';
/** How many cases a report lists by number (the counts are always complete). */
const REPORT_CASE_LIMIT = 500;

interface Schedule {
  recordType: string;
  months: number;
  eraser: RetentionEraser;
  closedBefore: Date;
}

/**
 * Retention by rule: when a record type's schedule has run out for a closed case (counted
 * from its closure), the registered eraser of that type replaces its personal values, unless
 * a legal hold stops it. The run visits every agency in turn with the transaction's
 * row-level-security context set to it, so each agency's rows are changed as that agency;
 * every touched record is audited, each case and the run are stated as domain events (ids
 * and counts only), and the case keeps de-identified facts for statistics
 * (case_retention_fact). A dry run answers the same question without changing anything.
 */
@Injectable()
export class RetentionService implements OnModuleInit {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(TransactionService) private readonly tx: TransactionService,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(DomainEvents) private readonly events: DomainEvents,
    @Inject(FieldCipher) private readonly cipher: FieldCipher,
    @Inject(RetentionErasers) private readonly erasers: RetentionErasers,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(JobQueue) private readonly queue: JobQueue,
  ) {}

  /** The run is a job on the queue: one replica at a time, every RETENTION_INTERVAL_MS. */
  onModuleInit(): void {
    this.queue.every('retention.run', this.config.retention.intervalMs, () =>
      this.tx.run(() => this.execute('apply', 'schedule', undefined)),
    );
  }

  schedules(): RetentionScheduleResponse[] {
    const schedule = (recordType: string, eraser: RetentionEraser | CaselessEraser, countedFrom: string) => ({
      recordType,
      months: this.config.retention.schedules[recordType] ?? eraser.defaultMonths,
      defaultMonths: eraser.defaultMonths,
      countedFrom,
      erases: eraser.description,
    });
    return [
      ...this.erasers.all().map(([type, eraser]) => schedule(type, eraser, 'case closure')),
      ...this.erasers.caseless().map(([type, eraser]) => schedule(type, eraser, eraser.countedFrom)),
    ];
  }

  /** What a run now would erase, changing nothing. */
  async dryRun(actor: Actor): Promise<RetentionReport> {
    return this.execute('dry-run', 'manual', actor);
  }

  /** Runs retention now (as the schedule would), as the given administrator. */
  async runNow(actor: Actor): Promise<RetentionReport> {
    return this.execute('apply', 'manual', actor);
  }

  async listRuns(): Promise<RetentionRunResponse[]> {
    const rows = await listRetentionRuns(this.tx.manager(), 100);
    this.audit.touch(
      'retention_run',
      rows.map((r) => r.id),
    );
    return rows.map(toRunResponse);
  }

  /**
   * Erasure on request (subject requests): the registered erasers, outside the schedule, for the
   * given cases of one person, as the requesting agency (its own rows only, like a run's pass for
   * that agency). The person's identity goes too when `withPerson`. De-identified facts are kept
   * first for the cases the agency leads; every touched record is audited as `request-erase`.
   */
  async eraseOnRequest(
    actor: Actor,
    requestId: string,
    targets: RetentionTarget[],
    withPerson: boolean,
  ): Promise<{ recordTypes: string[]; records: HeldRecord[] }> {
    const m = this.tx.manager();
    await this.keepFacts(
      m,
      targets.filter((t) => t.caseId && t.leadAgencyId === actor.agencyId),
      actor,
    );
    await setAgencyContext(m, actor.agencyId, actor.userId);
    const recordTypes: string[] = [];
    const records: HeldRecord[] = [];
    const eraseAndAudit = async (recordType: string, found: HeldRecord[], erase: () => Promise<void>) => {
      if (!found.length) return;
      await erase();
      recordTypes.push(recordType);
      records.push(...found);
      for (const r of found)
        await this.audit.change(
          'request-erase',
          r.resourceType,
          r.id,
          r.fields.map((field) => ({ field, personal: true })),
          r.caseId,
          { requestId, recordType },
        );
    };
    for (const [recordType, eraser] of this.erasers.all()) {
      if (recordType === 'persons' && !withPerson) continue;
      const found = await eraser.find(m, targets);
      await eraseAndAudit(recordType, found, () => eraser.erase(m, found));
    }
    // A whole-person request takes the agency's records of them that have no case too.
    const personId = targets[0]?.personId;
    for (const [recordType, eraser] of withPerson && personId ? this.erasers.caseless() : []) {
      const found = await eraser.findForPerson(m, personId!);
      await eraseAndAudit(recordType, found, () => eraser.erase(m, found));
    }
    return { recordTypes, records };
  }

  private async execute(mode: 'apply' | 'dry-run', trigger: 'schedule' | 'manual', actor: Actor | undefined) {
    const m = this.tx.manager();
    const asOf = this.clock.now();
    const schedules: Schedule[] = this.erasers.all().map(([recordType, eraser]) => {
      const months = this.config.retention.schedules[recordType] ?? eraser.defaultMonths;
      return { recordType, months, eraser, closedBefore: monthsBefore(asOf, months) };
    });
    const latestCutoff = new Date(Math.max(...schedules.map((s) => s.closedBefore.getTime()), 0));
    const candidates = schedules.length ? await findRetentionCandidates(m, latestCutoff) : [];
    const held = candidates.filter((c) => c.on_hold);
    const agencies = await listAgencyIds(m);
    const runId = uuidv7();
    if (mode === 'apply') await insertRetentionRun(m, { id: runId, trigger, triggeredBy: actor?.userId ?? null, asOf });

    const perType: { recordType: string; months: number; cases: string[]; records: HeldRecord[]; waiting: number }[] =
      [];
    // A failure rolls the whole transaction back (context included), so no finally is needed.
    {
      const due = new Map<string, RetentionTarget[]>();
      for (const s of schedules) {
        const rows = candidates.filter(
          (c) => !c.on_hold && c.closed_at <= s.closedBefore && !c.erased.includes(s.recordType),
        );
        const targets = rows.map(targetOf);
        const eligible = s.eraser.eligible ? await s.eraser.eligible(m, targets, s.closedBefore) : targets;
        due.set(s.recordType, eligible);
        perType.push({
          recordType: s.recordType,
          months: s.months,
          cases: eligible.map((t) => t.caseId),
          records: [],
          waiting: targets.length - eligible.length,
        });
      }
      if (mode === 'apply') await this.keepFacts(m, [...due.values()].flat(), actor);
      for (const entry of perType) {
        const targets = due.get(entry.recordType)!;
        if (!targets.length) continue;
        const eraser = schedules.find((s) => s.recordType === entry.recordType)!.eraser;
        for (const agencyId of agencies) {
          await setAgencyContext(m, agencyId, actor?.userId ?? NO_USER);
          const found = await eraser.find(m, targets);
          if (!found.length) continue;
          if (mode === 'apply') await eraser.erase(m, found);
          entry.records.push(...found);
        }
        if (mode === 'apply') await this.markErased(m, runId, entry.recordType, targets, entry.records, actor);
      }
    }
    // Records without a case, on their own clocks: each agency's own rows, in its context.
    const touchedAgencies = new Set<string>();
    for (const [recordType, eraser] of this.erasers.caseless()) {
      const months = this.config.retention.schedules[recordType] ?? eraser.defaultMonths;
      const entry = { recordType, months, cases: [] as string[], records: [] as HeldRecord[], waiting: 0 };
      for (const agencyId of agencies) {
        await setAgencyContext(m, agencyId, actor?.userId ?? NO_USER);
        const { records, waiting } = await eraser.find(m, monthsBefore(asOf, months));
        entry.waiting += waiting;
        if (!records.length) continue;
        if (mode === 'apply') {
          await eraser.erase(m, records);
          for (const r of records) await this.auditErased(runId, recordType, r);
        }
        entry.records.push(...records);
        touchedAgencies.add(agencyId);
      }
      perType.push(entry);
    }
    await setAgencyContext(m, actor?.agencyId ?? '', actor?.userId ?? '');

    const report = this.report(mode, runId, asOf, perType, held, candidates);
    if (mode === 'apply') await this.recordRun(m, runId, trigger, perType, candidates, report, touchedAgencies);
    else this.audit.noteDetails({ dryRun: true, cases: report.cases, records: report.records });
    return report;
  }

  /** Before any value goes: the case's de-identified facts, with the age band from the birth data (lead's context). */
  private async keepFacts(m: EntityManager, targets: RetentionTarget[], actor: Actor | undefined): Promise<void> {
    const byLead = new Map<string, string[]>();
    for (const t of targets)
      byLead.set(t.leadAgencyId, [...new Set([...(byLead.get(t.leadAgencyId) ?? []), t.caseId])]);
    for (const [leadAgencyId, caseIds] of byLead) {
      await setAgencyContext(m, leadAgencyId, actor?.userId ?? NO_USER);
      const rows = await findCasesWithoutFacts(m, caseIds);
      const facts = rows.map((r) => {
        const birth = this.cipher.decryptOptional<StoredBirth>(r.birth_enc, {
          table: 'person',
          column: 'birth_enc',
          id: r.person_id,
        });
        return { caseId: r.case_id, ageBand: ageBandOf(ageOn(birth, new Date(`${r.opened_on}T00:00:00Z`))) };
      });
      await insertCaseFacts(m, facts, this.clock.timeZone);
    }
  }

  /** Marks the record type done for the cases (their lead's context), and audits every touched record. */
  private async markErased(
    m: EntityManager,
    runId: string,
    recordType: string,
    targets: RetentionTarget[],
    records: HeldRecord[],
    actor: Actor | undefined,
  ): Promise<void> {
    const byLead = new Map<string, { caseId: string; records: number }[]>();
    for (const t of targets) {
      const list = byLead.get(t.leadAgencyId) ?? [];
      if (!list.some((c) => c.caseId === t.caseId))
        list.push({ caseId: t.caseId, records: records.filter((r) => r.caseId === t.caseId).length });
      byLead.set(t.leadAgencyId, list);
    }
    for (const [leadAgencyId, cases] of byLead) {
      await setAgencyContext(m, leadAgencyId, actor?.userId ?? NO_USER);
      await insertRetentionErasures(m, runId, recordType, cases);
    }
    for (const r of records) await this.auditErased(runId, recordType, r);
  }

  /** The change entry of one touched record: its personal fields, without values. */
  private async auditErased(runId: string, recordType: string, r: HeldRecord): Promise<void> {
    await this.audit.change(
      'retention-erase',
      r.resourceType,
      r.id,
      r.fields.map((field) => ({ field, personal: true })),
      r.caseId,
      { runId, recordType },
    );
  }

  private async recordRun(
    m: EntityManager,
    runId: string,
    trigger: string,
    perType: { recordType: string; cases: string[]; records: HeldRecord[] }[],
    candidates: RetentionCandidateRow[],
    report: RetentionReport,
    caselessAgencies: Set<string>,
  ): Promise<void> {
    await finishRetentionRun(m, runId, {
      cases: report.cases,
      records: report.records,
      byRecordType: Object.fromEntries(
        report.recordTypes.map((t) => [t.recordType, { cases: t.cases, records: t.records }]),
      ),
    });
    const touchedCases = [...new Set(perType.flatMap((t) => t.cases))];
    for (const caseId of touchedCases) {
      const types = perType.filter((t) => t.cases.includes(caseId));
      await this.events.record({
        type: 'retention.case-erased',
        agencyIds: [],
        caseId,
        subjectId: caseId,
        payload: {
          runId,
          recordTypes: types.map((t) => t.recordType),
          records: types.reduce((n, t) => n + t.records.filter((r) => r.caseId === caseId).length, 0),
        },
      });
    }
    const agencies = [
      ...new Set([
        ...candidates.filter((c) => touchedCases.includes(c.case_id)).map((c) => c.lead_agency_id),
        ...caselessAgencies,
      ]),
    ];
    // Told to the agencies whose records it touched; a run that touched nothing concerns no agency.
    if (agencies.length)
      await this.events.record({
        type: 'retention.run-completed',
        agencyIds: agencies,
        subjectId: runId,
        payload: { runId, trigger, cases: report.cases, records: report.records },
      });
    await this.audit.change('retention-run', 'retention_run', runId, [], null, {
      trigger,
      cases: report.cases,
      records: report.records,
      asOf: report.asOf,
    });
  }

  private report(
    mode: 'apply' | 'dry-run',
    runId: string,
    asOf: Date,
    perType: { recordType: string; months: number; cases: string[]; records: HeldRecord[]; waiting: number }[],
    held: RetentionCandidateRow[],
    candidates: RetentionCandidateRow[],
  ): RetentionReport {
    const caseIds = [...new Set(perType.flatMap((t) => t.cases))];
    const numbers = new Map(candidates.map((c) => [c.case_id, c.case_number]));
    return {
      runId: mode === 'apply' ? runId : null,
      dryRun: mode === 'dry-run',
      asOf: asOf.toISOString(),
      cases: caseIds.length,
      records: perType.reduce((n, t) => n + t.records.length, 0),
      recordTypes: perType.map((t) => ({
        recordType: t.recordType,
        months: t.months,
        cases: t.cases.length,
        records: t.records.length,
        byResourceType: countBy(t.records.map((r) => r.resourceType)),
        waitingForOtherCases: t.waiting,
      })),
      caseList: caseIds.slice(0, REPORT_CASE_LIMIT).map((id) => ({
        caseId: id,
        caseNumber: numbers.get(id)!,
        recordTypes: perType.filter((t) => t.cases.includes(id)).map((t) => t.recordType),
      })),
      onLegalHold: held.slice(0, REPORT_CASE_LIMIT).map((c) => ({ caseId: c.case_id, caseNumber: c.case_number })),
    };
  }
}

const targetOf = (c: RetentionCandidateRow): RetentionTarget => ({
  caseId: c.case_id,
  personId: c.person_id,
  leadAgencyId: c.lead_agency_id,
});

function countBy(values: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) out[v] = (out[v] ?? 0) + 1;
  return out;
}

export const toRunResponse = (r: RetentionRunRow): RetentionRunResponse => ({
  id: r.id,
  trigger: r.trigger,
  triggeredBy: r.triggered_by,
  asOf: r.as_of.toISOString(),
  startedAt: r.started_at.toISOString(),
  finishedAt: r.finished_at?.toISOString() ?? null,
  cases: r.cases,
  records: r.records,
  byRecordType: r.by_record_type,
});
