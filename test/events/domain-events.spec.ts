import { Controller, Inject, Injectable, Module, type OnModuleInit, Post } from '@nestjs/common';
import { Authorize } from '../../src/auth/authorize.decorator.js';
import { Permission } from '../../src/auth/permissions.js';
import { DomainEvents } from '../../src/events/domain-events.service.js';
import type { DomainEvent } from '../../src/events/event-catalogue.js';
import { EventConsumers } from '../../src/events/event-consumers.service.js';
import { EventsService } from '../../src/events/events.service.js';
import { JobQueue } from '../../src/queue/job-queue.service.js';
import { setClock } from '../harness/clock.js';
import { localToday } from '../harness/dates.js';
import { screeningBody, VICTIM_ANSWERS } from '../harness/screening-fixtures.js';
import { given, type GivenAgency, type Session } from '../harness/given.js';
import { startTestApp, type TestApp } from '../harness/test-app.js';
import { caseThroughApi, eventually, referThroughApi } from './events-fixtures.js';

/** What a consumer registered through the public API received, in order. */
const received: DomainEvent[] = [];

@Injectable()
class RecordingConsumer implements OnModuleInit {
  constructor(@Inject(EventConsumers) private readonly consumers: EventConsumers) {}
  onModuleInit(): void {
    this.consumers.register('test-recorder', async (e) => {
      received.push(e);
    });
  }
}

/** A route that states an event and then fails: the event must vanish with its transaction. */
@Controller('test-events')
class FailingAfterEventController {
  constructor(@Inject(DomainEvents) private readonly events: DomainEvents) {}
  @Post('fail')
  @Authorize(Permission.EventRead)
  async fail(): Promise<void> {
    await this.events.record({
      type: 'facility.capacity-low',
      agencyIds: [FAILING_AGENCY.id],
      subjectId: FAILING_AGENCY.id,
      payload: { facilityId: FAILING_AGENCY.id, bedCapacity: 1, freeBeds: 0, threshold: 1 },
    });
    throw new Error('boom after the event');
  }
}
const FAILING_AGENCY = { id: '' };

@Module({ providers: [RecordingConsumer], controllers: [FailingAfterEventController] })
class EventsTestModule {}

describe('domain events: stated with their change, read by the agencies concerned, handed to consumers', () => {
  let t: TestApp;
  let lead: GivenAgency;
  let receiver: GivenAgency;
  let outsider: GivenAgency;
  let leadAdmin: Session;
  let receiverAdmin: Session;
  let outsiderAdmin: Session;
  let supervisor: Session;
  let receiverOfficer: Session;
  let caseId: string;

  const eventsOf = async (s: Session, query = '') => {
    const res = await t.http.get(`/events${query}`).set(s.auth);
    expect(res.status).toBe(200);
    return res.body.items as DomainEvent[];
  };

  beforeAll(async () => {
    t = await startTestApp({
      extraModules: [EventsTestModule],
      env: { EVENTS_SCHEDULE_INTERVAL_MS: '0', REFERRAL_EXPIRY_INTERVAL_MS: '300' },
    });
    const g = given(t);
    lead = await g.agency({ localType: 'transit_centre', provinceCode: 'LA-VT' });
    receiver = await g.agency({ localType: 'shelter', provinceCode: 'LA-CH' });
    outsider = await g.agency({ localType: 'shelter', provinceCode: 'LA-SV' });
    FAILING_AGENCY.id = lead.id;
    leadAdmin = await g.session(await g.user(lead, ['agency_admin']));
    receiverAdmin = await g.session(await g.user(receiver, ['agency_admin']));
    outsiderAdmin = await g.session(await g.user(outsider, ['agency_admin']));
    supervisor = await g.session(await g.user(lead, ['case_supervisor']));
    receiverOfficer = await g.session(await g.user(receiver, ['facility_officer']));
    caseId = await caseThroughApi(t, supervisor, supervisor);
  });

  afterAll(async () => {
    await t?.close();
  });

  it('states referral.sent to the sender and referral.received to both parties, ids and codes only', async () => {
    const referralId = await referThroughApi(t, supervisor, caseId, receiver);
    const leadEvents = await eventsOf(leadAdmin);
    const receiverEvents = await eventsOf(receiverAdmin);
    expect(leadEvents.map((e) => e.type)).toEqual(['referral.sent', 'referral.received']);
    expect(receiverEvents.map((e) => e.type)).toEqual(['referral.received']);
    const event = receiverEvents[0]!;
    expect(event).toMatchObject({
      caseId,
      subject: { type: 'referral', id: referralId },
      payload: {
        referralId,
        fromAgencyId: lead.id,
        toAgencyId: receiver.id,
        purpose: 'psychosocial',
        status: 'pending',
      },
    });
    expect(event.caseNumber).toMatch(/^[A-Z]{2,3}-\d{4}-\d{6}$/);
    expect(event.agencyIds.sort()).toEqual([lead.id, receiver.id].sort());
    // No personal data: neither the name nor the override reason travels.
    const all = JSON.stringify([...leadEvents, ...receiverEvents]);
    expect(all).not.toMatch(/Chanthy|Souvannavong|Court hearing/);
    expect(await eventsOf(outsiderAdmin)).toEqual([]);

    const accepted = await t.http
      .post(`/referrals/${referralId}/accept`)
      .set(receiverOfficer.auth)
      .set('if-match', '"1"');
    expect(accepted.status).toBe(200);
    expect((await eventsOf(receiverAdmin, '?type=referral.accepted')).map((e) => e.subject.id)).toEqual([referralId]);
  });

  it('hands each event to a registered consumer once, in order', async () => {
    const ids = (await eventsOf(leadAdmin)).map((e) => e.id);
    const got = await eventually(
      async () => received.map((e) => e.id),
      (r) => ids.every((id) => r.includes(id)),
    );
    expect(got.filter((id) => ids.includes(id))).toEqual(ids);
    // Nothing more arrives later (exactly one job per event and consumer).
    await new Promise((r) => setTimeout(r, 1500));
    expect(received.map((e) => e.id).filter((id) => ids.includes(id))).toEqual(ids);
  });

  it('starts the job queue again when its runner stops on its own, and events still reach consumers', async () => {
    const queue = t.app.get(JobQueue);
    const runner = (queue as unknown as { runner: { stop(): Promise<void> } }).runner;
    // What graphile-worker does after an error it cannot recover from: its runner stops.
    await runner.stop();
    const restarted = await eventually(
      async () => (queue as unknown as { runner?: object }).runner,
      (current) => current !== undefined && current !== runner,
    );
    expect(restarted).toBeDefined();
    expect(restarted).not.toBe(runner);
    await referThroughApi(t, supervisor, caseId, receiver);
    const ids = (await eventsOf(leadAdmin, '?type=referral.sent')).map((e) => e.id);
    const got = await eventually(
      async () => received.map((e) => e.id),
      (r) => ids.every((id) => r.includes(id)),
    );
    expect(ids.every((id) => got.includes(id))).toBe(true);
  });

  it('rolls an event back with its transaction', async () => {
    const before = (await eventsOf(leadAdmin, '?type=facility.capacity-low')).length;
    const res = await t.http.post('/test-events/fail').set(leadAdmin.auth);
    expect(res.status).toBe(500);
    expect(await eventsOf(leadAdmin, '?type=facility.capacity-low')).toHaveLength(before);
  });

  it('expires overdue referrals from the queue and states referral.expired; expiring comes before', async () => {
    // An emergency referral sent "5 hours ago" is past its 4-hour answer time.
    const restore = setClock(t, (now) => new Date(now.getTime() - 3.5 * 3600_000));
    const expiring = await referThroughApi(t, supervisor, caseId, outsider, 'emergency');
    restore();
    await t.app.get(EventsService).recordScheduled();
    await t.app.get(EventsService).recordScheduled();
    expect((await eventsOf(outsiderAdmin, '?type=referral.expiring')).map((e) => e.subject.id)).toEqual([expiring]);

    const restore2 = setClock(t, (now) => new Date(now.getTime() - 5 * 3600_000));
    const overdue = await referThroughApi(
      t,
      supervisor,
      await caseThroughApi(t, supervisor, supervisor),
      outsider,
      'emergency',
    );
    restore2();
    const expired = await eventually(
      () => eventsOf(outsiderAdmin, '?type=referral.expired'),
      (e) => e.length > 0,
    );
    expect(expired.map((e) => e.subject.id)).toEqual([overdue]);
    expect(expired[0]!.payload).toMatchObject({ status: 'expired', urgency: 'emergency' });
  });

  it('states identification, closure, break-the-glass, follow-up and capacity events at their sites', async () => {
    const g = given(t);
    const police = await g.agency({
      localType: 'police_anti_trafficking_unit',
      provinceCode: 'LA-VT',
      formalIdentificationAuthority: true,
    });
    const officer = await g.session(await g.user(police, ['identification_officer']));
    // Opened forty days ago, so its first visit can be overdue.
    const restore = setClock(t, (now) => new Date(now.getTime() - 40 * 86_400_000));
    const id = await caseThroughApi(t, supervisor, supervisor).finally(restore);
    const personId = (await t.http.get(`/cases/${id}`).set(supervisor.auth)).body.personId;
    const types = async (query = '') => (await eventsOf(leadAdmin, query)).map((e) => e.type);

    const screening = await t.http
      .post('/screenings')
      .set(supervisor.auth)
      .send(screeningBody({ personId, answers: VICTIM_ANSWERS }));
    expect(screening.status).toBe(201);
    await t.http
      .post(`/screenings/${screening.body.id}/link-case`)
      .set(supervisor.auth)
      .send({ caseId: id })
      .expect(200);
    await t.http
      .post(`/screenings/${screening.body.id}/submit-for-identification`)
      .set(supervisor.auth)
      .send({ agencyId: police.id })
      .expect(200);
    const decided = await t.http
      .post(`/screenings/${screening.body.id}/identification-decisions`)
      .set(officer.auth)
      .send({ status: 'ActualVictimOfTrafficking', decidedOn: localToday(), basis: 'Deceived recruitment, debt.' });
    expect(decided.status).toBe(201);
    const policeEvents = await eventsOf(await g.session(await g.user(police, ['agency_admin'])));
    expect(policeEvents.map((e) => e.type)).toEqual(['identification.requested', 'identification.decided']);
    expect(policeEvents[1]!.payload).toMatchObject({
      screeningId: screening.body.id,
      status: 'ActualVictimOfTrafficking',
    });

    // Break-the-glass by the police officer: the lead agency is told, with ids only.
    const glass = await t.http
      .post(`/cases/${id}/break-glass`)
      .set(officer.auth)
      .send({ reason: 'Urgent court hearing needs the case file now' });
    expect(glass.status).toBe(201);
    const [broken] = await eventsOf(leadAdmin, '?type=case.break-glass');
    expect(broken).toMatchObject({ caseId: id, payload: { agencyId: police.id, userId: officer.user.id } });
    expect(JSON.stringify(broken)).not.toContain('court hearing');

    // A facility of two beds: one admission leaves one free (FACILITY_LOW_BEDS=2).
    const facility = await t.http
      .post('/facilities')
      .set(leadAdmin.auth)
      .send({
        agencyId: lead.id,
        code: 'EV-BEDS',
        nameEn: 'Small dormitory',
        kind: 'transit_centre',
        provinceCode: 'LA-VT',
        acceptsGenders: ['Feminine', 'Masculine'],
        bedCapacity: 2,
        services: ['transit_reception'],
      });
    expect(facility.status).toBe(201);
    const admitted = await t.http
      .post(`/facilities/${facility.body.id}/admissions`)
      .set(supervisor.auth)
      .send({ caseId: id, admittedOn: localToday() });
    expect(admitted.status).toBe(201);
    expect((await eventsOf(leadAdmin, '?type=facility.capacity-low'))[0]!.payload).toEqual({
      facilityId: facility.body.id,
      bedCapacity: 2,
      freeBeds: 1,
      threshold: 2,
    });

    // Follow-ups: a visit three days overdue and one weeks away; stated once however often the job runs.
    const due = new Date(`${localToday()}T00:00:00Z`);
    due.setUTCDate(due.getUTCDate() - 3);
    const from = new Date(due);
    from.setUTCMonth(from.getUTCMonth() - 1);
    const scheduled = await t.http
      .post(`/cases/${id}/follow-ups`)
      .set(supervisor.auth)
      .send({ fromDate: from.toISOString().slice(0, 10), months: [1, 3] });
    expect(scheduled.status).toBe(201);
    await t.app.get(EventsService).recordScheduled();
    await t.app.get(EventsService).recordScheduled();
    const overdue = await eventsOf(leadAdmin, '?type=follow-up.overdue');
    expect(overdue.map((e) => e.payload.dueOn)).toEqual([due.toISOString().slice(0, 10)]);
    expect(await types('?type=follow-up.due')).toEqual([]);

    const current = await t.http.get(`/cases/${id}`).set(supervisor.auth);
    const asked = await t.http
      .post(`/cases/${id}/closure-request`)
      .set(supervisor.auth)
      .set('if-match', current.headers.etag)
      .send({ reason: 'goals_achieved' });
    expect(asked.status).toBe(200);
    const closed = await t.http
      .post(`/cases/${id}/close`)
      .set(supervisor.auth)
      .set('if-match', asked.headers.etag)
      .send({ reason: 'goals_achieved' });
    expect(closed.status).toBe(200);
    const closure = await eventsOf(leadAdmin, '?type=case.closure-approved');
    expect(closure.map((e) => e.payload)).toEqual([{ reason: 'goals_achieved', stage: 'closed' }]);
    expect(await types('?type=case.closure-requested')).toEqual(['case.closure-requested']);
  });

  it('refuses the feed to roles without event.read', async () => {
    expect((await t.http.get('/events').set(receiverOfficer.auth)).status).toBe(403);
  });
});
