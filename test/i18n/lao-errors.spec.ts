import lo from '../../src/i18n/locales/lo.json' with { type: 'json' };
import en from '../../src/i18n/locales/en.json' with { type: 'json' };
import { given, type Session } from '../harness/given.js';
import { startTestApp, type TestApp } from '../harness/test-app.js';

const LAO = /[\u0E80-\u0EFF]/;
const LO = { 'accept-language': 'lo' };

/** The body is told in Lao, with the same stable code and type as in English. */
function expectLao(
  res: { status: number; body: Record<string, unknown>; headers: Record<string, string> },
  status: number,
  code: keyof typeof lo.errors,
) {
  expect({ status: res.status, code: res.body.code }).toEqual({ status, code });
  expect(res.body.type).toBe(`urn:ctcm:problem:${code.toLowerCase().replaceAll('_', '-')}`);
  expect(res.body.title).toBe(lo.errors[code]);
  expect(res.headers['content-language']).toBe('lo');
  for (const e of (res.body.errors as { messages: string[] }[] | undefined) ?? [])
    for (const m of e.messages) expect(m).toMatch(LAO);
}

describe('errors in Lao (Accept-Language: lo)', () => {
  let t: TestApp;
  let g: ReturnType<typeof given>;
  let screener: Session;
  let admin: Session;

  beforeAll(async () => {
    t = await startTestApp();
    g = given(t);
    const agency = await g.agency({ localType: 'mass_organisation' });
    screener = await g.session(await g.user(agency, ['screener']));
    admin = await g.systemAdmin();
  });
  afterAll(() => t.close());

  it('400: validation, every field message in Lao with its bounds, the code unchanged', async () => {
    const res = await t.http
      .post('/persons')
      .set(screener.auth)
      .set(LO)
      .send({ names: { givenNameLatin: 'x'.repeat(500) }, gender: 'Nobody', shoeSize: 44 });
    expectLao(res, 400, 'VALIDATION_FAILED');
    expect(res.body.detail).toBe(lo.details['Some fields are missing, unknown or invalid']);
    const byField = Object.fromEntries(
      (res.body.errors as { field: string; messages: string[] }[]).map((e) => [e.field, e.messages]),
    );
    expect(byField.shoeSize).toEqual(['ບໍ່ຮູ້ຈັກຊ່ອງ shoeSize: ກະລຸນາເອົາອອກ']);
    expect(byField.gender![0]).toMatch(/^gender ຕ້ອງເປັນໜຶ່ງໃນຄ່າຕໍ່ໄປນີ້: .*Feminine/);
    expect(byField['names.givenNameLatin']!.join()).toMatch(/ບໍ່ເກີນ \d+ ຕົວອັກສອນ/);

    const english = await t.http
      .post('/persons')
      .set(screener.auth)
      .send({ names: { givenNameLatin: 'x'.repeat(500) }, gender: 'Nobody', shoeSize: 44 });
    expect(english.body.code).toBe('VALIDATION_FAILED');
    expect(english.body.title).toBe(en.errors.VALIDATION_FAILED);
    expect(english.headers['content-language']).toBe('en');
    expect(JSON.stringify(english.body)).not.toMatch(LAO);
  });

  it('400 through the `lang` query parameter, which no route refuses as unknown', async () => {
    const res = await t.http.get('/cases?lang=lo&limit=abc').set(screener.auth);
    expectLao(res, 400, 'VALIDATION_FAILED');
  });

  it('401 and 403', async () => {
    expectLao(await t.http.get('/cases').set(LO), 401, 'UNAUTHENTICATED');
    expectLao(await t.http.post('/agencies').set(screener.auth).set(LO).send({}), 403, 'FORBIDDEN');
  });

  it('404: the missing resource named in Lao; an unknown route too', async () => {
    const res = await t.http.get('/reference/code-lists/no-such-list').set(LO);
    expectLao(res, 404, 'NOT_FOUND');
    expect(res.body.detail).toBe('ບໍ່ພົບລາຍການລະຫັດ');
    expectLao(await t.http.get('/no/such/route').set('accept-language', 'lo-LA, en;q=0.5'), 404, 'ROUTE_NOT_FOUND');
  });

  it('409 on a duplicate', async () => {
    const agency = await g.agency();
    const res = await t.http.post('/agencies').set(admin.auth).set(LO).send({
      code: agency.code,
      nameEn: 'Duplicate',
      htcdsOrgType: 'NGO',
      localType: 'ngo',
      provinceCode: 'LA-VT',
    });
    expectLao(res, 409, 'CONFLICT');
  });

  it('412 and 428 on updates', async () => {
    const p = await t.http
      .post('/persons')
      .set(screener.auth)
      .send({ names: { givenNameLatin: 'Dara' }, gender: 'Feminine' });
    expect(p.status).toBe(201);
    expectLao(
      await t.http.patch(`/persons/${p.body.id}`).set(screener.auth).set(LO).send({ homeProvinceCode: 'LA-VT' }),
      428,
      'PRECONDITION_REQUIRED',
    );
    expectLao(
      await t.http
        .patch(`/persons/${p.body.id}`)
        .set(screener.auth)
        .set(LO)
        .set('if-match', '"7"')
        .send({ homeProvinceCode: 'LA-VT' }),
      412,
      'PRECONDITION_FAILED',
    );
  });

  it('413 and 415 before any route is reached', async () => {
    const big = await t.http
      .post('/auth/login')
      .set(LO)
      .set('content-type', 'application/json')
      .send(JSON.stringify({ blob: 'x'.repeat(300 * 1024) }));
    expectLao(big, 413, 'PAYLOAD_TOO_LARGE');
    expectLao(
      await t.http.post('/auth/login').set(LO).set('content-type', 'text/plain').send('hello'),
      415,
      'UNSUPPORTED_MEDIA_TYPE',
    );
  });

  it('401 then 429 at login', async () => {
    const user = await g.user(await g.agency(), ['caseworker']);
    for (let i = 0; i < 5; i++) {
      const res = await t.http.post('/auth/login').set(LO).send({ email: user.email, password: 'wrong password!!' });
      expectLao(res, 401, 'INVALID_CREDENTIALS');
    }
    const blocked = await t.http.post('/auth/login').set(LO).send({ email: user.email, password: 'wrong password!!' });
    expectLao(blocked, 429, 'RATE_LIMITED');
    expect(blocked.body.detail).toBe(lo.details['Too many attempts; wait before trying again']);
  });

  it('answers English for a language it does not speak', async () => {
    const res = await t.http.get('/cases').set('accept-language', 'fr, de;q=0.8');
    expect(res.body.title).toBe(en.errors.UNAUTHENTICATED);
    expect(res.headers['content-language']).toBe('en');
  });
});
