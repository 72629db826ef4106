import { given, type GivenAgency, type GivenUser, type Session } from '../harness/given.js';
import { startTestApp, type TestApp } from '../harness/test-app.js';

/**
 * The duplicate check reads only the candidates the caller's agency could possibly see
 * (`person_match_key`, kept by triggers: migration PersonMatchKeys1799000000000). These tests
 * change what a person is called, what it is scored on and which agencies reach it, through the
 * API and the harness's own case and referral helpers, and check that matching follows at once:
 * a key that went stale would make a visible person unfindable.
 */
describe('person matching follows names, scored fields and who may see a person', () => {
  let t: TestApp;
  let lead: GivenAgency;
  let receiver: GivenAgency;
  let leadScreener: GivenUser;
  let screener: Session;
  let receiverCaseworker: Session;

  beforeAll(async () => {
    t = await startTestApp();
    const g = given(t);
    lead = await g.agency();
    receiver = await g.agency();
    leadScreener = await g.user(lead, ['screener']);
    screener = await g.session(leadScreener);
    receiverCaseworker = await g.session(await g.user(receiver, ['caseworker']));
  });
  afterAll(() => t.close());

  const register = async (body: Record<string, unknown>) => {
    const res = await t.http
      .post('/persons')
      .set(screener.auth)
      .send({ gender: 'Feminine', ...body, confirmNotDuplicate: true });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };
  const matches = async (as: Session, query: Record<string, unknown>) => {
    const res = await t.http.post('/persons/matches').set(as.auth).send(query);
    expect(res.status).toBe(200);
    return res.body as { personId: string; score: number; reasons: string[] }[];
  };

  it('a renamed person is found by its new name, no longer by its old one', async () => {
    const id = await register({ names: { givenNameLatin: 'Vilaysack', familyNameLatin: 'Douangmala' } });
    expect((await matches(screener, { names: { familyNameLatin: 'Douangmala' } })).map((c) => c.personId)).toContain(
      id,
    );
    const renamed = await t.http
      .patch(`/persons/${id}`)
      .set(screener.auth)
      .set('if-match', '"1"')
      .send({ names: { givenNameLatin: 'Vilaysack', familyNameLatin: 'Keomanivong' } });
    expect(renamed.status).toBe(200);
    expect((await matches(screener, { names: { familyNameLatin: 'Keomanivong' } })).map((c) => c.personId)).toContain(
      id,
    );
    expect(
      (await matches(screener, { names: { familyNameLatin: 'Douangmala' } })).map((c) => c.personId),
    ).not.toContain(id);
  });

  it('a changed birth year, province and gender score at once', async () => {
    const id = await register({
      names: { givenNameLatin: 'Chanthaly', familyNameLatin: 'Sengdara' },
      birth: { precision: 'year', birthYear: 1991 },
      homeProvinceCode: 'LA-VT',
    });
    const query = {
      names: { givenNameLatin: 'Chanthaly', familyNameLatin: 'Sengdara' },
      birthYear: 1985,
      homeProvinceCode: 'LA-CH',
      gender: 'Masculine',
    };
    const before = (await matches(screener, query)).find((c) => c.personId === id)!;
    expect(before.reasons).toEqual(['name_exact', 'name_phonetic']);
    const changed = await t.http
      .patch(`/persons/${id}`)
      .set(screener.auth)
      .set('if-match', '"1"')
      .send({ birth: { precision: 'year', birthYear: 1985 }, homeProvinceCode: 'LA-CH', gender: 'Masculine' });
    expect(changed.status).toBe(200);
    const after = (await matches(screener, query)).find((c) => c.personId === id)!;
    expect(after.reasons).toEqual(['name_exact', 'name_phonetic', 'birth_year', 'home_province', 'gender']);
    expect(after.score).toBe(1);
  });

  it('another agency finds a person once a case of theirs is referred to it, not before', async () => {
    const id = await register({
      names: { givenNameLatin: 'Phetsamone', familyNameLatin: 'Inthavongsa' },
      birth: { precision: 'year', birthYear: 1993 },
    });
    const query = { names: { givenNameLatin: 'Phetsamone', familyNameLatin: 'Inthavongsa' }, birthYear: 1993 };
    expect((await matches(receiverCaseworker, query)).map((c) => c.personId)).not.toContain(id);
    const g = given(t);
    const caseId = await g.caseFor(lead, { createdBy: leadScreener, personId: id });
    expect((await matches(receiverCaseworker, query)).map((c) => c.personId)).not.toContain(id);
    await g.referralAccess(caseId, receiver);
    const found = (await matches(receiverCaseworker, query)).find((c) => c.personId === id);
    expect(found?.reasons).toEqual(['name_exact', 'name_phonetic', 'birth_year']);
  });

  it('the application role cannot read the per-agency keys (only the ranking function can)', async () => {
    await expect(t.appQuery('SELECT count(*) FROM person_match_key')).rejects.toThrow(/permission denied/);
  });
});
