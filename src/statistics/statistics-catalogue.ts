/**
 * Every statistic the API publishes, defined once: what is counted, on which date, by which
 * dimensions. The SQL behind each name is app_statistic_counts() (migration
 * 1797100000000-statistics); docs/statistics.md prints these definitions.
 */
export interface MeasureDefinition {
  /** What one unit of the count is. */
  unit: string;
  /** The date that places a unit in a month. */
  dated: string;
  definition: string;
  dimensions: readonly string[];
  /** Dimensions under which one unit may count under several values (their total is not the sum). */
  overlapping?: readonly string[];
  /** A stock (people or staff at the end of each month) rather than a flow: a quarter or year reports its last month. */
  stock?: boolean;
}

export const MEASURES = {
  cases: {
    unit: 'case',
    dated: 'the day the case was opened',
    definition: 'Cases opened, by the attributes of the case, its person (sex, age band) and its screenings.',
    dimensions: [
      'province',
      'agency',
      'sex',
      'ageGroup',
      'adultChild',
      'exploitationType',
      'countryOfExploitation',
      'sector',
      'meansOfControl',
      'recruitment',
      'identificationStatus',
      'borderCrossing',
    ],
    overlapping: [
      'exploitationType',
      'countryOfExploitation',
      'sector',
      'meansOfControl',
      'recruitment',
      'borderCrossing',
    ],
  },
  identificationTime: {
    unit: 'screening',
    dated: 'the first identification decision on the screening',
    definition:
      'Screenings that received an identification decision, by the days from the screening (on arrival or at first contact) to the first decision: d0_1, d2_7, d8_30, d31_90, d91_plus.',
    dimensions: ['timeToDecision', 'province', 'agency'],
  },
  referrals: {
    unit: 'referral',
    dated: 'the day the referral was sent',
    definition:
      'Referrals sent, by outcome (pending, accepted, declined, expired, withdrawn, completed, cancelled), receiving agency, purpose, and time to answer (h0_24, h24_72, d3_7, d7_plus, unanswered). An agency sees the referrals it sent or received.',
    dimensions: ['outcome', 'receivingAgency', 'purpose', 'timeToAnswer'],
  },
  occupancy: {
    unit: 'person in placement',
    dated: 'the last day of the month (today for the current month)',
    definition:
      'People placed in a shelter or transit centre at the end of the month, by agency, facility kind and sex.',
    dimensions: ['agency', 'facilityKind', 'sex'],
    stock: true,
  },
  admissions: {
    unit: 'placement',
    dated: 'the day of admission',
    definition: 'Admissions to shelters and transit centres, by agency and facility kind.',
    dimensions: ['agency', 'facilityKind'],
  },
  unmetNeeds: {
    unit: 'unmet need',
    dated: 'the day it was recorded',
    definition:
      'Referrals no eligible facility could take (or for which no service existed), by sex, reason (the refusing rule), service, province and adult/child.',
    dimensions: ['sex', 'reason', 'service', 'province', 'adultChild'],
  },
  services: {
    unit: 'service record',
    dated: 'the day the service was delivered',
    definition: 'Services delivered, by type, providing agency and outcome.',
    dimensions: ['serviceType', 'agency', 'outcome'],
  },
  followUps: {
    unit: 'follow-up',
    dated: 'the day the follow-up was due',
    definition:
      'Follow-ups (cancelled ones excluded) by timeliness: on_time (done within 7 days of the due date), late (done later), missed (not done 30 days after the due date), open (not yet due or within the 30 days).',
    dimensions: ['timeliness', 'agency'],
  },
  closures: {
    unit: 'case',
    dated: 'the day the case was closed',
    definition: 'Cases closed, by closure reason, agency and sex.',
    dimensions: ['closureReason', 'agency', 'sex'],
  },
  caseDuration: {
    unit: 'case',
    dated: 'the day the case was closed',
    definition:
      'Cases closed, by the time from opening to closure: m0_1 (under a month), m1_3, m3_6, m6_12, m12_plus (over a year).',
    dimensions: ['timeToClosure', 'agency'],
  },
  caseload: {
    unit: 'caseworker',
    dated: 'the last day of the month (today for the current month)',
    definition:
      'Caseworkers with open cases assigned at the end of the month, by caseload band (c1_5, c6_10, c11_20, c21_plus) and agency. Uses the current assignment of each case.',
    dimensions: ['caseloadBand', 'agency'],
    stock: true,
  },
} as const satisfies Record<string, MeasureDefinition>;

export type MeasureName = keyof typeof MEASURES;
export const MEASURE_NAMES = Object.keys(MEASURES) as MeasureName[];
export const ALL_DIMENSIONS = [...new Set(Object.values(MEASURES).flatMap((m) => m.dimensions as readonly string[]))];
export const PERIOD_KINDS = ['month', 'quarter', 'year'] as const;
export type PeriodKind = (typeof PERIOD_KINDS)[number];

/** Dimensions whose values are agency ids, shown by agency code. */
export const AGENCY_DIMENSIONS: ReadonlySet<string> = new Set(['agency', 'receivingAgency']);

/** Every (measure, dimension) the API answers, the totals ('none') included: what is precomputed. */
export const STATISTIC_PAIRS: [string, string][] = Object.entries(MEASURES).flatMap(([name, m]) =>
  ['none', ...(m.dimensions as readonly string[])].map((d) => [name, d] as [string, string]),
);

export const measureOf = (name: string): MeasureDefinition => MEASURES[name as MeasureName];
