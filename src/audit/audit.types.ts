export type AuditCategory = 'access' | 'change' | 'auth';
export type AuditOutcome = 'allowed' | 'denied' | 'failed';

export interface FieldChange {
  field: string;
  /** Personal fields are recorded as changed, never with their values. */
  personal: boolean;
  old?: unknown;
  new?: unknown;
}

/** One row of audit_event, as written and as hashed (column order is the hash order). */
export interface AuditEventRow {
  id: string;
  occurredAt: string;
  category: AuditCategory;
  action: string;
  requestId: string | null;
  actorUserId: string | null;
  actorAgencyId: string | null;
  actorRoles: string[] | null;
  clientIp: string | null;
  userAgent: string | null;
  method: string | null;
  route: string | null;
  permission: string | null;
  resourceType: string | null;
  resourceIds: string[] | null;
  caseIds: string[] | null;
  outcome: AuditOutcome;
  status: number | null;
  reason: string | null;
  durationMs: number | null;
  breakGlassGrantId: string | null;
  changes: FieldChange[] | null;
  details: Record<string, unknown> | null;
}
