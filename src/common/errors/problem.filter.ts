import { type ArgumentsHost, Catch, type ExceptionFilter, Inject, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AuditService, requestFactsOf } from '../../audit/audit.service.js';
import { currentRequest } from '../context/request-context.js';
import { requestIdOf } from '../http/request-id.js';
import { mapError, outcomeOf, sendProblem } from './problem.js';

/**
 * Every failure leaves as application/problem+json with a stable code and the request id,
 * and is audited (denied or failed) after the request's transaction rolled back.
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  constructor(@Inject(AuditService) private readonly audit: AuditService) {}

  async catch(exception: unknown, host: ArgumentsHost): Promise<void> {
    const http = host.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    const mapped = mapError(exception, requestIdOf(req));
    if (mapped.unexpected)
      this.logger.error({ requestId: mapped.problem.requestId, ...mapped.logContext }, 'unexpected error');
    else if (mapped.safetyNet)
      this.logger.warn({ requestId: mapped.problem.requestId, ...mapped.logContext }, 'input refused by the database');
    const store = currentRequest();
    const facts = requestFactsOf(req);
    if (facts) {
      try {
        await this.audit.access(
          req,
          store,
          facts,
          store?.routeTemplate ?? '(unmatched)',
          store?.permission,
          outcomeOf(mapped.problem.status),
          mapped.problem.status,
          mapped.problem.code,
        );
      } catch (err) {
        this.logger.error(
          { requestId: mapped.problem.requestId, errorType: (err as Error)?.name },
          'could not write the audit entry of a failed request',
        );
      }
    }
    sendProblem(res, mapped);
  }
}
