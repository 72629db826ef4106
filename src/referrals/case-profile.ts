import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '../common/clock.js';
import { CaseEntity } from '../cases/case.entity.js';
import { TransactionService } from '../database/transaction.service.js';
import { ageOn, PersonCodec } from '../persons/person.codec.js';
import { PersonEntity } from '../persons/person.entity.js';
import type { Profile } from './referral-rules.js';

/** Gender, age today and exploitation types of a case's person: what eligibility rules read. */
@Injectable()
export class CaseProfileService {
  constructor(
    @Inject(TransactionService) private readonly tx: TransactionService,
    @Inject(PersonCodec) private readonly codec: PersonCodec,
    @Inject(Clock) private readonly clock: Clock,
  ) {}

  async of(caseId: string): Promise<Profile & { provinceCode: string | null; caseNumber: string }> {
    const c = await this.tx.manager().getRepository(CaseEntity).findOneByOrFail({ id: caseId });
    const person = await this.tx.manager().getRepository(PersonEntity).findOneByOrFail({ id: c.personId });
    return {
      gender: person.gender,
      age: ageOn(this.codec.decrypt(person).birth, this.clock.todayAsDate()),
      exploitationTypes: c.exploitationTypes,
      provinceCode: c.provinceCode,
      caseNumber: c.caseNumber,
    };
  }
}
