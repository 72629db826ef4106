import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import puppeteer from 'puppeteer-core';
import { AgeBandRefresh } from '../../src/statistics/age-band-refresh.service.js';
import { MonthlyReportService } from '../../src/statistics/monthly-report.service.js';
import { daysAhead, setClock } from '../harness/clock.js';
import { type Actor, type Agency, Deployment, expectStatus } from '../journeys/journey-kit.js';

/** Every count published anywhere in a statistics answer. */
const publishedCounts = (body: { rows: { total: number | null; cells: { count: number | null }[] }[] }) =>
  body.rows.flatMap((r) => [r.total, ...r.cells.map((c) => c.count)]).filter((v): v is number => v !== null);

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

describe('statistics: counts by period and dimension, scoped, with disclosure control', () => {
  let d: Deployment;
  let shelter: Agency;
  let province: Agency;
  let analyst: Actor;
  let shelterSupervisor: Actor;
  let provinceSupervisor: Actor;
  let caseworker: Actor;
  let thisMonth: string;

  async function openCase(
    by: Actor,
    person: { gender: string; birthYear: number; province?: string },
    consent?: string[],
  ): Promise<{ caseId: string; consentId?: string }> {
    const registered = await d.http
      .post('/persons')
      .set(by.auth)
      .send({
        names: {
          givenNameLatin: `Stat${randomBytes(4).toString('hex')}`,
          familyNameLatin: randomBytes(3).toString('hex'),
        },
        gender: person.gender,
        birth: { precision: 'year', birthYear: person.birthYear },
        homeProvinceCode: person.province ?? 'LA-VT',
        confirmNotDuplicate: true,
      });
    expectStatus(registered, 201, 'register a person');
    const opened = await d.http
      .post('/cases')
      .set(by.auth)
      .send({ personId: registered.body.id, exploitationTypes: ['ForcedLabour'] });
    expectStatus(opened, 201, 'open a case');
    if (!consent) return { caseId: opened.body.id };
    const recorded = await d.http
      .post(`/cases/${opened.body.id}/consents`)
      .set(by.auth)
      .send({
        purposes: consent,
        coveredAgencyIds: [],
        givenBy: Number(d.today().slice(0, 4)) - person.birthYear < 18 ? 'guardian' : 'person',
        method: 'written',
        givenOn: d.today(),
      });
    expectStatus(recorded, 201, 'record consent');
    return { caseId: opened.body.id, consentId: recorded.body.id };
  }

  beforeAll(async () => {
    d = await Deployment.fresh();
    const nsc = await d.agency({
      code: 'NSC-SEC',
      nameEn: 'NSC secretariat',
      htcdsOrgType: 'CentralGovernmentOrganisation',
      localType: 'government_department',
      provinceCode: 'LA-VT',
    });
    shelter = await d.agency({
      code: 'STAT-SHELTER',
      nameEn: 'Shelter',
      htcdsOrgType: 'NGO',
      localType: 'shelter',
      provinceCode: 'LA-VT',
    });
    province = await d.agency({
      code: 'STAT-PLSW',
      nameEn: 'Provincial office',
      htcdsOrgType: 'LocalGovernmentOrganisation',
      localType: 'government_department',
      provinceCode: 'LA-SV',
    });
    analyst = await d.staff(nsc, ['analyst']);
    caseworker = await d.staff(shelter, ['caseworker']);
    shelterSupervisor = await d.staff(shelter, ['case_supervisor']);
    provinceSupervisor = await d.staff(province, ['case_supervisor']);
    const provinceCaseworker = await d.staff(province, ['caseworker']);
    const year = Number(d.today().slice(0, 4));
    thisMonth = d.today().slice(0, 7);
    // The shelter: 13 women of about 30, 8 men of about 30 and 3 boys of 16; the province: 2 men.
    // Research use: the women and the boys agreed, the men did not.
    const research = ['assistance', 'research_use'];
    for (let i = 0; i < 13; i++) await openCase(caseworker, { gender: 'Feminine', birthYear: year - 30 }, research);
    for (let i = 0; i < 8; i++)
      await openCase(caseworker, { gender: 'Masculine', birthYear: year - 30 }, ['assistance']);
    for (let i = 0; i < 3; i++) await openCase(caseworker, { gender: 'Masculine', birthYear: year - 16 }, research);
    for (let i = 0; i < 2; i++) await openCase(provinceCaseworker, { gender: 'Masculine', birthYear: year - 40 });
  });
  afterAll(() => d.close());

  const stat = (actor: Actor, measure: string, query: Record<string, string | number>) =>
    d.http.get(`/statistics/${measure}`).query(query).set(actor.auth);

  it('gives an analyst every agency: cases of this month by sex', async () => {
    const res = await stat(analyst, 'cases', { by: 'sex', from: thisMonth, to: thisMonth });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      measure: 'cases',
      scope: 'national',
      minCellSize: 11,
      values: ['Feminine', 'Masculine'],
    });
    expect(res.body.rows).toEqual([
      {
        period: thisMonth,
        total: 26,
        cells: [
          { value: 'Feminine', count: 13 },
          { value: 'Masculine', count: 13 },
        ],
      },
    ]);
  });

  it('gives a supervisor their own agency only; a small agency total is withheld', async () => {
    const own = await stat(shelterSupervisor, 'cases', { from: thisMonth, to: thisMonth });
    expect(own.body).toMatchObject({ scope: 'agency', rows: [{ period: thisMonth, total: 24, cells: [] }] });
    const small = await stat(provinceSupervisor, 'cases', { by: 'sex', from: thisMonth, to: thisMonth });
    expect(small.body.rows[0]).toEqual({
      period: thisMonth,
      total: null,
      cells: [{ value: 'Masculine', count: null }],
    });
    expect((await stat(caseworker, 'cases', {})).status).toBe(403);
  });

  it('withholds a small age group and enough other cells that no margin gives it back', async () => {
    const res = await stat(analyst, 'cases', { by: 'ageGroup', from: thisMonth, to: thisMonth });
    expect(res.status).toBe(200);
    const row = res.body.rows[0];
    expect(row.total).toBe(26);
    const byBand = Object.fromEntries(
      row.cells.map((c: { value: string; count: number | null }) => [c.value, c.count]),
    );
    expect(byBand['9-17']).toBeNull();
    // 3 children, 21 adults of 30 and 2 of 40: two more bands must go with the children's.
    const withheld = row.cells.filter((c: { count: number | null }) => c.count === null);
    expect(withheld.length).toBeGreaterThanOrEqual(2);
    for (const body of [res.body]) {
      expect(publishedCounts(body).every((n) => n === 0 || n >= 11)).toBe(true);
      expect(JSON.stringify(body)).not.toMatch(UUID);
    }
  });

  it('answers overlapping queries from one canonical table: shared periods have the same cells', async () => {
    const year = thisMonth.slice(0, 4);
    const narrow = await stat(analyst, 'cases', { by: 'ageGroup', period: 'quarter', from: thisMonth, to: thisMonth });
    const wide = await stat(analyst, 'cases', { by: 'ageGroup', period: 'quarter', from: `${year}-01`, to: thisMonth });
    const months = await stat(analyst, 'cases', { by: 'ageGroup', period: 'month', from: `${year}-01`, to: thisMonth });
    const quarter = narrow.body.rows[0];
    expect(wide.body.rows.find((r: { period: string }) => r.period === quarter.period)).toEqual(quarter);
    // The months of the quarter never give back a cell the quarter withholds, nor the reverse.
    const q = Number(quarter.period.slice(-1));
    const monthRows = months.body.rows.filter(
      (r: { period: string }) => Math.ceil(Number(r.period.slice(5, 7)) / 3) === q,
    );
    quarter.cells.forEach((cell: { value: string; count: number | null }, k: number) => {
      const parts = monthRows.map((r: { cells: { count: number | null }[] }) => r.cells[k]!.count);
      if (cell.count === null) expect(parts.filter((p: number | null) => p === null).length).not.toBe(0);
      else if (parts.every((p: number | null) => p !== null))
        expect(parts.reduce((s: number, p: number) => s + p, 0)).toBe(cell.count);
      expect(cell.value).toBe(months.body.values[k]);
    });
    const years = await stat(analyst, 'cases', { period: 'year', from: `${year}-01`, to: thisMonth });
    expect(years.body.rows).toEqual([{ period: year, total: 26, cells: [] }]);
  });

  it('answers every measure and dimension it lists, labels agencies by code and never returns an id', async () => {
    const list = await d.http.get('/statistics').set(analyst.auth);
    expect(list.status).toBe(200);
    for (const m of list.body as { name: string; dimensions: string[] }[]) {
      for (const by of [undefined, ...m.dimensions]) {
        const res = await stat(analyst, m.name, by ? { by } : {});
        expect([m.name, by, res.status]).toEqual([m.name, by, 200]);
        expect(JSON.stringify(res.body)).not.toMatch(UUID);
        expect(publishedCounts(res.body).every((n) => n === 0 || n >= 11)).toBe(true);
      }
    }
    const byAgency = await stat(analyst, 'cases', { by: 'agency', from: thisMonth, to: thisMonth });
    expect(byAgency.body.values).toEqual(expect.arrayContaining(['STAT-SHELTER', 'STAT-PLSW']));
  });

  it.each([
    ['an unknown dimension', 'cases', { by: 'religion' }, 'by'],
    ['a dimension of another measure', 'cases', { by: 'outcome' }, 'by'],
    ['a period in the future', 'cases', { to: '2999-01' }, 'to'],
    ['a reversed period', 'cases', { from: '2026-06', to: '2026-01' }, 'from'],
    ['a malformed month', 'cases', { from: '2026-13' }, 'from'],
    ['a period kind outside the list', 'cases', { period: 'week' }, 'period'],
    ['a cell size below 5', 'cases', { minCellSize: 4 }, 'minCellSize'],
    ['a cell size below the configured one', 'cases', { minCellSize: 5 }, 'minCellSize'],
    ['an unknown measure', 'salaries', {}, 'measure'],
  ])('refuses %s with a 400 problem', async (_what, measure, query, field) => {
    const res = await stat(analyst, measure, query);
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(JSON.stringify(res.body.errors)).toContain(field);
  });

  it('stores the age band at registration and moves it on as people grow older (the daily job)', async () => {
    const year = Number(d.today().slice(0, 4));
    const registered = await d.http
      .post('/persons')
      .set(caseworker.auth)
      .send({
        names: { givenNameLatin: `Band${randomBytes(4).toString('hex')}` },
        gender: 'Feminine',
        birth: { precision: 'year', birthYear: year - 17 },
        confirmNotDuplicate: true,
      });
    expectStatus(registered, 201, 'register a girl of 17');
    const band = async () =>
      (await d.t.ownerQuery(`SELECT age_band FROM person WHERE id = $1`, [registered.body.id])).rows[0].age_band;
    expect(await band()).toBe('9-17');
    const restore = setClock(d.t, daysAhead(366));
    try {
      expect(await d.t.app.get(AgeBandRefresh).refreshAll()).toBeGreaterThanOrEqual(1);
    } finally {
      restore();
    }
    expect(await band()).toBe('18-20');
  });

  describe('the monthly report', () => {
    const report = (actor: Actor, query: Record<string, string>, accept?: string) => {
      const req = d.http.get('/reports/monthly').query(query).set(actor.auth);
      return accept ? req.set('accept', accept) : req;
    };

    it('is a printable HTML page with five inline SVG charts, in English or Lao', async () => {
      const en = await report(analyst, { month: thisMonth, lang: 'en' });
      expect(en.status).toBe(200);
      expect(en.headers['content-type']).toMatch(/^text\/html/);
      expect(en.text).toContain('<html lang="en">');
      expect(en.text.match(/<svg class="chart"/g)).toHaveLength(5);
      expect(en.text).not.toMatch(UUID);
      expect(en.text).not.toMatch(/<script/i);
      const lo = await report(analyst, { month: thisMonth, lang: 'lo' });
      expect(lo.text).toContain('<html lang="lo">');
      expect(lo.text).toContain('ລາຍງານປະຈຳເດືອນ');
      expect(lo.text.match(/<svg class="chart"/g)).toHaveLength(5);
    });

    it('gives the same tables as CSV (format or Accept), with the numbers of the statistics API', async () => {
      const csv = await report(analyst, { month: thisMonth, format: 'csv' });
      expect(csv.status).toBe(200);
      expect(csv.headers['content-type']).toMatch(/^text\/csv/);
      const accepted = await report(analyst, { month: thisMonth }, 'text/csv');
      expect(accepted.text.split('\r\n').slice(1)).toEqual(csv.text.split('\r\n').slice(1));
      const lines = csv.text
        .trim()
        .split('\r\n')
        .slice(1)
        .map((l) => l.split(','));
      const fromCsv = (section: string) =>
        lines.filter((l) => l[1] === section).map((l) => ({ label: l[2], count: l[3] === '' ? null : Number(l[3]) }));
      const queries = MonthlyReportService.queriesFor(thisMonth, 11);
      for (const [section, { measure, query }] of Object.entries(queries)) {
        const api = await stat(analyst, measure, query as unknown as Record<string, string | number>);
        expect(api.status).toBe(200);
        const expected =
          section === 'trend'
            ? api.body.rows.map((r: { period: string; total: number | null }) => ({ label: r.period, count: r.total }))
            : api.body.rows[0].cells.map((c: { value: string; count: number | null }) => ({
                label: c.value,
                count: c.count,
              }));
        expect([section, fromCsv(section)]).toEqual([section, expected]);
      }
      // This month's 26 cases: the trend's last point, and the province breakdown (all in LA-VT).
      expect(fromCsv('trend').at(-1)).toEqual({ label: thisMonth, count: 26 });
      expect(fromCsv('provinces')).toEqual([{ label: 'LA-VT', count: 26 }]);
    });

    it('refuses a language outside the list, a future month and a missing one with 400 problems', async () => {
      const bad: Record<string, string>[] = [
        { month: thisMonth, lang: 'fr' },
        { month: '2999-01' },
        {},
        { month: thisMonth, format: 'pdf' },
      ];
      for (const query of bad) {
        const res = await report(analyst, query);
        expect([query, res.status]).toEqual([query, 400]);
        expect(res.body.code).toBe('VALIDATION_FAILED');
      }
      expect((await report(caseworker, { month: thisMonth })).status).toBe(403);
    });

    it('renders in headless Chromium with its charts drawn', async () => {
      const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
      if (!fs.existsSync(chromium))
        throw new Error(`no Chromium at ${chromium}: apt-get install -y chromium or set CHROMIUM_PATH`);
      const html = (await report(analyst, { month: thisMonth, lang: 'lo' })).text;
      const browser = await puppeteer.launch({
        executablePath: chromium,
        headless: true,
        args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'],
        protocolTimeout: 180_000,
      });
      try {
        const page = await browser.newPage();
        // Offline, as a printed page: nothing may be fetched.
        await page.setRequestInterception(true);
        page.on('request', (r) =>
          r.url().startsWith('data:') || r.url() === 'about:blank' ? r.continue() : r.abort(),
        );
        await page.setContent(html, { waitUntil: 'load' });
        const charts = await page.$$eval('svg.chart', (svgs) =>
          svgs.map((s) => {
            const box = s.getBoundingClientRect();
            return {
              key: s.getAttribute('data-chart'),
              width: box.width,
              height: box.height,
              bars: s.querySelectorAll('rect.bar').length,
            };
          }),
        );
        expect(charts.map((c) => c.key)).toEqual([
          'trend',
          'provinces',
          'exploitationTypes',
          'unmetNeedsBySex',
          'referralOutcomes',
        ]);
        for (const c of charts) {
          expect(c.width).toBeGreaterThan(100);
          expect(c.height).toBeGreaterThan(0);
        }
        expect(charts[0]!.bars).toBeGreaterThanOrEqual(1);
        expect(charts[1]!.bars).toBe(1);
        const pdf = await page.pdf({ format: 'A4' });
        expect(pdf.length).toBeGreaterThan(1000);
      } finally {
        const proc = browser.process();
        await browser.close().catch(() => undefined);
        if (proc && proc.exitCode === null) proc.kill('SIGKILL');
      }
    });
  });

  describe('the de-identified CTDC export', () => {
    let tmp: string;
    let keyFile: string;
    beforeAll(async () => {
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ctdc-export-'));
      const auditor = await d.staff(shelter, ['auditor']);
      const key = await d.http.get('/audit/signing-key').set(auditor.auth);
      expectStatus(key, 200, 'signing key');
      keyFile = path.join(tmp, 'key.pem');
      fs.writeFileSync(keyFile, key.body.publicKeyPem);
    });
    afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

    const download = async (format: 'csv' | 'xlsx'): Promise<string> => {
      const res = await d.http
        .get('/statistics/exports/ctdc')
        .query({ format })
        .set(analyst.auth)
        .buffer(true)
        .parse((r, done) => {
          const chunks: Buffer[] = [];
          r.on('data', (c: Buffer) => chunks.push(c));
          r.on('end', () => done(null, Buffer.concat(chunks)));
        });
      expect(res.status).toBe(200);
      const file = path.join(tmp, `export.${format}`);
      fs.writeFileSync(file, res.body as Buffer);
      return file;
    };
    const verify = (file: string) =>
      spawnSync(process.execPath, ['dist/scripts/verify-audit-export.js', file, '--public-key', keyFile], {
        encoding: 'utf8',
      });

    it('holds only consenting cases in CTDC columns, every row shared by at least 11, with a signed manifest', async () => {
      const file = await download('csv');
      const lines = fs.readFileSync(file, 'utf8').trim().split('\n');
      expect(lines[0]).toBe(
        'yearOfRegistration,Datasource,gender,ageBroad,majorityStatus,citizenship,CountryOfExploitation,isForcedLabour,isSexualExploit,isOtherExploit,meansOfControlDebtBondage,meansOfControlThreats,meansOfControlPhysicalAbuse,meansOfControlFalsePromises,meansOfControlRestrictsMovement,meansOfControlWithholdsDocuments',
      );
      const rows = lines.slice(1, -1);
      const year = thisMonth.slice(0, 4);
      // The 13 women (research consent); the 3 boys consented but are too few to publish; the men did not consent.
      expect(rows).toEqual(
        Array(13).fill(`${year},Case Management,Female,30--38,Adult,-99,-99,1,0,0,-99,-99,-99,-99,-99,-99`),
      );
      expect(fs.readFileSync(file, 'utf8')).not.toMatch(UUID);
      const manifest = JSON.parse(lines.at(-1)!.slice('# manifest '.length));
      expect(manifest).toMatchObject({ type: 'ctdc-export', k: 11, count: 13, suppressedRows: 3 });
      const audited = (
        await d.t.ownerQuery(
          `SELECT details FROM audit_event WHERE route LIKE '%/statistics/exports/ctdc%' ORDER BY id DESC LIMIT 1`,
        )
      ).rows[0];
      expect(audited.details.export).toMatchObject({
        kind: 'ctdc',
        format: 'csv',
        count: 13,
        contentSha256: manifest.contentSha256,
      });

      const run = verify(file);
      expect([run.status, run.stderr]).toEqual([0, expect.any(String)]);
      expect(JSON.parse(run.stdout)).toMatchObject({ ok: true, rows: 13, authenticated: true });
      fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(',Female,', ',Male,'));
      expect(verify(file).status).toBe(1);
    });

    it('writes the same rows as XLSX, verifiable offline as well', async () => {
      const file = await download('xlsx');
      // The ZIP itself is sound: every entry's CRC and sizes check out (Info-ZIP's test mode).
      const zip = spawnSync('unzip', ['-tq', file], { encoding: 'utf8' });
      if (zip.error) throw new Error(`no unzip on this machine (apt-get install -y unzip): ${zip.error.message}`);
      expect([zip.status, zip.stdout]).toEqual([0, expect.stringContaining('No errors detected')]);
      const run = verify(file);
      expect({ status: run.status, output: run.status === 0 ? '' : run.stdout + run.stderr }).toEqual({
        status: 0,
        output: '',
      });
      expect(JSON.parse(run.stdout)).toMatchObject({ ok: true, rows: 13 });
    });

    it('follows consents as they change: a withdrawn research consent leaves the very next export', async () => {
      const rowsOf = async (): Promise<string[]> => {
        const res = await d.http.get('/statistics/exports/ctdc').set(analyst.auth);
        expect(res.status).toBe(200);
        return res.text.trim().split('\n').slice(1, -1);
      };
      const year = Number(d.today().slice(0, 4));
      const woman = `${year},Case Management,Female,30--38,Adult,-99,-99,1,0,0,-99,-99,-99,-99,-99,-99`;
      const added = [];
      for (let i = 0; i < 2; i++)
        added.push(
          await openCase(caseworker, { gender: 'Feminine', birthYear: year - 30 }, ['assistance', 'research_use']),
        );
      expect(await rowsOf()).toEqual(Array(15).fill(woman));
      for (const { caseId, consentId } of added)
        expectStatus(
          await d.http.post(`/cases/${caseId}/consents/${consentId}/withdraw`).set(caseworker.auth),
          200,
          'withdraw consent',
        );
      expect(await rowsOf()).toEqual(Array(13).fill(woman));
      // What the triggers kept equals a fresh derivation of every case (the owner recomputes all).
      const snapshot = `SELECT coalesce(jsonb_agg(jsonb_build_array(case_id, lead_agency_id, research_use, qi) ORDER BY case_id), '[]') AS rows FROM case_ctdc_profile`;
      const kept = (await d.t.ownerQuery(snapshot)).rows[0].rows;
      const cases = (await d.t.ownerQuery(`SELECT count(*)::int AS n FROM case_file`)).rows[0].n;
      expect(kept).toHaveLength(cases);
      await d.t.ownerQuery(`DELETE FROM case_ctdc_profile`);
      await d.t.ownerQuery(`SELECT app_ctdc_profile_refresh(NULL)`);
      expect((await d.t.ownerQuery(snapshot)).rows[0].rows).toEqual(kept);
      // The application role cannot read it: the SECURITY DEFINER functions are the only way in.
      const denied = await d.t.ownerQuery(
        `SELECT has_table_privilege('ctcm_app', 'case_ctdc_profile', 'SELECT') AS ok`,
      );
      expect(denied.rows[0].ok).toBe(false);
    });

    it('refuses a k below 11 and a supervisor gets their own agency only', async () => {
      const low = await d.http.get('/statistics/exports/ctdc').query({ k: 5 }).set(analyst.auth);
      expect(low.status).toBe(400);
      expect(low.body.code).toBe('VALIDATION_FAILED');
      const other = await d.http.get('/statistics/exports/ctdc').set(provinceSupervisor.auth);
      expect(other.status).toBe(200);
      expect(other.text.trim().split('\n')).toHaveLength(2);
    });
  });
});
