import { type CallHandler, type ExecutionContext, Inject, Injectable, type NestInterceptor, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { from, lastValueFrom, type Observable } from 'rxjs';
import { AuditService, requestFactsOf } from '../audit/audit.service.js';
import { currentRequest } from '../common/context/request-context.js';
import { TransactionService } from './transaction.service.js';

const NO_REQUEST_TRANSACTION = 'ctcm:no-request-transaction';
const HTTP_CODE_METADATA = '__httpCode__';

/**
 * For routes that manage their own transactions: health probes (must answer without a
 * database) and authentication (a failed login must still commit its counters).
 */
export const NoRequestTransaction = () => SetMetadata(NO_REQUEST_TRANSACTION, true);

/**
 * Runs each request in one transaction: the actor's row-level-security context, the work
 * and its access-log entry commit together or not at all. Failures are audited by the
 * problem filter, after the rollback.
 */
@Injectable()
export class RequestTransactionInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    @Inject(TransactionService) private readonly tx: TransactionService,
    @Inject(AuditService) private readonly audit: AuditService,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const handler = context.getHandler();
    const req = context.switchToHttp().getRequest<Request>();
    const status = (Reflect.getMetadata(HTTP_CODE_METADATA, handler) as number | undefined) ?? (req.method === 'POST' ? 201 : 200);
    const skip = this.reflector.getAllAndOverride<boolean>(NO_REQUEST_TRANSACTION, [handler, context.getClass()]);
    const work = async () => {
      const result = await lastValueFrom(next.handle(), { defaultValue: undefined });
      const store = currentRequest();
      const facts = requestFactsOf(req);
      if (facts) await this.audit.access(store, facts, store?.routeTemplate, store?.permission, 'allowed', status);
      return result;
    };
    return from(skip ? work() : this.tx.run(work));
  }
}
