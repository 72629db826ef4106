import { type BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { AuditService, requestFactsOf } from '../audit/audit.service.js';
import { type Actor, requestContext } from '../common/context/request-context.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { TransactionService } from '../database/transaction.service.js';
import { findLatestNotificationId, findNotificationsAfter } from './notifications.queries.js';
import { toNotificationResponse } from './notifications.service.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const BATCH = 100;

interface OpenStream {
  actor: Actor;
  req: Request;
  res: Response;
  lastId: string | null;
  timers: NodeJS.Timeout[];
  busy: boolean;
  closed: boolean;
}

/** The expiry of the request's (already verified) access token, so a stream never outlives it. */
function tokenExpiry(req: Request): number | null {
  const token = /^Bearer (.+)$/i.exec(req.header('authorization') ?? '')?.[1];
  const payload = token?.split('.')[1];
  if (!payload) return null;
  try {
    const exp = (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: unknown }).exp;
    return typeof exp === 'number' ? exp * 1000 : null;
  } catch {
    return null;
  }
}

/**
 * GET /me/notifications/stream: Server-Sent Events of the caller's new notifications. Each open
 * stream reads the notifications table (as the user: row-level security applies) every
 * NOTIFICATION_STREAM_POLL_MS, so a notification stated on any replica reaches a stream on any
 * other; a comment every NOTIFICATION_STREAM_HEARTBEAT_MS keeps proxies from closing it. Each
 * batch sent is audited like a read (the ids it handed out). The stream ends when the access
 * token expires (the client reconnects with a fresh one and Last-Event-ID) and, cleanly, when
 * the application shuts down.
 */
@Injectable()
export class NotificationStream implements BeforeApplicationShutdown {
  private readonly logger = new Logger('NotificationStream');
  private readonly streams = new Set<OpenStream>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(TransactionService) private readonly tx: TransactionService,
    @Inject(AuditService) private readonly audit: AuditService,
  ) {}

  get openStreams(): number {
    return this.streams.size;
  }

  /** Called inside the request's transaction: finds where to start, then hands the response over to the stream. */
  async open(actor: Actor, after: string | undefined, req: Request, res: Response): Promise<void> {
    const lastEventId = req.header('last-event-id');
    const start =
      after ??
      (lastEventId && UUID.test(lastEventId)
        ? lastEventId
        : await findLatestNotificationId(this.tx.manager(), actor.userId));
    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-cache, no-store, no-transform');
    res.setHeader('Connection', 'keep-alive');
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
    res.write(`retry: 5000\n: connected\n\n`);
    const stream: OpenStream = { actor, req, res, lastId: start, timers: [], busy: false, closed: false };
    this.streams.add(stream);
    const { streamPollMs, streamHeartbeatMs } = this.config.notifications;
    stream.timers.push(setInterval(() => void this.poll(stream), streamPollMs));
    stream.timers.push(
      setInterval(() => this.write(stream, `: heartbeat ${new Date().toISOString()}\n\n`), streamHeartbeatMs),
    );
    const expiry = tokenExpiry(req);
    if (expiry)
      stream.timers.push(
        setTimeout(() => this.close(stream, 'token-expired'), Math.max(0, Math.min(expiry - Date.now(), 2 ** 31 - 1))),
      );
    for (const t of stream.timers) t.unref();
    req.on('close', () => this.close(stream));
    // The first batch (after Last-Event-ID) at once, once the opening request has committed.
    setImmediate(() => void this.poll(stream));
  }

  private write(stream: OpenStream, text: string): void {
    if (!stream.closed && !stream.res.writableEnded) stream.res.write(text);
  }

  private async poll(stream: OpenStream): Promise<void> {
    if (stream.busy || stream.closed) return;
    stream.busy = true;
    try {
      const facts = requestFactsOf(stream.req);
      await requestContext.run(
        {
          requestId: facts?.requestId ?? 'stream',
          actor: stream.actor,
          routeTemplate: '/me/notifications/stream',
          permission: 'auth.self',
          facts,
        },
        () =>
          this.tx.run(async (m) => {
            const rows = await findNotificationsAfter(m, stream.actor.userId, stream.lastId, BATCH);
            if (!rows.length || stream.closed) return;
            const items = rows.map(toNotificationResponse);
            // Audited like a read, in the transaction that read them: the ids this batch hands out.
            if (facts)
              await this.audit.access(
                stream.req,
                {
                  requestId: facts.requestId,
                  actor: stream.actor,
                  audit: { resourceType: 'notification', resourceIds: new Set(), caseIds: new Set() },
                },
                facts,
                '/me/notifications/stream',
                'auth.self',
                'allowed',
                200,
                undefined,
                { items },
              );
            for (const item of items)
              this.write(stream, `id: ${item.id}\nevent: notification\ndata: ${JSON.stringify(item)}\n\n`);
            stream.lastId = rows.at(-1)!.id;
          }),
      );
    } catch (err) {
      this.logger.warn({ errorType: (err as Error)?.name }, 'notification stream poll failed; will retry');
    } finally {
      stream.busy = false;
    }
  }

  private close(stream: OpenStream, reason?: string): void {
    if (stream.closed) return;
    stream.closed = true;
    for (const t of stream.timers) clearInterval(t);
    this.streams.delete(stream);
    if (!stream.res.writableEnded) {
      if (reason) stream.res.write(`event: close\ndata: ${JSON.stringify({ reason })}\n\n`);
      stream.res.end();
    }
  }

  /** Ends every open stream (with a `close` event) so the HTTP server can stop. */
  beforeApplicationShutdown(): void {
    for (const stream of [...this.streams]) this.close(stream, 'shutdown');
  }
}
