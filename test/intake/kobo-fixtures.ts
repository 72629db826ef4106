import { randomUUID } from 'node:crypto';
import ExcelJS from 'exceljs';
import type { Response } from 'supertest';

/**
 * KoboToolbox submissions built from an XLSForm workbook (the one the API serves), in the JSON
 * shape Kobo's REST Service posts: keys are the XLSForm paths with their group prefixes, a repeat
 * is an array of objects keyed by full paths, select_multiple answers are space-separated codes,
 * and Kobo's own metadata (_uuid, _submission_time, meta/instanceID, formhub/uuid, __version__…).
 */

export interface FormLayout {
  /** Field name → full path (group prefixes). */
  paths: Map<string, string>;
  /** Field name → path of the repeat it sits in. */
  repeats: Map<string, string>;
  survey: Record<string, string>[];
  choices: Record<string, string>[];
  settings: Record<string, string>;
  sheetNames: string[];
}

/** supertest: the response body as bytes (an XLSX download). */
export const asBuffer = (res: Response, cb: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
};

function rowsOf(ws: ExcelJS.Worksheet): Record<string, string>[] {
  const header = (ws.getRow(1).values as (string | undefined)[]).slice(1).map((v) => String(v ?? ''));
  const rows: Record<string, string>[] = [];
  ws.eachRow((row, n) => {
    if (n === 1) return;
    const values = (row.values as unknown[]).slice(1);
    rows.push(Object.fromEntries(header.map((h, i) => [h, values[i] == null ? '' : String(values[i])])));
  });
  return rows;
}

export async function layoutOf(xlsx: Buffer): Promise<FormLayout> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(xlsx as unknown as ArrayBuffer);
  const survey = rowsOf(wb.getWorksheet('survey')!);
  const choices = rowsOf(wb.getWorksheet('choices')!);
  const settings = rowsOf(wb.getWorksheet('settings')!)[0]!;
  const paths = new Map<string, string>();
  const repeats = new Map<string, string>();
  const stack: string[] = [];
  let repeat: string | undefined;
  for (const r of survey) {
    const type = r.type!.split(' ')[0]!;
    if (type === 'begin_group' || type === 'begin_repeat') {
      stack.push(r.name!);
      if (type === 'begin_repeat') repeat = stack.join('/');
    } else if (type === 'end_group' || type === 'end_repeat') {
      stack.pop();
      if (type === 'end_repeat') repeat = undefined;
    } else {
      paths.set(r.name!, [...stack, r.name].join('/'));
      if (repeat) repeats.set(r.name!, repeat);
    }
  }
  return { paths, repeats, survey, choices, settings, sheetNames: wb.worksheets.map((w) => w.name) };
}

export type Answers = Record<string, string | number | Record<string, string>[] | undefined>;

/** One submission: answers by field name (a repeat by its name, as a list of answer objects). */
export function koboSubmission(
  layout: FormLayout,
  answers: Answers,
  options: { uuid?: string; extra?: Record<string, unknown>; withoutInstanceId?: boolean } = {},
): Record<string, unknown> {
  const uuid = options.uuid ?? randomUUID();
  const body: Record<string, unknown> = {
    _id: Math.floor(Math.random() * 1e9),
    'formhub/uuid': 'b4c6d1a3e2f04a5b8c9d0e1f2a3b4c5d',
    __version__: 'vXk3u9Qp2nT7sLhQz8rM4b',
    _xform_id_string: 'aQ7mZk2PLnE9xWc4vR8tYb',
    _status: 'submitted_via_web',
    _geolocation: [null, null],
    _attachments: [],
    _tags: [],
    _notes: [],
    _validation_status: {},
    _submitted_by: null,
    _submission_time: new Date().toISOString().slice(0, 19),
    ...(options.withoutInstanceId ? {} : { _uuid: uuid, 'meta/instanceID': `uuid:${uuid}` }),
  };
  for (const [name, value] of Object.entries(answers)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) {
      const repeatPath = [...layout.repeats.values()].find((p) => p.endsWith(`/${name}`)) ?? name;
      body[repeatPath] = value.map((entry) =>
        Object.fromEntries(Object.entries(entry).map(([k, v]) => [layout.paths.get(k) ?? `${repeatPath}/${k}`, v])),
      );
      continue;
    }
    body[layout.paths.get(name) ?? name] = value;
  }
  return { ...body, ...options.extra };
}

/** Every consent item answered the same way, as the form's consent page asks them. */
export function consentAnswers(layout: FormLayout, decision: string, overrides: Record<string, string> = {}): Answers {
  const items = layout.survey.filter((r) => r.type === 'select_one consent_decision').map((r) => r.name!);
  return {
    ...Object.fromEntries(items.map((n) => [n, overrides[n] ?? decision])),
    ...(decision === 'given' || Object.values(overrides).includes('given') ? { consent_given_by: 'person' } : {}),
  };
}

/** A full interview at the First Friendship Bridge: a victim of forced labour in Thailand, named in Lao script. */
export function victimAnswers(layout: FormLayout, overrides: Answers = {}): Answers {
  return {
    start: new Date(Date.now() - 2 * 3600_000).toISOString(),
    end: new Date(Date.now() - 3600_000).toISOString(),
    catalogue_version: '1',
    ...consentAnswers(layout, 'given'),
    conducted_at: new Date(Date.now() - 2 * 3600_000).toISOString().replace('Z', '+00:00'),
    profile: 'adult_labour',
    place_type: 'border_crossing',
    border_crossing: 'FRIENDSHIP_BRIDGE_1',
    interview_language: 'lao',
    interpreter_used: 'no',
    given_name_lo: 'ສົມໃຈ',
    family_name_lo: 'ວົງສະຫວັນ',
    given_name_latin: 'Somchai',
    family_name_latin: 'Vongsavanh',
    gender: 'Masculine',
    birth_year: 1996,
    home_province: 'LA-LM',
    exit_mode: 'deportation',
    AL_D1_01: 'yes',
    AL_D1_02: 'yes',
    AL_D4_01: 'yes',
    AL_D4_02: 'yes',
    AL_D5_01: 'yes',
    AL_D5_02: 'yes',
    AL_D2_01: 'declined',
    AL_D6_01: 'unknown',
    indicator_notes: [{ note_indicator: 'AL_D1_01', note_text: 'ບອກວ່າຈະໄດ້ເຮັດວຽກໃນໂຮງງານ (promised factory work)' }],
    exploitation_types: 'ForcedLabour',
    isic_sections: 'A',
    means_of_control: 'DebtBondage WithholdsDocuments',
    exploitation_countries: 'TH',
    immediate_needs: 'medical shelter',
    risks: 'debt',
    narrative: 'ລາວເຮັດວຽກຢູ່ສວນຢາງ.\n<script>alert("x")</script> <img src=x onerror=alert(1)>',
    ...overrides,
  };
}
