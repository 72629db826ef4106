import { checkEndpointUrl, resolveEndpoint } from '../../src/webhooks/webhook-endpoint.js';
import { caseThroughApi, eventually, referThroughApi } from '../events/events-fixtures.js';
import { given, type GivenAgency, type Session } from '../harness/given.js';
import { startTestApp, type TestApp } from '../harness/test-app.js';
import { partnerVerifier, type Receiver, startReceiver } from './receivers.js';

// Attempts at 0, 0.2, 0.6, 1.4 and 3 s, then dead: at least three even on a machine ten times slower.
const RETRY_BASE_MS = 200;
const RETRY_WINDOW_MS = 6000;

describe('partner webhooks: signed deliveries to real receivers, retries, dead letters, refusals', () => {
  let t: TestApp;
  let lead: GivenAgency;
  let partner: GivenAgency;
  let other: GivenAgency;
  let leadAdmin: Session;
  let partnerAdmin: Session;
  let otherAdmin: Session;
  let supervisor: Session;
  const receivers: Receiver[] = [];

  const receiver = async (mode: Receiver['mode'] = 'ok') => {
    const r = await startReceiver(mode);
    receivers.push(r);
    return r;
  };
  const subscribe = async (s: Session, url: string, eventTypes = ['referral.received']) => {
    const res = await t.http.post('/webhooks').set(s.auth).send({ url, eventTypes });
    expect(res.status).toBe(201);
    return res.body as { id: string; secret: string };
  };
  const deliveries = async (s: Session, id: string, query = '') =>
    (await t.http.get(`/webhooks/${id}/deliveries${query}`).set(s.auth)).body as {
      id: string;
      status: string;
      attempts: number;
      lastStatusCode: number | null;
      lastError: string | null;
      eventId: string;
    }[];
  /** A new referral to the partner: one referral.received event for it. */
  const referral = async () => referThroughApi(t, supervisor, await caseThroughApi(t, supervisor, supervisor), partner);

  beforeAll(async () => {
    t = await startTestApp({
      env: {
        EVENTS_SCHEDULE_INTERVAL_MS: '0',
        WEBHOOK_ALLOW_LOOPBACK: 'true',
        WEBHOOK_ALLOWED_HOSTS: 'partner.example.org,10.1.2.3,169.254.169.254',
        WEBHOOK_TIMEOUT_MS: '8000',
        WEBHOOK_RETRY_BASE_MS: String(RETRY_BASE_MS),
        WEBHOOK_RETRY_WINDOW_MS: String(RETRY_WINDOW_MS),
      },
    });
    const g = given(t);
    lead = await g.agency({ localType: 'transit_centre', provinceCode: 'LA-VT' });
    partner = await g.agency({ localType: 'shelter', provinceCode: 'LA-CH' });
    other = await g.agency({ localType: 'shelter', provinceCode: 'LA-SV' });
    leadAdmin = await g.session(await g.user(lead, ['agency_admin']));
    partnerAdmin = await g.session(await g.user(partner, ['agency_admin']));
    otherAdmin = await g.session(await g.user(other, ['agency_admin']));
    supervisor = await g.session(await g.user(lead, ['case_supervisor']));
  });

  afterAll(async () => {
    for (const r of receivers) await r.close();
    await t?.close();
  });

  it('delivers each event once, signed per Standard Webhooks (verified by the partner example), without personal data', async () => {
    const r = await receiver();
    const sub = await subscribe(partnerAdmin, r.url);
    expect(sub.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    const listed = await t.http.get(`/webhooks/${sub.id}`).set(partnerAdmin.auth);
    expect(listed.status).toBe(200);
    expect(JSON.stringify(listed.body)).not.toContain(sub.secret);

    const referralId = await referral();
    await eventually(
      async () => r.accepted.length,
      (n) => n >= 1,
    );
    const [delivery] = r.accepted;
    const verify = await partnerVerifier();
    const event = verify(sub.secret, delivery!.headers, delivery!.body) as Record<string, unknown>;
    expect(event).toMatchObject({ type: 'referral.received', subject: { type: 'referral', id: referralId } });
    expect(delivery!.headers['webhook-id']).toBe(event.id);
    const feed = (await t.http.get('/events?type=referral.received').set(partnerAdmin.auth)).body.items;
    expect(feed.map((e: { id: string }) => e.id)).toContain(event.id);
    expect(delivery!.body).not.toMatch(/Chanthy|Souvannavong|Court hearing/);
    // A tampered body or another secret fails verification.
    expect(() => verify(sub.secret, delivery!.headers, delivery!.body.replace('referral', 'referrax'))).toThrow();
    expect(() =>
      verify('whsec_' + Buffer.alloc(24, 1).toString('base64'), delivery!.headers, delivery!.body),
    ).toThrow();

    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(r.received).toHaveLength(1);
    const log = await deliveries(partnerAdmin, sub.id);
    expect(log).toEqual([expect.objectContaining({ status: 'delivered', attempts: 1, lastStatusCode: 204 })]);
    await t.http.delete(`/webhooks/${sub.id}`).set(partnerAdmin.auth).expect(204);
  });

  it('retries a receiver answering 500 with backoff, dead-letters it after the window, and redelivers on request', async () => {
    const r = await receiver('fail');
    const sub = await subscribe(partnerAdmin, r.url);
    await referral();
    const dead = await eventually(
      () => deliveries(partnerAdmin, sub.id, '?status=dead'),
      (d) => d.length === 1,
      60_000,
    );
    expect(dead[0]).toMatchObject({ lastStatusCode: 500, lastError: 'http_500' });
    expect(dead[0]!.attempts).toBeGreaterThanOrEqual(3);
    expect(r.received.length).toBe(dead[0]!.attempts);
    // Backoff: attempt n+1 never comes before base x 2^n after attempt n (a busy machine only
    // makes the gaps longer, so the lower bound is what can be asserted).
    const gaps = r.received.slice(1).map((d, i) => d.at - r.received[i]!.at);
    gaps.forEach((gap, n) => expect(gap).toBeGreaterThanOrEqual(RETRY_BASE_MS * 2 ** n));
    // Every attempt carried the same event id: the receiver can drop duplicates.
    expect(new Set(r.received.map((d) => d.headers['webhook-id'])).size).toBe(1);

    r.mode = 'ok';
    const again = await t.http.post(`/webhooks/${sub.id}/deliveries/${dead[0]!.id}/redeliver`).set(partnerAdmin.auth);
    expect(again.status).toBe(200);
    expect(again.body.status).toBe('pending');
    await eventually(
      () => deliveries(partnerAdmin, sub.id, '?status=delivered'),
      (d) => d.length === 1,
    );
    expect(r.accepted).toHaveLength(1);
    await t.http.delete(`/webhooks/${sub.id}`).set(partnerAdmin.auth).expect(204);
  });

  it('a receiver that hangs times out and does not hold up another subscriber', async () => {
    const stuck = await receiver('hang');
    const healthy = await receiver();
    const slow = await subscribe(partnerAdmin, stuck.url);
    const fast = await subscribe(partnerAdmin, healthy.url);
    await referral();
    // The healthy receiver is served while the hanging one still holds its request open
    // (were they served one after the other, the hanging request would have timed out first).
    await eventually(
      async () => [healthy.accepted.length, stuck.openRequests],
      ([served, open]) => served === 1 && open === 1,
    );
    expect(healthy.accepted).toHaveLength(1);
    expect(stuck.openRequests).toBe(1);
    const timedOut = await eventually(
      () => deliveries(partnerAdmin, slow.id),
      (d) => d[0]?.lastError === 'timeout',
    );
    expect(timedOut[0]).toMatchObject({ lastError: 'timeout', lastStatusCode: null });
    expect(stuck.received.length).toBeGreaterThanOrEqual(1);
    expect((await deliveries(partnerAdmin, fast.id))[0]).toMatchObject({ status: 'delivered', attempts: 1 });
    for (const s of [slow, fast]) await t.http.delete(`/webhooks/${s.id}`).set(partnerAdmin.auth).expect(204);
  });

  it('refuses endpoints that are not https, not allowlisted, or resolve to internal addresses', async () => {
    for (const url of [
      'http://partner.example.org/hook',
      'https://elsewhere.example.com/hook',
      'https://10.1.2.3/hook',
      'https://169.254.169.254/latest/meta-data',
      'https://user:pw@partner.example.org/hook',
      'ftp://partner.example.org/hook',
      'not a url',
    ]) {
      const res = await t.http
        .post('/webhooks')
        .set(partnerAdmin.auth)
        .send({ url, eventTypes: ['referral.received'] });
      expect([url, res.status, res.body.code]).toEqual([url, 422, 'WEBHOOK_URL_REFUSED']);
    }
    // Without the test-only loopback switch, loopback is internal like any other.
    const strict = { allowedHosts: ['127.0.0.1', 'localhost', '[::1]', '192.168.1.10'], allowLoopback: false };
    expect(() => checkEndpointUrl('http://127.0.0.1:8080/hook', strict)).toThrow();
    for (const url of ['https://127.0.0.1/hook', 'https://localhost/hook', 'https://192.168.1.10/hook'])
      await expect(resolveEndpoint(checkEndpointUrl(url, strict), strict)).rejects.toMatchObject({
        code: 'WEBHOOK_URL_REFUSED',
      });
    expect(() =>
      checkEndpointUrl('https://evil.partner.example.org.attacker.net/', {
        ...strict,
        allowedHosts: ['*.partner.example.org'],
      }),
    ).toThrow();
    expect(
      checkEndpointUrl('https://a.partner.example.org/', { ...strict, allowedHosts: ['*.partner.example.org'] }).host,
    ).toBe('a.partner.example.org');
  });

  it("answers 404 for another agency's subscription, and 403 without webhook.manage", async () => {
    const r = await receiver();
    const sub = await subscribe(partnerAdmin, r.url);
    for (const [method, path] of [
      ['get', `/webhooks/${sub.id}`],
      ['patch', `/webhooks/${sub.id}`],
      ['delete', `/webhooks/${sub.id}`],
      ['get', `/webhooks/${sub.id}/deliveries`],
      ['post', `/webhooks/${sub.id}/deliveries/${sub.id}/redeliver`],
    ] as const) {
      const res = await t.http[method](path)
        .set(otherAdmin.auth)
        .send(method === 'patch' ? { active: false } : undefined);
      expect([method, path, res.status]).toEqual([method, path, 404]);
    }
    expect((await t.http.get('/webhooks').set(otherAdmin.auth)).body).toEqual([]);
    expect((await t.http.get('/webhooks').set(supervisor.auth)).status).toBe(403);
    expect((await t.http.get('/webhooks').set(partnerAdmin.auth)).body.map((w: { id: string }) => w.id)).toContain(
      sub.id,
    );
    // Nothing of the partner's reaches the lead agency's subscriptions, and vice versa.
    expect((await t.http.get('/webhooks').set(leadAdmin.auth)).body).toEqual([]);
  });
});
