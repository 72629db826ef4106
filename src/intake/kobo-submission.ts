import { CONSENT_ITEMS } from '../reference-data/data/code-lists.js';
import { choiceCodesOf, type FieldSpec, fieldsOf, formIdOf, indicatorFieldName, type XlsForm } from './xlsform.js';

/**
 * Reads one KoboToolbox submission (the JSON its REST Service posts: keys are XLSForm paths
 * with their group prefixes, repeats are arrays of objects, select_multiple answers are
 * space-separated codes, `_uuid`, `_submission_time`, `meta/instanceID`) against the form it
 * was filled in, into a screening draft. Problems never quote the answer (it may be personal).
 */

export interface ScreeningDraft {
  catalogueVersion: number;
  profile?: string;
  conductedAt?: string;
  place: { type?: string; borderCrossingCode?: string; provinceCode?: string; detail?: string };
  interviewLanguage?: string;
  interpreter?: { used: boolean; language?: string };
  consent: { item: string; decision: string; givenBy?: string }[];
  exitMode?: string;
  victimContext?: Record<string, string | string[]>;
  immediateNeeds?: string[];
  risks?: string[];
  answers?: { indicatorCode: string; answer: string; note?: string }[];
  narrative?: string;
}

export interface PersonDraft {
  names: { givenNameLo?: string; familyNameLo?: string; givenNameLatin?: string; familyNameLatin?: string };
  gender?: string;
  birthYear?: number;
  homeProvinceCode?: string;
}

export interface Problem {
  field: string;
  message: string;
}

export interface ReadSubmission {
  draft: ScreeningDraft;
  person: PersonDraft | null;
  problems: Problem[];
  /** Fields the form does not have: ignored, named (never their values). */
  ignoredFields: string[];
}

const METADATA = /^(_|formhub\/|meta\/)/;
const lastSegment = (key: string) => key.slice(key.lastIndexOf('/') + 1);
const MAX_TEXT: Record<string, number> = { narrative: 20000, note_text: 1000, place_detail: 300 };
const NAME_FIELDS = {
  given_name_lo: 'givenNameLo',
  family_name_lo: 'familyNameLo',
  given_name_latin: 'givenNameLatin',
  family_name_latin: 'familyNameLatin',
} as const;
const CONTEXT_FIELDS: Record<string, string> = {
  exploitation_types: 'exploitationTypes',
  isic_sections: 'isicSections',
  means_of_control: 'meansOfControl',
  recruitment_methods: 'recruitmentMethods',
  recruitment_apps: 'recruitmentApps',
  recruiter_relationship: 'recruiterRelationship',
  recruitment_countries: 'recruitmentCountries',
  transit_countries: 'transitCountries',
  exploitation_countries: 'exploitationCountries',
  recruitment_date: 'recruitmentDate',
  exploitation_start: 'exploitationStart',
  exploitation_end: 'exploitationEnd',
};
const REPEAT = 'indicator_notes';
/** Fields asked only after consent to the interview. */
const INTERVIEW_GROUP = 'interview/';

/** The catalogue version a submission names: the form's hidden field, else Kobo's form id if it kept ours. */
export function catalogueVersionOf(raw: Record<string, unknown>): number | null {
  for (const [key, value] of Object.entries(raw)) {
    if (lastSegment(key) !== 'catalogue_version') continue;
    const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value.trim()) : NaN;
    return Number.isInteger(n) && n >= 1 && n <= 100000 ? n : null;
  }
  const formId = raw['_xform_id_string'];
  const m = typeof formId === 'string' ? /^ctcm_screening_v(\d{1,6})$/.exec(formId) : null;
  return m ? Number(m[1]) : null;
}

/** Kobo's id of the submission (the same on every retry): meta/instanceID, else _uuid, without `uuid:`. */
export function instanceKeyOf(raw: Record<string, unknown>): string | null {
  for (const candidate of [raw['meta/instanceID'], (raw['meta'] as Record<string, unknown>)?.instanceID, raw._uuid]) {
    if (typeof candidate !== 'string') continue;
    const key = candidate
      .trim()
      .replace(/^uuid:/i, '')
      .toLowerCase();
    if (/^[a-z0-9][a-z0-9-]{7,99}$/.test(key)) return key;
  }
  return null;
}

export const isSubmissionObject = (raw: unknown): raw is Record<string, unknown> =>
  typeof raw === 'object' && raw !== null && !Array.isArray(raw);

export { formIdOf };

/** A form's fields and choice lists, worked out once per form (forms never change). */
const readers = new WeakMap<XlsForm, { fields: Map<string, FieldSpec>; lists: Map<string, Set<string>> }>();
function readerOf(form: XlsForm) {
  let reader = readers.get(form);
  if (!reader) readers.set(form, (reader = { fields: fieldsOf(form), lists: choiceCodesOf(form) }));
  return reader;
}

/** Reads a submission against its form; `indicatorProfiles` maps each indicator code to its profile. */
export function readSubmission(
  raw: Record<string, unknown>,
  form: XlsForm,
  catalogueVersion: number,
  indicatorProfiles: ReadonlyMap<string, string>,
  today: string,
): ReadSubmission {
  const { fields, lists } = readerOf(form);
  const problems: Problem[] = [];
  const ignoredFields: string[] = [];
  const values = new Map<string, string | string[] | number>();
  const answeredInInterview: string[] = [];
  const notes: { indicator?: string; text?: string }[] = [];

  const read = (key: string, spec: FieldSpec, value: unknown): string | string[] | number | undefined => {
    if (value === null || value === undefined || value === '') return undefined;
    const where = key;
    if (spec.kind === 'select_one' || spec.kind === 'select_multiple') {
      if (typeof value !== 'string') {
        problems.push({ field: where, message: 'must be a choice code' });
        return undefined;
      }
      const codes = spec.kind === 'select_one' ? [value.trim()] : value.trim().split(/\s+/).filter(Boolean);
      const allowed = lists.get(spec.list ?? '') ?? new Set<string>();
      if (codes.some((c) => !allowed.has(c))) {
        problems.push({ field: where, message: `an answer is not in the choice list ${spec.list}` });
        return undefined;
      }
      if (new Set(codes).size !== codes.length) {
        problems.push({ field: where, message: 'a choice is given twice' });
        return undefined;
      }
      return spec.kind === 'select_one' ? codes[0] : codes;
    }
    if (spec.kind === 'integer') {
      const n = typeof value === 'number' ? value : typeof value === 'string' ? Number(value.trim()) : NaN;
      if (!Number.isInteger(n)) problems.push({ field: where, message: 'must be a whole number' });
      return Number.isInteger(n) ? n : undefined;
    }
    const text = typeof value === 'number' ? String(value) : value;
    if (typeof text !== 'string') {
      problems.push({ field: where, message: 'must be text' });
      return undefined;
    }
    if (spec.kind === 'date') {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(text) || Number.isNaN(Date.parse(text))) {
        problems.push({ field: where, message: 'must be a date (YYYY-MM-DD)' });
        return undefined;
      }
      if (text > today) problems.push({ field: where, message: 'must not be in the future' });
      return text;
    }
    if (spec.kind === 'dateTime' || spec.kind === 'meta') {
      const t = Date.parse(text);
      if (Number.isNaN(t) || !/^\d{4}-\d{2}-\d{2}T/.test(text)) {
        problems.push({ field: where, message: 'must be a date and time' });
        return undefined;
      }
      return new Date(t).toISOString();
    }
    if (spec.kind === 'calculate') return text;
    // Free text is kept as text, whatever it looks like (it is never rendered as markup here);
    // single-line fields lose their line breaks, every field its surrounding blanks.
    const cleaned = (spec.multiline ? text : text.replace(/\s+/g, ' ')).trim();
    const max = MAX_TEXT[spec.name] ?? 100;
    if (cleaned.length > max) {
      problems.push({ field: where, message: `is longer than ${max} characters` });
      return undefined;
    }
    return cleaned || undefined;
  };

  for (const [key, value] of Object.entries(raw)) {
    if (METADATA.test(key) || key === '__version__' || lastSegment(key) === REPEAT) continue;
    const spec = fields.get(lastSegment(key));
    if (!spec) {
      ignoredFields.push(key.slice(0, 200));
      continue;
    }
    if (spec.repeat) {
      ignoredFields.push(key.slice(0, 200));
      continue;
    }
    const v = read(key, spec, value);
    if (v === undefined) continue;
    values.set(spec.name, v);
    if (spec.path.startsWith(INTERVIEW_GROUP)) answeredInInterview.push(key);
  }
  // The repeat group: an array of objects whose keys are again full paths.
  const repeatKey = Object.keys(raw).find((k) => lastSegment(k) === REPEAT);
  if (repeatKey !== undefined) {
    const entries = raw[repeatKey];
    if (!Array.isArray(entries) || entries.some((e) => !isSubmissionObject(e)) || entries.length > 300) {
      problems.push({ field: repeatKey, message: 'must be a list of repeat entries' });
    } else {
      (entries as Record<string, unknown>[]).forEach((entry, i) => {
        const note: { indicator?: string; text?: string } = {};
        for (const [key, value] of Object.entries(entry)) {
          const spec = fields.get(lastSegment(key));
          if (!spec || !spec.repeat) {
            ignoredFields.push(`${repeatKey}[${i}]/${lastSegment(key)}`.slice(0, 200));
            continue;
          }
          const v = read(`${repeatKey}[${i}]/${lastSegment(key)}`, spec, value);
          if (spec.name === 'note_indicator' && typeof v === 'string') note.indicator = v;
          if (spec.name === 'note_text' && typeof v === 'string') note.text = v;
        }
        if (note.indicator || note.text) {
          notes.push(note);
          answeredInInterview.push(`${repeatKey}[${i}]`);
        }
      });
    }
  }

  const str = (name: string) => {
    const v = values.get(name);
    return typeof v === 'string' ? v : undefined;
  };
  const list = (name: string) => {
    const v = values.get(name);
    return Array.isArray(v) ? v : undefined;
  };

  const consent = CONSENT_ITEMS.map((item) => {
    const decision = str(`consent_${item}`);
    if (!decision)
      problems.push({ field: fields.get(`consent_${item}`)!.path, message: 'a consent decision is missing' });
    const givenBy = decision === 'given' ? str('consent_given_by') : undefined;
    if (decision === 'given' && !givenBy)
      problems.push({ field: fields.get('consent_given_by')!.path, message: 'who gave the consent is missing' });
    return { item, decision: decision ?? 'not_asked', ...(givenBy ? { givenBy } : {}) };
  });
  const interviewConsent = consent.some((c) => c.item === 'interview' && c.decision === 'given');
  if (!interviewConsent && answeredInInterview.length)
    problems.push({
      field: 'interview',
      message: 'interview answers were recorded although the interview was not consented to',
    });

  const profile = str('profile');
  for (const required of ['profile', 'place_type'] as const)
    if (!str(required)) problems.push({ field: fields.get(required)!.path, message: 'an answer is required' });
  const conductedAt =
    str('conducted_at') ?? str('start') ?? submissionTime(raw['_submission_time'], problems) ?? undefined;
  if (!conductedAt) problems.push({ field: fields.get('conducted_at')!.path, message: 'an answer is required' });

  const codeByField = new Map([...indicatorProfiles.keys()].map((code) => [indicatorFieldName(code), code]));
  const answers: NonNullable<ScreeningDraft['answers']> = [];
  for (const [name, v] of values) {
    const code = codeByField.get(name);
    if (!code || typeof v !== 'string') continue;
    if (profile && indicatorProfiles.get(code) !== profile) {
      problems.push({ field: fields.get(name)!.path, message: `indicator ${code} is not of the profile ${profile}` });
      continue;
    }
    answers.push({ indicatorCode: code, answer: v });
  }
  for (const n of notes) {
    const code = n.indicator ? codeByField.get(n.indicator) : undefined;
    const answer = answers.find((a) => a.indicatorCode === code);
    if (!answer || !n.text) {
      problems.push({ field: 'interview/indicator_notes', message: 'a note names no answered indicator, or is empty' });
      continue;
    }
    answer.note = answer.note ? `${answer.note}\n${n.text}` : n.text;
  }

  const interpreterUsed = str('interpreter_used');
  const victimContext: Record<string, string | string[]> = {};
  for (const [name, key] of Object.entries(CONTEXT_FIELDS)) {
    const v = values.get(name);
    if (typeof v === 'string' || Array.isArray(v)) victimContext[key] = v;
  }
  const draft: ScreeningDraft = {
    catalogueVersion,
    ...(profile ? { profile } : {}),
    ...(conductedAt ? { conductedAt } : {}),
    place: {
      ...(str('place_type') ? { type: str('place_type') } : {}),
      ...(str('border_crossing') ? { borderCrossingCode: str('border_crossing') } : {}),
      ...(str('province') ? { provinceCode: str('province') } : {}),
      ...(str('place_detail') ? { detail: str('place_detail') } : {}),
    },
    ...(str('interview_language') ? { interviewLanguage: str('interview_language') } : {}),
    ...(interpreterUsed
      ? {
          interpreter: {
            used: interpreterUsed === 'yes',
            ...(str('interpreter_language') ? { language: str('interpreter_language') } : {}),
          },
        }
      : {}),
    consent,
    ...(interviewConsent && str('exit_mode') ? { exitMode: str('exit_mode') } : {}),
    // Without consent to the interview nothing of it is kept (the screening path refuses it too).
    ...(interviewConsent && Object.keys(victimContext).length ? { victimContext } : {}),
    ...(interviewConsent && list('immediate_needs') ? { immediateNeeds: list('immediate_needs') } : {}),
    ...(interviewConsent && list('risks') ? { risks: list('risks') } : {}),
    ...(interviewConsent && answers.length ? { answers } : {}),
    ...(interviewConsent && str('narrative') ? { narrative: str('narrative') } : {}),
  };
  const names = Object.fromEntries(
    Object.entries(NAME_FIELDS).flatMap(([field, key]) => (str(field) ? [[key, str(field)!]] : [])),
  );
  const birthYear = values.get('birth_year');
  const person: PersonDraft | null =
    interviewConsent && Object.keys(names).length
      ? {
          names,
          ...(str('gender') ? { gender: str('gender') } : {}),
          ...(typeof birthYear === 'number' ? { birthYear } : {}),
          ...(str('home_province') ? { homeProvinceCode: str('home_province') } : {}),
        }
      : null;
  return { draft, person, problems, ignoredFields };
}

/** Kobo's `_submission_time` is UTC without an offset ("2026-11-30T03:12:45"). */
function submissionTime(value: unknown, problems: Problem[]): string | undefined {
  if (typeof value !== 'string') return undefined;
  const withZone = /[zZ]|[+-]\d{2}:?\d{2}$/.test(value) ? value : `${value}Z`;
  const t = Date.parse(withZone);
  if (Number.isNaN(t)) {
    problems.push({ field: '_submission_time', message: 'must be a date and time' });
    return undefined;
  }
  return new Date(t).toISOString();
}
