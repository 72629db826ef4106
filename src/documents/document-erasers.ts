import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { FieldCipher } from '../crypto/field-cipher.js';
import { type HeldRecord, RetentionErasers } from '../data-protection/retention-erasers.js';
import {
  eraseDocuments,
  findHeldCaselessDocuments,
  findHeldCaseDocuments,
  findVersionIds,
  type HeldDocumentRow,
} from './documents.queries.js';

/** What replaces an erased file name (encrypted, bound to its version): says what happened, names nobody. */
const ERASED_FILE_NAME = '[erased]';

const held = (rows: HeldDocumentRow[]): HeldRecord[] =>
  rows.map((r) => ({ resourceType: 'document', id: r.id, caseId: r.case_id, fields: r.fields }));

/**
 * Documents' retention erasers (docs/data-protection.md), registered through the one narrow
 * interface data protection offers: `documents` follows the case's closure, like the case's
 * other records; `documents-without-case` (files on a person, on a screening or decision that
 * never led to a case, on a return notice) is counted from the document's last change and waits
 * while the person is still kept: by a case (open, closed more recently, on legal hold) or, never
 * given a case, by their own recent activity (the persons-without-case clock). Erasing deletes the files (every version's encrypted
 * chunks) and overwrites file names, description and removal reason; the document row keeps its
 * type, record, sizes, content types and dates for statistics and the audit trail.
 */
@Injectable()
export class DocumentErasers implements OnModuleInit {
  constructor(
    @Inject(RetentionErasers) private readonly erasers: RetentionErasers,
    @Inject(FieldCipher) private readonly cipher: FieldCipher,
  ) {}

  private async erase(m: EntityManager, records: HeldRecord[]): Promise<void> {
    const ids = records.filter((r) => r.resourceType === 'document').map((r) => r.id);
    if (!ids.length) return;
    const versions = await findVersionIds(m, ids);
    const markers = versions.map((id) =>
      this.cipher.encrypt(ERASED_FILE_NAME, { table: 'document_version', column: 'name_enc', id }),
    );
    await eraseDocuments(m, ids, versions, markers);
  }

  onModuleInit(): void {
    this.erasers.register('documents', {
      defaultMonths: 60,
      description:
        'Files attached to the case and its records (every version), their file names, descriptions and removal reasons',
      find: async (m, targets) => held(await findHeldCaseDocuments(m, targets.map((t) => t.caseId).filter(Boolean))),
      erase: (m, records) => this.erase(m, records),
    });
    this.erasers.registerCaseless('documents-without-case', {
      defaultMonths: 36,
      countedFrom: "the document's last change (added, replaced or removed)",
      description:
        'Files on a person, on a screening or decision without a case, or on a return notice: every version, file names, descriptions, removal reasons',
      find: async (m, before) => {
        const rows = await findHeldCaselessDocuments(m, { before });
        const kept = await this.erasers.keptOrActivePersons(
          m,
          rows.flatMap((r) => r.person_id ?? []),
          before,
        );
        const due = rows.filter((r) => !r.person_id || !kept.has(r.person_id));
        return { records: held(due), waiting: rows.length - due.length };
      },
      findForPerson: async (m, personId) => held(await findHeldCaselessDocuments(m, { personId })),
      erase: (m, records) => this.erase(m, records),
    });
  }
}
