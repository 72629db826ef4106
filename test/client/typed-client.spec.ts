import type { AddressInfo } from 'node:net';
import {
  type components,
  CtcmClient,
  collect,
  NotFoundProblem,
  paginate,
  PreconditionRequiredProblem,
  StaleRecordProblem,
  ValidationProblem,
} from '../../clients/typescript/src/index.js';
import { CONSENT_ITEMS } from '../../src/reference-data/data/code-lists.js';
import { BOOTSTRAP_ADMIN, Deployment } from '../journeys/journey-kit.js';

type ConsentItem = components['schemas']['ConsentItem'];

/** The password each staff member chooses at first sign-in (several words, nothing from the address). */
const passphraseOf = (email: string) => `river lantern ${email.length} orchid morning bridge`;

/**
 * The typed client (clients/typescript) against a real API, from an empty deployment: everything
 * is set up through the client itself, as a partner front-end would, and each of its hand-written
 * duties (sign-in and refresh, If-Match, Idempotency-Key, typed errors, pagination) is checked on
 * what the server actually answered.
 */
describe('typed client: a partner front-end drives the API through clients/typescript', () => {
  let d: Deployment;
  let baseUrl: string;
  /** Every request the clients sent, as the server received it (method, path, headers). */
  const sent: { method: string; path: string; headers: Headers }[] = [];
  const recordingFetch = (request: Request) => {
    sent.push({ method: request.method, path: new URL(request.url).pathname, headers: new Headers(request.headers) });
    return fetch(request);
  };
  const client = () => new CtcmClient({ baseUrl, fetch: recordingFetch });

  let admin: CtcmClient;
  let police: CtcmClient;
  let province: CtcmClient;
  let policeAgencyId: string;
  let provinceAgencyId: string;
  let policeCaseworkerId: string;
  let personId: string;
  let caseId: string;
  let referralId: string;

  /** A staff member created by the administrator, who signs in with the one-time password and chooses their own. */
  const staff = async (agencyId: string, email: string): Promise<{ client: CtcmClient; id: string }> => {
    const created = await admin.unwrap(
      admin.api.POST('/users', { body: { agencyId, email, displayName: email, roles: ['caseworker'] } }),
    );
    const c = client();
    const first = await c.signIn(email, created.oneTimePassword);
    expect('mustChangePassword' in first && first.mustChangePassword).toBe(true);
    await c.changePassword(created.oneTimePassword, passphraseOf(email));
    const me = await c.unwrap(c.api.GET('/auth/me'));
    expect(me.email).toBe(email);
    return { client: c, id: created.id };
  };

  beforeAll(async () => {
    d = await Deployment.fresh();
    const server = d.t.app.getHttpServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    admin = client();
    await admin.signIn(BOOTSTRAP_ADMIN.email, BOOTSTRAP_ADMIN.password);
    policeAgencyId = (
      await admin.unwrap(
        admin.api.POST('/agencies', {
          body: {
            code: 'MOPS-ATD-SV',
            nameEn: 'Savannakhet Provincial Anti-Trafficking Division',
            htcdsOrgType: 'LawEnforcement',
            localType: 'police_anti_trafficking_unit',
            provinceCode: 'LA-SV',
          },
        }),
      )
    ).id;
    provinceAgencyId = (
      await admin.unwrap(
        admin.api.POST('/agencies', {
          body: {
            code: 'PLSW-SV',
            nameEn: 'Savannakhet Provincial Labour and Social Welfare Office',
            htcdsOrgType: 'LocalGovernmentOrganisation',
            localType: 'government_department',
            provinceCode: 'LA-SV',
          },
        }),
      )
    ).id;
    const policeCaseworker = await staff(policeAgencyId, 'caseworker@mops-atd-sv.client.la');
    police = policeCaseworker.client;
    policeCaseworkerId = policeCaseworker.id;
    province = (await staff(provinceAgencyId, 'caseworker@plsw-sv.client.la')).client;
  });
  afterAll(() => d.close());

  it('registers a person: every create carries an Idempotency-Key, and a retry with the same key creates nothing new', async () => {
    const body = {
      names: { givenNameLatin: 'Khanthaly', familyNameLatin: 'Vongsa' },
      gender: 'Feminine' as const,
      birth: { precision: 'year' as const, birthYear: 2004 },
      homeProvinceCode: 'LA-SV' as const,
    };
    const { data, response } = await police.api.POST('/persons', { body });
    expect(response.status).toBe(201);
    personId = data!.id;
    const key = sent.findLast((r) => r.method === 'POST' && r.path === '/persons')?.headers.get('idempotency-key');
    expect(key).toMatch(/^[0-9a-f-]{36}$/);

    // The front-end retries the same creation (say, after a timeout) with the key it used.
    const again = await police.api.POST('/persons', { body, headers: { 'Idempotency-Key': key! } });
    expect({ status: again.response.status, id: again.data?.id }).toEqual({ status: 201, id: personId });
    expect(again.response.headers.get('idempotency-replayed')).toBe('true');
    // Every POST the clients sent to a route that honours the key carried one.
    const creates = sent.filter((r) => r.method === 'POST' && !r.path.startsWith('/auth/'));
    expect(creates.length).toBeGreaterThan(3);
    expect(creates.filter((r) => !r.headers.get('idempotency-key')).map((r) => r.path)).toEqual([]);
  });

  it('records a screening and opens a case for the person', async () => {
    const consent: ConsentItem[] = CONSENT_ITEMS.map((item) => ({
      item: item as ConsentItem['item'],
      decision: 'given',
      givenBy: 'person',
    }));
    const screening = await police.unwrap(
      police.api.POST('/screenings', {
        body: {
          personId,
          profile: 'adult_labour',
          conductedAt: new Date(Date.now() - 3600_000).toISOString(),
          place: { type: 'province', provinceCode: 'LA-SV' },
          interviewLanguage: 'lao',
          consent,
          exitMode: 'rescue',
          answers: [
            { indicatorCode: 'AL.D1.01', answer: 'yes' },
            { indicatorCode: 'AL.D4.01', answer: 'yes' },
          ],
        },
      }),
    );
    expect(screening.personId).toBe(personId);
    const opened = await police.unwrap(
      police.api.POST('/cases', {
        body: { personId, assignedCaseworkerId: policeCaseworkerId, exploitationTypes: ['ForcedLabour'] },
      }),
    );
    caseId = opened.id;
    expect(opened.caseNumber).toMatch(/^SV-\d{4}-\d{6}$/);
    expect(police.etagOf(caseId)).toBe(`"${opened.version}"`);
  });

  it('sends If-Match from the last read ETag: 412 after a concurrent change, 428 when never read', async () => {
    // The create's ETag is enough: no If-Match written by hand.
    const updated = await police.unwrap(
      police.api.PATCH('/cases/{id}', { params: { path: { id: caseId } }, body: { provinceCode: 'LA-SV' } }),
    );
    expect(police.etagOf(caseId)).toBe(`"${updated.version}"`);

    // Another tab of the same caseworker changes the case after reading it.
    const otherTab = new CtcmClient({ baseUrl, session: police.currentSession });
    await otherTab.unwrap(otherTab.api.GET('/cases/{id}', { params: { path: { id: caseId } } }));
    await otherTab.unwrap(
      otherTab.api.PATCH('/cases/{id}', {
        params: { path: { id: caseId } },
        body: { exploitationTypes: ['ForcedLabour', 'Servitude'] },
      }),
    );

    const stale = await police
      .unwrap(police.api.PATCH('/cases/{id}', { params: { path: { id: caseId } }, body: { provinceCode: 'LA-SV' } }))
      .catch((e: unknown) => e);
    expect(stale).toBeInstanceOf(StaleRecordProblem);
    expect(stale).toMatchObject({ status: 412, code: 'PRECONDITION_FAILED' });

    // Read again, then the same change goes through.
    await police.unwrap(police.api.GET('/cases/{id}', { params: { path: { id: caseId } } }));
    await police.unwrap(
      police.api.PATCH('/cases/{id}', { params: { path: { id: caseId } }, body: { provinceCode: 'LA-SV' } }),
    );

    const neverRead = new CtcmClient({ baseUrl, session: police.currentSession });
    const required = await neverRead
      .unwrap(neverRead.api.PATCH('/cases/{id}', { params: { path: { id: caseId } }, body: { provinceCode: 'LA-SV' } }))
      .catch((e: unknown) => e);
    expect(required).toBeInstanceOf(PreconditionRequiredProblem);
    expect(required).toMatchObject({ status: 428, code: 'PRECONDITION_REQUIRED' });
  });

  it('gives consent and sends a referral, which the receiving agency reads in its inbox', async () => {
    const today = d.today();
    await police.unwrap(
      police.api.POST('/cases/{id}/consents', {
        params: { path: { id: caseId } },
        body: {
          purposes: ['assistance', 'sharing_for_referral', 'follow_up_contact'],
          coveredAgencyIds: [provinceAgencyId],
          givenBy: 'person',
          method: 'written',
          givenOn: today,
        },
      }),
    );
    const referral = await police.unwrap(
      police.api.POST('/cases/{id}/referrals', {
        params: { path: { id: caseId } },
        body: { toAgencyId: provinceAgencyId, purpose: 'reintegration', urgency: 'high' },
      }),
    );
    referralId = referral.id;
    const inbox = await province.unwrap(province.api.GET('/referrals/inbox'));
    expect(inbox.map((r) => r.id)).toContain(referralId);
    // The inbox gave the receiver the referral's version: accepting needs no If-Match by hand.
    const accepted = await province.unwrap(
      province.api.POST('/referrals/{id}/accept', { params: { path: { id: referralId } } }),
    );
    expect(accepted.status).toBe('accepted');
  });

  it('answers errors as typed exceptions carrying the stable code, the status and the request id', async () => {
    const missing = await police
      .unwrap(
        police.api.GET('/cases/{id}', {
          params: { path: { id: '01a00000-0000-7000-8000-00000000abcd' } },
          headers: { 'X-Request-Id': 'partner-trace-0001' },
        }),
      )
      .catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(NotFoundProblem);
    expect(missing).toMatchObject({ status: 404, code: 'NOT_FOUND', requestId: 'partner-trace-0001' });

    const invalid = await police
      .unwrap(
        police.api.POST('/persons', {
          body: { gender: 'Feminine', names: {}, birth: { precision: 'exact' } } as never,
        }),
      )
      .catch((e: unknown) => e);
    expect(invalid).toBeInstanceOf(ValidationProblem);
    expect(invalid).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
    expect((invalid as ValidationProblem).fieldErrors.length).toBeGreaterThan(0);
    expect((invalid as ValidationProblem).requestId).toEqual(expect.any(String));
  });

  it('pages through a cursor list with an async iterator', async () => {
    for (let i = 0; i < 2; i++)
      await police.unwrap(police.api.POST('/cases', { body: { personId, assignedCaseworkerId: policeCaseworkerId } }));
    const pages: (string | undefined)[] = [];
    const all = await collect(
      paginate((cursor) => {
        pages.push(cursor);
        return police.unwrap(police.api.GET('/cases', { params: { query: { personId, limit: 1, cursor } } }));
      }),
    );
    expect(new Set(all.map((c) => c.id)).size).toBe(3);
    expect(all.map((c) => c.id)).toContain(caseId);
    expect(pages.length).toBeGreaterThanOrEqual(3);
    expect(pages[0]).toBeUndefined();
  });

  it('refreshes the session once when the access token is refused, and before it expires', async () => {
    const c = client();
    await c.signIn('caseworker@plsw-sv.client.la', passphraseOf('caseworker@plsw-sv.client.la'));
    const signedIn = c.currentSession!;
    // A token the server refuses (as after expiry): one refresh, then the request succeeds.
    const resumed = new CtcmClient({
      baseUrl,
      fetch: recordingFetch,
      session: { ...signedIn, accessToken: 'not-a-valid-token' },
    });
    const me = await resumed.unwrap(resumed.api.GET('/auth/me'));
    expect(me.email).toBe('caseworker@plsw-sv.client.la');
    expect(resumed.currentSession!.refreshToken).not.toBe(signedIn.refreshToken);

    // About to expire: refreshed before the request leaves.
    const before = sent.length;
    const dying = new CtcmClient({
      baseUrl,
      fetch: recordingFetch,
      session: { ...resumed.currentSession!, accessTokenExpiresAt: Date.now() },
    });
    await dying.unwrap(dying.api.GET('/auth/me'));
    expect(sent.slice(before).map((r) => r.path)).toEqual(['/auth/refresh', '/auth/me']);

    // The used refresh token no longer works: the session ends and the caller signs in again.
    const replayed = new CtcmClient({ baseUrl, session: { ...signedIn, accessToken: 'not-a-valid-token' } });
    await expect(replayed.unwrap(replayed.api.GET('/auth/me'))).rejects.toMatchObject({ status: 401 });
    expect(replayed.currentSession).toBeUndefined();
  });
});
