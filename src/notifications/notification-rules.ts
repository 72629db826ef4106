import type { DomainEvent, EventType } from '../events/event-catalogue.js';
import type { NotificationKind } from './notification-kinds.js';

/** Roles that work a referral inbox (REFERRAL_RECEIVER_ROLES) and a case (casework roles). */
const RECEIVERS = ['facility_officer', 'caseworker', 'case_supervisor'];
const CASEWORK = ['caseworker', 'case_supervisor'];

/**
 * Who a domain event concerns and what they are told. Recipients are the users of `agencies`
 * (plus the case's lead agency with `lead`) holding one of `roles`; in the lead agency, staff
 * without an agency-wide role only for the cases they work. `params` are the codes, dates and
 * counts the message shows; `path` the record in the front-end.
 */
export interface NotificationRule {
  kind: NotificationKind;
  roles: readonly string[];
  agencies: (e: DomainEvent) => string[];
  lead: boolean;
  /** The user who caused the event, when they must not be told of their own act. */
  except?: (e: DomainEvent) => string | null;
  params: (e: DomainEvent) => Record<string, string | number | null>;
  path: (e: DomainEvent) => string;
}

const p = (e: DomainEvent, key: string): string | null => {
  const v = e.payload[key];
  return typeof v === 'string' ? v : null;
};
const n = (e: DomainEvent, key: string): number | null => {
  const v = e.payload[key];
  return typeof v === 'number' ? v : null;
};
const casePath = (e: DomainEvent) => (e.caseId ? `/cases/${e.caseId}` : '/me/tasks');
const referralParams = (e: DomainEvent) => ({
  urgency: p(e, 'urgency'),
  purpose: p(e, 'purpose'),
  dueBy: p(e, 'dueBy'),
  referralId: p(e, 'referralId'),
});
const referralPath = (e: DomainEvent) => `/referrals/${p(e, 'referralId')}`;
const to = (e: DomainEvent) => [p(e, 'toAgencyId')].filter((x): x is string => !!x);
const from = (e: DomainEvent) => [p(e, 'fromAgencyId')].filter((x): x is string => !!x);
const none = () => [];

export const NOTIFICATION_RULES: Partial<Record<EventType, NotificationRule>> = {
  'referral.received': {
    kind: 'referral_received',
    roles: RECEIVERS,
    agencies: to,
    lead: false,
    params: referralParams,
    path: referralPath,
  },
  'referral.expiring': {
    kind: 'referral_expiring',
    roles: RECEIVERS,
    agencies: to,
    lead: false,
    params: referralParams,
    path: referralPath,
  },
  'referral.withdrawn': {
    kind: 'referral_withdrawn',
    roles: RECEIVERS,
    agencies: to,
    lead: false,
    params: referralParams,
    path: referralPath,
  },
  'referral.accepted': {
    kind: 'referral_accepted',
    roles: CASEWORK,
    agencies: from,
    lead: false,
    params: referralParams,
    path: referralPath,
  },
  'referral.declined': {
    kind: 'referral_declined',
    roles: CASEWORK,
    agencies: from,
    lead: false,
    params: referralParams,
    path: referralPath,
  },
  'referral.expired': {
    kind: 'referral_expired',
    roles: CASEWORK,
    agencies: from,
    lead: false,
    params: referralParams,
    path: referralPath,
  },
  'case.closure-requested': {
    kind: 'closure_requested',
    roles: ['case_supervisor'],
    agencies: none,
    lead: true,
    params: (e) => ({ reason: p(e, 'reason') }),
    path: casePath,
  },
  'case.closure-approved': {
    kind: 'closure_approved',
    roles: CASEWORK,
    agencies: none,
    lead: true,
    params: (e) => ({ reason: p(e, 'reason') }),
    path: casePath,
  },
  'identification.requested': {
    kind: 'identification_requested',
    roles: ['identification_officer'],
    agencies: (e) => [p(e, 'identificationAgencyId')].filter((x): x is string => !!x),
    lead: false,
    params: (e) => ({ screeningId: p(e, 'screeningId') }),
    path: (e) => `/screenings/${p(e, 'screeningId')}`,
  },
  'identification.decided': {
    kind: 'identification_decided',
    roles: ['screener', ...CASEWORK],
    agencies: (e) => e.agencyIds,
    lead: true,
    params: (e) => ({ status: p(e, 'status'), screeningId: p(e, 'screeningId') }),
    path: (e) => `/screenings/${p(e, 'screeningId')}`,
  },
  // The lead agency's supervisors are told at once, by every channel they chose.
  'case.break-glass': {
    kind: 'break_glass_used',
    roles: ['case_supervisor'],
    agencies: none,
    lead: true,
    except: (e) => p(e, 'userId'),
    params: (e) => ({ grantId: p(e, 'grantId'), byAgencyId: p(e, 'agencyId'), expiresAt: p(e, 'expiresAt') }),
    path: (e) => (e.caseId ? `/cases/${e.caseId}/access-grants` : '/me/tasks'),
  },
  'follow-up.due': {
    kind: 'follow_up_due',
    roles: ['facility_officer', ...CASEWORK],
    agencies: (e) => [p(e, 'agencyId')].filter((x): x is string => !!x),
    lead: false,
    params: (e) => ({ dueOn: p(e, 'dueOn'), followUpId: p(e, 'followUpId') }),
    path: casePath,
  },
  'follow-up.overdue': {
    kind: 'follow_up_overdue',
    roles: ['facility_officer', ...CASEWORK],
    agencies: (e) => [p(e, 'agencyId')].filter((x): x is string => !!x),
    lead: false,
    params: (e) => ({ dueOn: p(e, 'dueOn'), followUpId: p(e, 'followUpId') }),
    path: casePath,
  },
  'return-notice.received': {
    kind: 'return_notice_received',
    roles: ['facility_officer', ...CASEWORK],
    agencies: (e) => e.agencyIds,
    lead: false,
    params: (e) => ({
      peopleCount: n(e, 'peopleCount'),
      expectedOn: p(e, 'expectedOn'),
      borderCrossingCode: p(e, 'borderCrossingCode'),
      returnNoticeId: p(e, 'returnNoticeId'),
    }),
    path: (e) => `/return-notices/${p(e, 'returnNoticeId')}`,
  },
  'facility.capacity-low': {
    kind: 'placement_capacity_low',
    roles: ['facility_officer', 'case_supervisor'],
    agencies: (e) => e.agencyIds,
    lead: false,
    params: (e) => ({ freeBeds: n(e, 'freeBeds'), facilityId: p(e, 'facilityId') }),
    path: (e) => `/facilities/${p(e, 'facilityId')}`,
  },
};
