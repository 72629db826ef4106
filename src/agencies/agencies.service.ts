import { Inject, Injectable } from '@nestjs/common';
import { AuditService, diffFields } from '../audit/audit.service.js';
import { DomainError, notFound } from '../common/errors/domain-error.js';
import { uuidv7 } from '../common/uuid.js';
import { TransactionService } from '../database/transaction.service.js';
import { bumpAgencyVersion } from './agencies.queries.js';
import { AgencyEntity } from './agency.entity.js';
import { toAgencyResponse } from './agency.mapper.js';
import type { AgencyResponse, CreateAgencyRequest, UpdateAgencyRequest } from './dto/agency.dto.js';

@Injectable()
export class AgenciesService {
  constructor(
    @Inject(TransactionService) private readonly tx: TransactionService,
    @Inject(AuditService) private readonly audit: AuditService,
  ) {}

  private repo() {
    return this.tx.manager().getRepository(AgencyEntity);
  }

  /** The agency directory: every signed-in user may read it (referrals name agencies). */
  async list(): Promise<AgencyResponse[]> {
    const agencies = await this.repo().find({ order: { code: 'ASC' } });
    this.audit.touch(
      'agency',
      agencies.map((a) => a.id),
    );
    return agencies.map(toAgencyResponse);
  }

  async get(id: string): Promise<AgencyResponse> {
    const agency = await this.repo().findOneBy({ id });
    if (!agency) throw notFound('Agency');
    this.audit.touch('agency', [id]);
    return toAgencyResponse(agency);
  }

  async create(body: CreateAgencyRequest): Promise<AgencyResponse> {
    if (body.parentAgencyId) await this.get(body.parentAgencyId);
    if (await this.repo().existsBy({ code: body.code })) {
      throw new DomainError('CONFLICT', 'An agency with this code exists', {
        errors: [{ field: 'code', messages: ['code is already used'] }],
      });
    }
    const agency = this.repo().create({
      id: uuidv7(),
      code: body.code,
      nameEn: body.nameEn,
      nameLo: body.nameLo ?? null,
      htcdsOrgType: body.htcdsOrgType,
      localType: body.localType,
      provinceCode: body.provinceCode ?? null,
      parentAgencyId: body.parentAgencyId ?? null,
      active: true,
      formalIdentificationAuthority: body.formalIdentificationAuthority ?? false,
      version: 1,
    });
    await this.repo().insert(agency);
    const saved = await this.repo().findOneByOrFail({ id: agency.id });
    await this.audit.change('create', 'agency', saved.id, diffFields(null, toAgencyResponse(saved)));
    return toAgencyResponse(saved);
  }

  async update(id: string, body: UpdateAgencyRequest): Promise<AgencyResponse> {
    const before = await this.repo().findOneBy({ id });
    if (!before) throw notFound('Agency');
    if (body.parentAgencyId) {
      if (body.parentAgencyId === id) throw new DomainError('UNPROCESSABLE', 'An agency cannot be its own parent');
      await this.get(body.parentAgencyId);
    }
    const patch = Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined));
    await bumpAgencyVersion(this.tx.manager(), id);
    if (Object.keys(patch).length) await this.repo().update({ id }, patch);
    const after = await this.repo().findOneByOrFail({ id });
    await this.audit.change(
      'update',
      'agency',
      id,
      diffFields(toAgencyResponse(before), { ...patch } as Partial<AgencyResponse>),
    );
    return toAgencyResponse(after);
  }
}
