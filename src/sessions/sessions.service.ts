import { Inject, Injectable } from '@nestjs/common';
import { AuditService } from '../audit/audit.service.js';
import { AUTH_EVENT_SINK, type AuthEventSink } from '../auth/auth.service.js';
import type { Actor } from '../common/context/request-context.js';
import { notFound } from '../common/errors/domain-error.js';
import { TransactionService } from '../database/transaction.service.js';
import { UsersService } from '../users/users.service.js';
import type { SessionResponse } from './dto/session.dto.js';
import { toSessionResponse } from './session.mapper.js';
import { listOpenSessions, revokeOpenSession } from './sessions.queries.js';

/**
 * A user's open sessions (one per sign-in: a refresh-token family), so a lost phone or a forgotten
 * shared computer can be signed out from elsewhere; administrators do the same for their users.
 */
@Injectable()
export class SessionsService {
  constructor(
    @Inject(TransactionService) private readonly tx: TransactionService,
    @Inject(AuditService) private readonly audit: AuditService,
    @Inject(AUTH_EVENT_SINK) private readonly events: AuthEventSink,
    @Inject(UsersService) private readonly users: UsersService,
  ) {}

  async listMine(actor: Actor): Promise<SessionResponse[]> {
    return this.list(actor.userId, actor.sessionId);
  }

  async endMine(actor: Actor, sessionId: string): Promise<void> {
    await this.end(actor.userId, sessionId, 'ended_by_user', actor.agencyId);
  }

  async listOfUser(actor: Actor, userId: string): Promise<SessionResponse[]> {
    await this.users.findManageable(actor, userId);
    return this.list(userId, undefined);
  }

  async endOfUser(actor: Actor, userId: string, sessionId: string): Promise<void> {
    const user = await this.users.findManageable(actor, userId);
    await this.end(userId, sessionId, 'ended_by_admin', user.agencyId);
  }

  private async list(userId: string, currentSessionId: string | undefined): Promise<SessionResponse[]> {
    const rows = await listOpenSessions(this.tx.manager(), userId);
    this.audit.touch(
      'auth_session',
      rows.map((r) => r.id),
    );
    return rows.map((r) => toSessionResponse(r, currentSessionId));
  }

  /** Another user's session, or one already ended, answers 404 like a missing one. */
  private async end(userId: string, sessionId: string, reason: string, agencyId: string): Promise<void> {
    this.audit.touch('auth_session', [sessionId]);
    if (!(await revokeOpenSession(this.tx.manager(), userId, sessionId, reason))) throw notFound('Session');
    await this.events.authEvent('session_ended', { userId, agencyId, reason });
  }
}
