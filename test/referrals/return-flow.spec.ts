import { daysAhead, setClock } from '../harness/clock.js';
import { localToday } from '../harness/dates.js';
import { ReferralsService } from '../../src/referrals/referrals.service.js';
import { given, type GivenAgency, type Session } from '../harness/given.js';
import { screeningBody, VICTIM_ANSWERS } from '../harness/screening-fixtures.js';
import { startTestApp, type TestApp } from '../harness/test-app.js';

const today = localToday;

describe('a return from Thailand through the VTC to follow-up in the home province', () => {
  let t: TestApp;
  let g: ReturnType<typeof given>;
  let vtc: GivenAgency;
  let atd: GivenAgency;
  let province: GivenAgency;
  let shelter: GivenAgency;
  let vtcStaff: Session;
  let vtcSupervisor: Session;
  let atdOfficer: Session;
  let provincial: Session;
  let shelterOfficer: Session;
  let analyst: Session;
  let vtcBeds: string;
  let womenShelter: string;
  let caseId: string;
  let version: number;

  beforeAll(async () => {
    t = await startTestApp();
    g = given(t);
    vtc = await g.agency({ localType: 'transit_centre', provinceCode: 'LA-VT' });
    atd = await g.agency({
      localType: 'police_anti_trafficking_unit',
      provinceCode: 'LA-VT',
      formalIdentificationAuthority: true,
    });
    province = await g.agency({ localType: 'government_department', provinceCode: 'LA-SV' });
    shelter = await g.agency({ localType: 'shelter', provinceCode: 'LA-CH' });
    vtcStaff = await g.session(await g.user(vtc, ['facility_officer', 'caseworker', 'screener']));
    vtcSupervisor = await g.session(await g.user(vtc, ['case_supervisor']));
    atdOfficer = await g.session(await g.user(atd, ['identification_officer']));
    provincial = await g.session(await g.user(province, ['caseworker']));
    shelterOfficer = await g.session(await g.user(shelter, ['facility_officer']));
    analyst = await g.session(await g.user(await g.agency(), ['analyst']));
    const admin = await g.session(await g.user(vtc, ['agency_admin']));
    vtcBeds = (
      await t.http
        .post('/facilities')
        .set(admin.auth)
        .send({
          agencyId: vtc.id,
          code: 'VTC-BEDS',
          nameEn: 'VTC dormitory',
          kind: 'transit_centre',
          provinceCode: 'LA-VT',
          acceptsGenders: ['Feminine', 'Masculine'],
          bedCapacity: 3,
          services: ['transit_reception', 'medical'],
        })
    ).body.id;
    const shelterAdmin = await g.session(await g.user(shelter, ['agency_admin']));
    womenShelter = (
      await t.http
        .post('/facilities')
        .set(shelterAdmin.auth)
        .send({
          agencyId: shelter.id,
          code: 'SHELTER-W',
          nameEn: 'Women and children shelter',
          kind: 'shelter',
          provinceCode: 'LA-CH',
          acceptsGenders: ['Feminine'],
          bedCapacity: 10,
        })
    ).body.id;
  });
  const afterRestore: (() => void)[] = [];
  afterAll(() => {
    afterRestore.forEach((restore) => restore());
    return t.close();
  });

  const track = <R extends { body: { version?: number } }>(res: R): R => {
    if (typeof res.body.version === 'number') version = res.body.version;
    return res;
  };

  it('records the pre-arrival notice and its expected arrivals, then the arrival opens a VTC case', async () => {
    const notice = await t.http.post('/return-notices').set(vtcStaff.auth).send({
      hostCountry: 'TH',
      hostAgency: 'MSDHS Thailand',
      hostReference: 'TH-REF-2026-0042',
      borderCrossingCode: 'FRIENDSHIP_BRIDGE_1',
      expectedOn: today(),
      peopleCount: 2,
      childrenCount: 1,
    });
    expect(notice.status).toBe(201);
    expect(
      notice.body.arrivals.map((a: { expectedChild: boolean; status: string }) => [a.expectedChild, a.status]),
    ).toEqual([
      [true, 'expected'],
      [false, 'expected'],
    ]);
    expect((await t.http.get(`/return-notices/${notice.body.id}`).set(provincial.auth)).status).toBe(404);

    const person = await t.http
      .post('/persons')
      .set(vtcStaff.auth)
      .send({
        names: { givenNameLatin: 'Khamla', familyNameLatin: 'Phetsamone' },
        gender: 'Masculine',
        birth: { precision: 'year', birthYear: 1990 },
        homeProvinceCode: 'LA-SV',
      });
    const adult = notice.body.arrivals[1];
    const arrived = track(
      await t.http
        .post(`/expected-arrivals/${adult.id}/arrival`)
        .set(vtcStaff.auth)
        .set('if-match', `"${adult.version}"`)
        .send({ personId: person.body.id }),
    );
    expect(arrived.status).toBe(201);
    caseId = arrived.body.id;
    expect(arrived.body).toMatchObject({ leadAgencyId: vtc.id, stage: 'intake', provinceCode: 'LA-SV' });
    expect(
      (
        await t.http
          .post(`/expected-arrivals/${adult.id}/arrival`)
          .set(vtcStaff.auth)
          .set('if-match', `"${adult.version + 1}"`)
          .send({ personId: person.body.id })
      ).status,
    ).toBe(409);
  });

  it('admits the person to the VTC, interviews them, and the anti-trafficking department identifies', async () => {
    const admitted = await t.http
      .post(`/facilities/${vtcBeds}/admissions`)
      .set(vtcStaff.auth)
      .send({ caseId, admittedOn: today() });
    expect(admitted.status).toBe(201);
    const beds = await t.http.get(`/facilities/${vtcBeds}`).set(vtcStaff.auth);
    expect(beds.body).toMatchObject({ occupied: 1, freeBeds: 2 });

    const personId = (await t.http.get(`/cases/${caseId}`).set(vtcStaff.auth)).body.personId;
    const screening = await t.http
      .post('/screenings')
      .set(vtcStaff.auth)
      .send(screeningBody({ personId, answers: VICTIM_ANSWERS }));
    await t.http.post(`/screenings/${screening.body.id}/link-case`).set(vtcStaff.auth).send({ caseId });
    await t.http
      .post(`/screenings/${screening.body.id}/submit-for-identification`)
      .set(vtcStaff.auth)
      .send({ agencyId: atd.id });
    const decision = await t.http
      .post(`/screenings/${screening.body.id}/identification-decisions`)
      .set(atdOfficer.auth)
      .send({
        status: 'ActualVictimOfTrafficking',
        decidedOn: today(),
        basis: 'ATD interview at the VTC: deceived recruitment, debt bondage, withheld passport.',
      });
    expect(decision.status).toBe(201);
    expect((await t.http.get(`/cases/${caseId}`).set(vtcStaff.auth)).body.identificationStatus).toBe(
      'ActualVictimOfTrafficking',
    );
    version = (await t.http.get(`/cases/${caseId}`).set(vtcStaff.auth)).body.version;
  });

  it('records the health check with consent, and refuses to share without consent', async () => {
    const noConsent = await t.http
      .post(`/cases/${caseId}/referrals`)
      .set(vtcStaff.auth)
      .send({ toAgencyId: province.id, purpose: 'family_tracing', urgency: 'high' });
    expect(noConsent.status).toBe(422);
    expect(noConsent.body.code).toBe('CONSENT_REQUIRED');
    const consent = await t.http
      .post(`/cases/${caseId}/consents`)
      .set(vtcStaff.auth)
      .send({
        purposes: ['assistance', 'sharing_for_referral'],
        coveredAgencyIds: [province.id, shelter.id],
        givenBy: 'person',
        method: 'written',
        givenOn: today(),
        language: 'lao',
      });
    expect(consent.status).toBe(201);
    const health = await t.http.post(`/cases/${caseId}/services`).set(vtcStaff.auth).send({
      serviceType: 'medical',
      deliveredOn: today(),
      outcome: 'completed',
      notes: 'Health check at the VTC, HIV test with consent',
    });
    expect(health.status).toBe(201);
  });

  it('refuses an adult man at a women-only shelter, naming the rule, and records the unmet need', async () => {
    const refused = await t.http
      .post(`/cases/${caseId}/referrals`)
      .set(vtcStaff.auth)
      .send({ toAgencyId: shelter.id, toFacilityId: womenShelter, purpose: 'shelter_placement', urgency: 'normal' });
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ code: 'NOT_ELIGIBLE', rules: ['gender'], unmetNeedRecorded: true });
    expect(refused.body.detail).toContain('accepts Feminine only');
    const eligible = await t.http.get(`/facilities?eligibleFor=${caseId}`).set(vtcStaff.auth);
    expect(eligible.body.map((f: { id: string }) => f.id)).toEqual([vtcBeds]);
    const all = await t.http.get(`/facilities?eligibleFor=${caseId}&includeIneligible=true`).set(vtcStaff.auth);
    expect(all.body.find((f: { id: string }) => f.id === womenShelter).ineligibleBecause[0].rule).toBe('gender');
    expect(
      (await t.ownerQuery(`SELECT rule, gender, age_group, service FROM unmet_need WHERE case_id = $1`, [caseId])).rows,
    ).toEqual([{ rule: 'gender', gender: 'Masculine', age_group: 'adult', service: 'shelter_placement' }]);
  });

  it('reports unmet needs by province, service and profile, suppressing small cells', async () => {
    const report = await t.http.get('/reports/unmet-needs').set(analyst.auth);
    expect(report.status).toBe(200);
    expect(report.body.rows).toEqual([
      {
        provinceCode: 'LA-SV',
        service: 'shelter_placement',
        gender: 'Masculine',
        ageGroup: 'adult',
        topRule: 'gender',
        people: null,
        suppressed: true,
      },
    ]);
    // Below 11 (the default for anything that leaves the system) a count is never shown; the
    // counts themselves are proven at scale in test/statistics/statistics.spec.ts.
    expect(report.body.minCellSize).toBe(11);
    expect((await t.http.get('/reports/unmet-needs').set(vtcStaff.auth)).status).toBe(403);
  });

  it('asks the home province to trace the family; it accepts, assesses and completes', async () => {
    const referral = await t.http.post(`/cases/${caseId}/referrals`).set(vtcStaff.auth).send({
      toAgencyId: province.id,
      purpose: 'family_tracing',
      urgency: 'high',
      note: 'Family in Kaysone district',
    });
    expect(referral.status).toBe(201);
    expect(referral.body).toMatchObject({ status: 'pending', profileAgeGroup: 'adult', overdue: false });
    const counts = await t.http.get('/referrals/inbox/counts').set(provincial.auth);
    expect(counts.body).toEqual({ pending: 1, overdue: 0, accepted: 0 });
    const inbox = await t.http.get('/referrals/inbox').set(provincial.auth);
    expect(inbox.body.map((r: { id: string; caseNumber: string }) => r.id)).toEqual([referral.body.id]);
    expect(inbox.body[0].caseNumber).toMatch(/^VT-/);
    // Before accepting, the province already sees the limited view.
    expect((await t.http.get(`/cases/${caseId}`).set(provincial.auth)).body.view).toBe('limited');

    expect(
      (
        await t.http
          .post(`/referrals/${referral.body.id}/accept`)
          .set(vtcStaff.auth)
          .set('if-match', `"${referral.body.version}"`)
      ).status,
    ).toBe(403);
    expect(
      (
        await t.http
          .post(`/referrals/${referral.body.id}/withdraw`)
          .set(provincial.auth)
          .set('if-match', `"${referral.body.version}"`)
          .send({})
      ).status,
    ).toBe(403);
    expect(
      (
        await t.http
          .post(`/referrals/${referral.body.id}/accept`)
          .set(shelterOfficer.auth)
          .set('if-match', `"${referral.body.version}"`)
      ).status,
    ).toBe(404);
    const accepted = await t.http
      .post(`/referrals/${referral.body.id}/accept`)
      .set(provincial.auth)
      .set('if-match', `"${referral.body.version}"`);
    expect(accepted.body.status).toBe('accepted');
    expect(
      (
        await t.http
          .post(`/referrals/${referral.body.id}/accept`)
          .set(provincial.auth)
          .set('if-match', `"${accepted.body.version}"`)
      ).status,
    ).toBe(409);

    const assessment = await t.http
      .post(`/referrals/${referral.body.id}/family-assessment`)
      .set(provincial.auth)
      .send({
        assessedOn: today(),
        familyFound: true,
        recommendation: 'return_home',
        householdRisks: ['debt'],
        findings: 'Parents in Ban Nongdeun welcome him back.',
      });
    expect(assessment.status).toBe(201);
    const completed = await t.http
      .post(`/referrals/${referral.body.id}/complete`)
      .set(provincial.auth)
      .set('if-match', `"${accepted.body.version}"`)
      .send({ reason: 'family_traced' });
    expect(completed.body.status).toBe('completed');
    // The referral ended: so does the province's view of the case.
    expect((await t.http.get(`/cases/${caseId}`).set(provincial.auth)).status).toBe(404);
    expect((await t.http.get(`/cases/${caseId}/family-assessments`).set(vtcStaff.auth)).body[0]).toMatchObject({
      familyFound: true,
      recommendation: 'return_home',
    });
  });

  it('discharges with an escort home, and hands follow-up to the province by referral', async () => {
    const [placement] = (await t.http.get(`/cases/${caseId}/placements`).set(vtcStaff.auth)).body;
    const early = await t.http
      .post(`/placements/${placement.id}/discharge`)
      .set(vtcStaff.auth)
      .set('if-match', `"${placement.version}"`)
      .send({ dischargedOn: '2020-01-01', destination: 'home', reason: 'returned_home' });
    expect(early.status).toBe(422);
    expect(early.body.errors[0].field).toBe('dischargedOn');
    const discharged = await t.http
      .post(`/placements/${placement.id}/discharge`)
      .set(vtcStaff.auth)
      .set('if-match', `"${placement.version}"`)
      .send({
        dischargedOn: today(),
        destination: 'home',
        reason: 'returned_home',
        destinationProvinceCode: 'LA-SV',
        escorted: true,
      });
    expect(discharged.body).toMatchObject({ dischargedOn: today(), escorted: true, destinationProvinceCode: 'LA-SV' });
    await t.http
      .post(`/cases/${caseId}/services`)
      .set(vtcStaff.auth)
      .send({ serviceType: 'escort_transport', deliveredOn: today(), outcome: 'completed' });
    expect((await t.http.get(`/facilities/${vtcBeds}`).set(vtcStaff.auth)).body.occupied).toBe(0);

    const handover = await t.http
      .post(`/cases/${caseId}/referrals`)
      .set(vtcStaff.auth)
      .send({ toAgencyId: province.id, purpose: 'reintegration', urgency: 'normal' });
    await t.http
      .post(`/referrals/${handover.body.id}/accept`)
      .set(provincial.auth)
      .set('if-match', `"${handover.body.version}"`);
    const returned = today();
    const followUps = await t.http
      .post(`/cases/${caseId}/follow-ups`)
      .set(vtcStaff.auth)
      .send({ fromDate: returned, agencyId: province.id });
    expect(followUps.status).toBe(201);
    // Forty days later, the first monthly visit is overdue.
    const restoreClock = setClock(t, daysAhead(40));
    afterRestore.push(restoreClock);
    const overdue = await t.http.get('/follow-ups/overdue').set(provincial.auth);
    expect(overdue.body.map((f: { caseId: string; planMonth: number }) => [f.caseId, f.planMonth])).toEqual([
      [caseId, 1],
    ]);
    const mine = await t.http.get(`/cases/${caseId}/follow-ups`).set(provincial.auth);
    const visit = mine.body[0];
    const recorded = await t.http
      .patch(`/cases/${caseId}/follow-ups/${visit.id}`)
      .set(provincial.auth)
      .set('if-match', `"${visit.version}"`)
      .send({ completedOn: today(), outcome: 'reached_needs_support', notes: 'Needs a livelihood grant' });
    expect(recorded.body.status).toBe('completed');
    restoreClock();
    const timeline = (await t.http.get(`/cases/${caseId}/timeline`).set(vtcStaff.auth)).body.map(
      (e: { kind: string }) => e.kind,
    );
    for (const k of [
      'arrived',
      'admitted',
      'screening_linked',
      'consent_recorded',
      'service_recorded',
      'referral_sent',
      'referral_accepted',
      'family_assessment_recorded',
      'referral_completed',
      'discharged',
      'follow_ups_scheduled',
      'follow_up_recorded',
    ]) {
      expect(timeline).toContain(k);
    }
  });

  it('admits exactly one of two people racing for the last bed', async () => {
    const admin = await g.session(await g.user(vtc, ['agency_admin']));
    const oneBed = (
      await t.http
        .post('/facilities')
        .set(admin.auth)
        .send({
          agencyId: vtc.id,
          code: 'VTC-ONE',
          nameEn: 'VTC single room',
          kind: 'transit_centre',
          provinceCode: 'LA-VT',
          acceptsGenders: ['Feminine', 'Masculine'],
          bedCapacity: 1,
        })
    ).body.id;
    const cases = await Promise.all(
      [0, 1, 2].map(
        async () =>
          (
            await t.http
              .post('/cases')
              .set(vtcStaff.auth)
              .send({ personId: await g.person(vtc, vtcStaff.user) })
          ).body.id,
      ),
    );
    const results = await Promise.all(
      cases.map((c) =>
        t.http.post(`/facilities/${oneBed}/admissions`).set(vtcStaff.auth).send({ caseId: c, admittedOn: today() }),
      ),
    );
    expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409]);
    expect(results.filter((r) => r.status === 409).every((r) => r.body.code === 'FACILITY_FULL')).toBe(true);
    expect(
      (await t.ownerQuery('SELECT count(*)::int AS n FROM placement WHERE facility_id = $1', [oneBed])).rows[0].n,
    ).toBe(1);
  });

  it('expires unanswered referrals once, from any number of replicas, and ends the access', async () => {
    const referral = await t.http
      .post(`/cases/${caseId}/referrals`)
      .set(vtcStaff.auth)
      .send({ toAgencyId: shelter.id, purpose: 'psychosocial', urgency: 'emergency' });
    expect(referral.status).toBe(201);
    expect((await t.http.get(`/cases/${caseId}`).set(shelterOfficer.auth)).status).toBe(200);
    await t.ownerQuery(`UPDATE referral SET due_by = now() - interval '1 minute' WHERE id = $1`, [referral.body.id]);
    expect(
      (await t.http.get('/referrals/inbox?view=overdue').set(shelterOfficer.auth)).body.map(
        (r: { id: string }) => r.id,
      ),
    ).toEqual([referral.body.id]);
    const service = t.app.get(ReferralsService);
    const [a, b] = await Promise.all([service.expireOverdue(), service.expireOverdue()]);
    expect(a + b).toBe(1);
    expect((await t.http.get(`/referrals/${referral.body.id}`).set(vtcStaff.auth)).body.status).toBe('expired');
    expect((await t.http.get(`/cases/${caseId}`).set(shelterOfficer.auth)).status).toBe(404);
    const audited = await t.ownerQuery(`SELECT action FROM audit_event WHERE $1 = ANY(resource_ids) ORDER BY id`, [
      referral.body.id,
    ]);
    expect(audited.rows.map((r) => r.action)).toContain('expire');
  });

  it('lets a supervisor override missing consent with a reason, audited; a caseworker cannot', async () => {
    const other = await g.agency({ localType: 'ngo' });
    const refused = await t.http.post(`/cases/${caseId}/referrals`).set(vtcStaff.auth).send({
      toAgencyId: other.id,
      purpose: 'legal',
      urgency: 'high',
      consentOverrideReason: 'Court hearing tomorrow; the person asked orally',
    });
    expect(refused.status).toBe(403);
    const overridden = await t.http.post(`/cases/${caseId}/referrals`).set(vtcSupervisor.auth).send({
      toAgencyId: other.id,
      purpose: 'legal',
      urgency: 'high',
      consentOverrideReason: 'Court hearing tomorrow; the person asked orally',
    });
    expect(overridden.status).toBe(201);
    expect(overridden.body.consentOverridden).toBe(true);
    const entry = await t.ownerQuery(
      `SELECT details, changes FROM audit_event WHERE category = 'change' AND $1 = ANY(resource_ids)`,
      [overridden.body.id],
    );
    expect(entry.rows[0].details).toEqual({ consentOverride: true });
    expect(JSON.stringify(entry.rows)).not.toContain('Court hearing');
    void version;
  });
});
