import { pino } from 'pino';
import type { Role } from '../../src/auth/permissions.js';
import { CONSENT_ITEMS } from '../../src/reference-data/data/code-lists.js';
import { ensureBootstrapAdmin } from '../../src/users/bootstrap-admin.js';
import { Clock } from '../../src/common/clock.js';
import { daysAhead, setClock } from '../harness/clock.js';
import { startTestApp, type TestApp, type TestAppOptions } from '../harness/test-app.js';

/**
 * The journey tier: whole stories from an empty deployment, through HTTP only. The only given
 * is the bootstrap administrator, created by the same start-up code `npm start` runs; every
 * agency, user, facility and record after that is created over the API, as agencies would.
 */

export const BOOTSTRAP_ADMIN = { email: 'admin@ctcm.journey.la', password: 'journeys start from nothing 2026' };

export interface Actor {
  id: string;
  email: string;
  agencyId: string;
  roles: Role[];
  auth: { authorization: string };
}

export interface Agency {
  id: string;
  code: string;
}

export type CaseView = 'full' | 'limited' | 'none';

export interface AccessLogRow {
  userId: string | null;
  agencyId: string | null;
  route: string | null;
  category: string;
  action: string;
  outcome: string;
  count: number;
}

const quiet = pino({ enabled: false });
let userSequence = 0;

export class Deployment {
  private constructor(
    readonly t: TestApp,
    readonly admin: Actor,
  ) {}

  get http() {
    return this.t.http;
  }

  /** Today as the API counts it (its clock, in the deployment's time zone). */
  today(): string {
    return this.t.app.get(Clock).today();
  }

  /** Moves the API's clock `days` ahead (follow-ups falling due); returns the function that puts it back. */
  advanceClock(days: number): () => void {
    return setClock(this.t, daysAhead(days));
  }

  /**
   * A returnee announced by a host country's pre-arrival notice and received at the VTC: the
   * person is registered and the arrival opens the VTC's case. The one place the journeys use the
   * returns API, so a change of its shape is made here once.
   */
  async receiveReturnee(
    vtcStaff: Actor,
    person: Record<string, unknown>,
  ): Promise<{ caseId: string; personId: string }> {
    const notice = await this.http.post('/return-notices').set(vtcStaff.auth).send({
      hostCountry: 'TH',
      hostAgency: 'MSDHS Thailand',
      hostReference: 'TH-REF-2026-0815',
      borderCrossingCode: 'FRIENDSHIP_BRIDGE_1',
      expectedOn: this.today(),
      peopleCount: 1,
      childrenCount: 0,
    });
    expectStatus(notice, 201, 'pre-arrival notice');
    const registered = await this.http.post('/persons').set(vtcStaff.auth).send(person);
    expectStatus(registered, 201, 'register the returnee');
    const arrival = notice.body.arrivals[0];
    const arrived = await this.http
      .post(`/expected-arrivals/${arrival.id}/arrival`)
      .set(vtcStaff.auth)
      .set('if-match', `"${arrival.version}"`)
      .send({ personId: registered.body.id });
    expectStatus(arrived, 201, 'arrival at the VTC');
    return { caseId: arrived.body.id, personId: registered.body.id };
  }

  /** Moves a case through stages, as its caseworker, returning the final version. */
  async moveCase(actor: Actor, caseId: string, stages: string[]): Promise<number> {
    let version = (await this.http.get(`/cases/${caseId}`).set(actor.auth)).body.version as number;
    for (const to of stages) {
      const res = await this.http
        .post(`/cases/${caseId}/transitions`)
        .set(actor.auth)
        .set('if-match', `"${version}"`)
        .send({ to });
      expectStatus(res, 200, `move the case to ${to}`);
      version = res.body.version;
    }
    return version;
  }

  /** An empty deployment (a freshly cloned, migrated database) with its bootstrap administrator signed in. */
  static async fresh(options: TestAppOptions = {}): Promise<Deployment> {
    const t = await startTestApp(options);
    await ensureBootstrapAdmin(
      t.config.database.url!,
      { ...t.config, bootstrapAdmin: { email: BOOTSTRAP_ADMIN.email, password: BOOTSTRAP_ADMIN.password } },
      quiet,
    );
    const login = await t.http.post('/auth/login').send(BOOTSTRAP_ADMIN);
    if (login.status !== 200) throw new Error(`bootstrap admin login: ${login.status} ${JSON.stringify(login.body)}`);
    const me = await t.http.get('/auth/me').set({ authorization: `Bearer ${login.body.accessToken}` });
    return new Deployment(t, {
      id: me.body.id,
      email: BOOTSTRAP_ADMIN.email,
      agencyId: me.body.agency.id,
      roles: ['system_admin'],
      auth: { authorization: `Bearer ${login.body.accessToken}` },
    });
  }

  close(): Promise<void> {
    return this.t.close();
  }

  /** POST /agencies as the system administrator. */
  async agency(body: {
    code: string;
    nameEn: string;
    htcdsOrgType: string;
    localType: string;
    provinceCode: string;
    formalIdentificationAuthority?: boolean;
  }): Promise<Agency> {
    const res = await this.http.post('/agencies').set(this.admin.auth).send(body);
    expectStatus(res, 201, `create agency ${body.code}`);
    return { id: res.body.id, code: res.body.code };
  }

  /**
   * A staff member, as it happens in production: the system administrator creates the account
   * (one-time password), the person signs in and chooses their own password.
   */
  async staff(agency: Agency, roles: Role[]): Promise<Actor> {
    userSequence += 1;
    const email = `${roles.join('-').replaceAll('_', '-')}-${userSequence}@${agency.code.toLowerCase()}.journey.la`;
    const created = await this.http
      .post('/users')
      .set(this.admin.auth)
      .send({ agencyId: agency.id, email, displayName: `${roles.join(' ')} ${userSequence}`, roles });
    expectStatus(created, 201, `create user ${email}`);
    const first = await this.http.post('/auth/login').send({ email, password: created.body.oneTimePassword });
    expectStatus(first, 200, `first login ${email}`);
    const password = `my own passphrase number ${userSequence} for ${agency.code}`;
    const changed = await this.http
      .post('/auth/password')
      .set({ authorization: `Bearer ${first.body.accessToken}` })
      .send({ currentPassword: created.body.oneTimePassword, newPassword: password });
    expectStatus(changed, 200, `password change ${email}`);
    return {
      id: created.body.id,
      email,
      agencyId: agency.id,
      roles,
      auth: { authorization: `Bearer ${changed.body.accessToken}` },
    };
  }

  /** POST /facilities as the system administrator. */
  async facility(agency: Agency, body: Record<string, unknown>): Promise<string> {
    const res = await this.http
      .post('/facilities')
      .set(this.admin.auth)
      .send({ agencyId: agency.id, ...body });
    expectStatus(res, 201, `create facility ${String(body.code)}`);
    return res.body.id;
  }

  /** How an actor sees a case: by reading it, and by finding it in their list of the person's cases. */
  async viewOf(actor: Actor, caseId: string): Promise<CaseView> {
    const res = await this.http.get(`/cases/${caseId}`).set(actor.auth);
    if (res.status === 404) return 'none';
    expectStatus(res, 200, `read case as ${actor.email}`);
    return res.body.view;
  }

  /** Asserts what every named actor sees of the case at this step (404 exactly like a missing case for 'none'). */
  async expectViews(caseId: string, expected: [Actor, CaseView][]): Promise<void> {
    const seen: [string, CaseView][] = [];
    for (const [actor] of expected) seen.push([actor.email, await this.viewOf(actor, caseId)]);
    expect(seen).toEqual(expected.map(([actor, view]) => [actor.email, view]));
  }

  /** The auditor's case access log. */
  async accessLog(auditor: Actor, caseId: string): Promise<AccessLogRow[]> {
    const res = await this.http.get(`/audit/cases/${caseId}/access`).set(auditor.auth);
    expectStatus(res, 200, 'read the case access log');
    return res.body;
  }

  /** Asserts the access log holds each actor's allowed uses of the given routes (reads and writes). */
  async expectLogged(
    auditor: Actor,
    caseId: string,
    expected: { actor: Actor; route: string; method?: string; outcome?: string }[],
  ): Promise<AccessLogRow[]> {
    const log = await this.accessLog(auditor, caseId);
    for (const e of expected) {
      const hit = log.find(
        (r) => r.userId === e.actor.id && r.route === e.route && r.outcome === (e.outcome ?? 'allowed'),
      );
      expect({ ...pick(e), found: Boolean(hit) }).toEqual({ ...pick(e), found: true });
    }
    return log;
  }
}

const pick = (e: { actor: Actor; route: string; outcome?: string }) => ({
  who: e.actor.email,
  route: e.route,
  outcome: e.outcome ?? 'allowed',
});

export function expectStatus(res: { status: number; body: unknown }, status: number, what: string): void {
  if (res.status !== status)
    throw new Error(`${what}: expected ${status}, got ${res.status} ${JSON.stringify(res.body)}`);
}

/** The agencies of the Lao counter-trafficking system that the journeys involve (DOMAIN.md §3). */
export const AGENCIES = {
  dsw: {
    code: 'MLSW-DSW',
    nameEn: 'MLSW Department of Social Welfare',
    htcdsOrgType: 'CentralGovernmentOrganisation',
    localType: 'government_department',
    provinceCode: 'LA-VT',
  },
  vtc: {
    code: 'MLSW-VTC',
    nameEn: 'Vientiane Transit Centre',
    htcdsOrgType: 'CentralGovernmentOrganisation',
    localType: 'transit_centre',
    provinceCode: 'LA-VT',
  },
  atd: {
    code: 'MOPS-ATD',
    nameEn: 'MOPS Anti-Trafficking Department',
    htcdsOrgType: 'LawEnforcement',
    localType: 'police_anti_trafficking_unit',
    provinceCode: 'LA-VT',
    formalIdentificationAuthority: true,
  },
  atdSavannakhet: {
    code: 'MOPS-ATD-SV',
    nameEn: 'Savannakhet Provincial Anti-Trafficking Division',
    htcdsOrgType: 'LawEnforcement',
    localType: 'police_anti_trafficking_unit',
    provinceCode: 'LA-SV',
  },
  lwu: {
    code: 'LWU-CPC',
    nameEn: 'LWU Counselling and Protection Centre for Women and Children',
    htcdsOrgType: 'NGO',
    localType: 'mass_organisation',
    provinceCode: 'LA-VT',
  },
  plswSavannakhet: {
    code: 'PLSW-SV',
    nameEn: 'Savannakhet Provincial Labour and Social Welfare Office',
    htcdsOrgType: 'LocalGovernmentOrganisation',
    localType: 'government_department',
    provinceCode: 'LA-SV',
  },
  plswChampasak: {
    code: 'PLSW-CH',
    nameEn: 'Champasak Provincial Labour and Social Welfare Office',
    htcdsOrgType: 'LocalGovernmentOrganisation',
    localType: 'government_department',
    provinceCode: 'LA-CH',
  },
} as const;

/** The screening body used by the journeys (adult labour profile unless overridden). */
export function interview(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    profile: 'adult_labour',
    conductedAt: new Date(Date.now() - 3600_000).toISOString(),
    place: { type: 'border_crossing', borderCrossingCode: 'FRIENDSHIP_BRIDGE_1' },
    interviewLanguage: 'lao',
    interpreter: { used: false },
    consent: CONSENT_ALL_GIVEN('person'),
    exitMode: 'deportation',
    immediateNeeds: ['medical', 'shelter'],
    risks: ['debt'],
    ...overrides,
  };
}

export const CONSENT_ALL_GIVEN = (givenBy: 'person' | 'guardian') =>
  CONSENT_ITEMS.map((item) => ({ item, decision: 'given', givenBy }));
