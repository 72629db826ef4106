import type { SessionResponse } from './dto/session.dto.js';
import type { OpenSessionRow } from './sessions.queries.js';

export const toSessionResponse = (row: OpenSessionRow, currentSessionId: string | undefined): SessionResponse => ({
  id: row.id,
  current: row.id === currentSessionId,
  userAgent: row.user_agent,
  clientIp: row.client_ip,
  createdAt: row.created_at.toISOString(),
  lastUsedAt: (row.last_used_at ?? row.created_at).toISOString(),
  expiresAt: row.absolute_expires_at.toISOString(),
  secondFactor: row.second_factor,
});
