import { type ArgumentsHost, Catch, type ExceptionFilter, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { requestIdOf } from '../http/request-id.js';
import { mapError, sendProblem } from './problem.js';

/** Every failure leaves as application/problem+json with a stable code and the request id. */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    const mapped = mapError(exception, requestIdOf(req));
    if (mapped.unexpected) this.logger.error({ requestId: mapped.problem.requestId, ...mapped.logContext }, 'unexpected error');
    sendProblem(res, mapped);
  }
}
