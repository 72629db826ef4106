import { In } from 'typeorm';
import { Inject, Injectable } from '@nestjs/common';
import { AuditService, diffFields } from '../audit/audit.service.js';
import { CasesService } from '../cases/cases.service.js';
import { TimelineService } from '../cases/timeline.service.js';
import type { Actor } from '../common/context/request-context.js';
import { DomainError, notFound } from '../common/errors/domain-error.js';
import { staleVersion } from '../common/http/etag.js';
import { uuidv7 } from '../common/uuid.js';
import { FieldCipher } from '../crypto/field-cipher.js';
import { TransactionService } from '../database/transaction.service.js';
import type { CaseResponse } from '../cases/dto/case.dto.js';
import type { CreateReturnNoticeRequest, ExpectedArrivalResponse, ReturnNoticeResponse } from './dto/return.dto.js';
import { ExpectedArrivalEntity, ReturnNoticeEntity } from './return.entities.js';

/** Returns from abroad through the VTC: pre-arrival notices, expected arrivals, reception. */
@Injectable()
export class ReturnsService {
  constructor(
    @Inject(TransactionService) private readonly tx: TransactionService,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(FieldCipher) private readonly cipher: FieldCipher,
    @Inject(CasesService) private readonly cases: CasesService,
    @Inject(TimelineService) private readonly timeline: TimelineService,
  ) {}

  private m() {
    return this.tx.manager();
  }

  /** A notice creates one expected arrival per person announced. */
  async createNotice(actor: Actor, body: CreateReturnNoticeRequest): Promise<ReturnNoticeResponse> {
    if (body.childrenCount > body.peopleCount) {
      throw new DomainError('VALIDATION_FAILED', 'More children than people', {
        errors: [{ field: 'childrenCount', messages: ['childrenCount must not exceed peopleCount'] }],
      });
    }
    const id = uuidv7();
    await this.m().insert(ReturnNoticeEntity, {
      id,
      receivingAgencyId: actor.agencyId,
      hostCountry: body.hostCountry,
      hostAgency: body.hostAgency,
      hostReferenceEnc: this.cipher.encryptOptional(body.hostReference, {
        table: 'return_notice',
        column: 'host_reference_enc',
        id,
      }),
      borderCrossingCode: body.borderCrossingCode,
      expectedOn: body.expectedOn,
      peopleCount: body.peopleCount,
      childrenCount: body.childrenCount,
      status: 'expected',
      createdBy: actor.userId,
    });
    const arrivals = Array.from({ length: body.peopleCount }, (_, i) => ({
      id: uuidv7(),
      noticeId: id,
      receivingAgencyId: actor.agencyId,
      expectedChild: i < body.childrenCount,
      status: 'expected',
      caseId: null,
      arrivedAt: null,
    }));
    await this.m().createQueryBuilder().insert().into(ExpectedArrivalEntity).values(arrivals).execute();
    await this.audit.change('create', 'return_notice', id, [
      ...diffFields(null, {
        hostCountry: body.hostCountry,
        borderCrossingCode: body.borderCrossingCode,
        expectedOn: body.expectedOn,
        peopleCount: body.peopleCount,
        childrenCount: body.childrenCount,
      }),
      ...(body.hostReference ? [{ field: 'hostReference', personal: true }] : []),
    ]);
    return this.notice(actor, id);
  }

  async notices(actor: Actor): Promise<ReturnNoticeResponse[]> {
    const rows = await this.m()
      .getRepository(ReturnNoticeEntity)
      .find({ where: { receivingAgencyId: actor.agencyId }, order: { expectedOn: 'DESC' }, take: 500 });
    // The arrivals of every notice in one statement: the transaction's connection runs one query at a time.
    const arrivals = rows.length
      ? await this.m()
          .getRepository(ExpectedArrivalEntity)
          .find({ where: { noticeId: In(rows.map((r) => r.id)) }, order: { expectedChild: 'DESC', id: 'ASC' } })
      : [];
    return rows.map((n) =>
      this.noticeResponse(
        n,
        arrivals.filter((a) => a.noticeId === n.id),
      ),
    );
  }

  async notice(actor: Actor, id: string): Promise<ReturnNoticeResponse> {
    const n = await this.m().getRepository(ReturnNoticeEntity).findOneBy({ id });
    if (!n || n.receivingAgencyId !== actor.agencyId) throw notFound('Return notice');
    const arrivals = await this.m()
      .getRepository(ExpectedArrivalEntity)
      .find({ where: { noticeId: id }, order: { expectedChild: 'DESC', id: 'ASC' } });
    return this.noticeResponse(n, arrivals);
  }

  private noticeResponse(n: ReturnNoticeEntity, arrivals: ExpectedArrivalEntity[]): ReturnNoticeResponse {
    this.audit.touch('return_notice', [n.id]);
    return {
      id: n.id,
      receivingAgencyId: n.receivingAgencyId,
      hostCountry: n.hostCountry,
      hostAgency: n.hostAgency,
      hostReference: this.cipher.decryptOptional<string>(n.hostReferenceEnc, {
        table: 'return_notice',
        column: 'host_reference_enc',
        id: n.id,
      }),
      borderCrossingCode: n.borderCrossingCode,
      expectedOn: n.expectedOn,
      peopleCount: n.peopleCount,
      childrenCount: n.childrenCount,
      status: n.status,
      arrivals: arrivals.map(toArrival),
      version: n.version,
    };
  }

  /** Reception at the VTC: the expected person arrives and a case opens, led by the VTC. */
  async arrive(actor: Actor, arrivalId: string, version: number, personId: string): Promise<CaseResponse> {
    const a = await this.m().getRepository(ExpectedArrivalEntity).findOneBy({ id: arrivalId });
    if (!a || a.receivingAgencyId !== actor.agencyId) throw notFound('Expected arrival');
    if (a.status !== 'expected')
      throw new DomainError('ILLEGAL_TRANSITION', 'This arrival was already recorded', {
        extensions: { currentStatus: a.status },
      });
    if (a.version !== version) throw staleVersion('Expected arrival', a.version);
    const created = await this.cases.create(actor, { personId });
    await this.m().query(
      `UPDATE expected_arrival SET status = 'arrived', case_id = $2, arrived_at = now(), version = version + 1, updated_at = now() WHERE id = $1`,
      [arrivalId, created.id],
    );
    const notice = await this.m().getRepository(ReturnNoticeEntity).findOneByOrFail({ id: a.noticeId });
    const [{ waiting }] = await this.m().query(
      `SELECT count(*)::int AS waiting FROM expected_arrival WHERE notice_id = $1 AND status = 'expected'`,
      [a.noticeId],
    );
    if (waiting === 0)
      await this.m().query(
        `UPDATE return_notice SET status = 'received', version = version + 1, updated_at = now() WHERE id = $1`,
        [a.noticeId],
      );
    await this.timeline.record(
      created.id,
      'arrived',
      actor,
      { type: 'expected_arrival', id: arrivalId },
      { hostCountry: notice.hostCountry, borderCrossingCode: notice.borderCrossingCode },
    );
    await this.audit.change(
      'arrive',
      'expected_arrival',
      arrivalId,
      diffFields({ status: 'expected', caseId: null as string | null }, { status: 'arrived', caseId: created.id }),
      created.id,
    );
    return this.cases.get(actor, created.id);
  }
}

const toArrival = (a: ExpectedArrivalEntity): ExpectedArrivalResponse => ({
  id: a.id,
  noticeId: a.noticeId,
  expectedChild: a.expectedChild,
  status: a.status,
  caseId: a.caseId,
  arrivedAt: a.arrivedAt?.toISOString() ?? null,
  version: a.version,
});
