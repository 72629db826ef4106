/**
 * Permissions are `resource.action` strings. Every route declares exactly one with
 * `@Authorize()`; the role table below is the only place roles gain permissions.
 */
export enum Permission {
  HealthRead = 'health.read',
  ReferenceRead = 'reference.read',
  DocsRead = 'docs.read',
}

export const ROLES = [
  'system_admin',
  'agency_admin',
  'screener',
  'identification_officer',
  'caseworker',
  'case_supervisor',
  'facility_officer',
  'auditor',
  'analyst',
] as const;
export type Role = (typeof ROLES)[number];

/** Permissions that need no authentication (liveness, public reference lists). */
export const PUBLIC_PERMISSIONS: ReadonlySet<Permission> = new Set([Permission.HealthRead, Permission.ReferenceRead, Permission.DocsRead]);

export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  system_admin: [],
  agency_admin: [],
  screener: [],
  identification_officer: [],
  caseworker: [],
  case_supervisor: [],
  facility_officer: [],
  auditor: [],
  analyst: [],
};

export function permissionsOf(roles: readonly string[]): Set<string> {
  return new Set(roles.flatMap((r) => ROLE_PERMISSIONS[r as Role] ?? []));
}
