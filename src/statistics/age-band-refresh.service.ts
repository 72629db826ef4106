import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock.js';
import { ageOn, PersonCodec } from '../persons/person.codec.js';
import { JobQueue } from '../queue/job-queue.service.js';
import { ageBandOf } from './age-bands.js';
import { findPersonBirthsAfter, setPersonAgeBands } from './statistics.queries.js';

const DAY_MS = 86_400_000;
const BATCH = 2_000;

/**
 * Keeps person.age_band current. The band is set from the birth data when a person is
 * registered or their birth data changes (PersonsService); people grow older, so once a day a
 * job on the queue decrypts each birth (in batches, in memory only) and moves the bands that
 * changed. Only the band is written; nothing personal leaves the process.
 */
@Injectable()
export class AgeBandRefresh implements OnModuleInit {
  private readonly logger = new Logger('AgeBandRefresh');

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(PersonCodec) private readonly codec: PersonCodec,
    @Inject(Clock) private readonly clock: Clock,
    @Inject(JobQueue) private readonly queue: JobQueue,
  ) {}

  onModuleInit(): void {
    this.queue.every('statistics.age-bands', DAY_MS, () => this.refreshAll());
  }

  /** Recomputes every band; returns how many changed. */
  async refreshAll(): Promise<number> {
    const today = this.clock.todayAsDate();
    let after: string | null = null;
    let changed = 0;
    for (;;) {
      const batch = await findPersonBirthsAfter(this.dataSource, after, BATCH);
      if (!batch.length) break;
      const updates = batch
        .map((p) => ({
          id: p.id,
          age_band: ageBandOf(ageOn(this.codec.decryptBirth(p.id, p.birth_enc), today)) as string | null,
          was: p.age_band,
        }))
        .filter((p) => p.age_band !== p.was)
        .map(({ id, age_band }) => ({ id, age_band }));
      if (updates.length) changed += await setPersonAgeBands(this.dataSource, updates);
      after = batch[batch.length - 1]!.id;
    }
    if (changed) this.logger.log({ changed }, 'age bands moved on');
    return changed;
  }
}
