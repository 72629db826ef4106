import ExcelJS from 'exceljs';
import { type Labels, LANGUAGE_COLUMNS, type XlsForm } from './xlsform.js';

/**
 * Where no Lao text exists yet the Lao column repeats the English: an empty translation shows
 * as "-" in Enketo and KoboCollect, which is worse for an interviewer than the English text.
 */
const lao = (l: Labels | undefined) => (l ? (l.lo ?? l.en) : '');
const english = (l: Labels | undefined) => l?.en ?? '';

const SURVEY_COLUMNS = [
  'type',
  'name',
  `label::${LANGUAGE_COLUMNS.en}`,
  `label::${LANGUAGE_COLUMNS.lo}`,
  `hint::${LANGUAGE_COLUMNS.en}`,
  `hint::${LANGUAGE_COLUMNS.lo}`,
  'required',
  'relevant',
  'constraint',
  `constraint_message::${LANGUAGE_COLUMNS.en}`,
  `constraint_message::${LANGUAGE_COLUMNS.lo}`,
  'appearance',
  'calculation',
  'choice_filter',
];

/** The XLSForm workbook (survey, choices, settings sheets) of a form, as XLSX bytes. */
export async function writeXlsFormWorkbook(form: XlsForm): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'ctcm-api';
  // Fixed dates: the same catalogue version always gives the same workbook contents.
  wb.created = new Date(0);
  wb.modified = new Date(0);

  const survey = wb.addWorksheet('survey');
  survey.addRow(SURVEY_COLUMNS);
  for (const r of form.survey) {
    survey.addRow([
      r.type,
      r.name,
      english(r.label),
      r.label ? lao(r.label) : '',
      english(r.hint),
      r.hint ? lao(r.hint) : '',
      r.required ? 'yes' : '',
      r.relevant ?? '',
      r.constraint ?? '',
      english(r.constraintMessage),
      r.constraintMessage ? lao(r.constraintMessage) : '',
      r.appearance ?? '',
      r.calculation ?? '',
      r.choiceFilter ?? '',
    ]);
  }

  const choices = wb.addWorksheet('choices');
  choices.addRow(['list_name', 'name', `label::${LANGUAGE_COLUMNS.en}`, `label::${LANGUAGE_COLUMNS.lo}`, 'profile']);
  for (const c of form.choices) choices.addRow([c.listName, c.name, c.label.en, lao(c.label), c.profile ?? '']);

  const settings = wb.addWorksheet('settings');
  settings.addRow(['form_title', 'form_id', 'version', 'default_language', 'style']);
  const s = form.settings;
  settings.addRow([s.formTitle, s.formId, s.version, s.defaultLanguage, s.style]);

  for (const ws of [survey, choices, settings]) {
    ws.getRow(1).font = { bold: true };
    ws.views = [{ state: 'frozen', ySplit: 1 }];
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}
