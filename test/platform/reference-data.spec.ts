import { startTestApp, type TestApp } from '../harness/test-app.js';

describe('reference data', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('lists the 18 first-level divisions keyed by ISO 3166-2:LA code, Lao names marked unverified', async () => {
    const res = await t.http.get('/reference/provinces');
    expect(res.status).toBe(200);
    expect(res.body).toHaveLength(18);
    const codes = res.body.map((p: { code: string }) => p.code);
    expect(codes).toEqual(expect.arrayContaining(['LA-VT', 'LA-VI', 'LA-SV', 'LA-CH', 'LA-XS']));
    const capital = res.body.find((p: { code: string }) => p.code === 'LA-VT');
    expect(capital).toMatchObject({
      nationalCode: '01',
      shortCode: 'VT',
      nameEn: 'Vientiane Capital',
      kind: 'prefecture',
      nameLoVerification: 'unverified',
    });
  });

  it('lists ISO 3166-1 countries including the neighbours', async () => {
    const res = await t.http.get('/reference/countries');
    expect(res.body.length).toBeGreaterThan(240);
    const codes = new Set(res.body.map((c: { code: string }) => c.code));
    for (const c of ['LA', 'TH', 'CN', 'VN', 'MM', 'KH', 'MY']) expect(codes.has(c)).toBe(true);
  });

  it('lists the border crossings used for returns, with the First Friendship Bridge in Vientiane Capital', async () => {
    const res = await t.http.get('/reference/border-crossings');
    const bridge = res.body.find((b: { code: string }) => b.code === 'FRIENDSHIP_BRIDGE_1');
    expect(bridge).toMatchObject({
      provinceCode: 'LA-VT',
      foreignCountry: 'TH',
      usedForReturns: true,
      verification: 'verified',
    });
    const fourth = res.body.find((b: { code: string }) => b.code === 'FRIENDSHIP_BRIDGE_4');
    expect(fourth.verification).toBe('unverified');
  });

  it('serves the HTCDS enumerations with extensions and verification status', async () => {
    const lists = await t.http.get('/reference/code-lists');
    const categories = lists.body.map((l: { category: string }) => l.category);
    for (const c of [
      'gender',
      'exploitation-type',
      'means-of-control',
      'recruitment-method',
      'recruiter-relationship',
      'isic-section',
      'support-plan-type',
      'case-status',
    ]) {
      expect(categories).toContain(c);
    }
    const exploitation = await t.http.get('/reference/code-lists/exploitation-type');
    const byCode = Object.fromEntries(exploitation.body.values.map((v: { code: string }) => [v.code, v]));
    expect(byCode.ForcedLabour.verification).toBe('verified');
    expect(byCode.ForcedCriminality).toBeDefined();
    expect(byCode.FraudulentMarriage).toBeDefined();
    expect(byCode.ForcedCriminality.verification).not.toBe('verified');
    const closure = await t.http.get('/reference/code-lists/closure-reason');
    expect(closure.body.values.every((v: { verification: string }) => v.verification === 'unverified')).toBe(true);
  });

  it('is read-only for the application role', async () => {
    await expect(t.appQuery("UPDATE ref_province SET name_en = 'x' WHERE code = 'LA-VT'")).rejects.toThrow(
      /permission denied/,
    );
  });
});
