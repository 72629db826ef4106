import { CANARIES, CANARY_VALUES } from '../harness/canaries.js';
import { setClock } from '../harness/clock.js';
import { localToday } from '../harness/dates.js';
import { AGENCIES, type Actor, Deployment, expectStatus } from '../journeys/journey-kit.js';
import { SmtpCatcher } from './smtp-catcher.js';

/**
 * E-mail through a real SMTP server started here on loopback: test messages in the user's
 * language, retries after a refusal, and the daily digest at the configured local time. No
 * message may carry a personal value.
 */
describe('e-mail notifications over SMTP', () => {
  const smtp = new SmtpCatcher();
  let d: Deployment;
  let caseworker: Actor;
  let supervisor: Actor;
  let auditor: Actor;
  let caseId: string;
  let caseNumber: string;
  let restoreClock: (() => void) | undefined;

  const localInstant = (date: string, time: string) => new Date(`${date}T${time}:00+07:00`);
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const expectNoPersonalValue = (text: string) => {
    for (const canary of CANARY_VALUES) expect(text).not.toContain(canary);
  };

  beforeAll(async () => {
    await smtp.start();
    d = await Deployment.fresh({
      env: {
        SMTP_HOST: '127.0.0.1',
        SMTP_PORT: String(smtp.port),
        SMTP_SECURE: 'false',
        SMTP_FROM: 'CTCM <noreply@ctcm.test>',
        FRONTEND_BASE_URL: 'https://ctcm.example.la/',
        EMAIL_DIGEST_TIME: '07:00',
        EMAIL_DIGEST_CHECK_INTERVAL_MS: '200',
        EMAIL_RETRY_BASE_MS: '300',
        TIME_ZONE: 'Asia/Vientiane',
      },
    });
    const vtc = await d.agency(AGENCIES.vtc);
    const dsw = await d.agency(AGENCIES.dsw);
    caseworker = await d.staff(vtc, ['caseworker', 'screener']);
    supervisor = await d.staff(vtc, ['case_supervisor']);
    auditor = await d.staff(dsw, ['auditor']);
    ({ caseId } = await d.receiveReturnee(caseworker, {
      names: { givenNameLatin: CANARIES.givenNameLatin, familyNameLatin: CANARIES.familyNameLatin },
      gender: 'Feminine',
      birth: { precision: 'year', birthYear: 1998 },
      homeProvinceCode: 'LA-SV',
      contacts: [{ type: 'phone', value: CANARIES.phone }],
    }));
    caseNumber = (await d.http.get(`/cases/${caseId}`).set(caseworker.auth)).body.caseNumber;
  });
  afterAll(async () => {
    restoreClock?.();
    await d?.close();
    await smtp.stop();
  });

  it('says at start-up that e-mail is enabled, naming the server but no credential', async () => {
    const res = await d.http.get('/me/notification-preferences').set(caseworker.auth);
    expect(res.body.emailEnabled).toBe(true);
  });

  it('sends a test message in the user’s language (Lao by default), in the background', async () => {
    const queued = await d.http.post('/me/notification-preferences/test-email').set(caseworker.auth);
    expectStatus(queued, 202, 'queue a test message');
    expect(queued.body).toEqual({ id: expect.any(String), status: 'pending' });
    const [message] = await smtp.waitFor(caseworker.email);
    expect(message!.subject).toBe('CTCM: ຂໍ້ຄວາມທົດສອບ');
    expect(message!.text).toContain('CTCM ສາມາດສົ່ງອີເມວຫາທ່ານໄດ້');
    expect(message!.from).toBe('noreply@ctcm.test');
    expect(message!.messageId).toBe(`<${queued.body.id}@ctcm>`);
    expect(message!.headers.get('auto-submitted')).toBe('auto-generated');

    expectStatus(
      await d.http.put('/me/notification-preferences').set(supervisor.auth).send({ language: 'en', kinds: [] }),
      200,
      'English',
    );
    await d.http.post('/me/notification-preferences/test-email').set(supervisor.auth);
    const [english] = await smtp.waitFor(supervisor.email);
    expect(english!.subject).toBe('CTCM: test message');
  });

  it('retries a message the server refused for the moment, and sends it once', async () => {
    smtp.refuseNext(caseworker.email, 2);
    const before = smtp.to(caseworker.email).length;
    const attemptsBefore = smtp.attempts.get(caseworker.email.toLowerCase()) ?? 0;
    expectStatus(await d.http.post('/me/notification-preferences/test-email').set(caseworker.auth), 202, 'queue');
    await smtp.waitFor(caseworker.email, before + 1);
    expect(smtp.attempts.get(caseworker.email.toLowerCase())! - attemptsBefore).toBe(3);
    await sleep(1000);
    expect(smtp.to(caseworker.email)).toHaveLength(before + 1);
  });

  it('sends the daily digest after the configured local time, once a day, with case numbers and actions only', async () => {
    const today = localToday();
    restoreClock = setClock(d.t, localInstant(today, '06:58'));
    const version = (await d.http.get(`/cases/${caseId}`).set(caseworker.auth)).body.version;
    expectStatus(
      await d.http
        .post(`/cases/${caseId}/closure-request`)
        .set(caseworker.auth)
        .set('if-match', `"${version}"`)
        .send({ reason: 'goals_achieved' }),
      200,
      'closure request',
    );
    expectStatus(
      await d.http
        .put('/me/notification-preferences')
        .set(supervisor.auth)
        .send({
          language: 'en',
          kinds: [
            { kind: 'closure_requested', channels: ['in_app', 'email_digest'] },
            { kind: 'return_notice_received', channels: ['email_digest'] },
          ],
        }),
      200,
      'choose the digest',
    );
    const notice = await d.http.post('/return-notices').set(caseworker.auth).send({
      hostCountry: 'TH',
      hostAgency: 'MSDHS Thailand',
      hostReference: CANARIES.documentNumber,
      borderCrossingCode: 'FRIENDSHIP_BRIDGE_1',
      expectedOn: today,
      peopleCount: 2,
      childrenCount: 0,
    });
    expectStatus(notice, 201, 'notice');
    const received = smtp.to(supervisor.email).length;
    // Before 07:00 local time: no digest, however many rounds run.
    await sleep(1500);
    expect(smtp.to(supervisor.email)).toHaveLength(received);

    restoreClock();
    restoreClock = setClock(d.t, localInstant(today, '07:01'));
    const digest = (await smtp.waitFor(supervisor.email, received + 1)).at(-1)!;
    expect(digest.subject).toBe(`CTCM daily digest ${today}: 2 to do`);
    expect(digest.text).toContain('Closures to approve: 1');
    expect(digest.text).toContain(`- ${caseNumber}: decide on the closure request (goals_achieved)`);
    expect(digest.text).toContain(`Open: https://ctcm.example.la/cases/${caseId}`);
    expect(digest.text).toContain('Returnees expected: 1');
    expect(digest.text).toContain(`Notice ${notice.body.id}: 2 expected ${today} at FRIENDSHIP_BRIDGE_1`);
    expect(digest.text).toContain('Open: https://ctcm.example.la/me/tasks');
    // Sections the supervisor did not choose are left out.
    expect(digest.text).not.toContain('Referrals to answer');
    expectNoPersonalValue(digest.raw);
    expectNoPersonalValue(digest.text);
    expect(digest.text).not.toContain('MSDHS');

    // Once a day, whatever the number of rounds.
    await sleep(1500);
    expect(smtp.to(supervisor.email)).toHaveLength(received + 1);

    // The next morning, the next one.
    restoreClock();
    const tomorrow = new Date(localInstant(today, '07:02').getTime() + 86_400_000);
    restoreClock = setClock(d.t, tomorrow);
    await smtp.waitFor(supervisor.email, received + 2);
    restoreClock();
    restoreClock = undefined;
  });

  it('no message to anyone carries a personal value or a staff name', async () => {
    expect(smtp.messages.length).toBeGreaterThanOrEqual(5);
    for (const m of smtp.messages) {
      expectNoPersonalValue(m.raw);
      expect(m.raw).not.toMatch(/case_supervisor \d|caseworker screener \d/);
    }
  });

  it('records each sending in the audit trail, with the cases a digest named', async () => {
    const res = await d.http
      .get('/audit/events')
      .query({ resourceType: 'email_job', action: 'send', userId: supervisor.id })
      .set(auditor.auth);
    expectStatus(res, 200, 'audit events');
    const sent = res.body.items as { details: { template: string; caseIds?: string[] } | null }[];
    expect(sent.some((e) => e.details?.template === 'digest' && e.details.caseIds?.includes(caseId))).toBe(true);
    expect(sent.some((e) => e.details?.template === 'test')).toBe(true);
  });
});
