import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import { jsonBodyParser } from './common/http/json-body.js';
import { rejectControlCharactersInQuery } from './common/http/query-guard.js';
import { normaliseIdsInUrl } from './common/http/ids.js';
import helmet from 'helmet';
import type { Logger } from 'pino';
import { requestContext, type RequestStore } from './common/context/request-context.js';
import { requestLogger } from './common/logging/request-logger.js';
import swaggerUi from 'swagger-ui-express';
import { AuditService, captureRequestFacts } from './audit/audit.service.js';
import { mapError, outcomeOf, sendProblem } from './common/errors/problem.js';
import { requireJsonBody } from './common/http/content-type.js';
import { requestIdMiddleware, requestIdOf } from './common/http/request-id.js';
import { createValidationPipe } from './common/http/validation.js';
import type { AppConfig } from './config/app-config.js';
import { buildOpenApiDocument } from './openapi.js';

/**
 * Everything that shapes HTTP behaviour, shared by main.ts and the test harness so the
 * tests exercise exactly what production runs.
 */
export function configureApp(nestApp: INestApplication, config: AppConfig, logger: Logger): void {
  const app = nestApp as NestExpressApplication;
  const audit = app.get(AuditService);
  app.set('trust proxy', config.http.trustProxyHops);
  app.disable('x-powered-by');
  app.set('etag', false);

  app.use(requestIdMiddleware);
  app.use(normaliseIdsInUrl);
  app.use(requestLogger(logger));
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          'script-src': ["'self'"],
          'style-src': ["'self'", "'unsafe-inline'"],
          'img-src': ["'self'", 'data:'],
        },
      },
    }),
  );
  app.enableCors({
    origin: config.http.corsOrigins.length ? config.http.corsOrigins : false,
    methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: ['authorization', 'content-type', 'if-match', 'idempotency-key', 'x-request-id'],
    exposedHeaders: ['etag', 'x-request-id', 'location', 'retry-after', 'idempotency-replayed'],
    maxAge: 600,
  });
  app.use((_req: Request, res: Response, next: NextFunction) => {
    // Victim data must never sit in a browser or proxy cache.
    res.setHeader('cache-control', 'no-store');
    res.setHeader('pragma', 'no-cache');
    next();
  });
  app.use(requireJsonBody);
  app.use(rejectControlCharactersInQuery);
  app.use(jsonBodyParser(config.http.bodyLimitBytes));
  // Errors raised before Nest routing (content type, body parsing) get the same problem shape.
  app.use(async (err: unknown, req: Request, res: Response, _next: NextFunction) => {
    const mapped = mapError(err, requestIdOf(req));
    await audit
      .access(
        req,
        undefined,
        captureRequestFacts(req),
        '(unparsed)',
        undefined,
        outcomeOf(mapped.problem.status),
        mapped.problem.status,
        mapped.problem.code,
      )
      .catch(() => undefined);
    sendProblem(res, mapped);
  });
  // The request context starts after body parsing: stream callbacks would not carry it.
  app.use((req: Request, res: Response, next: NextFunction) => {
    const store: RequestStore = {
      requestId: requestIdOf(req),
      facts: captureRequestFacts(req),
      audit: { resourceIds: new Set(), caseIds: new Set() },
    };
    // Safety net: a request that bypassed Nest (e.g. /docs) is still audited, best effort.
    res.on('finish', () => {
      if (!store.audit!.written) {
        void audit
          .access(
            req,
            store,
            store.facts!,
            req.baseUrl + (req.route?.path ?? '') || req.path.split('/').slice(0, 2).join('/'),
            undefined,
            res.statusCode < 400 ? 'allowed' : outcomeOf(res.statusCode),
            res.statusCode,
          )
          .catch(() => undefined);
      }
    });
    requestContext.run(store, next);
  });

  app.useGlobalPipes(createValidationPipe());

  if (config.http.swaggerEnabled) {
    const document = buildOpenApiDocument(app);
    app.use('/docs-json', (_req: Request, res: Response) => res.json(document));
    app.use(
      '/docs',
      swaggerUi.serve,
      swaggerUi.setup(document, {
        customSiteTitle: 'ctcm-api',
        swaggerOptions: { persistAuthorization: true, docExpansion: 'none' },
      }),
    );
  }
}
