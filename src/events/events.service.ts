import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { AuditService } from '../audit/audit.service.js';
import { Clock } from '../common/clock.js';
import type { Actor } from '../common/context/request-context.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { TransactionService } from '../database/transaction.service.js';
import { JobQueue } from '../queue/job-queue.service.js';
import type { EventPage, EventsQuery } from './dto/event.dto.js';
import { findAgencyEvents, recordFollowUpsDue, recordReferralsExpiring } from './events.queries.js';

/** The agency's event feed, and the scheduled events (stated by a job, not by a request). */
@Injectable()
export class EventsService implements OnModuleInit {
  constructor(
    @Inject(TransactionService) private readonly tx: TransactionService,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(JobQueue) private readonly queue: JobQueue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.queue.every('events.scheduled', this.config.events.scheduleIntervalMs, () => this.recordScheduled());
  }

  async list(actor: Actor, query: EventsQuery): Promise<EventPage> {
    const limit = query.limit ?? 100;
    const items = await findAgencyEvents(
      this.tx.manager(),
      actor.agencyId,
      query.after ?? null,
      query.type ? [query.type] : null,
      limit,
    );
    this.audit.touch(
      'domain_event',
      items.map((e) => e.id),
      items.flatMap((e) => (e.caseId ? [e.caseId] : [])),
    );
    return { items, next: items.length === limit ? items[items.length - 1]!.id : null };
  }

  /** Emergency referrals about to expire, follow-up visits due soon or overdue: each stated once. */
  recordScheduled(): Promise<{ referralsExpiring: number; followUps: number }> {
    return this.tx.run(async (m) => ({
      referralsExpiring: await recordReferralsExpiring(m, this.config.events.referralExpiringMinutes),
      followUps: await recordFollowUpsDue(m, this.clock.today(), this.config.events.followUpDueNoticeDays),
    }));
  }
}
