/**
 * Permissions are `resource.action` strings. Every route declares exactly one with
 * `@Authorize()`; the role table below is the only place roles gain permissions, and the
 * README prints it.
 */
export enum Permission {
  HealthRead = 'health.read',
  ReferenceRead = 'reference.read',
  TranslationExport = 'translation.export',
  TranslationImport = 'translation.import',
  AuthLogin = 'auth.login',
  AuthSelf = 'auth.self',

  AgencyRead = 'agency.read',
  AgencyManage = 'agency.manage',
  UserRead = 'user.read',
  UserManage = 'user.manage',

  CaseRead = 'case.read',
  CaseCreate = 'case.create',
  CaseUpdate = 'case.update',
  CaseAssign = 'case.assign',
  CaseClose = 'case.close',
  ConsentManage = 'consent.manage',
  CaseRecordWrite = 'case-record.write',
  ServiceRecordWrite = 'service-record.write',
  FollowUpRead = 'follow-up.read',
  CaseBreakGlass = 'case.break-glass',
  CaseGrantsRead = 'case.grants-read',

  PersonRead = 'person.read',
  PersonCreate = 'person.create',
  PersonUpdate = 'person.update',
  PersonMerge = 'person.merge',

  CatalogueRead = 'catalogue.read',
  CataloguePublish = 'catalogue.publish',
  ScreeningRead = 'screening.read',
  ScreeningCreate = 'screening.create',
  IdentificationDecide = 'identification.decide',
  IntakeManage = 'intake.manage',
  IntakeReview = 'intake.review',
  IntakeReceive = 'intake.receive',

  FacilityRead = 'facility.read',
  FacilityManage = 'facility.manage',
  PlacementManage = 'placement.manage',
  ReferralRead = 'referral.read',
  ReferralCreate = 'referral.create',
  ReferralRespond = 'referral.respond',
  ReferralConsentOverride = 'referral.consent-override',
  ReturnManage = 'return.manage',
  TracingRead = 'tracing.read',
  TracingManage = 'tracing.manage',
  CaseTransferRead = 'case-transfer.read',
  CaseTransferRequest = 'case-transfer.request',
  CaseTransferRespond = 'case-transfer.respond',
  ReportRead = 'report.read',
  DocumentRead = 'document.read',
  DocumentWrite = 'document.write',
  DocumentRemove = 'document.remove',

  EventRead = 'event.read',
  WebhookManage = 'webhook.manage',

  AuditRead = 'audit.read',
  AuditExport = 'audit.export',
  AuditVerify = 'audit.verify',

  RetentionRead = 'retention.read',
  RetentionRun = 'retention.run',
  CaseLegalHold = 'case.legal-hold',
  SubjectAccessRequest = 'subject-access.request',
  SubjectAccessApprove = 'subject-access.approve',
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

/** Permissions that need no token: liveness/readiness, public reference lists, the login itself. */
export const PUBLIC_PERMISSIONS: ReadonlySet<Permission> = new Set([
  Permission.HealthRead,
  Permission.ReferenceRead,
  Permission.AuthLogin,
  // The KoboToolbox REST Service: no user token, the connection's secret in a header instead.
  Permission.IntakeReceive,
]);

/** Granted to every signed-in user, whatever the role: their own session and password. */
const SELF: readonly Permission[] = [Permission.AuthSelf, Permission.AgencyRead, Permission.FacilityRead];

/** Working a case: stages, consent, assessments, plans, services, follow-ups, notes. */
const CASEWORK: readonly Permission[] = [
  Permission.CaseRead,
  Permission.CaseCreate,
  Permission.CaseUpdate,
  Permission.ConsentManage,
  Permission.CaseRecordWrite,
  Permission.ServiceRecordWrite,
  Permission.FollowUpRead,
  Permission.ReferralRead,
  Permission.ReferralCreate,
  Permission.ReferralRespond,
  Permission.ReturnManage,
  Permission.TracingRead,
  Permission.TracingManage,
  Permission.CaseTransferRead,
  Permission.DocumentRead,
  Permission.DocumentWrite,
];

const SCREENING: readonly Permission[] = [
  Permission.DocumentRead,
  Permission.DocumentWrite,
  Permission.PersonRead,
  Permission.PersonCreate,
  Permission.PersonUpdate,
  Permission.CatalogueRead,
  Permission.ScreeningRead,
  Permission.ScreeningCreate,
  Permission.IntakeReview,
];

export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  system_admin: [
    ...SELF,
    Permission.AgencyManage,
    Permission.UserRead,
    Permission.UserManage,
    Permission.CatalogueRead,
    Permission.CataloguePublish,
    Permission.FacilityManage,
    Permission.ReportRead,
    Permission.TranslationExport,
    Permission.TranslationImport,
    Permission.RetentionRead,
    Permission.RetentionRun,
  ],
  agency_admin: [
    ...SELF,
    Permission.UserRead,
    Permission.UserManage,
    Permission.FacilityManage,
    Permission.EventRead,
    Permission.WebhookManage,
    Permission.CatalogueRead,
    Permission.IntakeManage,
  ],
  screener: [...SELF, ...SCREENING, Permission.CaseRead, Permission.CaseCreate],
  identification_officer: [
    ...SELF,
    Permission.PersonRead,
    Permission.CatalogueRead,
    Permission.ScreeningRead,
    Permission.IdentificationDecide,
    Permission.CaseRead,
    Permission.CaseBreakGlass,
    Permission.DocumentRead,
    Permission.DocumentWrite,
  ],
  caseworker: [...SELF, ...SCREENING, ...CASEWORK],
  case_supervisor: [
    ...SELF,
    ...SCREENING,
    ...CASEWORK,
    Permission.PersonMerge,
    Permission.CaseAssign,
    Permission.CaseClose,
    Permission.CaseBreakGlass,
    Permission.CaseGrantsRead,
    Permission.ReferralConsentOverride,
    Permission.CaseTransferRequest,
    Permission.CaseTransferRespond,
    Permission.PlacementManage,
    Permission.ReportRead,
    Permission.EventRead,
    Permission.CaseLegalHold,
    Permission.DocumentRemove,
    Permission.SubjectAccessRequest,
    Permission.SubjectAccessApprove,
  ],
  facility_officer: [
    ...SELF,
    Permission.PersonRead,
    Permission.CaseRead,
    Permission.ServiceRecordWrite,
    Permission.CaseRecordWrite,
    Permission.FollowUpRead,
    Permission.ReferralRead,
    Permission.ReferralRespond,
    Permission.PlacementManage,
    Permission.ReturnManage,
    Permission.DocumentRead,
    Permission.DocumentWrite,
  ],
  auditor: [...SELF, Permission.AuditRead, Permission.AuditExport, Permission.AuditVerify, Permission.RetentionRead],
  analyst: [...SELF, Permission.ReportRead],
};

/** Roles whose holders see every case their agency leads (others see the cases assigned to them). */
export const AGENCY_WIDE_CASE_ROLES: ReadonlySet<Role> = new Set(['case_supervisor', 'identification_officer']);
/**
 * Roles whose statistics cover every agency (the NSC secretariat's analysts, system
 * administrators); other holders of report.read see their own agency's. The SQL function
 * app_statistic_counts() checks the same list (migration 1797100000000-statistics).
 */
export const NATIONAL_REPORT_ROLES: ReadonlySet<Role> = new Set(['analyst', 'system_admin']);
/** Roles that work an agency's referral inbox, and so see referred cases through the limited view. */
export const REFERRAL_RECEIVER_ROLES: ReadonlySet<Role> = new Set([
  'facility_officer',
  'caseworker',
  'case_supervisor',
]);

export function permissionsOf(roles: readonly string[]): Set<string> {
  return new Set(roles.flatMap((r) => ROLE_PERMISSIONS[r as Role] ?? []));
}

export const isRole = (value: string): value is Role => (ROLES as readonly string[]).includes(value);
