import { BORDER_CROSSINGS } from '../reference-data/data/border-crossings.js';
import { CODE_LISTS } from '../reference-data/data/code-lists.js';
import { COUNTRIES } from '../reference-data/data/countries.js';
import { LANGUAGES } from '../reference-data/data/languages.js';
import { PROVINCES } from '../reference-data/data/provinces.js';
import { DIMENSIONS, type IndicatorDimension } from '../screening/data/indicator-catalogue-v1.js';
import { ANSWERS, CONSENT_DECISIONS, CONSENT_GIVERS, PLACE_TYPES, PROFILES } from '../screening/dto/screening.dto.js';

/**
 * The XLSForm (https://xlsform.org) of one published screening catalogue version, as data: the
 * workbook written for KoboToolbox and the reader of Kobo's submissions are both built from it,
 * so a submission is read with exactly the names, lists and groups its form had.
 */

/** A label in the form's two languages; Lao is null where no Lao text exists yet. */
export interface Labels {
  en: string;
  lo: string | null;
}

export interface SurveyRow {
  type: string;
  name: string;
  label?: Labels;
  hint?: Labels;
  required?: boolean;
  relevant?: string;
  constraint?: string;
  constraintMessage?: Labels;
  appearance?: string;
  calculation?: string;
  choiceFilter?: string;
}

export interface ChoiceRow {
  listName: string;
  name: string;
  label: Labels;
  /** Extra choice column used by a choice_filter (the indicator list is filtered by profile). */
  profile?: string;
}

export interface XlsForm {
  survey: SurveyRow[];
  choices: ChoiceRow[];
  settings: { formTitle: string; formId: string; version: string; defaultLanguage: string; style: string };
}

/** The catalogue as the form needs it: its version and its indicators in catalogue order. */
export interface FormCatalogue {
  version: number;
  title: string;
  indicators: readonly { code: string; profile: string; dimension: string; textEn: string; textLo: string | null }[];
}

export const LANGUAGE_COLUMNS = { en: 'English (en)', lo: 'Lao (lo)' } as const;
/** The hidden field that names the catalogue version in every submission (Kobo replaces form_id and version). */
export const CATALOGUE_VERSION_FIELD = 'catalogue_version';
export const formIdOf = (version: number) => `ctcm_screening_v${version}`;
/** XLSForm names are XML names: `AL.D1.01` becomes `AL_D1_01`. */
export const indicatorFieldName = (code: string) => code.replace(/\./g, '_');

const en = (text: string, lo: string | null = null): Labels => ({ en: text, lo });

const PROFILE_LABELS: Record<string, string> = {
  adult_labour: 'Adult, labour exploitation',
  adult_sexual: 'Adult, sexual exploitation',
  child_labour: 'Child (under 18), labour exploitation',
  child_sexual: 'Child (under 18), sexual exploitation',
  adult_forced_criminality: 'Adult, forced criminality (e.g. scam compounds)',
};
const ANSWER_LABELS: Record<string, Labels> = {
  yes: en('Yes', 'ແມ່ນ'),
  no: en('No', 'ບໍ່ແມ່ນ'),
  unknown: en('Does not know'),
  declined: en('Declined to answer'),
};
const CONSENT_DECISION_LABELS: Record<string, string> = {
  given: 'Given',
  declined: 'Refused',
  not_asked: 'Not asked',
};
const CONSENT_GIVER_LABELS: Record<string, string> = {
  person: 'The person',
  guardian: 'A parent or guardian',
  interviewer_certified_oral: 'Oral consent, certified by the interviewer',
};
const PLACE_TYPE_LABELS: Record<string, string> = {
  border_crossing: 'Border crossing',
  province: 'Elsewhere in a province',
  other: 'Other',
};

function codeList(category: string): ChoiceRow[] {
  const list = CODE_LISTS.find((l) => l.category === category);
  if (!list) throw new Error(`No code list ${category}`);
  return list.values.map((v) => ({
    listName: category.replace(/-/g, '_'),
    name: v.code,
    label: en(v.labelEn, v.labelLo),
  }));
}

const simpleList = (listName: string, codes: readonly string[], labels: Record<string, string | Labels>) =>
  codes.map((code) => {
    const l = labels[code] ?? code;
    return { listName, name: code, label: typeof l === 'string' ? en(l) : l };
  });

/** Every choice list of the form; the victim-context lists are the HTCDS code lists of the reference data. */
function choiceLists(catalogue: FormCatalogue): ChoiceRow[] {
  return [
    ...simpleList('consent_decision', CONSENT_DECISIONS, CONSENT_DECISION_LABELS),
    ...simpleList('consent_giver', CONSENT_GIVERS, CONSENT_GIVER_LABELS),
    ...simpleList('profile', PROFILES, PROFILE_LABELS),
    ...simpleList('place_type', PLACE_TYPES, PLACE_TYPE_LABELS),
    ...simpleList('answer', ANSWERS, ANSWER_LABELS),
    ...simpleList('yes_no', ['yes', 'no'], ANSWER_LABELS),
    ...BORDER_CROSSINGS.map((b) => ({ listName: 'border_crossing', name: b.code, label: en(b.nameEn, b.nameLo) })),
    ...PROVINCES.map((p) => ({ listName: 'province', name: p.code, label: en(p.nameEn, p.nameLo) })),
    ...COUNTRIES.map((c) => ({ listName: 'country', name: c.code, label: en(c.nameEn, c.nameLo) })),
    ...LANGUAGES.map((l) => ({ listName: 'language', name: l.code, label: en(l.nameEn) })),
    ...codeList('gender'),
    ...codeList('exit-mode'),
    ...codeList('exploitation-type'),
    ...codeList('isic-section'),
    ...codeList('means-of-control'),
    ...codeList('recruitment-method'),
    ...codeList('recruitment-app'),
    ...codeList('recruiter-relationship'),
    ...codeList('immediate-need'),
    ...codeList('risk'),
    ...catalogue.indicators.map((i) => ({
      listName: 'indicator',
      name: indicatorFieldName(i.code),
      label: en(`${i.code} ${i.textEn}`, i.textLo ? `${i.code} ${i.textLo}` : null),
      profile: i.profile,
    })),
  ];
}

const CONSENT_LABELS: Record<string, string> = Object.fromEntries(
  (CODE_LISTS.find((l) => l.category === 'consent-item')?.values ?? []).map((v) => [v.code, v.labelEn]),
);

const selectOne = (name: string, list: string, label: Labels, extra: Partial<SurveyRow> = {}): SurveyRow => ({
  type: `select_one ${list}`,
  name,
  label,
  ...extra,
});
const selectMultiple = (name: string, list: string, label: Labels, extra: Partial<SurveyRow> = {}): SurveyRow => ({
  type: `select_multiple ${list}`,
  name,
  label,
  ...extra,
});
const group = (name: string, label: Labels, rows: SurveyRow[], relevant?: string): SurveyRow[] => [
  { type: 'begin_group', name, label, ...(relevant ? { relevant } : {}) },
  ...rows,
  { type: 'end_group', name },
];
const NOT_FUTURE = { constraint: '. <= today()', constraintMessage: en('This date cannot be in the future') };
const CONSENT_ITEM_NAMES = (CODE_LISTS.find((l) => l.category === 'consent-item')?.values ?? []).map((v) => v.code);

/** The form of one catalogue version. Pure: the same catalogue gives the same form. */
export function buildXlsForm(catalogue: FormCatalogue): XlsForm {
  const consentGiven = '${consent_interview} = ' + "'given'";
  const anyGiven = CONSENT_ITEM_NAMES.map((i) => `\${consent_${i}} = 'given'`).join(' or ');
  const profilesWithIndicators = PROFILES.filter((p) => catalogue.indicators.some((i) => i.profile === p));
  const survey: SurveyRow[] = [
    { type: 'start', name: 'start' },
    { type: 'end', name: 'end' },
    { type: 'calculate', name: CATALOGUE_VERSION_FIELD, calculation: `'${catalogue.version}'` },
    ...group('consent', en('Consent', 'ການຍິນຍອມ'), [
      {
        type: 'note',
        name: 'consent_note',
        label: en(
          'Explain each item before asking. If the person refuses the interview, the form ends after this page: only the date, place and profile are kept.',
        ),
      },
      ...CONSENT_ITEM_NAMES.map((item) =>
        selectOne(`consent_${item}`, 'consent_decision', en(CONSENT_LABELS[item] ?? item), { required: true }),
      ),
      selectOne('consent_given_by', 'consent_giver', en('Who gave the consent'), {
        required: true,
        relevant: anyGiven,
      }),
    ]),
    ...group('context', en('Interview'), [
      { type: 'dateTime', name: 'conducted_at', label: en('When the interview took place'), required: true },
      selectOne('profile', 'profile', en('Indicator list (profile)'), { required: true }),
      selectOne('place_type', 'place_type', en('Where the interview took place'), { required: true }),
      selectOne('border_crossing', 'border_crossing', en('Border crossing'), {
        required: true,
        relevant: "${place_type} = 'border_crossing'",
      }),
      selectOne('province', 'province', en('Province', 'ແຂວງ'), {
        required: true,
        relevant: "${place_type} = 'province'",
      }),
      { type: 'text', name: 'place_detail', label: en('Place, in more detail') },
      selectOne('interview_language', 'language', en('Language of the interview'), { appearance: 'minimal' }),
      selectOne('interpreter_used', 'yes_no', en('Was an interpreter used?')),
      selectOne('interpreter_language', 'language', en('Language of the interpreter'), {
        required: true,
        relevant: "${interpreter_used} = 'yes'",
        appearance: 'minimal',
      }),
    ]),
    ...group(
      'interview',
      en('Screening interview'),
      [
        ...group('person', en('The person interviewed'), [
          { type: 'text', name: 'given_name_lo', label: en('Given name (Lao script)') },
          { type: 'text', name: 'family_name_lo', label: en('Family name (Lao script)') },
          { type: 'text', name: 'given_name_latin', label: en('Given name (Latin letters)') },
          { type: 'text', name: 'family_name_latin', label: en('Family name (Latin letters)') },
          selectOne('gender', 'gender', en('Gender')),
          {
            type: 'integer',
            name: 'birth_year',
            label: en('Year of birth (as stated or estimated)'),
            constraint: '. >= 1900 and . <= int(format-date(today(), "%Y"))',
            constraintMessage: en('A year between 1900 and this year'),
          },
          selectOne('home_province', 'province', en('Home province'), { appearance: 'minimal' }),
        ]),
        selectOne('exit_mode', 'exit_mode', en('How the person left the situation')),
        ...profilesWithIndicators.flatMap((profile) =>
          group(
            `indicators_${profile}`,
            en(`Indicators: ${PROFILE_LABELS[profile] ?? profile}`),
            catalogue.indicators
              .filter((i) => i.profile === profile)
              .map((i) =>
                selectOne(indicatorFieldName(i.code), 'answer', en(i.textEn, i.textLo), {
                  hint: en(`${i.code} · ${DIMENSIONS[i.dimension as IndicatorDimension]?.labelEn ?? i.dimension}`),
                }),
              ),
            `\${profile} = '${profile}'`,
          ),
        ),
        { type: 'begin_repeat', name: 'indicator_notes', label: en('Notes on indicators (optional)') },
        selectOne('note_indicator', 'indicator', en('Indicator'), { choiceFilter: 'profile = ${profile}' }),
        { type: 'text', name: 'note_text', label: en('Note'), appearance: 'multiline' },
        { type: 'end_repeat', name: 'indicator_notes' },
        ...group('victim_context', en('Trafficking context (HTCDS)'), [
          selectMultiple('exploitation_types', 'exploitation_type', en('Types of exploitation')),
          selectMultiple('isic_sections', 'isic_section', en('Sector of exploitation (ISIC)')),
          selectMultiple('means_of_control', 'means_of_control', en('Means of control')),
          selectMultiple('recruitment_methods', 'recruitment_method', en('How the person was recruited')),
          selectMultiple('recruitment_apps', 'recruitment_app', en('Apps or platforms used in recruitment')),
          selectOne('recruiter_relationship', 'recruiter_relationship', en('Relationship to the recruiter')),
          selectMultiple('recruitment_countries', 'country', en('Countries of recruitment'), {
            appearance: 'minimal',
          }),
          selectMultiple('transit_countries', 'country', en('Countries of transit'), { appearance: 'minimal' }),
          selectMultiple('exploitation_countries', 'country', en('Countries of exploitation'), {
            appearance: 'minimal',
          }),
          { type: 'date', name: 'recruitment_date', label: en('Date of recruitment'), ...NOT_FUTURE },
          { type: 'date', name: 'exploitation_start', label: en('Exploitation began'), ...NOT_FUTURE },
          { type: 'date', name: 'exploitation_end', label: en('Exploitation ended'), ...NOT_FUTURE },
        ]),
        ...group('needs', en('Needs and risks'), [
          selectMultiple('immediate_needs', 'immediate_need', en('Immediate needs')),
          selectMultiple('risks', 'risk', en('Risks')),
        ]),
        { type: 'text', name: 'narrative', label: en('Narrative of the interview'), appearance: 'multiline' },
      ],
      consentGiven,
    ),
  ];
  return {
    survey,
    choices: choiceLists(catalogue),
    settings: {
      formTitle: `CTCM screening interview (catalogue version ${catalogue.version})`,
      formId: formIdOf(catalogue.version),
      version: String(catalogue.version),
      defaultLanguage: LANGUAGE_COLUMNS.en,
      style: 'pages',
    },
  };
}

/** Where a field sits in the form: its group path (as Kobo prefixes submission keys) and its type. */
export interface FieldSpec {
  name: string;
  path: string;
  kind: 'select_one' | 'select_multiple' | 'text' | 'integer' | 'date' | 'dateTime' | 'calculate' | 'meta';
  list?: string;
  /** Inside the repeat group (its answers arrive as an array of objects). */
  repeat?: string;
  multiline?: boolean;
}

/** Every answerable field of the form by name (names are unique in the form), with its full path. */
export function fieldsOf(form: XlsForm): Map<string, FieldSpec> {
  const fields = new Map<string, FieldSpec>();
  const stack: string[] = [];
  let repeat: string | undefined;
  for (const row of form.survey) {
    const [type, list] = row.type.split(' ');
    if (type === 'begin_group' || type === 'begin_repeat') {
      stack.push(row.name);
      if (type === 'begin_repeat') repeat = stack.join('/');
      continue;
    }
    if (type === 'end_group' || type === 'end_repeat') {
      stack.pop();
      if (type === 'end_repeat') repeat = undefined;
      continue;
    }
    if (type === 'note') continue;
    const kind = (type === 'start' || type === 'end' ? 'meta' : type) as FieldSpec['kind'];
    fields.set(row.name, {
      name: row.name,
      path: [...stack, row.name].join('/'),
      kind,
      ...(list ? { list } : {}),
      ...(repeat ? { repeat } : {}),
      ...(row.appearance === 'multiline' ? { multiline: true } : {}),
    });
  }
  return fields;
}

/** The codes of each choice list. */
export function choiceCodesOf(form: XlsForm): Map<string, Set<string>> {
  const lists = new Map<string, Set<string>>();
  for (const c of form.choices) {
    const set = lists.get(c.listName) ?? new Set<string>();
    set.add(c.name);
    lists.set(c.listName, set);
  }
  return lists;
}
