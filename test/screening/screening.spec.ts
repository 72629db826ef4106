import { given, type GivenAgency, type Session } from '../harness/given.js';
import { consentWith, screeningBody, VICTIM_ANSWERS } from '../harness/screening-fixtures.js';
import { startTestApp, type TestApp } from '../harness/test-app.js';

describe('victim identification screening', () => {
  let t: TestApp;
  let g: ReturnType<typeof given>;
  let lwu: GivenAgency;
  let atd: GivenAgency;
  let screener: Session;
  let lwuIdOfficer: Session;
  let atdOfficer: Session;
  let outsider: Session;
  let adultId: string;
  let childId: string;

  beforeAll(async () => {
    t = await startTestApp();
    g = given(t);
    lwu = await g.agency({ localType: 'mass_organisation' });
    atd = await g.agency({ localType: 'police_anti_trafficking_unit', formalIdentificationAuthority: true });
    screener = await g.session(await g.user(lwu, ['screener']));
    lwuIdOfficer = await g.session(await g.user(lwu, ['identification_officer']));
    atdOfficer = await g.session(await g.user(atd, ['identification_officer']));
    outsider = await g.session(
      await g.user(await g.agency(), ['case_supervisor', 'screener', 'identification_officer']),
    );
    adultId = (
      await t.http
        .post('/persons')
        .set(screener.auth)
        .send({
          names: { givenNameLatin: 'Sone', familyNameLatin: 'Inthavong' },
          gender: 'Masculine',
          birth: { precision: 'exact', dateOfBirth: '1990-05-01' },
        })
    ).body.id;
    childId = (
      await t.http
        .post('/persons')
        .set(screener.auth)
        .send({
          names: { givenNameLatin: 'Lamphone', familyNameLatin: 'Keomany' },
          gender: 'Feminine',
          birth: { precision: 'estimated', estimatedAge: 15 },
        })
    ).body.id;
  });
  afterAll(() => t.close());

  const screen = (body: Record<string, unknown>, session = screener) =>
    t.http.post('/screenings').set(session.auth).send(screeningBody(body));
  const count = async () => (await t.ownerQuery('SELECT count(*)::int AS n FROM screening')).rows[0].n as number;

  it('records the interview, suggests an outcome with the indicators that drove it, and encrypts the answers', async () => {
    const res = await screen({
      personId: adultId,
      answers: VICTIM_ANSWERS,
      narrative: 'Recruited through a friend for restaurant work in Bangkok; passport kept by the boss.',
    });
    expect(res.status).toBe(201);
    expect(res.body.catalogueVersion).toBe(1);
    expect(res.body.suggestion.outcome).toBe('likely_victim');
    const positive = res.body.suggestion.dimensions
      .filter((d: { positive: boolean }) => d.positive)
      .map((d: { dimension: string }) => d.dimension);
    expect(positive).toEqual(['D1', 'D4', 'D5']);
    expect(res.body.suggestion.explanation.join(' ')).toContain('AL.D5.01');
    expect(res.body.answers).toHaveLength(VICTIM_ANSWERS.length);
    expect(res.body.answers.find((a: { indicatorCode: string }) => a.indicatorCode === 'AL.D2.01').answer).toBe(
      'declined',
    );
    expect(res.body.identificationStatus).toBeNull();
    const row = (await t.ownerQuery('SELECT * FROM screening WHERE id = $1', [res.body.id])).rows[0];
    expect(JSON.stringify(row)).not.toMatch(/Bangkok|passport kept|AL\.D5\.01/);
    expect(row.suggested_outcome).toBe('likely_victim');
  });

  it('applies the child rule to a child profile: the means are not required', async () => {
    const res = await screen({
      personId: childId,
      profile: 'child_labour',
      answers: [
        { indicatorCode: 'CL.D1.01', answer: 'yes' },
        { indicatorCode: 'CL.D1.02', answer: 'yes' },
        { indicatorCode: 'CL.D4.01', answer: 'yes' },
        { indicatorCode: 'CL.D4.02', answer: 'yes' },
      ],
    });
    expect(res.status).toBe(201);
    expect(res.body.suggestion.outcome).toBe('likely_victim');
    expect(res.body.suggestion.explanation[0]).toMatch(/Child rule/);
  });

  it.each([
    ['a child with an adult profile', () => ({ personId: childId, profile: 'adult_labour' })],
    ['an adult with a child profile', () => ({ personId: adultId, profile: 'child_sexual' })],
  ])('refuses %s (422 PROFILE_MISMATCH) and stores nothing', async (_label, body) => {
    const before = await count();
    const res = await screen(body());
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('PROFILE_MISMATCH');
    expect(res.body.errors[0].field).toBe('profile');
    expect(await count()).toBe(before);
  });

  it('refuses an answer for an indicator outside the catalogue version and profile, naming it', async () => {
    const before = await count();
    const res = await screen({
      personId: adultId,
      answers: [
        { indicatorCode: 'AL.D1.01', answer: 'yes' },
        { indicatorCode: 'CL.D1.01', answer: 'yes' },
      ],
    });
    expect(res.status).toBe(422);
    expect(res.body.code).toBe('INDICATOR_NOT_IN_CATALOGUE');
    expect(res.body.errors).toEqual([
      { field: 'answers[1].indicatorCode', messages: [expect.stringContaining('CL.D1.01')] },
    ]);
    expect(await count()).toBe(before);
  });

  it.each([
    ['a date in the future', { conductedAt: new Date(Date.now() + 86_400_000).toISOString() }, 'conductedAt'],
    [
      'an unknown exploitation type',
      { victimContext: { exploitationTypes: ['Smuggling'] } },
      'victimContext.exploitationTypes',
    ],
    ['an unknown answer value', { answers: [{ indicatorCode: 'AL.D1.01', answer: 'maybe' }] }, 'answers[0].answer'],
    ['a border crossing without its code', { place: { type: 'border_crossing' } }, 'place.borderCrossingCode'],
    ['a missing consent item', { consent: [{ item: 'interview', decision: 'given', givenBy: 'person' }] }, 'consent'],
    [
      'consent given by nobody',
      { consent: consentWith({}).map((c) => (c.item === 'interview' ? { item: 'interview', decision: 'given' } : c)) },
      'consent[0].givenBy',
    ],
    ['an unknown field', { suggestedOutcome: 'likely_victim' }, 'suggestedOutcome'],
  ])('refuses %s with 400 naming the field, storing nothing', async (_label, body, field) => {
    const before = await count();
    const res = await screen({ personId: adultId, ...body });
    expect(res.status).toBe(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    expect(await count()).toBe(before);
  });

  describe('consent', () => {
    it('without interview consent keeps only the minimum record and suggests nothing', async () => {
      const refused = await screen({
        personId: adultId,
        consent: consentWith({ interview: 'declined', research_use: 'declined' }),
        answers: VICTIM_ANSWERS,
      });
      expect(refused.status).toBe(422);
      expect(refused.body.code).toBe('CONSENT_REQUIRED');
      expect(refused.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
        'answers',
        'exitMode',
        'victimContext',
      ]);

      const minimal = await t.http
        .post('/screenings')
        .set(screener.auth)
        .send({
          profile: 'adult_labour',
          conductedAt: new Date().toISOString(),
          place: { type: 'province', provinceCode: 'LA-VT' },
          consent: consentWith({ interview: 'declined', research_use: 'declined', sharing_for_referral: 'not_asked' }),
          immediateNeeds: ['medical'],
        });
      expect(minimal.status).toBe(201);
      expect(minimal.body).toMatchObject({
        interviewConsent: false,
        answers: [],
        narrative: null,
        suggestion: { outcome: 'not_assessed' },
        immediateNeeds: ['medical'],
      });
      const declined = minimal.body.consent
        .filter((c: { decision: string }) => c.decision !== 'given')
        .map((c: { item: string; decision: string; givenBy: null }) => [c.item, c.decision, c.givenBy]);
      expect(declined).toEqual([
        ['interview', 'declined', null],
        ['research_use', 'declined', null],
        ['sharing_for_referral', 'not_asked', null],
      ]);
      const row = (
        await t.ownerQuery('SELECT answers_enc, results_enc FROM screening WHERE id = $1', [minimal.body.id])
      ).rows[0];
      expect(row).toEqual({ answers_enc: null, results_enc: null });
    });
  });

  describe('catalogue versions', () => {
    it('publishes a new version through the API; each screening keeps the version it used', async () => {
      const admin = await g.session(await g.user(await g.agency(), ['system_admin']));
      const v1 = await t.http.get('/screening-catalogues/1?profile=adult_labour').set(screener.auth);
      expect(v1.status).toBe(200);
      expect(v1.body.indicators.every((i: { profile: string }) => i.profile === 'adult_labour')).toBe(true);
      const d1 = v1.body.indicators.find((i: { code: string }) => i.code === 'AL.D1.02');
      expect(d1.weight).toBe('medium');

      const old = await screen({
        personId: adultId,
        answers: [
          { indicatorCode: 'AL.D1.01', answer: 'yes' },
          { indicatorCode: 'AL.D1.02', answer: 'yes' },
        ],
      });
      // `lo` (the Lao label with its state) is read-only: a published catalogue carries textLo only.
      const indicators = v1.body.indicators.map(({ lo: _lo, ...i }: Record<string, unknown>) =>
        i.code === 'AL.D1.02'
          ? { ...i, weight: 'strong', verification: 'verified', textLo: null }
          : { ...i, textLo: null },
      );
      expect(
        (
          await t.http
            .post('/screening-catalogues')
            .set(screener.auth)
            .send({ title: 'x', source: 'y', notes: '', indicators })
        ).status,
      ).toBe(403);
      const published = await t.http
        .post('/screening-catalogues')
        .set(admin.auth)
        .send({ title: 'Revised after WCMS_105023 review', source: 'ILO/EC 2009', notes: 'D1.02 strong', indicators });
      expect(published.status).toBe(201);
      expect(published.body.version).toBe(2);

      const fresh = await screen({
        personId: adultId,
        answers: [
          { indicatorCode: 'AL.D1.01', answer: 'yes' },
          { indicatorCode: 'AL.D1.02', answer: 'yes' },
        ],
      });
      expect(fresh.body.catalogueVersion).toBe(2);
      expect(fresh.body.suggestion.dimensions[0].clause).toBe('2 strong');
      const kept = await t.http.get(`/screenings/${old.body.id}`).set(screener.auth);
      expect(kept.body.catalogueVersion).toBe(1);
      expect(kept.body.suggestion.dimensions[0].clause).toBe('1 strong + 1 medium or weak');
      const pinned = await screen({ personId: adultId, catalogueVersion: 1, answers: [] });
      expect(pinned.body.catalogueVersion).toBe(1);
      const list = await t.http.get('/screening-catalogues').set(screener.auth);
      expect(list.body.map((c: { version: number }) => c.version)).toEqual([2, 1]);
    });
  });

  describe('the formal identification decision', () => {
    let screeningId: string;
    beforeAll(async () => {
      screeningId = (await screen({ personId: adultId, answers: VICTIM_ANSWERS })).body.id;
    });

    it("is not the screener's to make", async () => {
      const res = await t.http
        .post(`/screenings/${screeningId}/identification-decisions`)
        .set(screener.auth)
        .send({ status: 'PossibleVictimOfTrafficking', decidedOn: '2026-11-01', basis: 'indicators present' });
      expect(res.status).toBe(403);
    });

    it('lets a non-authority record a possible victim, but not an actual one', async () => {
      const actual = await t.http
        .post(`/screenings/${screeningId}/identification-decisions`)
        .set(lwuIdOfficer.auth)
        .send({
          status: 'ActualVictimOfTrafficking',
          decidedOn: '2026-11-01',
          basis: 'strong indicators in three dimensions',
        });
      expect(actual.status).toBe(422);
      expect(actual.body.code).toBe('NOT_IDENTIFICATION_AUTHORITY');
      const possible = await t.http
        .post(`/screenings/${screeningId}/identification-decisions`)
        .set(lwuIdOfficer.auth)
        .send({
          status: 'PossibleVictimOfTrafficking',
          decidedOn: '2026-11-01',
          basis: 'strong indicators in three dimensions',
        });
      expect(possible.status).toBe(201);
      expect(possible.body).toMatchObject({ revision: 1, decisionOrgType: 'NGO', current: true });
    });

    it('goes to the anti-trafficking department, which identifies, revises, and keeps the full history', async () => {
      expect((await t.http.get(`/screenings/${screeningId}`).set(atdOfficer.auth)).status).toBe(404);
      const submitted = await t.http
        .post(`/screenings/${screeningId}/submit-for-identification`)
        .set(screener.auth)
        .send({ agencyId: atd.id });
      expect(submitted.status).toBe(200);
      const queue = await t.http.get('/screenings?awaitingDecision=true').set(atdOfficer.auth);
      expect(queue.body.map((s: { id: string }) => s.id)).toContain(screeningId);
      expect((await t.http.get(`/screenings/${screeningId}`).set(atdOfficer.auth)).status).toBe(200);

      const actual = await t.http
        .post(`/screenings/${screeningId}/identification-decisions`)
        .set(atdOfficer.auth)
        .send({
          status: 'ActualVictimOfTrafficking',
          decidedOn: '2026-11-05',
          basis: 'Interview at the VTC confirmed deception and debt bondage.',
        });
      expect(actual.status).toBe(201);
      expect(actual.body).toMatchObject({
        revision: 2,
        decisionOrgType: 'Police',
        status: 'ActualVictimOfTrafficking',
      });
      const revised = await t.http
        .post(`/screenings/${screeningId}/identification-decisions`)
        .set(atdOfficer.auth)
        .send({
          status: 'NotAVictimOfTrafficking',
          decidedOn: '2026-11-20',
          basis: 'New evidence: the debt was a family loan; no exploitation.',
        });
      expect(revised.body.revision).toBe(3);

      const history = await t.http.get(`/screenings/${screeningId}/identification-decisions`).set(screener.auth);
      expect(history.body.map((d: { status: string; current: boolean }) => [d.status, d.current])).toEqual([
        ['PossibleVictimOfTrafficking', false],
        ['ActualVictimOfTrafficking', false],
        ['NotAVictimOfTrafficking', true],
      ]);
      expect(history.body[1].basis).toBe('Interview at the VTC confirmed deception and debt bondage.');
      expect((await t.http.get(`/screenings/${screeningId}`).set(screener.auth)).body.identificationStatus).toBe(
        'NotAVictimOfTrafficking',
      );
      // The suggestion is never overwritten by the decision.
      expect((await t.http.get(`/screenings/${screeningId}`).set(screener.auth)).body.suggestion.outcome).toBe(
        'likely_victim',
      );
      const raw = await t.ownerQuery('SELECT basis_enc FROM identification_decision WHERE screening_id = $1', [
        screeningId,
      ]);
      expect(JSON.stringify(raw.rows)).not.toContain('debt bondage');
    });

    it('refuses submission to an agency that does not decide identification', async () => {
      const res = await t.http
        .post(`/screenings/${screeningId}/submit-for-identification`)
        .set(screener.auth)
        .send({ agencyId: lwu.id });
      expect(res.status).toBe(422);
    });
  });

  it('lets another agency find none of it', async () => {
    const mine = await screen({ personId: adultId, answers: VICTIM_ANSWERS });
    expect((await t.http.get(`/screenings/${mine.body.id}`).set(outsider.auth)).status).toBe(404);
    expect((await t.http.get(`/screenings/${mine.body.id}/identification-decisions`).set(outsider.auth)).status).toBe(
      404,
    );
    expect(
      (
        await t.http
          .post(`/screenings/${mine.body.id}/identification-decisions`)
          .set(outsider.auth)
          .send({ status: 'PossibleVictimOfTrafficking', decidedOn: '2026-11-01', basis: 'attempt from outside' })
      ).status,
    ).toBe(404);
    expect((await t.http.get(`/screenings?personId=${adultId}`).set(outsider.auth)).body).toEqual([]);
    expect((await t.http.get(`/persons/${adultId}`).set(outsider.auth)).status).toBe(404);
    expect(
      (
        await t.http
          .post('/screenings')
          .set(outsider.auth)
          .send(screeningBody({ personId: adultId }))
      ).status,
    ).toBe(404);
    // The second wall: the application role sees nothing of it under the outsider's agency.
    const rows = await t.appTransaction(async (c) => {
      await c.query(`SELECT set_config('app.agency_id', $1, true)`, [outsider.user.agencyId]);
      return (await c.query('SELECT id FROM screening UNION ALL SELECT id FROM person')).rows;
    });
    expect(rows).toEqual([]);
  });
});
