import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { FieldCipher } from '../crypto/field-cipher.js';
import { type HeldRecord, RetentionErasers } from '../data-protection/retention-erasers.js';
import { eraseSubmissions, findHeldSubmissions, type HeldSubmissionRow } from './intake.queries.js';

const held = (rows: HeldSubmissionRow[]): HeldRecord[] =>
  rows.map((r) => ({ resourceType: 'intake_submission', id: r.id, caseId: null, fields: r.fields }));

/**
 * The retention eraser of KoboToolbox submissions (docs/data-protection.md), registered through
 * data protection's one narrow interface: counted from receipt, a submission's raw payload and
 * draft go (drafts left in review or quarantine, and submitted ones, whose screening holds what
 * was kept and follows its own schedules). A submitted one waits while a case of its screening's
 * person is still kept (open, closed more recently, or on legal hold). The row keeps its status,
 * catalogue version, suggested outcome code, problems (field names only) and dates.
 */
@Injectable()
export class IntakeErasers implements OnModuleInit {
  constructor(
    @Inject(RetentionErasers) private readonly erasers: RetentionErasers,
    @Inject(FieldCipher) private readonly cipher: FieldCipher,
  ) {}

  onModuleInit(): void {
    this.erasers.registerCaseless('intake-submissions', {
      defaultMonths: 12,
      countedFrom: 'the receipt of the submission from KoboToolbox',
      description:
        'KoboToolbox submissions (drafts in review or quarantine, and submitted ones): the received payload and the draft read from it',
      find: async (m, before) => {
        const rows = await findHeldSubmissions(m, { before });
        const kept = await this.erasers.keptPersons(
          m,
          rows.flatMap((r) => r.person_id ?? []),
          before,
        );
        const due = rows.filter((r) => !r.person_id || !kept.has(r.person_id));
        return { records: held(due), waiting: rows.length - due.length };
      },
      findForPerson: async (m, personId) => held(await findHeldSubmissions(m, { personId })),
      erase: async (m, records) => {
        const ids = records.map((r) => r.id);
        await eraseSubmissions(
          m,
          ids,
          ids.map((id) => this.cipher.encryptJson({}, { table: 'intake_submission', column: 'payload_enc', id })),
        );
      },
    });
  }
}
