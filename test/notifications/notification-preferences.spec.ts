import fs from 'node:fs';
import { NOTIFICATION_KINDS } from '../../src/notifications/notification-kinds.js';
import { AGENCIES, type Actor, Deployment, expectStatus } from '../journeys/journey-kit.js';

/** GET/PUT /me/notification-preferences on a deployment without SMTP (e-mail disabled). */
describe('notification preferences', () => {
  let d: Deployment;
  let caseworker: Actor;
  let supervisor: Actor;
  let auditor: Actor;

  beforeAll(async () => {
    d = await Deployment.fresh();
    const vtc = await d.agency(AGENCIES.vtc);
    const dsw = await d.agency(AGENCIES.dsw);
    caseworker = await d.staff(vtc, ['caseworker']);
    supervisor = await d.staff(vtc, ['case_supervisor']);
    auditor = await d.staff(dsw, ['auditor']);
  });
  afterAll(() => d.close());

  it('says at start-up that e-mail is disabled when no SMTP server is configured', () => {
    expect(fs.readFileSync(d.t.logFile, 'utf8')).toContain('E-mail is disabled: SMTP_HOST is not set');
  });

  it('answers 401 without a token', async () => {
    expect((await d.http.get('/me/notification-preferences')).status).toBe(401);
    expect((await d.http.put('/me/notification-preferences').send({ language: 'en', kinds: [] })).status).toBe(401);
  });

  it('starts from the defaults: every kind in the application, no e-mail, Lao', async () => {
    const res = await d.http.get('/me/notification-preferences').set(caseworker.auth);
    expectStatus(res, 200, 'read preferences');
    expect(res.body).toEqual({
      language: 'lo',
      kinds: NOTIFICATION_KINDS.map((kind) => ({ kind, channels: ['in_app'] })),
      emailEnabled: false,
      updatedAt: null,
    });
  });

  it('changes the kinds listed, keeps the others, and is each user’s own', async () => {
    const res = await d.http
      .put('/me/notification-preferences')
      .set(caseworker.auth)
      .send({
        language: 'en',
        kinds: [
          { kind: 'referral_received', channels: ['email_immediate', 'in_app'] },
          { kind: 'follow_up_due', channels: ['email_digest'] },
          { kind: 'placement_capacity_low', channels: [] },
        ],
      });
    expectStatus(res, 200, 'update preferences');
    const channelsOf = (body: { kinds: { kind: string; channels: string[] }[] }, kind: string) =>
      body.kinds.find((k) => k.kind === kind)?.channels;
    expect(res.body.language).toBe('en');
    expect(channelsOf(res.body, 'referral_received')).toEqual(['in_app', 'email_immediate']);
    expect(channelsOf(res.body, 'follow_up_due')).toEqual(['email_digest']);
    expect(channelsOf(res.body, 'placement_capacity_low')).toEqual([]);
    expect(channelsOf(res.body, 'closure_requested')).toEqual(['in_app']);
    expect(Date.parse(res.body.updatedAt)).not.toBeNaN();

    const again = await d.http
      .put('/me/notification-preferences')
      .set(caseworker.auth)
      .send({ language: 'en', kinds: [{ kind: 'closure_requested', channels: ['email_digest'] }] });
    expect(channelsOf(again.body, 'referral_received')).toEqual(['in_app', 'email_immediate']);
    expect(channelsOf(again.body, 'closure_requested')).toEqual(['email_digest']);

    const read = await d.http.get('/me/notification-preferences').set(caseworker.auth);
    expect(read.body).toEqual(again.body);
    // Another user's are untouched.
    const theirs = await d.http.get('/me/notification-preferences').set(supervisor.auth);
    expect(theirs.body).toMatchObject({ language: 'lo', updatedAt: null });
  });

  it.each([
    ['an unknown kind', { language: 'en', kinds: [{ kind: 'coffee_ready', channels: ['in_app'] }] }],
    ['an unknown channel', { language: 'en', kinds: [{ kind: 'referral_received', channels: ['sms'] }] }],
    ['a channel twice', { language: 'en', kinds: [{ kind: 'referral_received', channels: ['in_app', 'in_app'] }] }],
    [
      'a kind twice',
      {
        language: 'en',
        kinds: [
          { kind: 'referral_received', channels: ['in_app'] },
          { kind: 'referral_received', channels: [] },
        ],
      },
    ],
    ['an unknown language', { language: 'fr', kinds: [] }],
    ['an unknown field', { language: 'en', kinds: [], userId: '01a23531-1282-735a-bc51-7510e726de7a' }],
    ['no kinds list', { language: 'en' }],
  ])('refuses %s with 400 VALIDATION_FAILED', async (_what, body) => {
    const res = await d.http.put('/me/notification-preferences').set(supervisor.auth).send(body);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
  });

  it('refuses a test e-mail with 409 EMAIL_DISABLED', async () => {
    const res = await d.http.post('/me/notification-preferences/test-email').set(caseworker.auth);
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('EMAIL_DISABLED');
  });

  it('audits the change (fields, no values of anyone else) and the reads', async () => {
    const res = await d.http
      .get('/audit/events')
      .query({ resourceType: 'notification_preference', userId: caseworker.id })
      .set(auditor.auth);
    expectStatus(res, 200, 'audit events');
    const entries = res.body.items as { category: string; action: string; resourceIds: string[] | null }[];
    expect(entries.some((e) => e.category === 'change' && e.action === 'update')).toBe(true);
    expect(entries.some((e) => e.category === 'access' && e.resourceIds?.includes(caseworker.id))).toBe(true);
  });
});
