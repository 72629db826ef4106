import type { EmailTemplates } from './template-types.js';

/** English. Case numbers, codes and dates only: never a name or any personal detail. */
export const EN: EmailTemplates = {
  footer:
    'This message never contains names or personal details: open the application to see the records.\n' +
    'You receive it because of your notification preferences (GET /me/notification-preferences).',
  link: 'Open: {{url}}',
  test: {
    subject: 'CTCM: test message',
    body: 'This test message confirms that CTCM can reach you by e-mail.',
  },
  digest: {
    subject: 'CTCM daily digest {{date}}: {{total}} to do',
    intro: 'What needs you or your agency on {{date}}:',
    more: '... and {{count}} more in the application.',
    sections: {
      referrals_to_answer: {
        heading: 'Referrals to answer: {{count}}',
        line: '{{caseNumber}}: answer the {{urgency}} referral ({{purpose}}) by {{dueBy}}',
      },
      closures_to_approve: {
        heading: 'Closures to approve: {{count}}',
        line: '{{caseNumber}}: decide on the closure request ({{reason}})',
      },
      identifications_to_decide: {
        heading: 'Identifications to decide: {{count}}',
        line: 'Screening {{screeningId}}: decide the identification ({{suggestedOutcome}})',
      },
      follow_ups_overdue: {
        heading: 'Follow-up visits overdue: {{count}}',
        line: '{{caseNumber}}: visit due {{dueOn}}, {{daysOverdue}} days overdue',
      },
      follow_ups_due_this_week: {
        heading: 'Follow-up visits due this week: {{count}}',
        line: '{{caseNumber}}: visit due {{dueOn}}',
      },
      returnees_expected: {
        heading: 'Returnees expected: {{count}}',
        line: 'Notice {{noticeId}}: {{arrivalsExpected}} expected {{expectedOn}} at {{borderCrossingCode}}',
      },
    },
  },
  alert: {
    subject: 'CTCM {{caseNumber}}: {{action}}',
    subjectWithoutCase: 'CTCM: {{action}}',
    intro: '{{action}}.',
    kinds: {
      referral_received: 'referral received ({{urgency}}), answer by {{dueBy}}',
      referral_accepted: 'referral accepted',
      referral_declined: 'referral declined',
      referral_withdrawn: 'referral withdrawn',
      referral_expiring: 'referral expiring, answer by {{dueBy}}',
      referral_expired: 'referral expired unanswered',
      closure_requested: 'closure requested ({{reason}})',
      closure_approved: 'case closed ({{reason}})',
      identification_requested: 'identification decision requested',
      identification_decided: 'identification decided ({{status}})',
      break_glass_used: 'emergency access (break the glass) used by another agency',
      follow_up_due: 'follow-up visit due {{dueOn}}',
      follow_up_overdue: 'follow-up visit overdue since {{dueOn}}',
      return_notice_received: 'pre-arrival notice: {{peopleCount}} expected {{expectedOn}}',
      placement_capacity_low: 'a facility of your agency has {{freeBeds}} free beds left',
    },
  },
};
