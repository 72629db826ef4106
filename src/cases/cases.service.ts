import { Inject, Injectable } from '@nestjs/common';
import { AccessService } from '../access/access.service.js';
import { CaseAccessGrantEntity, type CaseView } from '../access/case-access-grant.entity.js';
import { AuditService } from '../audit/audit.service.js';
import type { Actor } from '../common/context/request-context.js';
import { DomainError, notFound } from '../common/errors/domain-error.js';
import { uuidv7 } from '../common/uuid.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { TransactionService } from '../database/transaction.service.js';
import { CaseEntity } from './case.entity.js';
import type { AccessGrantResponse, CaseSummaryResponse } from './dto/case.dto.js';

const toCaseSummary = (c: CaseEntity, view: CaseView): CaseSummaryResponse => ({
  id: c.id,
  leadAgencyId: c.leadAgencyId,
  assignedCaseworkerId: c.assignedCaseworkerId,
  supervisorId: c.supervisorId,
  view,
  createdAt: c.createdAt.toISOString(),
  updatedAt: c.updatedAt.toISOString(),
  version: c.version,
});

const toGrantResponse = (g: CaseAccessGrantEntity): AccessGrantResponse => ({
  id: g.id,
  caseId: g.caseId,
  kind: g.kind,
  view: g.view,
  granteeAgencyId: g.granteeAgencyId,
  granteeUserId: g.granteeUserId,
  reason: g.reason,
  grantedAt: g.grantedAt.toISOString(),
  expiresAt: g.expiresAt?.toISOString() ?? null,
  revokedAt: g.revokedAt?.toISOString() ?? null,
  active: g.revokedAt === null && (g.expiresAt === null || g.expiresAt.getTime() > Date.now()),
});

@Injectable()
export class CasesService {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(TransactionService) private readonly tx: TransactionService,
    @Inject(AccessService) private readonly access: AccessService,
    @Inject(AuditService) private readonly audit: AuditService,
  ) {}

  async get(actor: Actor, id: string): Promise<CaseSummaryResponse> {
    const view = await this.access.requireCase(actor, id);
    const c = await this.tx.manager().getRepository(CaseEntity).findOneByOrFail({ id });
    this.audit.touch('case', [id], [id]);
    return toCaseSummary(c, view);
  }

  /**
   * Break-the-glass: a full view of a case outside the actor's scope for a few hours, with a
   * reason. The grant is audited and listed for the lead agency. A missing case answers 404.
   */
  async breakGlass(actor: Actor, caseId: string, reason: string): Promise<AccessGrantResponse> {
    const current = (await this.access.caseViews(actor, [caseId])).get(caseId);
    if (current === 'full') throw new DomainError('CONFLICT', 'You already see this case in full');
    const grant: Partial<CaseAccessGrantEntity> = {
      id: uuidv7(),
      caseId,
      granteeAgencyId: actor.agencyId,
      granteeUserId: actor.userId,
      kind: 'break_glass',
      view: 'full',
      reason,
      sourceId: null,
      expiresAt: new Date(Date.now() + this.config.auth.breakGlassHours * 3600_000),
    };
    try {
      // The foreign key, checked without row-level security, tells a missing case apart.
      await this.tx.manager().query('SAVEPOINT break_glass');
      await this.tx.manager().insert(CaseAccessGrantEntity, grant);
      await this.tx.manager().query('RELEASE SAVEPOINT break_glass');
    } catch (err) {
      if ((err as { driverError?: { code?: string } }).driverError?.code === '23503') {
        await this.tx.manager().query('ROLLBACK TO SAVEPOINT break_glass');
        throw notFound('Case');
      }
      throw err;
    }
    this.audit.noteBreakGlass(grant.id!);
    await this.audit.change('break_glass', 'case_access_grant', grant.id!, [{ field: 'reason', personal: true }], caseId, {
      expiresAt: grant.expiresAt!.toISOString(),
    });
    const saved = await this.tx.manager().getRepository(CaseAccessGrantEntity).findOneByOrFail({ id: grant.id! });
    return toGrantResponse(saved);
  }

  /** Who outside the lead agency can see the case (referrals, break-the-glass), for its supervisors. */
  async accessGrants(actor: Actor, caseId: string): Promise<AccessGrantResponse[]> {
    await this.access.requireCase(actor, caseId, 'full');
    const c = await this.tx.manager().getRepository(CaseEntity).findOneByOrFail({ id: caseId });
    if (c.leadAgencyId !== actor.agencyId) throw notFound('Case');
    const grants = await this.tx.manager().getRepository(CaseAccessGrantEntity).find({ where: { caseId }, order: { grantedAt: 'DESC' } });
    this.audit.touch('case_access_grant', grants.map((g) => g.id), [caseId]);
    return grants.map(toGrantResponse);
  }
}
