import type { WorkKind } from '../work-list/dto/work-list.dto.js';

/**
 * What a user can be told about, named from the recipient's side. Each maps to one domain
 * event of the events core (a referral "sent" reaches the receiver as `referral_received`).
 */
export const NOTIFICATION_KINDS = [
  'referral_received',
  'referral_accepted',
  'referral_declined',
  'referral_withdrawn',
  'referral_expiring',
  'referral_expired',
  'closure_requested',
  'closure_approved',
  'identification_requested',
  'identification_decided',
  'break_glass_used',
  'follow_up_due',
  'follow_up_overdue',
  'return_notice_received',
  'placement_capacity_low',
] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** In the application (GET /me/notifications and the stream), an e-mail at once, or a line in the daily digest. */
export const CHANNELS = ['in_app', 'email_immediate', 'email_digest'] as const;
export type Channel = (typeof CHANNELS)[number];

export const LANGUAGES = ['lo', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

/** Until a user chooses: everything in the application, no e-mail, in Lao. */
export const DEFAULT_LANGUAGE: Language = 'lo';
export const DEFAULT_CHANNELS: readonly Channel[] = ['in_app'];

/**
 * The daily digest lists the work list's current state: a section appears when the user chose
 * the digest for the kind of notification that announces that work.
 */
export const DIGEST_SECTION_KIND: Record<WorkKind, NotificationKind> = {
  referrals_to_answer: 'referral_received',
  closures_to_approve: 'closure_requested',
  identifications_to_decide: 'identification_requested',
  follow_ups_overdue: 'follow_up_overdue',
  follow_ups_due_this_week: 'follow_up_due',
  returnees_expected: 'return_notice_received',
};
