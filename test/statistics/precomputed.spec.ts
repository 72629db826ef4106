import { randomBytes } from 'node:crypto';
import { MEASURES, STATISTIC_PAIRS } from '../../src/statistics/statistics-catalogue.js';
import { StatisticsRefresh } from '../../src/statistics/statistics-refresh.service.js';
import { daysAhead, setClock } from '../harness/clock.js';
import { startTestApp, type TestApp } from '../harness/test-app.js';
import { type Actor, type Agency, Deployment, expectStatus } from '../journeys/journey-kit.js';

/**
 * The precomputed monthly counts (statistic_count, refreshed by a job) answer exactly what the
 * raw rows answer at the refresh: the same API bodies, disclosure control included, for national
 * and agency scopes. A second app on the same database with STATISTICS_REFRESH_INTERVAL_MS=0
 * gives the raw answers; this deployment's app gives the precomputed ones.
 */
describe('statistics: precomputed counts equal the raw answers', () => {
  let d: Deployment;
  let raw: TestApp;
  let shelter: Agency;
  let province: Agency;
  let analyst: Actor;
  let shelterSupervisor: Actor;
  let provinceSupervisor: Actor;
  let caseworker: Actor;
  let provinceCaseworker: Actor;
  let refresh: StatisticsRefresh;

  async function openCase(by: Actor, gender: string, birthYear: number, sharedWith?: Agency): Promise<string> {
    const registered = await d.http
      .post('/persons')
      .set(by.auth)
      .send({
        names: {
          givenNameLatin: `Pre${randomBytes(4).toString('hex')}`,
          familyNameLatin: randomBytes(3).toString('hex'),
        },
        gender,
        birth: { precision: 'year', birthYear },
        homeProvinceCode: 'LA-VT',
        confirmNotDuplicate: true,
      });
    expectStatus(registered, 201, 'register a person');
    const opened = await d.http
      .post('/cases')
      .set(by.auth)
      .send({ personId: registered.body.id, exploitationTypes: ['ForcedLabour'] });
    expectStatus(opened, 201, 'open a case');
    const caseId: string = opened.body.id;
    if (sharedWith) {
      expectStatus(
        await d.http
          .post(`/cases/${caseId}/consents`)
          .set(by.auth)
          .send({
            purposes: ['assistance', 'sharing_for_referral', 'research_use'],
            coveredAgencyIds: [sharedWith.id],
            givenBy: 'person',
            method: 'written',
            givenOn: d.today(),
          }),
        201,
        'record consent',
      );
      expectStatus(
        await d.http
          .post(`/cases/${caseId}/referrals`)
          .set(by.auth)
          .send({ toAgencyId: sharedWith.id, purpose: 'family_tracing', urgency: 'normal' }),
        201,
        'refer the case',
      );
      expectStatus(
        await d.http
          .post(`/cases/${caseId}/services`)
          .set(by.auth)
          .send({ serviceType: 'medical', deliveredOn: d.today(), outcome: 'completed' }),
        201,
        'record a service',
      );
    }
    return caseId;
  }

  const get = (app: TestApp, actor: Actor, measure: string, query: Record<string, string>) =>
    app.http.get(`/statistics/${measure}`).query(query).set(actor.auth);

  /** Every measure by every dimension, as each actor: the precomputed body equals the raw one. */
  async function expectSameAnswers(actors: Actor[]): Promise<number> {
    let compared = 0;
    for (const actor of actors)
      for (const [measure, m] of Object.entries(MEASURES))
        for (const by of [undefined, ...(m.dimensions as readonly string[])]) {
          const query: Record<string, string> = by ? { by } : {};
          const [fast, slow] = [await get(d.t, actor, measure, query), await get(raw, actor, measure, query)];
          expect([actor.email, measure, by, fast.status]).toEqual([actor.email, measure, by, 200]);
          expect([actor.email, measure, by, fast.body]).toEqual([actor.email, measure, by, slow.body]);
          compared += 1;
        }
    return compared;
  }

  /** The counts before disclosure control, straight from both functions, for one scope (null = national). */
  async function countsOf(fn: string, actor: Actor, agencyId: string | null) {
    const year = Number(d.today().slice(0, 4));
    return d.t.appTransaction(async (c) => {
      await c.query(`SELECT set_config('app.user_id', $1, true), set_config('app.agency_id', $2, true)`, [
        actor.id,
        actor.agencyId,
      ]);
      const out: Record<string, unknown[]> = {};
      for (const [measure, dimension] of STATISTIC_PAIRS) {
        const { rows } = await c.query(
          `SELECT to_char(period, 'YYYY-MM') AS period, value, n FROM ${fn}($1, $2, $3, $4::date, $5::date, $6, $7::date)
            ORDER BY 1, 2`,
          [measure, dimension, agencyId, `${year - 1}-01-01`, `${year}-12-31`, d.t.config.timeZone, d.today()],
        );
        out[`${measure}/${dimension}`] = rows;
      }
      return out;
    });
  }

  beforeAll(async () => {
    // A day between scheduled runs: this file refreshes explicitly.
    d = await Deployment.fresh({ env: { STATISTICS_REFRESH_INTERVAL_MS: '86400000' } });
    raw = await startTestApp({ attachTo: d.t, env: { STATISTICS_REFRESH_INTERVAL_MS: '0' } });
    refresh = d.t.app.get(StatisticsRefresh);
    const nsc = await d.agency({
      code: 'PRE-NSC',
      nameEn: 'NSC secretariat',
      htcdsOrgType: 'CentralGovernmentOrganisation',
      localType: 'government_department',
      provinceCode: 'LA-VT',
    });
    shelter = await d.agency({
      code: 'PRE-SHELTER',
      nameEn: 'Shelter',
      htcdsOrgType: 'NGO',
      localType: 'shelter',
      provinceCode: 'LA-VT',
    });
    province = await d.agency({
      code: 'PRE-PLSW',
      nameEn: 'Provincial office',
      htcdsOrgType: 'LocalGovernmentOrganisation',
      localType: 'government_department',
      provinceCode: 'LA-SV',
    });
    analyst = await d.staff(nsc, ['analyst']);
    caseworker = await d.staff(shelter, ['caseworker']);
    provinceCaseworker = await d.staff(province, ['caseworker']);
    shelterSupervisor = await d.staff(shelter, ['case_supervisor']);
    provinceSupervisor = await d.staff(province, ['case_supervisor']);
  });
  afterAll(async () => {
    await raw?.close();
    await d?.close();
  });

  it('answers from the counts of the last refresh: stale until the next one, then equal to the raw rows', async () => {
    // A new deployment brings its first refresh forward: the whole history (here: nothing yet).
    while (!(await refresh.state())?.full_refreshed_at) await new Promise((r) => setTimeout(r, 200));
    const year = Number(d.today().slice(0, 4));
    for (let i = 0; i < 12; i++) await openCase(caseworker, 'Feminine', year - 30, province);
    for (let i = 0; i < 3; i++) await openCase(caseworker, 'Masculine', year - 16);
    for (let i = 0; i < 11; i++) await openCase(provinceCaseworker, 'Masculine', year - 40);

    const month = d.today().slice(0, 7);
    const thisMonth = { from: month, to: month };
    // Until the next refresh, the precomputed answer is the one of the last refresh.
    expect((await get(d.t, analyst, 'cases', thisMonth)).body.rows[0].total).toBe(0);
    expect((await get(raw, analyst, 'cases', thisMonth)).body.rows[0].total).toBe(26);

    // Later the same day: the recent months only.
    const recent = await refresh.refresh();
    expect(recent.kind).toBe('recent');
    expect(recent.from < `${month}-01`).toBe(true);
    expect(recent.rows).toBeGreaterThan(0);
    expect((await get(d.t, analyst, 'cases', thisMonth)).body.rows[0].total).toBe(26);
    expect(await expectSameAnswers([analyst, shelterSupervisor, provinceSupervisor])).toBeGreaterThan(100);
  });

  it('counts every scope exactly before disclosure control: national, own agency, referrals sent and received', async () => {
    const scopes: [Actor, string | null][] = [
      [analyst, null],
      [shelterSupervisor, shelter.id],
      [provinceSupervisor, province.id],
    ];
    for (const [actor, agencyId] of scopes) {
      const fast = await countsOf('app_statistic_counts_precomputed', actor, agencyId);
      const slow = await countsOf('app_statistic_counts', actor, agencyId);
      expect(fast).toEqual(slow);
      // The province received the shelter's twelve referrals: they are its statistics too.
      if (agencyId === province.id)
        expect(fast['referrals/none']).toEqual([{ period: d.today().slice(0, 7), value: null, n: 12 }]);
      if (agencyId === shelter.id) expect(fast['cases/none']).toEqual([expect.objectContaining({ n: 15 })]);
    }
  });

  it('refuses the counts of another agency and national counts without a national role', async () => {
    const ask = (actor: Actor, agencyId: string | null) =>
      d.t.appTransaction(async (c) => {
        await c.query(`SELECT set_config('app.user_id', $1, true), set_config('app.agency_id', $2, true)`, [
          actor.id,
          actor.agencyId,
        ]);
        await c.query(
          `SELECT * FROM app_statistic_counts_precomputed('cases', 'none', $1, '2020-01-01', '2030-12-31', 'Asia/Vientiane', current_date)`,
          [agencyId],
        );
      });
    await expect(ask(provinceSupervisor, shelter.id)).rejects.toMatchObject({ code: '42501' });
    await expect(ask(provinceSupervisor, null)).rejects.toMatchObject({ code: '42501' });
  });

  it('recomputes the whole history on the first refresh of a day, and still equals the raw rows', async () => {
    const restore = [setClock(d.t, daysAhead(1)), setClock(raw, daysAhead(1))];
    try {
      const year = Number(d.today().slice(0, 4));
      await openCase(provinceCaseworker, 'Feminine', year - 25);
      const full = await refresh.refresh();
      expect(full.kind).toBe('full');
      expect((await refresh.state())?.full_today).toBe(d.today());
      expect(await expectSameAnswers([analyst, provinceSupervisor])).toBeGreaterThan(60);
    } finally {
      restore.forEach((r) => r());
    }
  });
});
