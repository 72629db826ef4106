import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { CANARIES, CANARY_VALUES } from '../harness/canaries.js';
import { AGENCIES, type Actor, type Agency, Deployment, expectStatus } from '../journeys/journey-kit.js';
import { SmtpCatcher } from './smtp-catcher.js';

interface Notification {
  id: string;
  kind: string;
  eventType: string;
  caseId: string | null;
  caseNumber: string | null;
  params: Record<string, unknown>;
  readAt: string | null;
}

/** An open text/event-stream, read as it arrives. */
class SseReader {
  text = '';
  ended = false;
  private readonly abort = new AbortController();

  static async open(
    url: string,
    headers: Record<string, string>,
  ): Promise<SseReader & { status: number; type: string }> {
    const reader = new SseReader();
    const res = await fetch(url, { headers, signal: reader.abort.signal });
    const body = res.body!.getReader();
    const decoder = new TextDecoder();
    void (async () => {
      try {
        for (;;) {
          const { done, value } = await body.read();
          if (done) break;
          reader.text += decoder.decode(value, { stream: true });
        }
      } catch {
        // aborted
      }
      reader.ended = true;
    })();
    return Object.assign(reader, { status: res.status, type: res.headers.get('content-type') ?? '' });
  }

  /** The `notification` events received so far. */
  notifications(): Notification[] {
    return this.text
      .split('\n\n')
      .filter((block) => block.includes('event: notification'))
      .map((block) => JSON.parse(/^data: (.*)$/m.exec(block)![1]!) as Notification);
  }

  async until(check: (r: SseReader) => boolean, what: string, ms = 30_000): Promise<void> {
    const t0 = Date.now();
    while (!check(this)) {
      if (Date.now() - t0 > ms) throw new Error(`stream: no ${what} within ${ms} ms; got:\n${this.text}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  close(): void {
    this.abort.abort();
  }
}

/**
 * In-app notifications from domain events, the live stream, immediate e-mail and the
 * break-the-glass alert, from an empty deployment through HTTP, with a real SMTP server.
 */
describe('in-app notifications, the live stream and immediate e-mail', () => {
  const smtp = new SmtpCatcher();
  let d: Deployment;
  let base: string;
  let vtc: Agency;
  let lwu: Agency;
  let vtcCaseworker: Actor;
  let supervisorA: Actor;
  let supervisorB: Actor;
  let lwuOfficer: Actor;
  let lwuCaseworker: Actor;
  let atdOfficer: Actor;
  let provincialCaseworker: Actor;
  let auditor: Actor;
  let caseId: string;
  let caseNumber: string;
  let closed = false;

  const list = async (actor: Actor, query: Record<string, string> = {}) => {
    const res = await d.http.get('/me/notifications').query(query).set(actor.auth);
    expectStatus(res, 200, `notifications of ${actor.email}`);
    return res.body as { items: Notification[]; nextCursor: string | null; unread: number };
  };
  const eventually = async (actor: Actor, check: (items: Notification[]) => boolean, what: string) => {
    const t0 = Date.now();
    for (;;) {
      const { items } = await list(actor);
      if (check(items)) return items;
      if (Date.now() - t0 > 30_000)
        throw new Error(`${actor.email}: ${what} not within 30 s: ${JSON.stringify(items)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const prefer = async (actor: Actor, language: string, kinds: { kind: string; channels: string[] }[]) =>
    expectStatus(
      await d.http.put('/me/notification-preferences').set(actor.auth).send({ language, kinds }),
      200,
      'preferences',
    );

  beforeAll(async () => {
    await smtp.start();
    d = await Deployment.fresh({
      env: {
        SMTP_HOST: '127.0.0.1',
        SMTP_PORT: String(smtp.port),
        SMTP_FROM: 'noreply@ctcm.test',
        FRONTEND_BASE_URL: 'https://ctcm.example.la',
        EMAIL_RETRY_BASE_MS: '300',
        NOTIFICATION_STREAM_POLL_MS: '100',
        NOTIFICATION_STREAM_HEARTBEAT_MS: '300',
      },
    });
    const server = d.t.app.getHttpServer() as Server;
    if (!server.listening) await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    vtc = await d.agency(AGENCIES.vtc);
    lwu = await d.agency(AGENCIES.lwu);
    const atd = await d.agency(AGENCIES.atd);
    const province = await d.agency(AGENCIES.plswSavannakhet);
    const dsw = await d.agency(AGENCIES.dsw);
    vtcCaseworker = await d.staff(vtc, ['caseworker', 'screener']);
    supervisorA = await d.staff(vtc, ['case_supervisor']);
    supervisorB = await d.staff(vtc, ['case_supervisor']);
    lwuOfficer = await d.staff(lwu, ['facility_officer']);
    lwuCaseworker = await d.staff(lwu, ['caseworker']);
    atdOfficer = await d.staff(atd, ['identification_officer']);
    provincialCaseworker = await d.staff(province, ['caseworker']);
    auditor = await d.staff(dsw, ['auditor']);

    await prefer(supervisorA, 'en', [{ kind: 'break_glass_used', channels: ['in_app', 'email_immediate'] }]);
    await prefer(lwuOfficer, 'lo', [{ kind: 'referral_received', channels: ['in_app', 'email_immediate'] }]);

    ({ caseId } = await d.receiveReturnee(vtcCaseworker, {
      names: { givenNameLatin: CANARIES.givenNameLatin, familyNameLatin: CANARIES.familyNameLatin },
      gender: 'Feminine',
      birth: { precision: 'year', birthYear: 1997 },
      homeProvinceCode: 'LA-SV',
      confirmNotDuplicate: true,
    }));
    caseNumber = (await d.http.get(`/cases/${caseId}`).set(vtcCaseworker.auth)).body.caseNumber;
    expectStatus(
      await d.http
        .post(`/cases/${caseId}/consents`)
        .set(vtcCaseworker.auth)
        .send({
          purposes: ['assistance', 'sharing_for_referral'],
          coveredAgencyIds: [lwu.id],
          givenBy: 'person',
          method: 'written',
          givenOn: d.today(),
        }),
      201,
      'consent',
    );
  });
  afterAll(async () => {
    if (!closed) await d?.close();
    await smtp.stop();
  });

  it('a referral tells the receiving agency’s inbox staff, in the application and by the e-mail they chose', async () => {
    const referral = await d.http
      .post(`/cases/${caseId}/referrals`)
      .set(vtcCaseworker.auth)
      .send({ toAgencyId: lwu.id, purpose: 'shelter_placement', urgency: 'emergency', note: CANARIES.note });
    expectStatus(referral, 201, 'referral');
    for (const receiver of [lwuOfficer, lwuCaseworker]) {
      const [n] = await eventually(receiver, (items) => items.length === 1, 'referral notification');
      expect(n).toMatchObject({
        kind: 'referral_received',
        eventType: 'referral.received',
        caseId,
        caseNumber,
        subject: { type: 'referral', id: referral.body.id },
        params: { urgency: 'emergency', purpose: 'shelter_placement', referralId: referral.body.id },
        readAt: null,
      });
    }
    // Immediate e-mail in Lao for the officer who chose it; none for the caseworker (in-app by default).
    const [mail] = await smtp.waitFor(lwuOfficer.email);
    expect(mail!.subject).toContain(`CTCM ${caseNumber}: ໄດ້ຮັບການສົ່ງຕໍ່ (emergency), ຕອບກ່ອນ `);
    expect(mail!.subject).toMatch(/\+07:00$/);
    expect(mail!.text).toContain(`https://ctcm.example.la/referrals/${referral.body.id}`);
    expect(smtp.to(lwuCaseworker.email)).toEqual([]);
    // Nobody else is told of the referral. The VTC's staff were told of the pre-arrival notice
    // that announced her (codes and counts only), as the receiving agency.
    expect((await list(provincialCaseworker)).items).toEqual([]);
    expect((await list(vtcCaseworker)).items).toEqual([
      expect.objectContaining({
        kind: 'return_notice_received',
        caseId: null,
        caseNumber: null,
        params: expect.objectContaining({ peopleCount: 1, borderCrossingCode: 'FRIENDSHIP_BRIDGE_1' }),
      }),
    ]);
  });

  it('streams new notifications live (text/event-stream, heartbeats), and resumes after Last-Event-ID', async () => {
    const stream = await SseReader.open(`${base}/me/notifications/stream`, supervisorB.auth);
    expect(stream.status).toBe(200);
    expect(stream.type).toContain('text/event-stream');
    await stream.until((s) => s.text.includes(': heartbeat'), 'heartbeat');
    expect(stream.notifications()).toEqual([]);

    const version = (await d.http.get(`/cases/${caseId}`).set(vtcCaseworker.auth)).body.version;
    expectStatus(
      await d.http
        .post(`/cases/${caseId}/closure-request`)
        .set(vtcCaseworker.auth)
        .set('if-match', `"${version}"`)
        .send({ reason: 'goals_achieved' }),
      200,
      'closure request',
    );
    await stream.until((s) => s.notifications().length === 1, 'closure notification');
    const [pushed] = stream.notifications();
    expect(pushed).toMatchObject({
      kind: 'closure_requested',
      caseId,
      caseNumber,
      params: { reason: 'goals_achieved' },
    });
    expect(stream.text).toContain(`id: ${pushed!.id}\n`);
    stream.close();

    // Both supervisors were told; the caseworker who asked was not.
    await eventually(supervisorA, (items) => items.some((n) => n.kind === 'closure_requested'), 'closure');
    expect((await list(vtcCaseworker)).items.map((n) => n.kind)).toEqual(['return_notice_received']);

    // Reconnecting with the Last-Event-ID of the notification before it sends it again, and only it.
    const before = (await list(supervisorB)).items.find((n) => n.kind === 'return_notice_received')!;
    const resumed = await SseReader.open(`${base}/me/notifications/stream`, {
      ...supervisorB.auth,
      'last-event-id': before.id,
    });
    await resumed.until((s) => s.notifications().length === 1, 'resumed notification');
    await new Promise((r) => setTimeout(r, 500));
    expect(resumed.notifications().map((n) => n.id)).toEqual([pushed!.id]);
    resumed.close();

    // Without a token: 401, no stream. A malformed `after` is refused (problem+json), never streamed.
    expect((await fetch(`${base}/me/notifications/stream`)).status).toBe(401);
    for (const after of ['not-a-uuid', "1' OR '1'='1", '%00', 'x'.repeat(5000)]) {
      const refused = await fetch(`${base}/me/notifications/stream?after=${encodeURIComponent(after)}`, {
        headers: supervisorB.auth,
      });
      expect([after.slice(0, 20), refused.status, refused.headers.get('content-type')]).toEqual([
        after.slice(0, 20),
        400,
        expect.stringContaining('application/problem+json'),
      ]);
      expect(((await refused.json()) as { code: string }).code).toBe('VALIDATION_FAILED');
    }
    // A garbled Last-Event-ID is ignored: the stream opens and sends only what is new.
    const garbled = await SseReader.open(`${base}/me/notifications/stream`, {
      ...supervisorB.auth,
      'last-event-id': 'garbage-not-an-id',
    });
    expect(garbled.status).toBe(200);
    await garbled.until((s) => s.text.includes(': connected'), 'connected');
    expect(garbled.notifications()).toEqual([]);
    garbled.close();
  });

  it('break the glass: the lead agency’s supervisors are told at once, by every channel they chose', async () => {
    const broke = await d.http
      .post(`/cases/${caseId}/break-glass`)
      .set(atdOfficer.auth)
      .send({ reason: 'Urgent investigation of the recruiter network tonight' });
    expectStatus(broke, 201, 'break the glass');
    for (const supervisor of [supervisorA, supervisorB]) {
      const items = await eventually(supervisor, (ns) => ns.some((n) => n.kind === 'break_glass_used'), 'alert');
      expect(items.find((n) => n.kind === 'break_glass_used')).toMatchObject({
        eventType: 'case.break-glass',
        caseId,
        caseNumber,
        params: { byAgencyId: atdOfficer.agencyId, grantId: broke.body.id },
      });
    }
    const [alert] = await smtp.waitFor(supervisorA.email);
    expect(alert!.subject).toBe(`CTCM ${caseNumber}: emergency access (break the glass) used by another agency`);
    expect(alert!.text).toContain(`https://ctcm.example.la/cases/${caseId}/access-grants`);
    // B chose no e-mail; the caseworker is no supervisor; the officer who broke it is not told.
    expect(smtp.to(supervisorB.email)).toEqual([]);
    expect((await list(vtcCaseworker)).items.map((n) => n.kind)).toEqual(['return_notice_received']);
    expect((await list(atdOfficer)).items).toEqual([]);
  });

  it('keeps read marks: one, then all; unread filter and cursor pages; nobody marks another’s', async () => {
    const all = await list(supervisorB);
    expect(all.items.map((n) => n.kind)).toEqual(['break_glass_used', 'closure_requested', 'return_notice_received']);
    expect(all.unread).toBe(3);

    const page1 = await list(supervisorB, { limit: '2' });
    expect(page1.items.map((n) => n.kind)).toEqual(['break_glass_used', 'closure_requested']);
    const page2 = await list(supervisorB, { limit: '2', cursor: page1.nextCursor! });
    expect(page2.items.map((n) => n.kind)).toEqual(['return_notice_received']);
    expect(page2.nextCursor).toBeNull();

    const someoneElses = await d.http.post(`/me/notifications/${all.items[0]!.id}/read`).set(supervisorA.auth);
    expect(someoneElses.status).toBe(404);

    const read = await d.http.post(`/me/notifications/${all.items[1]!.id}/read`).set(supervisorB.auth);
    expectStatus(read, 200, 'mark read');
    expect(Date.parse(read.body.readAt)).not.toBeNaN();
    const unread = await list(supervisorB, { unread: 'true' });
    expect(unread.items.map((n) => n.kind)).toEqual(['break_glass_used', 'return_notice_received']);
    expect(unread.unread).toBe(2);

    const readAll = await d.http.post('/me/notifications/read-all').set(supervisorB.auth);
    expectStatus(readAll, 200, 'read all');
    expect(readAll.body).toEqual({ marked: 2 });
    expect((await list(supervisorB, { unread: 'true' })).items).toEqual([]);
    expect((await list(supervisorA, { unread: 'true' })).unread).toBe(3);
  });

  it('no notification, stream or e-mail carries a personal value; reads are audited with their ids', async () => {
    for (const actor of [supervisorA, supervisorB, lwuOfficer, lwuCaseworker]) {
      const text = JSON.stringify(await list(actor));
      for (const canary of CANARY_VALUES) expect(text).not.toContain(canary);
    }
    for (const m of smtp.messages) for (const canary of CANARY_VALUES) expect(m.raw).not.toContain(canary);
    const log = await d.accessLog(auditor, caseId);
    expect(log.some((r) => r.userId === supervisorB.id && r.route === '/me/notifications')).toBe(true);
    expect(log.some((r) => r.userId === supervisorB.id && r.route === '/me/notifications/stream')).toBe(true);
  });

  it('ends open streams cleanly when the application shuts down', async () => {
    const stream = await SseReader.open(`${base}/me/notifications/stream`, supervisorA.auth);
    await stream.until((s) => s.text.includes(': connected'), 'connected');
    closed = true;
    await d.close();
    await stream.until((s) => s.ended, 'end of stream');
    expect(stream.text).toContain('event: close\ndata: {"reason":"shutdown"}');
  });
});
