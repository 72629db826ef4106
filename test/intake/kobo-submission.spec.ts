import { catalogueVersionOf, instanceKeyOf, readSubmission } from '../../src/intake/kobo-submission.js';
import { buildXlsForm } from '../../src/intake/xlsform.js';
import { CATALOGUE_V1 } from '../../src/screening/data/indicator-catalogue-v1.js';

/** The reader on its own (no database): Kobo's JSON against the form of catalogue version 1. */
describe('reading a KoboToolbox submission against its XLSForm', () => {
  const form = buildXlsForm({ version: 1, title: CATALOGUE_V1.title, indicators: CATALOGUE_V1.indicators });
  const profiles = new Map(CATALOGUE_V1.indicators.map((i) => [i.code, i.profile]));
  const today = '2026-12-02';
  const consent = (decision: string) =>
    Object.fromEntries(
      [
        'interview',
        'purpose_explained',
        'data_use',
        'research_use',
        'sharing_for_referral',
        'storage_period',
        'right_to_withdraw',
      ].map((i) => [`consent/consent_${i}`, decision]),
    );
  const base = (extra: Record<string, unknown> = {}): Record<string, unknown> => ({
    catalogue_version: '1',
    ...consent('given'),
    'consent/consent_given_by': 'person',
    'context/conducted_at': '2026-12-01T10:00:00.000+07:00',
    'context/profile': 'adult_labour',
    'context/place_type': 'province',
    'context/province': 'LA-OU',
    ...extra,
  });
  const read = (raw: Record<string, unknown>) => readSubmission(raw, form, 1, profiles, today);

  it('finds the instance id in meta/instanceID, a nested meta, or _uuid; refuses what is not an id', () => {
    expect(instanceKeyOf({ 'meta/instanceID': 'uuid:AbC-1234-5678' })).toBe('abc-1234-5678');
    expect(instanceKeyOf({ meta: { instanceID: 'uuid:0f0f0f0f-1111' } })).toBe('0f0f0f0f-1111');
    expect(instanceKeyOf({ _uuid: '7c1f0c1e-3b0a-4e43-9d55-0a3f7e2d1b44' })).toBe(
      '7c1f0c1e-3b0a-4e43-9d55-0a3f7e2d1b44',
    );
    expect(instanceKeyOf({ _uuid: "'; DROP TABLE x; --" })).toBeNull();
    expect(instanceKeyOf({ _uuid: 42 })).toBeNull();
  });

  it('takes the version from the hidden field, else from a form id that kept ours', () => {
    expect(catalogueVersionOf({ catalogue_version: '3' })).toBe(3);
    expect(catalogueVersionOf({ 'some/group/catalogue_version': 2 })).toBe(2);
    expect(catalogueVersionOf({ _xform_id_string: 'ctcm_screening_v4' })).toBe(4);
    expect(catalogueVersionOf({ _xform_id_string: 'aQ7mZk2PLnE9xWc4vR8tYb' })).toBeNull();
    expect(catalogueVersionOf({ catalogue_version: '1.5' })).toBeNull();
  });

  it('reads a minimal interview; single-line text loses its line breaks, multiline keeps them', () => {
    const r = read(
      base({
        'context/place_detail': '  Ban Nam Ngeun\nmarket  ',
        'interview/narrative': 'first line\nsecond line',
        'interview/person/birth_year': '1990',
        'interview/person/given_name_latin': 12345,
      }),
    );
    expect(r.problems).toEqual([]);
    expect(r.draft.place).toEqual({ type: 'province', provinceCode: 'LA-OU', detail: 'Ban Nam Ngeun market' });
    expect(r.draft.narrative).toBe('first line\nsecond line');
    expect(r.person).toEqual({ names: { givenNameLatin: '12345' }, birthYear: 1990 });
    expect(r.draft.conductedAt).toBe('2026-12-01T03:00:00.000Z');
  });

  it('names every problem by field and rule, never by value', () => {
    const r = read(
      base({
        'context/profile': 'adult_labour',
        'interview/indicators_child_labour/CL_D1_01': 'yes',
        'interview/victim_context/means_of_control': 'DebtBondage DebtBondage',
        'interview/victim_context/recruitment_date': '2027-01-01',
        'interview/victim_context/exploitation_start': '01/02/2026',
        'interview/person/birth_year': 'nineteen ninety',
        'interview/indicator_notes': [
          {
            'interview/indicator_notes/note_indicator': 'AL_D6_01',
            'interview/indicator_notes/note_text': 'secret note',
          },
        ],
        'interview/needs/risks': { nested: true },
      }),
    );
    expect(r.problems).toEqual(
      expect.arrayContaining([
        {
          field: 'interview/indicators_child_labour/CL_D1_01',
          message: 'indicator CL.D1.01 is not of the profile adult_labour',
        },
        { field: 'interview/victim_context/means_of_control', message: 'a choice is given twice' },
        { field: 'interview/victim_context/recruitment_date', message: 'must not be in the future' },
        { field: 'interview/victim_context/exploitation_start', message: 'must be a date (YYYY-MM-DD)' },
        { field: 'interview/person/birth_year', message: 'must be a whole number' },
        { field: 'interview/indicator_notes', message: 'a note names no answered indicator, or is empty' },
        { field: 'interview/needs/risks', message: 'must be a choice code' },
      ]),
    );
    expect(JSON.stringify(r.problems)).not.toMatch(/secret note|nineteen|01\/02/);
  });

  it('refuses interview answers when the interview was refused, and a missing consent decision', () => {
    const refused = read(
      base({
        ...consent('declined'),
        'consent/consent_given_by': undefined,
        'interview/narrative': 'should not be here',
      }),
    );
    expect(refused.problems).toEqual([
      { field: 'interview', message: 'interview answers were recorded although the interview was not consented to' },
    ]);
    expect(refused.draft.narrative).toBeUndefined();
    const { ['consent/consent_storage_period']: _dropped, ...missing } = base();
    expect(read(missing).problems).toEqual([
      { field: 'consent/consent_storage_period', message: 'a consent decision is missing' },
    ]);
  });

  it('ignores, and names, what the form does not have (also inside the repeat)', () => {
    const r = read(
      base({
        'interview/indicators_adult_labour/AL_D1_01': 'yes',
        'interview/indicator_notes': [
          {
            'interview/indicator_notes/note_indicator': 'AL_D1_01',
            'interview/indicator_notes/note_text': 'promised factory work',
            'interview/indicator_notes/photo': 'x.jpg',
          },
        ],
        'interview/gps': '17.9 102.6',
      }),
    );
    expect(r.problems).toEqual([]);
    expect(r.ignoredFields).toEqual(['interview/gps', 'interview/indicator_notes[0]/photo']);
    expect(r.draft.answers).toEqual([{ indicatorCode: 'AL.D1.01', answer: 'yes', note: 'promised factory work' }]);
  });
});
