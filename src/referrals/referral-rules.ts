/** Referral states and who may move them (the receiving agency answers; the sender withdraws). */
export const REFERRAL_PURPOSES = [
  'shelter_placement',
  'transit_reception',
  'medical',
  'psychosocial',
  'legal',
  'family_tracing',
  'reintegration',
  'other',
] as const;
export const URGENCIES = ['emergency', 'high', 'normal', 'low'] as const;
export const REFERRAL_STATUSES = [
  'pending',
  'accepted',
  'declined',
  'withdrawn',
  'expired',
  'completed',
  'cancelled',
] as const;
export const DECLINE_REASONS = [
  'no_capacity',
  'not_eligible',
  'service_not_offered',
  'person_declined',
  'duplicate',
  'other',
] as const;
export type ReferralStatus = (typeof REFERRAL_STATUSES)[number];
export type ReferralAction = 'accept' | 'decline' | 'withdraw' | 'complete' | 'cancel';

/** Hours the receiver has to answer, by urgency (REFERRAL_SLA_HOURS overrides). */
export const DEFAULT_SLA_HOURS: Record<(typeof URGENCIES)[number], number> = {
  emergency: 4,
  high: 24,
  normal: 72,
  low: 168,
};

const MOVES: Record<
  ReferralAction,
  { from: ReferralStatus[]; to: ReferralStatus; by: 'receiver' | 'sender' | 'either' }
> = {
  accept: { from: ['pending'], to: 'accepted', by: 'receiver' },
  decline: { from: ['pending'], to: 'declined', by: 'receiver' },
  withdraw: { from: ['pending'], to: 'withdrawn', by: 'sender' },
  complete: { from: ['accepted'], to: 'completed', by: 'receiver' },
  cancel: { from: ['accepted'], to: 'cancelled', by: 'either' },
};

/** Referral states in which the receiving agency sees the case (limited view). */
export const OPEN_STATUSES: ReadonlySet<ReferralStatus> = new Set(['pending', 'accepted']);

export type MoveCheck = { ok: true; to: ReferralStatus } | { ok: false; reason: 'illegal_state' | 'wrong_party' };

export function checkMove(action: ReferralAction, status: ReferralStatus, party: 'sender' | 'receiver'): MoveCheck {
  const move = MOVES[action];
  if (move.by !== 'either' && move.by !== party) return { ok: false, reason: 'wrong_party' };
  if (!move.from.includes(status)) return { ok: false, reason: 'illegal_state' };
  return { ok: true, to: move.to };
}

export interface Profile {
  gender: string;
  age: number | null;
  exploitationTypes: string[];
}

export interface FacilityRules {
  acceptsGenders: string[];
  acceptsMinAge: number;
  acceptsMaxAge: number;
  acceptsExploitationTypes: string[];
  active: boolean;
}

export interface EligibilityFailure {
  rule: 'inactive' | 'gender' | 'age' | 'exploitation_type';
  detail: string;
}

/** Whom a facility accepts. An unknown age is not refused on age (the caseworker confirms it). */
export function eligibilityFailures(f: FacilityRules, p: Profile): EligibilityFailure[] {
  const failures: EligibilityFailure[] = [];
  if (!f.active) failures.push({ rule: 'inactive', detail: 'the facility is not taking people in' });
  if (!f.acceptsGenders.includes(p.gender))
    failures.push({ rule: 'gender', detail: `the facility accepts ${f.acceptsGenders.join(', ')} only` });
  if (p.age !== null && (p.age < f.acceptsMinAge || p.age > f.acceptsMaxAge))
    failures.push({ rule: 'age', detail: `the facility accepts ages ${f.acceptsMinAge}–${f.acceptsMaxAge}` });
  if (
    f.acceptsExploitationTypes.length &&
    p.exploitationTypes.length &&
    !p.exploitationTypes.some((t) => f.acceptsExploitationTypes.includes(t))
  ) {
    failures.push({
      rule: 'exploitation_type',
      detail: `the facility accepts ${f.acceptsExploitationTypes.join(', ')} only`,
    });
  }
  return failures;
}

export const ageGroupOf = (age: number | null): 'child' | 'adult' | 'unknown' =>
  age === null ? 'unknown' : age < 18 ? 'child' : 'adult';
