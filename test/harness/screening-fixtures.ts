import { CONSENT_ITEMS } from '../../src/reference-data/data/code-lists.js';

export const ALL_CONSENT = CONSENT_ITEMS.map((item) => ({ item, decision: 'given', givenBy: 'person' }));
export const consentWith = (overrides: Record<string, 'declined' | 'not_asked'>) =>
  CONSENT_ITEMS.map((item) =>
    overrides[item] ? { item, decision: overrides[item] } : { item, decision: 'given', givenBy: 'person' },
  );

/** A screening body at the First Friendship Bridge with the given answers. */
export function screeningBody(overrides: Record<string, unknown> = {}) {
  return {
    profile: 'adult_labour',
    conductedAt: new Date(Date.now() - 3600_000).toISOString(),
    place: { type: 'border_crossing', borderCrossingCode: 'FRIENDSHIP_BRIDGE_1' },
    interviewLanguage: 'lao',
    interpreter: { used: false },
    consent: ALL_CONSENT,
    exitMode: 'deportation',
    victimContext: {
      exploitationTypes: ['ForcedLabour'],
      isicSections: ['A'],
      exploitationCountries: ['TH'],
      meansOfControl: ['DebtBondage', 'WithholdsDocuments'],
    },
    immediateNeeds: ['medical', 'shelter'],
    risks: ['debt'],
    answers: [],
    ...overrides,
  };
}

/** Answers that make D1, D4 and D5 positive in the adult labour list (2 strong or 1 strong + 1 medium each). */
export const VICTIM_ANSWERS = [
  { indicatorCode: 'AL.D1.01', answer: 'yes' },
  { indicatorCode: 'AL.D1.02', answer: 'yes' },
  { indicatorCode: 'AL.D4.01', answer: 'yes' },
  { indicatorCode: 'AL.D4.02', answer: 'yes' },
  { indicatorCode: 'AL.D5.01', answer: 'yes' },
  { indicatorCode: 'AL.D5.02', answer: 'yes' },
  { indicatorCode: 'AL.D2.01', answer: 'declined' },
  { indicatorCode: 'AL.D6.01', answer: 'unknown' },
];
