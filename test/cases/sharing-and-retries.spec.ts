import { localToday } from '../harness/dates.js';
import { CaseEntity } from '../../src/cases/case.entity.js';
import { findById } from '../../src/database/find-by-id.js';
import type { ObjectLiteral } from 'typeorm';
import { withDataSource } from '../../src/start-up/migrator.js';
import { given, type GivenAgency, type Session } from '../harness/given.js';
import { screeningBody, VICTIM_ANSWERS } from '../harness/screening-fixtures.js';
import { startTestApp, type TestApp } from '../harness/test-app.js';
import { superuserUrl, testClusterInfo } from '../harness/test-cluster.js';

describe('retries, the referral view and consent withdrawal', () => {
  let t: TestApp;
  let g: ReturnType<typeof given>;
  let lead: GivenAgency;
  let receiver: GivenAgency;
  let caseworker: Session;
  let facility: Session;
  let caseId: string;
  let screeningId: string;

  beforeAll(async () => {
    t = await startTestApp();
    g = given(t);
    lead = await g.agency({ localType: 'police_anti_trafficking_unit' });
    receiver = await g.agency({ localType: 'shelter' });
    caseworker = await g.session(await g.user(lead, ['caseworker', 'screener']));
    facility = await g.session(await g.user(receiver, ['facility_officer']));
    const person = await t.http
      .post('/persons')
      .set(caseworker.auth)
      .send({
        names: { givenNameLatin: 'Malaythong' },
        gender: 'Feminine',
        birth: { precision: 'year', birthYear: 2000 },
        documents: [{ type: 'passport', number: 'P-7788' }],
        contacts: [{ type: 'phone', value: '+85620111' }],
      });
    screeningId = (
      await t.http
        .post('/screenings')
        .set(caseworker.auth)
        .send(
          screeningBody({ personId: person.body.id, answers: VICTIM_ANSWERS, narrative: 'secret interview narrative' }),
        )
    ).body.id;
    caseId = (await t.http.post(`/screenings/${screeningId}/open-case`).set(caseworker.auth).send({})).body.id;
  });
  afterAll(() => t.close());

  describe('Idempotency-Key', () => {
    it('returns the first result to a retried POST and creates nothing new', async () => {
      const body = { text: 'Retried over a rural connection' };
      const first = await t.http
        .post(`/cases/${caseId}/notes`)
        .set(caseworker.auth)
        .set('idempotency-key', 'note-retry-0001')
        .send(body);
      const retry = await t.http
        .post(`/cases/${caseId}/notes`)
        .set(caseworker.auth)
        .set('idempotency-key', 'note-retry-0001')
        .send(body);
      expect(first.status).toBe(201);
      expect(retry.status).toBe(201);
      expect(retry.headers['idempotency-replayed']).toBe('true');
      expect(retry.body).toEqual(first.body);
      expect(
        (await t.ownerQuery('SELECT count(*)::int AS n FROM case_note WHERE case_id = $1', [caseId])).rows[0].n,
      ).toBe(1);
      const stored = await t.ownerQuery('SELECT response_enc FROM idempotency_key');
      expect(JSON.stringify(stored.rows)).not.toContain('rural connection');
    });

    it('refuses the same key with a different body, creating nothing', async () => {
      await t.http
        .post(`/cases/${caseId}/notes`)
        .set(caseworker.auth)
        .set('idempotency-key', 'note-retry-0002')
        .send({ text: 'first body' });
      const reused = await t.http
        .post(`/cases/${caseId}/notes`)
        .set(caseworker.auth)
        .set('idempotency-key', 'note-retry-0002')
        .send({ text: 'another body' });
      expect(reused.status).toBe(422);
      expect(reused.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
      expect(
        (await t.ownerQuery('SELECT count(*)::int AS n FROM case_note WHERE case_id = $1', [caseId])).rows[0].n,
      ).toBe(2);
    });

    it('lets concurrent duplicates create exactly one record', async () => {
      const people = await g.person(lead, caseworker.user);
      const sends = await Promise.all(
        Array.from({ length: 5 }, () =>
          t.http
            .post('/cases')
            .set(caseworker.auth)
            .set('idempotency-key', 'case-concurrent-01')
            .send({ personId: people }),
        ),
      );
      expect(sends.every((r) => r.status === 201)).toBe(true);
      expect(new Set(sends.map((r) => r.body.id)).size).toBe(1);
      expect(
        (await t.ownerQuery('SELECT count(*)::int AS n FROM case_file WHERE person_id = $1', [people])).rows[0].n,
      ).toBe(1);
    });

    it('does not keep the key when the request failed, so a corrected retry works', async () => {
      const bad = await t.http
        .post(`/cases/${caseId}/services`)
        .set(caseworker.auth)
        .set('idempotency-key', 'service-retry-01')
        .send({ serviceType: 'medical', deliveredOn: '2020-01-01', outcome: 'completed' });
      expect(bad.status).toBe(422);
      const good = await t.http
        .post(`/cases/${caseId}/services`)
        .set(caseworker.auth)
        .set('idempotency-key', 'service-retry-01')
        .send({ serviceType: 'medical', deliveredOn: localToday(), outcome: 'completed' });
      expect(good.status).toBe(201);
    });

    it('refuses a malformed key', async () => {
      expect(
        (
          await t.http
            .post(`/cases/${caseId}/notes`)
            .set(caseworker.auth)
            .set('idempotency-key', 'x')
            .send({ text: 'y' })
        ).status,
      ).toBe(400);
    });
  });

  describe('the limited view of a receiving agency', () => {
    let grantId: string;
    beforeAll(async () => {
      grantId = await g.referralAccess(caseId, receiver);
      await t.http.post(`/cases/${caseId}/notes`).set(caseworker.auth).send({ text: 'lead agency internal note' });
    });

    it("shows identity, needs and risks, but not documents, contacts, the screening or other agencies' notes", async () => {
      const res = await t.http.get(`/cases/${caseId}`).set(facility.auth);
      expect(res.status).toBe(200);
      expect(res.body.view).toBe('limited');
      expect(res.body.person.names.givenNameLatin).toBe('Malaythong');
      expect(res.body.person).not.toHaveProperty('documents');
      expect(res.body.person).not.toHaveProperty('contacts');
      expect(res.body.needs).toEqual(['medical', 'shelter']);
      expect(res.body.identificationStatus).toBeNull();
      // Facility officers hold no screening permission at all; the receiver's caseworkers get 404.
      expect((await t.http.get(`/screenings/${screeningId}`).set(facility.auth)).status).toBe(403);
      const receiverCaseworker = await g.session(await g.user(receiver, ['caseworker']));
      expect((await t.http.get(`/cases/${caseId}`).set(receiverCaseworker.auth)).body.view).toBe('limited');
      expect((await t.http.get(`/screenings/${screeningId}`).set(receiverCaseworker.auth)).status).toBe(404);
      expect((await t.http.get(`/cases/${caseId}/timeline`).set(facility.auth)).status).toBe(404);
      expect((await t.http.get(`/cases/${caseId}/notes`).set(facility.auth)).body).toEqual([]);
    });

    it('lets the receiver record its own services and notes, seen by the lead agency', async () => {
      const service = await t.http.post(`/cases/${caseId}/services`).set(facility.auth).send({
        serviceType: 'shelter',
        deliveredOn: localToday(),
        quantity: 7,
        unit: 'nights',
        outcome: 'ongoing',
      });
      expect(service.status).toBe(201);
      expect(service.body.providerAgencyId).toBe(receiver.id);
      const foreignProvider = await t.http.post(`/cases/${caseId}/services`).set(facility.auth).send({
        serviceType: 'shelter',
        providerAgencyId: lead.id,
        deliveredOn: localToday(),
        outcome: 'ongoing',
      });
      expect(foreignProvider.status).toBe(403);
      await t.http.post(`/cases/${caseId}/notes`).set(facility.auth).send({ text: 'arrived safely at the shelter' });
      expect(
        (await t.http.get(`/cases/${caseId}/notes`).set(facility.auth)).body.map((n: { text: string }) => n.text),
      ).toEqual(['arrived safely at the shelter']);
      expect(
        (await t.http.get(`/cases/${caseId}/notes`).set(caseworker.auth)).body.map((n: { text: string }) => n.text),
      ).toContain('arrived safely at the shelter');
      expect((await t.http.get(`/cases/${caseId}/services`).set(facility.auth)).body).toHaveLength(1);
    });

    it("ends the receiver's access when consent is withdrawn", async () => {
      const consent = await t.http
        .post(`/cases/${caseId}/consents`)
        .set(caseworker.auth)
        .send({
          purposes: ['assistance', 'sharing_for_referral'],
          coveredAgencyIds: [receiver.id],
          givenBy: 'person',
          method: 'written',
          givenOn: '2026-11-02',
        });
      expect((await t.http.get(`/cases/${caseId}`).set(facility.auth)).status).toBe(200);
      const withdrawn = await t.http.post(`/cases/${caseId}/consents/${consent.body.id}/withdraw`).set(caseworker.auth);
      expect(withdrawn.body.status).toBe('withdrawn');
      expect((await t.http.get(`/cases/${caseId}`).set(facility.auth)).status).toBe(404);
      const grant = await t.ownerQuery('SELECT revoked_at FROM case_access_grant WHERE id = $1', [grantId]);
      expect(grant.rows[0].revoked_at).not.toBeNull();
      const timeline = await t.http.get(`/cases/${caseId}/timeline`).set(caseworker.auth);
      expect(
        timeline.body.find((e: { kind: string }) => e.kind === 'consent_withdrawn').summary.revokedReferralAccess,
      ).toBe(1);
    });
  });

  it("reads every entity by id through the prepared finder exactly as TypeORM's own finder does", async () => {
    // findById (src/database/find-by-id.ts) serves the hot single-record reads; it must hydrate
    // dates, arrays, JSON, bytea and nullable columns identically, for every entity with rows.
    const compared = await withDataSource(superuserUrl(testClusterInfo(), t.databaseName), async (ds) => {
      const names: string[] = [];
      for (const metadata of ds.entityMetadatas) {
        if (metadata.primaryColumns.length !== 1 || metadata.tableType !== 'regular') continue;
        const pk = metadata.primaryColumns[0]!;
        const rows = await ds.query(`SELECT "${pk.databaseName}"::text AS id FROM "${metadata.tablePath}" LIMIT 3`);
        for (const { id } of rows as { id: string }[]) {
          const ours = await findById(ds.manager, metadata.target, id);
          const theirs = await ds.manager.findOneBy<ObjectLiteral>(metadata.target, { [pk.propertyName]: id });
          expect({ entity: metadata.name, value: ours }).toEqual({ entity: metadata.name, value: theirs });
          expect(Object.getPrototypeOf(ours)).toBe(Object.getPrototypeOf(theirs));
        }
        if (rows.length) names.push(metadata.name);
      }
      expect(await findById(ds.manager, CaseEntity, '00000000-0000-7000-8000-000000000000')).toBeNull();
      return names;
    });
    expect(compared).toEqual(
      expect.arrayContaining(['CaseEntity', 'PersonEntity', 'ScreeningEntity', 'CaseNoteEntity']),
    );
  });
});
