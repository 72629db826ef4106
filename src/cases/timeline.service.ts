import { Inject, Injectable } from '@nestjs/common';
import type { Actor } from '../common/context/request-context.js';
import { uuidv7 } from '../common/uuid.js';
import { TransactionService } from '../database/transaction.service.js';
import { CaseTimelineEventEntity } from './case-records.entities.js';

/** Writes the case timeline (append-only, no personal data: codes, stages and dates only). */
@Injectable()
export class TimelineService {
  constructor(@Inject(TransactionService) private readonly tx: TransactionService) {}

  async record(
    caseId: string,
    kind: string,
    actor: Actor | null,
    ref: { type: string; id: string } | null,
    summary: Record<string, unknown> = {},
  ): Promise<void> {
    await this.tx.manager().insert(CaseTimelineEventEntity, {
      id: uuidv7(),
      caseId,
      kind,
      actorId: actor?.userId ?? null,
      agencyId: actor?.agencyId ?? null,
      refType: ref?.type ?? null,
      refId: ref?.id ?? null,
      summary: summary as never,
    });
  }

  async list(caseId: string): Promise<CaseTimelineEventEntity[]> {
    return this.tx
      .manager()
      .getRepository(CaseTimelineEventEntity)
      .find({ where: { caseId }, order: { occurredAt: 'ASC', id: 'ASC' } });
  }
}
