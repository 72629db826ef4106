import type { AuditEventRow } from './audit.types.js';

/** Event columns of a CSV export, in order (after seq, prevChainHash, entryHash, chainHash). */
export const CSV_COLUMNS: (keyof AuditEventRow)[] = [
  'id',
  'occurredAt',
  'category',
  'action',
  'requestId',
  'actorUserId',
  'actorAgencyId',
  'actorRoles',
  'clientIp',
  'userAgent',
  'method',
  'route',
  'permission',
  'resourceType',
  'resourceIds',
  'caseIds',
  'outcome',
  'status',
  'reason',
  'durationMs',
  'breakGlassGrantId',
  'changes',
  'details',
];
