/**
 * Screening indicator catalogue, version 1: seed reference data for the indicator catalogue
 * (shared/domain/DOMAIN.md §2.1, §2.1.5).
 *
 * Sources and confidence (DOMAIN tags [V] verified, [S] secondary, [U] unverified):
 * - The ILO/EC Delphi publication (WCMS_105023), its four lists and six dimensions: [V].
 * - Adult labour list (§2.1.2): [S], taken from a secondary reproduction. Two D3 weights are disputed (†).
 * - Child labour list (§2.1.3): [S], built here as the adult list plus the reported child changes.
 * - Adult and child sexual exploitation lists (§2.1.4): NOT retrieved. They are derived here from the
 *   labour lists with the two differences reported second-hand, and every entry is 'unverified'.
 * - Forced criminality (§1.1 notes, §2.1.5, §3.2): we know only that the UNODC key indicators exist and
 *   are classified by Act, Means and Purpose. The set below was written for this project by analogy
 *   with the labour list, and every entry is 'unverified'. Confirm it with the client.
 *
 * This is reference data. Do not hard-code indicator codes elsewhere. Transcribe WCMS_105023 and
 * WCMS_105036 verbatim into a version 2 rather than editing this version in place.
 */
export type IndicatorProfile =
  'adult_labour' | 'adult_sexual' | 'child_labour' | 'child_sexual' | 'adult_forced_criminality';
export type IndicatorDimension = 'D1' | 'D2' | 'D3' | 'D4' | 'D5' | 'D6';
export type IndicatorWeight = 'strong' | 'medium' | 'weak';
export type IndicatorVerification = 'verified' | 'secondary' | 'unverified';

export interface IndicatorSeed {
  /** `<PREFIX>.<D>.<NN>`, e.g. 'AL.D1.01' (AL, AS, CL, CS, FC), unique across the catalogue. */
  code: string;
  profile: IndicatorProfile;
  dimension: IndicatorDimension;
  weight: IndicatorWeight;
  textEn: string;
  /** No verified Lao translation yet. */
  textLo: string | null;
  source: string;
  verification: IndicatorVerification;
}

export interface IndicatorCatalogue {
  version: 1;
  title: string;
  source: string;
  notes: string;
  indicators: IndicatorSeed[];
}

/** The six Delphi dimensions and the Palermo Protocol Art. 3 element each one evidences (DOMAIN §2.1 [V]). */
export const DIMENSIONS: Record<
  IndicatorDimension,
  { labelEn: string; palermoElement: string; kind: 'recruitment' | 'exploitation' | 'destination_means' }
> = {
  D1: {
    labelEn: 'Deceptive recruitment (including transfer and transport)',
    palermoElement: 'Act + means (deception/fraud)',
    kind: 'recruitment',
  },
  D2: {
    labelEn: 'Coercive recruitment',
    palermoElement: 'Act + means (force, coercion, abduction)',
    kind: 'recruitment',
  },
  D3: {
    labelEn: 'Recruitment by abuse of vulnerability',
    palermoElement: 'Act + means (abuse of vulnerability)',
    kind: 'recruitment',
  },
  D4: { labelEn: 'Exploitation (exploitative conditions of work)', palermoElement: 'Purpose', kind: 'exploitation' },
  D5: {
    labelEn: 'Coercion at destination',
    palermoElement: 'Means sustained at destination',
    kind: 'destination_means',
  },
  D6: {
    labelEn: 'Abuse of vulnerability at destination',
    palermoElement: 'Means sustained at destination',
    kind: 'destination_means',
  },
};

const DIMENSION_ORDER: IndicatorDimension[] = ['D1', 'D2', 'D3', 'D4', 'D5', 'D6'];
const WEIGHT_ORDER: IndicatorWeight[] = ['strong', 'medium', 'weak'];

const PREFIX: Record<IndicatorProfile, string> = {
  adult_labour: 'AL',
  adult_sexual: 'AS',
  child_labour: 'CL',
  child_sexual: 'CS',
  adult_forced_criminality: 'FC',
};

const SRC_ADULT_LABOUR = 'ILO/EC Delphi 2009 (WCMS_105023), adult labour list, via secondary source';
const SRC_ADULT_LABOUR_DISPUTED =
  'ILO/EC Delphi 2009 (WCMS_105023), adult labour list, via secondary source; weight disputed (secondary source: medium, recollection: weak): check WCMS_105023';
const SRC_CHILD_LABOUR =
  'ILO/EC Delphi 2009 (WCMS_105023), child labour list, via secondary source (adult labour list with the reported child changes)';
const SRC_ADULT_SEXUAL =
  'Derived from the ILO/EC Delphi 2009 adult labour list with two second-hand differences; adult sexual exploitation list not retrieved: pending WCMS_105023/105036';
const SRC_CHILD_SEXUAL =
  'Derived from the ILO/EC Delphi 2009 child labour list with the second-hand difference for sexual exploitation; child sexual exploitation list not retrieved: pending WCMS_105023/105036';
const SRC_FORCED_CRIMINALITY =
  'UNODC Key Indicators of TIP for Forced Criminality (HTCDS issue attachment); wording and weights unverified — confirm with the client';

interface Item {
  dimension: IndicatorDimension;
  weight: IndicatorWeight;
  textEn: string;
  source: string;
  verification: IndicatorVerification;
}

/** Rows of a dimension × weight cell of a table, in table order. */
type Cell = [IndicatorDimension, IndicatorWeight, string[]];

function cells(rows: Cell[], source: string, verification: IndicatorVerification): Item[] {
  return rows.flatMap(([dimension, weight, texts]) =>
    texts.map((textEn) => ({ dimension, weight, textEn, source, verification })),
  );
}

// ---------------------------------------------------------------------------------------------
// Adult, labour exploitation (DOMAIN §2.1.2 [S]). One entry per indicator, table order.
// ---------------------------------------------------------------------------------------------

/** The two D3 items marked † in §2.1.2: the table's weight (medium) is kept, but it is disputed. */
const DISPUTED_D3 = ['Difficulties in the past', 'Difficulty to organise the travel'];

const ADULT_LABOUR_TABLE: Cell[] = [
  ['D1', 'strong', ['Deceived about the nature of the job, location or employer']],
  [
    'D1',
    'medium',
    [
      'Deceived about conditions of work',
      'Deceived about the content or legality of the work contract',
      'Deceived about family reunification',
      'Deceived about housing and living conditions',
      'Deceived about legal documentation or obtaining legal migration status',
      'Deceived about travel and recruitment conditions',
      'Deceived about wages/earnings',
      'Deceived through promises of marriage or adoption',
    ],
  ],
  ['D1', 'weak', ['Deceived about access to education opportunities']],

  ['D2', 'strong', ['Violence on victims']],
  [
    'D2',
    'medium',
    [
      'Abduction, forced marriage, forced adoption or selling of victim',
      'Confiscation of documents',
      'Debt bondage',
      'Isolation, confinement or surveillance',
      'Threat of denunciation to authorities',
      'Threat to inform family, community or public',
      'Threats of violence against victim',
      'Violence on family (threats or effective)',
      'Withholding of money',
    ],
  ],

  [
    'D3',
    'medium',
    [
      'Abuse of difficult family situation',
      'Abuse of illegal status',
      'Abuse of lack of education (language)',
      'Abuse of lack of information',
      'Control of exploiters',
      'Economic reasons',
      'False information about law, attitude of authorities, on successful migration',
      'Family situation',
      'Personal situation',
      'Psychological and emotional dependency',
      'Relationship with authorities/legal status',
      ...DISPUTED_D3,
    ],
  ],
  ['D3', 'weak', ['Abuse of cultural/religious beliefs', 'General context']],

  ['D4', 'strong', ['Excessive working days or hours']],
  [
    'D4',
    'medium',
    [
      'Bad living conditions',
      'Hazardous work',
      'Low or no salary',
      'No respect of labour laws or contract signed',
      'No social protection (contract, social insurance, etc.)',
      'Very bad working conditions',
      'Wage manipulation',
    ],
  ],
  ['D4', 'weak', ['No access to education']],

  [
    'D5',
    'strong',
    ['Confiscation of documents', 'Debt bondage', 'Isolation, confinement or surveillance', 'Violence on victims'],
  ],
  [
    'D5',
    'medium',
    [
      'Forced into illicit/criminal activities',
      'Forced tasks or clients',
      'Forced to act against peers',
      'Forced to lie to authorities, family, etc.',
      'Threat of denunciation to authorities',
      'Threat to impose even worse working conditions',
      'Threats of violence against victim',
      'Under strong influence',
      'Violence on family (threats or effective)',
      'Withholding of wages',
    ],
  ],
  ['D5', 'weak', ['Threats to inform family, community or public']],

  [
    'D6',
    'medium',
    [
      'Dependency on exploiters',
      'Difficulty to live in an unknown area',
      'Economic reasons',
      'Family situation',
      'Relationship with authorities/legal status',
    ],
  ],
  ['D6', 'weak', ['Difficulties in the past', 'Personal characteristics']],
];

const ADULT_LABOUR: Item[] = cells(ADULT_LABOUR_TABLE, SRC_ADULT_LABOUR, 'secondary').map((item) =>
  item.dimension === 'D3' && DISPUTED_D3.includes(item.textEn)
    ? { ...item, source: SRC_ADULT_LABOUR_DISPUTED, verification: 'unverified' }
    : item,
);

// ---------------------------------------------------------------------------------------------
// Derivation helpers
// ---------------------------------------------------------------------------------------------

type Key = `${IndicatorDimension}|${string}`;

/**
 * Applies weight changes and omissions to a base list. Every change must name an existing item,
 * so a typo fails loudly instead of silently leaving the old weight.
 */
function derive(
  base: Item[],
  changes: {
    reweight?: Array<[IndicatorDimension, string, IndicatorWeight]>;
    omit?: Array<[IndicatorDimension, string]>;
  },
  override: Pick<Item, 'source' | 'verification'>,
): Item[] {
  const has = new Set<Key>(base.map((i) => `${i.dimension}|${i.textEn}` as Key));
  const reweight = new Map<Key, IndicatorWeight>();
  for (const [dimension, text, weight] of changes.reweight ?? []) {
    const key: Key = `${dimension}|${text}`;
    if (!has.has(key)) throw new Error(`indicator-catalogue-v1: no base indicator ${key} to re-weight`);
    reweight.set(key, weight);
  }
  const omit = new Set<Key>();
  for (const [dimension, text] of changes.omit ?? []) {
    const key: Key = `${dimension}|${text}`;
    if (!has.has(key)) throw new Error(`indicator-catalogue-v1: no base indicator ${key} to omit`);
    omit.add(key);
  }
  return base
    .filter((i) => !omit.has(`${i.dimension}|${i.textEn}`))
    .map((i) => ({ ...i, ...override, weight: reweight.get(`${i.dimension}|${i.textEn}`) ?? i.weight }));
}

/**
 * Orders a list as its table would be printed (dimension, then strong / medium / weak, keeping
 * the base order inside a cell) and numbers it from 01 per dimension.
 */
function number(profile: IndicatorProfile, items: Item[]): IndicatorSeed[] {
  const sorted = items
    .map((item, index) => ({ item, index }))
    .sort(
      (a, b) =>
        DIMENSION_ORDER.indexOf(a.item.dimension) - DIMENSION_ORDER.indexOf(b.item.dimension) ||
        WEIGHT_ORDER.indexOf(a.item.weight) - WEIGHT_ORDER.indexOf(b.item.weight) ||
        a.index - b.index,
    )
    .map(({ item }) => item);
  const counters = new Map<IndicatorDimension, number>();
  return sorted.map((item) => {
    const n = (counters.get(item.dimension) ?? 0) + 1;
    counters.set(item.dimension, n);
    return {
      code: `${PREFIX[profile]}.${item.dimension}.${String(n).padStart(2, '0')}`,
      profile,
      dimension: item.dimension,
      weight: item.weight,
      textEn: item.textEn,
      textLo: null,
      source: item.source,
      verification: item.verification,
    };
  });
}

// ---------------------------------------------------------------------------------------------
// Child, labour exploitation (DOMAIN §2.1.3 [S]): the adult list with exactly the reported changes.
// ---------------------------------------------------------------------------------------------

const CHILD_LABOUR_CHANGES = {
  reweight: [
    ['D1', 'Deceived about access to education opportunities', 'strong'],
    ['D2', 'Threats of violence against victim', 'strong'],
    ['D2', 'Abduction, forced marriage, forced adoption or selling of victim', 'strong'],
    ['D2', 'Debt bondage', 'strong'],
    ['D3', 'Abuse of cultural/religious beliefs', 'medium'],
    ['D3', 'General context', 'medium'],
    ['D4', 'No access to education', 'medium'],
    ['D5', 'Threats of violence against victim', 'strong'],
    ['D5', 'Forced into illicit/criminal activities', 'strong'],
    ['D5', 'Forced tasks or clients', 'strong'],
    ['D5', 'Under strong influence', 'strong'],
    ['D5', 'Threats to inform family, community or public', 'medium'],
    ['D6', 'Difficulties in the past', 'medium'],
    ['D6', 'Personal characteristics', 'medium'],
  ] as Array<[IndicatorDimension, string, IndicatorWeight]>,
  omit: [
    ['D3', 'False information about law, attitude of authorities, on successful migration'],
    ['D4', 'No social protection (contract, social insurance, etc.)'],
  ] as Array<[IndicatorDimension, string]>,
};

const CHILD_LABOUR: Item[] = derive(ADULT_LABOUR, CHILD_LABOUR_CHANGES, {
  source: SRC_CHILD_LABOUR,
  verification: 'secondary',
})
  // The child list reportedly has no weak tier: anything still weak becomes medium (none remains today).
  .map((i) => (i.weight === 'weak' ? { ...i, weight: 'medium' } : i));

// ---------------------------------------------------------------------------------------------
// Sexual exploitation (DOMAIN §2.1.4): lists NOT retrieved; derived, all 'unverified'.
// ---------------------------------------------------------------------------------------------

const ADULT_SEXUAL: Item[] = derive(
  ADULT_LABOUR,
  {
    reweight: [
      ['D5', 'Forced tasks or clients', 'strong'],
      // Reported: no strong indicator in the adult sexual exploitation dimension.
      ['D4', 'Excessive working days or hours', 'medium'],
    ],
  },
  { source: SRC_ADULT_SEXUAL, verification: 'unverified' },
);

const CHILD_SEXUAL: Item[] = derive(
  CHILD_LABOUR,
  { reweight: [['D5', 'Forced tasks or clients', 'strong']] },
  { source: SRC_CHILD_SEXUAL, verification: 'unverified' },
);

// ---------------------------------------------------------------------------------------------
// Adult forced criminality (online scam compounds). Written for this project, mapped onto the
// Delphi dimensions. Each weight follows the analogous adult labour item (named in the comment).
// All entries are 'unverified'.
// ---------------------------------------------------------------------------------------------

const FORCED_CRIMINALITY_TABLE: Cell[] = [
  // D1: "Deceived about the nature of the job, location or employer" (strong); other deceptions (medium).
  [
    'D1',
    'strong',
    [
      'Recruited online for a well-paid job abroad (e.g. customer service, IT, marketing) that turned out to be online fraud',
    ],
  ],
  [
    'D1',
    'medium',
    [
      'Deceived about wages, commission, working hours or living conditions',
      'Deceived about travel, visa or legal status arrangements (e.g. told a tourist visa or an irregular border crossing was a normal work route)',
    ],
  ],
  // D2: "Violence on victims" (strong); abduction/selling, confiscation of documents (medium).
  ['D2', 'strong', ['Violence used during recruitment or transport to the compound']],
  [
    'D2',
    'medium',
    [
      'Abducted, sold or handed over to a compound against their will',
      'Passport or identity documents taken by the recruiter or escort during travel',
    ],
  ],
  // D3: "Economic reasons", "Abuse of lack of information" (medium).
  [
    'D3',
    'medium',
    [
      'Economic hardship, unemployment or debt exploited to recruit',
      'Lack of information about online-fraud recruitment or about the destination exploited to recruit',
    ],
  ],
  // D4: the forced criminal activity is the purpose itself (strong: a judgement, no direct labour-list
  // analogue); "Excessive working days or hours" (strong); working conditions, pay (medium).
  [
    'D4',
    'strong',
    [
      'Forced to commit online fraud or scams (e.g. romance, investment or impersonation scams) against others',
      'Excessive working days or hours (e.g. 12 hours or more a day, few or no days off)',
    ],
  ],
  [
    'D4',
    'medium',
    [
      'Required to meet fraud targets or quotas (e.g. number of contacts made or money obtained)',
      'Low, no or withheld pay, or pay cut by arbitrary fines',
    ],
  ],
  // D5: "Isolation, confinement or surveillance", "Confiscation of documents", "Debt bondage",
  // "Violence on victims" (strong); "Threats of violence against victim" (medium).
  [
    'D5',
    'strong',
    [
      'Confined in a guarded compound and not free to leave',
      'Passport or identity documents confiscated at the compound',
      'Held by a debt (e.g. recruitment, travel or "release" fees) or sold on ("resold") to another compound',
      'Punished for missing quotas, refusing to work or trying to leave (e.g. beatings, electric shocks, deprivation of food)',
    ],
  ],
  [
    'D5',
    'medium',
    [
      'Threatened with violence, with resale to another compound or with denunciation to the police or immigration authorities',
    ],
  ],
  // D6: "Dependency on exploiters", "Difficulty to live in an unknown area",
  // "Relationship with authorities/legal status" (medium).
  [
    'D6',
    'medium',
    [
      'Dependent on the compound operators for food, accommodation and communication',
      'Does not speak the local language or know the area, so cannot seek help',
      'Irregular migration status at destination (e.g. expired visa, irregular entry) and fear of arrest',
    ],
  ],
];

const FORCED_CRIMINALITY: Item[] = cells(FORCED_CRIMINALITY_TABLE, SRC_FORCED_CRIMINALITY, 'unverified');

// ---------------------------------------------------------------------------------------------

export const CATALOGUE_V1: IndicatorCatalogue = {
  version: 1,
  title:
    'ILO/EC operational indicators of trafficking in human beings (Delphi 2009) with UNODC forced-criminality indicators',
  source:
    'ILO and European Commission, Operational indicators of trafficking in human beings: results from a Delphi survey (March 2009, revised September 2009), WCMS_105023, ' +
    'with explanations WCMS_105035/WCMS_105036; UNODC Key Indicators of TIP for Forced Criminality (HTCDS issue attachment)',
  notes:
    'The publication and its structure (four lists, six dimensions, strong/medium/weak weights) are verified, but no wording or weight has been checked against WCMS_105023 itself. ' +
    "The adult and child labour lists come from a secondary reproduction ('secondary'); the two adult D3 items 'Difficulties in the past' and 'Difficulty to organise the travel' keep the secondary source's medium weight, which is disputed ('unverified'). " +
    'The child labour list is the adult list with the reported child changes (two items omitted); it reportedly has no weak tier, so any remaining weak item is rated medium (after the reported changes none remained). ' +
    "The adult and child sexual exploitation lists were not retrieved: they are derived from the labour lists with the two second-hand differences, and every entry is 'unverified' pending WCMS_105023/WCMS_105036. " +
    "The adult_forced_criminality set was written for this project from the UNODC indicators' framing (Act, Means, Purpose; only the document's opening was read), mapped onto the six dimensions with weights by analogy to the labour list, and is entirely 'unverified': confirm it with the client. " +
    'No Lao translations are included (textLo is null).',
  indicators: [
    ...number('adult_labour', ADULT_LABOUR),
    ...number('adult_sexual', ADULT_SEXUAL),
    ...number('child_labour', CHILD_LABOUR),
    ...number('child_sexual', CHILD_SEXUAL),
    ...number('adult_forced_criminality', FORCED_CRIMINALITY),
  ],
};
