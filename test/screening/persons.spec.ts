import { uuidv7 } from '../../src/common/uuid.js';
import { PersonCodec } from '../../src/persons/person.codec.js';
import { given, type GivenAgency, type Session } from '../harness/given.js';
import { startTestApp, type TestApp } from '../harness/test-app.js';

describe('persons: encrypted identities, matching across scripts, duplicates and merges', () => {
  let t: TestApp;
  let g: ReturnType<typeof given>;
  let lwu: GivenAgency;
  let screener: Session;
  let supervisor: Session;
  let otherAgency: Session;

  beforeAll(async () => {
    t = await startTestApp();
    g = given(t);
    lwu = await g.agency({ localType: 'mass_organisation' });
    screener = await g.session(await g.user(lwu, ['screener']));
    supervisor = await g.session(await g.user(lwu, ['case_supervisor']));
    otherAgency = await g.session(await g.user(await g.agency(), ['case_supervisor']));
  });
  afterAll(() => t.close());

  const create = (session: Session, body: Record<string, unknown>) =>
    t.http.post('/persons').set(session.auth).send(body);

  it('registers a person and returns the decrypted identity only to those who may see it', async () => {
    const res = await create(screener, {
      names: { givenNameLo: 'ບຸນມີ', givenNameLatin: 'Bounmy', familyNameLatin: 'Phommachanh', aliases: ['Noy'] },
      gender: 'Feminine',
      birth: { precision: 'exact', dateOfBirth: '2009-02-11' },
      citizenships: ['LA'],
      languages: ['lao'],
      homeProvinceCode: 'LA-SV',
      address: { district: 'Kaysone Phomvihane', village: 'Ban Nongdeun' },
      contacts: [{ type: 'phone', value: '+8562055500001' }],
      documents: [{ type: 'national_id', number: 'LA-ID-0000001', inPossession: false }],
      guardian: { name: 'Mrs Keo', relationship: 'mother' },
    });
    expect(res.status).toBe(201);
    expect(res.headers.etag).toBe('"1"');
    expect(res.body).toMatchObject({
      view: 'full',
      gender: 'Feminine',
      isChild: true,
      homeProvinceCode: 'LA-SV',
      names: { givenNameLatin: 'Bounmy' },
    });
    expect(res.body.documents[0].number).toBe('LA-ID-0000001');

    expect((await t.http.get(`/persons/${res.body.id}`).set(supervisor.auth)).status).toBe(200);
    expect((await t.http.get(`/persons/${res.body.id}`).set(otherAgency.auth)).status).toBe(404);
    const row = (await t.ownerQuery('SELECT * FROM person WHERE id = $1', [res.body.id])).rows[0];
    expect(JSON.stringify(row)).not.toMatch(/Bounmy|Phommachanh|LA-ID-0000001|Nongdeun|2009-02-11/);
    expect(row.names_enc[0]).toBe(1);
  });

  it('refuses a birth date in the future and inconsistent birth details, naming the field', async () => {
    const future = await create(screener, {
      names: { givenNameLatin: 'Test' },
      gender: 'Masculine',
      birth: { precision: 'exact', dateOfBirth: '2999-01-01' },
    });
    expect(future.status).toBe(400);
    expect(future.body.errors[0].field).toBe('birth.dateOfBirth');
    const missing = await create(screener, {
      names: { givenNameLatin: 'Test' },
      gender: 'Masculine',
      birth: { precision: 'estimated' },
    });
    expect(missing.body.errors[0].field).toBe('birth.estimatedAge');
    const noName = await create(screener, { names: {}, gender: 'Masculine' });
    expect(noName.status).toBe(400);
    const badGender = await create(screener, { names: { givenNameLatin: 'X' }, gender: 'Unknown' });
    expect(badGender.body.errors.map((e: { field: string }) => e.field)).toContain('gender');
  });

  it('matches ສົມໃຈ with "Somchai", "Somchay" and Thai สมใจ through blind indexes, among visible persons only', async () => {
    const lao = await create(screener, {
      names: { givenNameLo: 'ສົມໃຈ', familyNameLo: 'ວົງໄຊ' },
      gender: 'Masculine',
      birth: { precision: 'year', birthYear: 1995 },
      homeProvinceCode: 'LA-CH',
    });
    expect(lao.status).toBe(201);
    const forLatin = await t.http
      .post('/persons/matches')
      .set(screener.auth)
      .send({
        names: { givenNameLatin: 'Somchay', familyNameLatin: 'Vongxay' },
        birthYear: 1995,
        homeProvinceCode: 'LA-CH',
      });
    expect(forLatin.status).toBe(200);
    const top = forLatin.body[0];
    expect(top).toMatchObject({
      personId: lao.body.id,
      reasons: expect.arrayContaining(['name_phonetic', 'birth_year', 'home_province']),
    });
    expect(top.score).toBeGreaterThanOrEqual(0.8);
    expect(
      (
        await t.http
          .post('/persons/matches')
          .set(screener.auth)
          .send({ names: { givenNameLatin: 'Somchai' } })
      ).body.map((c: { personId: string }) => c.personId),
    ).toContain(lao.body.id);
    // The same name in Thai script, as papers from Thailand spell it.
    const forThai = await t.http
      .post('/persons/matches')
      .set(screener.auth)
      .send({ names: { aliases: ['สมใจ วงไซ'] }, birthYear: 1995 });
    expect(forThai.status).toBe(200);
    expect(forThai.body[0]).toMatchObject({
      personId: lao.body.id,
      reasons: expect.arrayContaining(['name_phonetic', 'birth_year']),
    });
    const elsewhere = await t.http
      .post('/persons/matches')
      .set(otherAgency.auth)
      .send({ names: { givenNameLatin: 'Somchay', familyNameLatin: 'Vongxay' } });
    expect(elsewhere.body).toEqual([]);
  });

  it('ranks every candidate of a common name, so the best match is found among hundreds', async () => {
    // 600 persons share a family name, more than any fixed candidate cap (the old query scored
    // an arbitrary 200 and missed this one); the person who also matches the given name and
    // birth year is registered last and must still come first.
    const codec = t.app.get(PersonCodec);
    for (let i = 0; i < 600; i++) {
      const id = uuidv7();
      const names = { givenNameLatin: `Given${i}x`, familyNameLatin: 'Phommachanh' };
      const enc = codec.encrypt(id, { names, birth: null });
      await t.ownerQuery(
        `INSERT INTO person (id, owner_agency_id, created_by, gender, names_enc) VALUES ($1, $2, $3, 'Feminine', $4)`,
        [id, lwu.id, screener.user.id, enc.namesEnc],
      );
      for (const index of codec.nameIndexes(names))
        await t.ownerQuery(
          `INSERT INTO person_name_index (person_id, kind, value) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
          [id, index.kind, index.value],
        );
    }
    const target = await create(screener, {
      names: { givenNameLatin: 'Bounmy', familyNameLatin: 'Phommachanh' },
      gender: 'Feminine',
      birth: { precision: 'year', birthYear: 1990 },
    });
    expect(target.status).toBe(201);
    const found = await t.http
      .post('/persons/matches')
      .set(screener.auth)
      .send({ names: { givenNameLatin: 'Bounmy', familyNameLatin: 'Phommachanh' }, birthYear: 1990 });
    expect(found.status).toBe(200);
    expect(found.body).toHaveLength(20);
    expect(found.body[0]).toMatchObject({
      personId: target.body.id,
      reasons: expect.arrayContaining(['name_exact', 'birth_year']),
    });
    const scores = found.body.map((c: { score: number }) => c.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
  });

  it('asks for confirmation before registering a strong match, and audits the confirmation', async () => {
    const first = await create(screener, {
      names: { givenNameLatin: 'Keo', familyNameLatin: 'Sengdala' },
      gender: 'Feminine',
      birth: { precision: 'year', birthYear: 2001 },
    });
    const again = await create(screener, {
      names: { givenNameLo: 'ແກ້ວ', familyNameLatin: 'Sengdala' },
      gender: 'Feminine',
      birth: { precision: 'year', birthYear: 2001 },
    });
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('POSSIBLE_DUPLICATE');
    expect(again.body.candidates[0].personId).toBe(first.body.id);
    const confirmed = await create(screener, {
      names: { givenNameLo: 'ແກ້ວ', familyNameLatin: 'Sengdala' },
      gender: 'Feminine',
      birth: { precision: 'year', birthYear: 2001 },
      confirmNotDuplicate: true,
    });
    expect(confirmed.status).toBe(201);
    const entry = await t.ownerQuery(
      `SELECT details FROM audit_event WHERE category = 'change' AND $1 = ANY(resource_ids)`,
      [confirmed.body.id],
    );
    expect(entry.rows[0].details.confirmedNotDuplicateOf).toEqual([first.body.id]);

    const merged = await t.http
      .post(`/persons/${confirmed.body.id}/merge`)
      .set(supervisor.auth)
      .send({ intoPersonId: first.body.id });
    expect(merged.status).toBe(200);
    expect(merged.body.mergedIntoId).toBe(first.body.id);
    const afterMerge = await t.http
      .post('/persons/matches')
      .set(screener.auth)
      .send({ names: { familyNameLatin: 'Sengdala' } });
    expect(afterMerge.body.map((c: { personId: string }) => c.personId)).toEqual([first.body.id]);
    expect(
      (
        await t.http
          .post(`/persons/${confirmed.body.id}/merge`)
          .set(screener.auth)
          .send({ intoPersonId: first.body.id })
      ).status,
    ).toBe(403);
    const undone = await t.http.post(`/persons/${confirmed.body.id}/unmerge`).set(supervisor.auth);
    expect(undone.body.mergedIntoId).toBeNull();
    const actions = await t.ownerQuery(
      `SELECT action FROM audit_event WHERE category = 'change' AND $1 = ANY(resource_ids) ORDER BY id`,
      [confirmed.body.id],
    );
    expect(actions.rows.map((r) => r.action)).toEqual(['create', 'merge', 'unmerge']);
  });

  it('updates only with the current version (If-Match), and re-indexes names', async () => {
    const p = await create(screener, { names: { givenNameLatin: 'Dara' }, gender: 'Feminine' });
    expect(
      (await t.http.patch(`/persons/${p.body.id}`).set(screener.auth).send({ homeProvinceCode: 'LA-VT' })).status,
    ).toBe(428);
    const ok = await t.http
      .patch(`/persons/${p.body.id}`)
      .set(screener.auth)
      .set('if-match', '"1"')
      .send({ names: { givenNameLatin: 'Vilayphone' } });
    expect(ok.status).toBe(200);
    expect(ok.headers.etag).toBe('"2"');
    const stale = await t.http
      .patch(`/persons/${p.body.id}`)
      .set(screener.auth)
      .set('if-match', '"1"')
      .send({ homeProvinceCode: 'LA-VT' });
    expect(stale.status).toBe(412);
    expect(stale.body.code).toBe('PRECONDITION_FAILED');
    const found = await t.http
      .post('/persons/matches')
      .set(screener.auth)
      .send({ names: { givenNameLatin: 'Vilayphone' } });
    expect(found.body[0].personId).toBe(p.body.id);
    expect(
      (
        await t.http
          .post('/persons/matches')
          .set(screener.auth)
          .send({ names: { givenNameLatin: 'Dara' } })
      ).body,
    ).toEqual([]);
  });
});
