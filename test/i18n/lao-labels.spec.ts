import ExcelJS from 'exceljs';
import { CODE_LISTS } from '../../src/reference-data/data/code-lists.js';
import { COUNTRIES } from '../../src/reference-data/data/countries.js';
import { CATALOGUE_V1 } from '../../src/screening/data/indicator-catalogue-v1.js';
import { given, type Session } from '../harness/given.js';
import { startTestApp, type TestApp } from '../harness/test-app.js';

const THAI = /[\u0E00-\u0E7F]/;
const LAO = /[\u0E80-\u0EFF]/;

interface Lao {
  text: string;
  verification: string;
  source: string;
}
interface Label {
  kind: string;
  key: string;
  en: string;
  lo: Lao | null;
}

/** A sheet as the export gives it, parsed back with the same library a translator's tool would use. */
async function rowsOfXlsx(content: Buffer): Promise<Record<string, string>[]> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(content as unknown as ArrayBuffer);
  const sheet = workbook.worksheets[0]!;
  const header = Array.from(sheet.getRow(1).values as unknown[], (v) => String(v ?? ''));
  const rows: Record<string, string>[] = [];
  sheet.eachRow((row, n) => {
    if (n > 1) rows.push(Object.fromEntries(header.map((h, i) => [h, String((row.values as unknown[])[i] ?? '')])));
  });
  return rows;
}

async function xlsxOf(rows: Record<string, string>[]): Promise<string> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('translations');
  const columns = ['kind', 'key', 'english', 'lao', 'verification', 'source', 'placeholders'];
  sheet.addRow(columns);
  for (const r of rows) sheet.addRow(columns.map((c) => r[c] ?? ''));
  return Buffer.from(await workbook.xlsx.writeBuffer()).toString('base64');
}

describe('Lao labels, sorting and the translation workflow', () => {
  let t: TestApp;
  let admin: Session;
  let caseworker: Session;
  let labels: Label[];
  const byKind = (kind: string) => labels.filter((l) => l.kind === kind);
  /** A download kept as bytes. */
  const download = (url: string, session: Session) =>
    t.http
      .get(url)
      .set(session.auth)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });

  beforeAll(async () => {
    t = await startTestApp();
    const g = given(t);
    admin = await g.systemAdmin();
    caseworker = await g.session(await g.user(await g.agency(), ['caseworker']));
    const res = await t.http.get('/reference/labels');
    expect(res.status).toBe(200);
    labels = res.body;
  });
  afterAll(() => t.close());

  it('gives every code-list value, country, crossing, province, facility kind, consent item, indicator and heading a Lao text with its state and source', () => {
    const expectLao = (kind: string, count: number) => {
      const ofKind = byKind(kind);
      expect({ kind, count: ofKind.length }).toEqual({ kind, count });
      const missing = ofKind.filter((l) => !l.lo).map((l) => l.key);
      expect({ kind, missing }).toEqual({ kind, missing: [] });
      for (const l of ofKind) {
        expect(['verified', 'unverified']).toContain(l.lo!.verification);
        expect(l.lo!.source).toBeTruthy();
        expect(l.lo!.text).not.toMatch(THAI);
      }
    };
    expectLao(
      'code',
      CODE_LISTS.reduce((n, l) => n + l.values.length, 0),
    );
    expectLao('code-list', CODE_LISTS.length);
    expectLao('country', COUNTRIES.length);
    expectLao('border-crossing', 8);
    expectLao('province', 18);
    expectLao('facility-kind', 4);
    expectLao('indicator', 280);
    expectLao('indicator-dimension', 6);
    expectLao('indicator-profile', 5);
    expectLao('report-heading', 11);
    expect(CATALOGUE_V1.indicators).toHaveLength(280);
    expect(
      byKind('code')
        .filter((l) => l.key.startsWith('consent-item.'))
        .every((l) => LAO.test(l.lo!.text)),
    ).toBe(true);
    // Languages: at least those of the region and of migrants' destinations.
    const languages = new Map(byKind('language').map((l) => [l.key, l.lo]));
    for (const code of ['lao', 'tha', 'vie', 'khm', 'mya', 'zho', 'hmn', 'eng', 'kor', 'jpn', 'msa', 'ara'])
      expect({ code, lo: languages.get(code)?.text ?? null }).toEqual({ code, lo: expect.stringMatching(LAO) });
    // What the team wrote waits for a Lao speaker.
    const forced = labels.find((l) => l.key === 'exploitation-type.ForcedLabour')!;
    expect(forced.lo).toEqual({ text: 'ການບັງຄັບອອກແຮງງານ', verification: 'unverified', source: 'ctcm-api team draft' });
  });

  it('returns the Lao text and its state beside each value of the lists and the screening catalogue', async () => {
    const list = await t.http.get('/reference/code-lists/consent-item');
    expect(list.body.lo).toMatchObject({ verification: 'unverified' });
    for (const v of list.body.values) {
      expect(v.lo).toMatchObject({ text: expect.stringMatching(LAO), verification: 'unverified' });
      expect(v.labelLo).toBe(v.lo.text);
    }
    const crossings = await t.http.get('/reference/border-crossings');
    expect(crossings.body.find((b: { code: string }) => b.code === 'VANG_TAO').lo.text).toBe('ວັງເຕົ່າ');
    const languages = await t.http.get('/reference/languages');
    expect(languages.body.find((l: { code: string }) => l.code === 'lao').lo.text).toBe('ລາວ');
    const catalogue = await t.http.get('/screening-catalogues/1').set(caseworker.auth);
    expect(catalogue.status).toBe(200);
    expect(catalogue.body.indicators).toHaveLength(280);
    for (const i of catalogue.body.indicators)
      expect(i.lo).toMatchObject({ text: expect.stringMatching(LAO), verification: 'unverified' });
  });

  it('sorts lists by Lao name with the ICU Lao collation (prevowels sort under their consonant)', async () => {
    const icu = await t.ownerQuery(`SELECT collname FROM pg_collation WHERE collname = 'lao' AND collprovider = 'i'`);
    expect(icu.rows).toHaveLength(1);
    const provinces = await t.http.get('/reference/provinces?lang=lo');
    const names: string[] = provinces.body.map((p: { lo: Lao }) => p.lo.text);
    const expected = await t.ownerQuery<{ names: string[] }>(
      `SELECT array_agg(n ORDER BY n COLLATE "lao") AS names FROM unnest($1::text[]) AS n`,
      [names],
    );
    expect(names).toEqual(expected.rows[0]!.names);
    // Sekong (ເຊກອງ) files under ຊ, before Bokeo (ບໍ່ແກ້ວ); code-point order would put it after.
    expect(names.indexOf('ເຊກອງ')).toBeLessThan(names.indexOf('ບໍ່ແກ້ວ'));
    expect([...names].sort()).not.toEqual(names);
    // Accept-Language does the same; English readers keep the national order.
    const viaHeader = await t.http.get('/reference/provinces').set('accept-language', 'lo');
    expect(viaHeader.body.map((p: { code: string }) => p.code)).toEqual(
      provinces.body.map((p: { code: string }) => p.code),
    );
    const english = await t.http.get('/reference/provinces');
    expect(english.body[0].code).toBe('LA-VT');
    const countries = await t.http.get('/reference/countries?lang=lo');
    const thailand = countries.body.findIndex((c: { code: string }) => c.code === 'TH');
    const laos = countries.body.findIndex((c: { code: string }) => c.code === 'LA');
    // Lao alphabetical order puts ສ right after ຈ (ສາທາລະນະລັດ… before ໄທ); code-point order would not.
    expect(laos).toBeLessThan(thailand);
    expect(names.indexOf('ສະຫວັນນະເຂດ')).toBeLessThan(names.indexOf('ຊຽງຂວາງ'));
  });

  it('exports every text with its state as XLSX and CSV, for system administrators only', async () => {
    expect((await t.http.get('/translations/export').set(caseworker.auth)).status).toBe(403);
    const xlsx = await download('/translations/export?format=xlsx', admin);
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers['content-type']).toContain('spreadsheetml');
    const rows = await rowsOfXlsx(xlsx.body);
    expect(rows.length).toBe(labels.length);
    const forced = rows.find((r) => r.key === 'exploitation-type.ForcedLabour')!;
    expect(forced).toMatchObject({
      kind: 'code',
      english: 'Forced labour',
      lao: 'ການບັງຄັບອອກແຮງງານ',
      verification: 'unverified',
    });
    const maxLength = rows.find((r) => r.kind === 'message' && r.key === 'validation:maxLength')!;
    expect(maxLength.placeholders).toBe('{field} {limit}');

    const csv = await t.http.get('/translations/export?format=csv&kind=country').set(admin.auth);
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.text.split('\r\n')[0]).toBe('\uFEFFkind,key,english,lao,verification,source,placeholders');
    expect(csv.text).toContain('country,TH,Thailand,ໄທ,unverified,');
  });

  it('refuses a sheet with unknown keys, empty values, Thai script or mismatched placeholders, applying nothing', async () => {
    const content = await xlsxOf([
      { kind: 'code', key: 'exploitation-type.ForcedLabour', lao: 'ການບັງຄັບໃຊ້ແຮງງານ', verification: 'verified' },
      { kind: 'code', key: 'exploitation-type.NoSuchThing', lao: 'ບໍ່ມີ', verification: 'verified' },
      { kind: 'country', key: 'TH', lao: '', verification: 'verified' },
      { kind: 'country', key: 'VN', lao: 'เวียดนาม', verification: 'verified' },
      { kind: 'message', key: 'validation:maxLength', lao: '{field} ຍາວເກີນໄປ', verification: 'verified' },
    ]);
    const res = await t.http.post('/translations/imports').set(admin.auth).send({ format: 'xlsx', content });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    const byRow = Object.fromEntries(
      res.body.errors.map((e: { field: string; messages: string[] }) => [e.field, e.messages.join(' | ')]),
    );
    expect(Object.keys(byRow).sort()).toEqual(['rows[3]', 'rows[4]', 'rows[5]', 'rows[6]']);
    expect(byRow['rows[3]']).toMatch(/unknown text/);
    expect(byRow['rows[4]']).toMatch(/empty Lao text/);
    expect(byRow['rows[5]']).toMatch(/Thai script/);
    expect(byRow['rows[6]']).toMatch(/placeholders do not match.*\{field\} \{limit\}.*found \{field\}/);
    const after = await t.http.get('/reference/code-lists/exploitation-type');
    expect(after.body.values.find((v: { code: string }) => v.code === 'ForcedLabour').lo.verification).toBe(
      'unverified',
    );
    expect(
      (await t.http.post('/translations/imports').set(caseworker.auth).send({ format: 'csv', content })).status,
    ).toBe(403);
  });

  it('round-trips: the export, filled in and imported, records who verified what (audited), and messages follow', async () => {
    const exported = await download('/translations/export?format=xlsx', admin);
    const rows = await rowsOfXlsx(exported.body);
    const edited = rows.map((r) =>
      r.key === 'exploitation-type.ForcedLabour'
        ? { ...r, lao: 'ການບັງຄັບໃຊ້ແຮງງານ', verification: 'verified' }
        : r.kind === 'message' && r.key === 'errors:NOT_FOUND'
          ? { ...r, lao: 'ບໍ່ພົບສິ່ງທີ່ຊອກຫາ', verification: 'verified' }
          : r,
    );
    // The whole sheet goes back in one kind at a time, as a translator would send a chapter.
    const chapter = edited.filter((r) => r.kind === 'code' || r.kind === 'message');
    const res = await t.http
      .post('/translations/imports')
      .set(admin.auth)
      .send({ format: 'xlsx', content: await xlsxOf(chapter) });
    expect(res.body.errors ?? []).toEqual([]);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ rows: chapter.length, changed: 2, verified: 2, unchanged: chapter.length - 2 });

    const value = (
      await t.http.get('/reference/code-lists/exploitation-type').set('accept-language', 'lo')
    ).body.values.find((v: { code: string }) => v.code === 'ForcedLabour');
    expect(value.lo).toEqual({ text: 'ການບັງຄັບໃຊ້ແຮງງານ', verification: 'verified', source: 'translation import' });
    const stored = await t.ownerQuery(
      `SELECT verified_by FROM i18n_text WHERE kind = 'code' AND key = $1 AND lang = 'lo'`,
      ['exploitation-type.ForcedLabour'],
    );
    expect(stored.rows[0].verified_by).toBe(admin.user.id);
    const audit = await t.ownerQuery(
      `SELECT category, action, actor_user_id, changes FROM audit_event
        WHERE resource_type = 'i18n_text' AND resource_ids @> ARRAY['code/exploitation-type.ForcedLabour/lo']
        ORDER BY category DESC`,
    );
    // The change (old and new text and state) and the request's access entry naming the text.
    expect(audit.rows.map((r) => r.category)).toEqual(['change', 'access']);
    expect(audit.rows[0]).toMatchObject({ action: 'verify_translation', actor_user_id: admin.user.id });
    expect(JSON.stringify(audit.rows[0].changes)).toContain('ການບັງຄັບອອກແຮງງານ');

    const notFound = await t.http.get('/reference/code-lists/no-such-list').set('accept-language', 'lo');
    expect(notFound.body).toMatchObject({ code: 'NOT_FOUND', title: 'ບໍ່ພົບສິ່ງທີ່ຊອກຫາ' });

    // The same sheet again changes nothing; a CSV of it is read alike.
    const again = await t.http
      .post('/translations/imports')
      .set(admin.auth)
      .send({ format: 'xlsx', content: await xlsxOf(chapter) });
    expect(again.body.changed).toBe(0);
    const csv = await t.http.get('/translations/export?format=csv&kind=code').set(admin.auth);
    const csvAgain = await t.http
      .post('/translations/imports')
      .set(admin.auth)
      .send({ format: 'csv', content: csv.text });
    expect(csvAgain.status).toBe(200);
    expect(csvAgain.body.changed).toBe(0);
  });
});
