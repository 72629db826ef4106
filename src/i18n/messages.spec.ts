import { ERROR_CATALOG } from '../common/errors/error-catalog.js';
import { localizeProblem, messageKey, rememberMessageKeys } from './localize-problem.js';
import { CATALOGUES, LANGUAGES, message, placeholdersOf } from './messages.js';

const THAI = /[\u0E00-\u0E7F]/;
const LAO = /[\u0E80-\u0EFF]/;

describe('message catalogues', () => {
  it('have the same namespaces and keys in every language', () => {
    const [first, ...others] = LANGUAGES;
    for (const lang of others) {
      expect(Object.keys(CATALOGUES[lang]).sort()).toEqual(Object.keys(CATALOGUES[first]).sort());
      for (const ns of Object.keys(CATALOGUES[first])) {
        const missingHere = Object.keys(CATALOGUES[first][ns]!).filter((k) => !(k in CATALOGUES[lang][ns]!));
        const missingThere = Object.keys(CATALOGUES[lang][ns]!).filter((k) => !(k in CATALOGUES[first][ns]!));
        expect({ ns, lang, missingHere, missingThere }).toEqual({ ns, lang, missingHere: [], missingThere: [] });
      }
    }
  });

  it('keep the placeholders of each message in every language, and no empty text', () => {
    for (const [ns, entries] of Object.entries(CATALOGUES.en))
      for (const [key, english] of Object.entries(entries)) {
        const lao = CATALOGUES.lo[ns]![key]!;
        expect({ ns, key, placeholders: placeholdersOf(lao) }).toEqual({
          ns,
          key,
          placeholders: placeholdersOf(english),
        });
        expect(lao.trim()).not.toBe('');
      }
  });

  it('write Lao in Lao script, never Thai script', () => {
    for (const entries of Object.values(CATALOGUES.lo))
      for (const text of Object.values(entries)) {
        expect(text).toMatch(LAO);
        expect(text).not.toMatch(THAI);
      }
  });

  it('name every error code of the catalog, with its English title', () => {
    expect(Object.keys(CATALOGUES.en.errors!).sort()).toEqual(Object.keys(ERROR_CATALOG).sort());
    for (const [code, { title }] of Object.entries(ERROR_CATALOG)) expect(CATALOGUES.en.errors![code]).toBe(title);
  });
});

describe('a problem told in Lao', () => {
  it('translates title, known detail and validator messages with their bounds, and keeps the code', () => {
    const error = {
      field: 'names.givenNameLatin',
      messages: ['names.givenNameLatin must be shorter than or equal to 80 characters'],
    };
    rememberMessageKeys(error, [messageKey('maxLength', error.messages[0]!)]);
    const problem = {
      type: 'urn:ctcm:problem:validation-failed',
      status: 400,
      code: 'VALIDATION_FAILED',
      title: ERROR_CATALOG.VALIDATION_FAILED.title,
      detail: 'Some fields are missing, unknown or invalid',
      requestId: 'r-1',
      errors: [error, { field: 'from', messages: ['from must be before to'] }],
    };
    const lo = localizeProblem(problem, 'lo');
    expect(lo.code).toBe('VALIDATION_FAILED');
    expect(lo.title).toBe(CATALOGUES.lo.errors!.VALIDATION_FAILED);
    expect(lo.detail).toBe(CATALOGUES.lo.details!['Some fields are missing, unknown or invalid']);
    expect(lo.errors![0]!.messages).toEqual(['names.givenNameLatin ຕ້ອງຍາວບໍ່ເກີນ 80 ຕົວອັກສອນ']);
    // A service's own wording: "field is not valid" in Lao, the English kept in brackets.
    expect(lo.errors![1]!.messages).toEqual(['from ບໍ່ຖືກຕ້ອງ (from must be before to)']);
    expect(localizeProblem(problem, 'en')).toBe(problem);
  });

  it('names the missing resource in Lao', () => {
    const lo = localizeProblem({ code: 'NOT_FOUND', title: 'Not found', detail: 'Case not found' }, 'lo');
    expect(lo.detail).toBe('ບໍ່ພົບກໍລະນີ');
    expect(message('lo', 'validation', 'isIn', { field: 'gender', values: 'a, b' })).toBe(
      'gender ຕ້ອງເປັນໜຶ່ງໃນຄ່າຕໍ່ໄປນີ້: a, b',
    );
  });
});
