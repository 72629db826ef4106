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

/** HTCDS cas_Status of a stage. */
export function htcdsStatus(stage: CaseStage): 'Active' | 'FollowUp' | 'Closed' | 'ClosedReferred' {
  if (stage === 'closed') return 'Closed';
  if (stage === 'closed_referred') return 'ClosedReferred';
  if (stage === 'follow_up') return 'FollowUp';
  return 'Active';
}

/** Closing with this reason makes the case closed-referred (transferred to another agency). */
export const REFERRED_CLOSURE_REASON = 'transferred_or_referred';
