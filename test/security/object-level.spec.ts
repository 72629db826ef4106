import { localToday } from '../harness/dates.js';
import { randomUUID } from 'node:crypto';
import { ROLES } from '../../src/auth/permissions.js';
import { listRoutes, type RouteInfo } from '../../src/common/http/route-inventory.js';
import { given, type Session } from '../harness/given.js';
import { screeningBody, VICTIM_ANSWERS } from '../harness/screening-fixtures.js';
import { tableCounts } from '../harness/table-counts.js';
import { startTestApp, type TestApp } from '../harness/test-app.js';

/** What an open referral lets the receiving agency reach of the referring agency's records (all else answers as missing). */
const RECEIVER_REACHES: string[] = [
  // The limited view of the case and the person (no interview, documents, contacts or address).
  'GET /cases/{id} 200',
  'GET /persons/{id} 200',
  // Lists filtered to what the receiving agency itself recorded or received (empty here, but not 404).
  'GET /cases/{id}/follow-ups 200',
  'GET /cases/{id}/notes 200',
  'GET /cases/{id}/placements 200',
  'GET /cases/{id}/referrals 200',
  'GET /cases/{id}/services 200',
  // Its own notes and the services it gives.
  'POST /cases/{id}/notes 201',
  'POST /cases/{id}/services 201',
  // The referral it received: read and answer; not the sender's actions.
  'GET /referrals/{id} 200',
  'POST /referrals/{id}/accept 200',
  'POST /referrals/{id}/cancel 412',
  'POST /referrals/{id}/complete 412',
  'POST /referrals/{id}/withdraw 403',
];

const today = localToday;

/**
 * Broken object-level authorisation, generated over every route with an id in its path: an
 * agency holding every casework role sends another agency's ids and random ids, and must not be
 * able to tell them apart (same status, same code), nor change anything. Directory records
 * (agencies, facilities) are readable by all staff by design and are only checked for writes.
 */
describe("object level: another agency's ids in paths and bodies", () => {
  let t: TestApp;
  let outsider: Session;
  let receiverStaff: Session;
  const owned: Record<string, string> = {};
  let outsiderFacility: string;
  let outsiderCase: string;
  let outsiderScreening: string;
  let outsiderPerson: string;
  let routes: RouteInfo[];

  beforeAll(async () => {
    t = await startTestApp();
    const g = given(t);
    const owner = await g.agency();
    const receiver = await g.agency();
    const other = await g.agency();
    const staffRoles = ROLES.filter((r) => !['system_admin', 'auditor', 'analyst'].includes(r));
    const a = await g.quickSession(await g.user(owner, [...staffRoles]));
    outsider = await g.quickSession(await g.user(other, [...staffRoles]));
    receiverStaff = await g.quickSession(await g.user(receiver, [...staffRoles]));
    const ok = <T extends { status: number; body: { id: string } }>(res: T, what: string): string => {
      if (res.status !== 201) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body.id;
    };

    owned.person = ok(
      await t.http
        .post('/persons')
        .set(a.auth)
        .send({ names: { givenNameLatin: 'Owned' }, gender: 'Feminine' }),
      'person',
    );
    owned.screening = ok(
      await t.http
        .post('/screenings')
        .set(a.auth)
        .send(screeningBody({ personId: owned.person, answers: VICTIM_ANSWERS })),
      'screening',
    );
    owned.case = ok(await t.http.post('/cases').set(a.auth).send({ personId: owned.person }), 'case');
    owned.consent = ok(
      await t.http
        .post(`/cases/${owned.case}/consents`)
        .set(a.auth)
        .send({
          purposes: ['assistance', 'sharing_for_referral'],
          coveredAgencyIds: [receiver.id],
          givenBy: 'person',
          method: 'written',
          givenOn: today(),
        }),
      'consent',
    );
    owned.note = ok(await t.http.post(`/cases/${owned.case}/notes`).set(a.auth).send({ text: 'owned note' }), 'note');
    owned.plan = ok(
      await t.http
        .post(`/cases/${owned.case}/support-plans`)
        .set(a.auth)
        .send({ type: 'Health', objectives: 'Safe housing and health care' }),
      'support plan',
    );
    owned.referral = ok(
      await t.http
        .post(`/cases/${owned.case}/referrals`)
        .set(a.auth)
        .send({ toAgencyId: receiver.id, purpose: 'medical', urgency: 'normal' }),
      'referral',
    );
    owned.facility = ok(
      await t.http
        .post('/facilities')
        .set(a.auth)
        .send({
          agencyId: owner.id,
          code: 'OWNED-1',
          nameEn: 'Owned shelter',
          kind: 'shelter',
          provinceCode: 'LA-VT',
          acceptsGenders: ['Feminine'],
          bedCapacity: 5,
        }),
      'facility',
    );
    owned.placement = ok(
      await t.http
        .post(`/facilities/${owned.facility}/admissions`)
        .set(a.auth)
        .send({ caseId: owned.case, admittedOn: today() }),
      'placement',
    );
    owned.followUp =
      (await t.http.post(`/cases/${owned.case}/follow-ups`).set(a.auth).send({ fromDate: today(), agencyId: owner.id }))
        .body?.[0]?.id ?? randomUUID();
    owned.user = a.user.id;

    outsiderFacility = ok(
      await t.http
        .post('/facilities')
        .set(outsider.auth)
        .send({
          agencyId: other.id,
          code: 'OTHER-1',
          nameEn: 'Other shelter',
          kind: 'shelter',
          provinceCode: 'LA-VT',
          acceptsGenders: ['Feminine'],
          bedCapacity: 5,
        }),
      'outsider facility',
    );
    outsiderPerson = ok(
      await t.http
        .post('/persons')
        .set(outsider.auth)
        .send({ names: { givenNameLatin: 'Outsider' }, gender: 'Feminine', confirmNotDuplicate: true }),
      'outsider person',
    );
    outsiderCase = ok(
      await t.http.post('/cases').set(outsider.auth).send({ personId: outsiderPerson }),
      'outsider case',
    );
    outsiderScreening = ok(
      await t.http
        .post('/screenings')
        .set(outsider.auth)
        .send(screeningBody({ personId: outsiderPerson, answers: VICTIM_ANSWERS })),
      'outsider screening',
    );
    routes = listRoutes(t.app).filter(
      (r) => r.path.includes('/{') && !r.path.startsWith('/reference') && !r.path.startsWith('/screening-catalogues'),
    );
  });
  afterAll(() => t.close());

  /** The owned record a path parameter names, by the collection it follows. */
  const idFor = (path: string, param: string): string | undefined => {
    const segments = path.split('/');
    const collection = segments[segments.indexOf(`{${param}}`) - 1] ?? '';
    const kinds: Record<string, string> = {
      persons: 'person',
      screenings: 'screening',
      cases: 'case',
      referrals: 'referral',
      facilities: 'facility',
      placements: 'placement',
      users: 'user',
      consents: 'consent',
      notes: 'note',
      'support-plans': 'plan',
      'follow-ups': 'followUp',
    };
    if (path.startsWith('/audit/cases')) return owned.case;
    return kinds[collection] ? owned[kinds[collection]] : undefined;
  };

  /** Bodies that pass validation, so writes reach the record lookup rather than stop at a 400. */
  const bodyFor = (route: RouteInfo): Record<string, unknown> => {
    const byRoute: Record<string, Record<string, unknown>> = {
      'POST /cases/{id}/notes': { text: 'written by another agency' },
      'POST /cases/{id}/notes/{recordId}/corrections': { text: 'corrected by another agency' },
      'POST /cases/{id}/services': { serviceType: 'medical', deliveredOn: today(), outcome: 'completed' },
      'POST /cases/{id}/consents': {
        purposes: ['assistance'],
        coveredAgencyIds: [],
        givenBy: 'person',
        method: 'written',
        givenOn: today(),
      },
      'POST /cases/{id}/consents/{recordId}/withdraw': { withdrawnOn: today() },
      'POST /cases/{id}/support-plans': { type: 'Health', objectives: 'Taken over' },
      'POST /cases/{id}/assessments': { kind: 'individual', assessedOn: today(), riskLevel: 'low' },
      'POST /cases/{id}/referrals': { toAgencyId: owned.user, purpose: 'medical', urgency: 'normal' },
      'POST /referrals/{id}/complete': { reason: 'family_traced' },
      'POST /placements/{id}/discharge': { dischargedOn: today(), destination: 'home', reason: 'returned_home' },
      'POST /facilities/{id}/admissions': { caseId: outsiderCase, admittedOn: today() },
      'POST /cases/{id}/follow-ups/{recordId}/cancel': { reason: 'other' },
      'POST /cases/{id}/follow-ups/{recordId}/reschedule': { dueOn: today(), reason: 'other' },
    };
    return byRoute[`${route.method} ${route.path}`] ?? {};
  };

  interface Probe {
    route: string;
    directory: boolean;
    real: { status: number; code?: string };
    missing: { status: number; code?: string };
  }

  /** Every route with an id, called by `who` with the owner's ids and with random ones. */
  const probe = async (who: Session): Promise<Probe[]> => {
    const results: Probe[] = [];
    for (const route of routes) {
      const params = [...route.path.matchAll(/\{([A-Za-z]+)\}/g)].map((m) => m[1]!);
      if (!params.every((p) => idFor(route.path, p))) continue;
      const send = async (ids: (p: string) => string) => {
        const path = params.reduce((acc, p) => acc.replace(`{${p}}`, ids(p)), route.path);
        const method = route.method.toLowerCase() as 'get' | 'post' | 'patch' | 'put' | 'delete';
        let req = t.http[method](path).set(who.auth).set('if-match', '"1"');
        if (route.method !== 'GET') req = req.send(bodyFor(route));
        const res = await req;
        return { status: res.status, code: res.body?.code as string | undefined };
      };
      const directory =
        /^\/(agencies|facilities)\/\{id\}$/.test(route.path) || route.path === '/facilities/{id}/admissions';
      results.push({
        route: `${route.method} ${route.path}`,
        directory,
        real: await send((p) => idFor(route.path, p)!),
        missing: await send(() => randomUUID()),
      });
    }
    return results;
  };

  it("cannot tell another agency's records from missing ones, on any route", async () => {
    const before = await tableCounts(t);
    const results = await probe(outsider);
    const differences: string[] = [];
    for (const { route, directory, real, missing } of results) {
      if (directory) {
        if (!route.startsWith('GET') && ![403, 404].includes(real.status))
          differences.push(`${route}: ${real.status} on a directory record of another agency`);
      } else if (real.status !== missing.status || real.code !== missing.code) {
        differences.push(
          `${route}: ${real.status} ${real.code} for another agency's record, ${missing.status} ${missing.code} for a missing one`,
        );
      }
    }
    expect(differences).toEqual([]);
    // Most routes must have reached the lookup (not stopped at validation) for this to prove anything.
    expect(results.filter((r) => r.real.status === 404).length).toBeGreaterThan(results.length / 2);
    expect(await tableCounts(t)).toEqual(before);
  });

  it('shows the agency receiving a referral only what the limited view allows', async () => {
    const results = await probe(receiverStaff);
    const reached = results
      .filter((r) => !r.directory && (r.real.status !== r.missing.status || r.real.code !== r.missing.code))
      .map((r) => `${r.route} ${r.real.status}`);
    expect(reached.sort()).toEqual([...RECEIVER_REACHES].sort());
    // The lists it reaches hold only what concerns the receiving agency.
    for (const list of ['notes', 'services', 'follow-ups', 'placements']) {
      const res = await t.http.get(`/cases/${owned.case}/${list}`).set(receiverStaff.auth);
      expect({ list, items: res.body }).toEqual({
        list,
        items:
          list === 'notes'
            ? [expect.objectContaining({ text: 'written by another agency' })]
            : list === 'services'
              ? [expect.anything()]
              : [],
      });
    }
  });

  it("refuses another agency's ids inside request bodies as if they did not exist", async () => {
    const before = await tableCounts(t);
    const pairs: [string, string, (id: string) => Record<string, unknown>, string][] = [
      ['POST', '/cases', (id) => ({ personId: id }), 'person'],
      ['POST', '/screenings', (id) => screeningBody({ personId: id, answers: VICTIM_ANSWERS }), 'person'],
      ['POST', `/facilities/${outsiderFacility}/admissions`, (id) => ({ caseId: id, admittedOn: today() }), 'case'],
      ['POST', `/screenings/${outsiderScreening}/link-case`, (id) => ({ caseId: id }), 'case'],
      ['POST', `/persons/${outsiderPerson}/merge`, (id) => ({ intoPersonId: id }), 'person'],
    ];
    for (const [, path, body, kind] of pairs) {
      const real = await t.http.post(path).set(outsider.auth).send(body(owned[kind]!));
      const missing = await t.http.post(path).set(outsider.auth).send(body(randomUUID()));
      expect({ path, status: real.status, code: real.body.code }).toEqual({
        path,
        status: missing.status,
        code: missing.body.code,
      });
      expect({ path, status: real.status }).toEqual({ path, status: 404 });
    }
    expect(await tableCounts(t)).toEqual(before);
  });

  it("lists none of another agency's records when filtering by their ids", async () => {
    for (const [path, query] of [
      ['/cases', { personId: owned.person }],
      ['/referrals', { caseId: owned.case }],
      ['/persons', { q: 'Owned' }],
    ] as const) {
      const res = await t.http.get(path).query(query).set(outsider.auth);
      expect(res.status).toBeLessThan(500);
      expect(JSON.stringify(res.body)).not.toContain(owned.case);
      expect(JSON.stringify(res.body)).not.toContain(owned.person);
    }
  });
});
