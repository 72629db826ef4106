import {
  applyDecorators,
  type CallHandler,
  type ExecutionContext,
  Inject,
  Injectable,
  type NestInterceptor,
  SetMetadata,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { FieldCipher } from '../crypto/field-cipher.js';
import { claimIdempotencyKey, markReplayed } from './idempotency.js';
import { from, lastValueFrom, type Observable } from 'rxjs';
import { AuditService, requestFactsOf } from '../audit/audit.service.js';
import { replayedAccessOf } from '../audit/access-entry.js';
import { currentRequest } from '../common/context/request-context.js';
import { receiveFile } from '../common/http/multipart-upload.js';
import { TransactionService } from '../database/transaction.service.js';

const NO_REQUEST_TRANSACTION = 'ctcm:no-request-transaction';
const BEST_EFFORT_AUDIT = 'ctcm:best-effort-audit';
const HTTP_CODE_METADATA = '__httpCode__';

/**
 * For routes that manage their own transactions: health probes (must answer without a
 * database) and authentication (a failed login must still commit its counters).
 */
export const NoRequestTransaction = () => SetMetadata(NO_REQUEST_TRANSACTION, true);

/** Whether a handler runs in the request transaction (and so honours Idempotency-Key): read by the OpenAPI contract. */
export const runsInRequestTransaction = (handler: object, controller: object): boolean =>
  Reflect.getMetadata(NO_REQUEST_TRANSACTION, handler) !== true &&
  Reflect.getMetadata(NO_REQUEST_TRANSACTION, controller) !== true;

/**
 * Health probes: no transaction, and their access entry is written when the database can take
 * it. Liveness must answer while the database is away, or the orchestrator would restart
 * healthy replicas during a database outage.
 */
export const HealthProbe = () => applyDecorators(NoRequestTransaction(), SetMetadata(BEST_EFFORT_AUDIT, true));

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
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(FieldCipher) private readonly cipher: FieldCipher,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const handler = context.getHandler();
    const req = context.switchToHttp().getRequest<Request>();
    const status =
      (Reflect.getMetadata(HTTP_CODE_METADATA, handler) as number | undefined) ?? (req.method === 'POST' ? 201 : 200);
    const skip = this.reflector.getAllAndOverride<boolean>(NO_REQUEST_TRANSACTION, [handler, context.getClass()]);
    const bestEffortAudit = this.reflector.getAllAndOverride<boolean>(BEST_EFFORT_AUDIT, [handler, context.getClass()]);
    const work = async () => {
      const store = currentRequest();
      const claim =
        !skip && store?.actor && store.manager
          ? await claimIdempotencyKey(
              store.manager,
              req,
              store.actor,
              store.routeTemplate ?? req.path,
              this.config.cases.idempotencyKeyTtlHours,
              this.cipher,
            )
          : {};
      let result: unknown;
      let sent = status;
      if (claim.replay && claim.verifyStreamedBody) {
        // A retry of a streamed upload: its body is read (hashed, not kept) to tell a retry of the
        // same request from a reuse of the key with another file.
        await this.readStreamedBody(req, context.switchToHttp().getResponse<Response>());
        claim.verifyStreamedBody(store?.streamedBodyFingerprint);
      }
      if (claim.replay) {
        markReplayed(context.switchToHttp().getResponse<Response>(), claim.replay.status);
        result = claim.replay.body;
        sent = claim.replay.status;
        this.audit.noteReplay(claim.replay.access);
      } else {
        result = await lastValueFrom(next.handle(), { defaultValue: undefined });
        await claim.complete?.(status, result, replayedAccessOf(store?.audit));
      }
      const facts = requestFactsOf(req);
      if (facts) {
        const written = this.audit.access(
          req,
          store,
          facts,
          store?.routeTemplate,
          store?.permission,
          'allowed',
          sent,
          undefined,
          result,
          // In the request transaction, the entry goes with its COMMIT: one exchange, and it fails the commit if it fails.
          { atCommit: !skip },
        );
        await (bestEffortAudit ? written.catch(() => undefined) : written);
      }
      return result;
    };
    if (!skip) return from(this.tx.run(work));
    // Without a request transaction, a streamed answer's last bytes wait for the access entry.
    const settle = (written: boolean) => {
      const callbacks = currentRequest()?.afterAccessEntry ?? [];
      for (const callback of callbacks.splice(0)) callback(written);
    };
    return from(
      work().then(
        (result) => (settle(true), result),
        (err: unknown) => {
          settle(false);
          throw err;
        },
      ),
    );
  }

  /** Reads a multipart body to its end within the upload limits, recording its fingerprint. */
  private async readStreamedBody(req: Request, res: Response): Promise<void> {
    const upload = await receiveFile(req, res, {
      maxFileBytes: this.config.documents.maxBytes,
      idleTimeoutMs: this.config.documents.uploadIdleTimeoutMs,
    });
    try {
      for await (const _ of upload.content);
      await upload.finished;
    } catch (err) {
      upload.abandon();
      throw err;
    }
  }
}
