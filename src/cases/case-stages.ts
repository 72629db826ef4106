/**
 * The case lifecycle (DOMAIN.md §4.1). Ordinary moves go through `transition`; closing needs a
 * reason from the fixed list and a supervisor; reopening needs a supervisor and a reason.
 */
export const CASE_STAGES = [
  'intake',
  'screening',
  'identified',
  'not_identified',
  'referred',
  'assessment',
  'planning',
  'active',
  'reintegration',
  'follow_up',
  'closed',
  'closed_referred',
] as const;
export type CaseStage = (typeof CASE_STAGES)[number];

export const CLOSED_STAGES: ReadonlySet<CaseStage> = new Set(['closed', 'closed_referred']);

/** Allowed ordinary transitions (closing and reopening have their own routes). */
export const TRANSITIONS: Record<CaseStage, readonly CaseStage[]> = {
  intake: ['screening'],
  screening: ['identified', 'not_identified'],
  identified: ['referred', 'assessment'],
  not_identified: ['screening'],
  referred: ['assessment'],
  assessment: ['planning', 'referred'],
  planning: ['active', 'referred'],
  active: ['reintegration', 'follow_up', 'referred'],
  reintegration: ['follow_up', 'referred'],
  follow_up: ['active', 'reintegration'],
  closed: [],
  closed_referred: [],
};

/** Stages a reopened case may return to. */
export const REOPEN_STAGES: readonly CaseStage[] = [
  'intake',
  'screening',
  'assessment',
  'planning',
  'active',
  'reintegration',
  'follow_up',
];

export function canTransition(from: CaseStage, to: CaseStage): boolean {
  return TRANSITIONS[from].includes(to);
}

/** What the case holds that a stage may depend on (docs/case-stages.md). */
export interface StageFacts {
  /** Latest identification decision on a screening of the case (HTCDS status), if any. */
  identificationStatus: string | null;
  /** A referral of the case that was sent and not declined, withdrawn or expired. */
  referralSent: boolean;
  /** The person is in a facility bed now (an admission without discharge). */
  openPlacement: boolean;
}

const IDENTIFIED_STATUSES = new Set(['ActualVictimOfTrafficking', 'PossibleVictimOfTrafficking']);

/**
 * Stages reflect facts: a move to a stage that an event implies is refused until that event
 * is recorded. Returns why the move is refused, or null when the facts allow it.
 */
export function missingFact(to: CaseStage, facts: StageFacts): { fact: string; detail: string } | null {
  switch (to) {
    case 'identified':
      return facts.identificationStatus && IDENTIFIED_STATUSES.has(facts.identificationStatus)
        ? null
        : {
            fact: 'identification_decision',
            detail: 'Record an identification decision (actual or possible victim) on a screening of the case first',
          };
    case 'not_identified':
      return facts.identificationStatus === 'NotAVictimOfTrafficking'
        ? null
        : {
            fact: 'identification_decision',
            detail: 'Record an identification decision (not a victim) on a screening of the case first',
          };
    case 'referred':
      return facts.referralSent ? null : { fact: 'referral', detail: 'Send a referral of the case first' };
    case 'reintegration':
      return facts.openPlacement
        ? { fact: 'discharge', detail: 'The person is still in a facility: record the discharge first' }
        : null;
    default:
      return null;
  }
}

/** The stage a case opened from a screening starts in: the decision already recorded decides it. */
export function stageFromScreening(identificationStatus: string | null): CaseStage {
  if (identificationStatus && IDENTIFIED_STATUSES.has(identificationStatus)) return 'identified';
  if (identificationStatus === 'NotAVictimOfTrafficking') return 'not_identified';
  return 'screening';
}

/** HTCDS cas_Status of a stage. */
export function htcdsStatus(stage: CaseStage): 'Active' | 'FollowUp' | 'Closed' | 'ClosedReferred' {
  if (stage === 'closed') return 'Closed';
  if (stage === 'closed_referred') return 'ClosedReferred';
  if (stage === 'follow_up') return 'FollowUp';
  return 'Active';
}

/** Closing with this reason makes the case closed-referred (transferred to another agency). */
export const REFERRED_CLOSURE_REASON = 'transferred_or_referred';
