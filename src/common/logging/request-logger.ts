import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { requestIdOf } from '../http/request-id.js';

type RoutedRequest = Request & { routeTemplate?: string };

/**
 * One log line per request when it ends: request id, method, route template (never the raw
 * URL: paths and query strings can carry names), status and duration; warn for 4xx, error for
 * 5xx and aborted requests. It replaces pino-http, which built a child logger and serialisers
 * for every request even when the level dropped the line (7 % of a case read's throughput).
 */
export function requestLogger(logger: Logger) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const started = performance.now();
    const end = (aborted: boolean) => {
      res.off('finish', onFinish);
      res.off('close', onClose);
      const status = res.statusCode;
      const level = aborted || status >= 500 ? 'error' : status >= 400 ? 'warn' : 'info';
      if (!logger.isLevelEnabled(level)) return;
      const reqId = requestIdOf(req);
      logger[level](
        {
          reqId,
          req: { id: reqId, method: req.method },
          res: { statusCode: status },
          responseTime: Math.round(performance.now() - started),
          route: (req as RoutedRequest).routeTemplate ?? '(unmatched)',
        },
        aborted ? 'request aborted' : status >= 500 ? 'request failed' : 'request completed',
      );
    };
    const onFinish = () => end(false);
    const onClose = () => end(!res.writableFinished);
    res.once('finish', onFinish);
    res.once('close', onClose);
    next();
  };
}
