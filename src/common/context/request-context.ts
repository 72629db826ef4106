import type { ClsStore } from 'nestjs-cls';

/** Who is acting: set by the authentication guard, read by access checks and the audit writer. */
export interface Actor {
  userId: string;
  agencyId: string;
  roles: string[];
  permissions: ReadonlySet<string>;
  tokenVersion: number;
  /** Session (refresh-token family) the access token belongs to. */
  sessionId?: string;
}

export interface RequestContextStore extends ClsStore {
  requestId: string;
  actor?: Actor;
}
