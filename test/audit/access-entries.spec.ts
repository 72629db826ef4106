import { randomUUID } from 'node:crypto';
import { ROLE_PERMISSIONS } from '../../src/auth/permissions.js';
import { listRoutes, type RouteInfo } from '../../src/common/http/route-inventory.js';
import { screeningBody, VICTIM_ANSWERS } from '../harness/screening-fixtures.js';
import { freshDeployment, type HttpSession, STAFF_ROLES, succeeded as ok, suffix } from '../harness/http-setup.js';
import type { TestApp } from '../harness/test-app.js';
import fs from 'node:fs';
import { REQUEST_EXAMPLES } from '../../src/api-docs/request-examples.js';
import { localToday } from '../harness/dates.js';

/**
 * Every access entry names the ids the request asked for and the ids its answer returned,
 * whatever the outcome: generated over every route that can answer with a record (from
 * openapi.json), called by the owner, replayed with an Idempotency-Key, and refused (anonymous,
 * a role without the permission, another agency). Set-up goes through the HTTP API only, from
 * the bootstrap administrator a fresh deployment creates.
 */

const today = localToday;
type Who = HttpSession;
interface Entry {
  outcome: string;
  status: number;
  route: string;
  resource_type: string | null;
  resource_ids: string[] | null;
  case_ids: string[] | null;
  details: { requested?: Record<string, string[]>; idempotentReplay?: boolean } | null;
}

const openapi = JSON.parse(fs.readFileSync('openapi.json', 'utf8')) as unknown;
type Schema = { $ref?: string; type?: string; items?: Schema; properties?: Record<string, Schema>; allOf?: Schema[] };
const schemas = (openapi as unknown as { components: { schemas: Record<string, Schema> } }).components.schemas;
const resolve = (s: Schema | undefined): Schema | undefined =>
  s?.$ref ? resolve(schemas[s.$ref.split('/').pop()!]) : s;
/** A response schema that carries records: an object with an id, a list of them, or a page of them. */
const carriesRecords = (schema: Schema | undefined, depth = 0): boolean => {
  const s = resolve(schema);
  if (!s || depth > 3) return false;
  if (s.type === 'array') return carriesRecords(s.items, depth + 1);
  if (s.allOf?.some((x) => carriesRecords(x, depth + 1))) return true;
  return !!s.properties?.id || (!!s.properties?.items && carriesRecords(s.properties.items, depth + 1));
};
const recordRoutes = (): Set<string> => {
  const out = new Set<string>();
  const paths = (
    openapi as unknown as { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> }
  ).paths;
  for (const [path, ops] of Object.entries(paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const ok = Object.entries(op.responses).some(
        ([code, r]) =>
          code.startsWith('2') &&
          carriesRecords(
            (r as { content?: Record<string, { schema?: Schema }> }).content?.['application/json']?.schema,
          ),
      );
      if (ok) out.add(`${method.toUpperCase()} ${path}`);
    }
  }
  return out;
};

describe('access entries name the ids asked for and returned, whatever the outcome', () => {
  let t: TestApp;
  let requestCounter = 0;
  const agencies: Record<'lead' | 'other' | 'receiver', string> = { lead: '', other: '', receiver: '' };
  const who: Record<'admin' | 'staff' | 'receiverStaff' | 'auditor' | 'caseworker' | 'outsider' | 'anonymous', Who> =
    {} as never;
  const owned: Record<string, string> = {};
  let noticeId: string;

  beforeAll(async () => {
    // Webhook subscriptions to a loopback address nothing listens on (deliveries fail and wait).
    const deployment = await freshDeployment({ env: { WEBHOOK_ALLOW_LOOPBACK: 'true' } });
    t = deployment.t;
    who.admin = deployment.admin;
    who.anonymous = { name: 'anonymous', userId: null, roles: [], auth: {} };
    for (const key of Object.keys(agencies) as (keyof typeof agencies)[]) agencies[key] = await deployment.agency(key);
    who.staff = await deployment.user('staff', agencies.lead, STAFF_ROLES);
    who.auditor = await deployment.user('auditor', agencies.lead, ['auditor']);
    who.caseworker = await deployment.user('caseworker', agencies.lead, ['caseworker']);
    who.outsider = await deployment.user('outsider', agencies.other, STAFF_ROLES);
    who.receiverStaff = await deployment.user('receiver', agencies.receiver, STAFF_ROLES);

    const a = who.staff.auth;
    owned.agency = agencies.lead;
    // A user of the lead agency the generated calls may deactivate and reset without harm.
    owned.user = ok(
      await t.http
        .post('/users')
        .set(who.admin.auth)
        .send({
          agencyId: agencies.lead,
          email: `spare-${suffix()}@test.example`,
          displayName: 'Spare user',
          roles: ['screener'],
        }),
      'spare user',
    ).body.id!;
    owned.person = ok(
      await t.http
        .post('/persons')
        .set(a)
        .send({ names: { givenNameLatin: 'Owned' }, gender: 'Feminine' }),
      'person',
    ).body.id!;
    owned.mergedPerson = ok(
      await t.http
        .post('/persons')
        .set(a)
        .send({ names: { givenNameLatin: 'Duplicate' }, gender: 'Feminine', confirmNotDuplicate: true }),
      'second person',
    ).body.id!;
    owned.screening = ok(
      await t.http
        .post('/screenings')
        .set(a)
        .send(screeningBody({ personId: owned.person, answers: VICTIM_ANSWERS })),
      'screening',
    ).body.id!;
    owned.case = ok(
      await t.http
        .post('/cases')
        .set(a)
        .send({ personId: owned.person, assignedCaseworkerId: who.caseworker.userId, supervisorId: who.staff.userId }),
      'case',
    ).body.id!;
    owned.consent = ok(
      await t.http
        .post(`/cases/${owned.case}/consents`)
        .set(a)
        .send({
          purposes: ['assistance', 'sharing_for_referral'],
          coveredAgencyIds: [agencies.receiver],
          givenBy: 'person',
          method: 'written',
          givenOn: today(),
        }),
      'consent',
    ).body.id!;
    owned.note = ok(
      await t.http.post(`/cases/${owned.case}/notes`).set(a).send({ text: 'owned note' }),
      'note',
    ).body.id!;
    owned.supportPlan = ok(
      await t.http
        .post(`/cases/${owned.case}/support-plans`)
        .set(a)
        .send({ type: 'Health', objectives: 'Safe housing' }),
      'support plan',
    ).body.id!;
    owned.referral = ok(
      await t.http
        .post(`/cases/${owned.case}/referrals`)
        .set(a)
        .send({ toAgencyId: agencies.receiver, purpose: 'medical', urgency: 'normal' }),
      'referral',
    ).body.id!;
    owned.document = ok(
      await t.http
        .post('/documents')
        .set(a)
        .field('recordType', 'case')
        .field('recordId', owned.case)
        .field('documentType', 'passport')
        .attach('file', Buffer.from('%PDF-1.4\n% owned document\n%%EOF\n'), 'owned.pdf'),
      'document',
    ).body.id!;
    owned.facility = ok(
      await t.http
        .post('/facilities')
        .set(a)
        .send({
          agencyId: agencies.lead,
          code: `AE-${suffix().toUpperCase()}`,
          nameEn: 'Owned shelter',
          kind: 'shelter',
          provinceCode: 'LA-VT',
          acceptsGenders: ['Feminine'],
          bedCapacity: 5,
        }),
      'facility',
    ).body.id!;
    owned.placement = ok(
      await t.http
        .post(`/facilities/${owned.facility}/admissions`)
        .set(a)
        .send({ caseId: owned.case, admittedOn: today() }),
      'placement',
    ).body.id!;
    owned.followUp = ok(
      await t.http.post(`/cases/${owned.case}/follow-ups`).set(a).send({ fromDate: today(), agencyId: agencies.lead }),
      'follow-ups',
    ).body[0].id;
    owned.webhook = ok(
      await t.http
        .post('/webhooks')
        .set(a)
        .send({ url: 'http://127.0.0.1:9/hook', eventTypes: ['return-notice.received'] }),
      'webhook subscription',
    ).body.id!;
    const intake = ok(
      await t.http.post('/intake/connections').set(a).send({ name: 'Field screenings', catalogueVersion: 1 }),
      'intake connection',
    ).body as { id: string; secret: string };
    owned.intakeConnection = intake.id;
    // A field submission (the documented example, consent to the interview refused) in the review queue.
    owned.intakeSubmission = ok(
      await t.http
        .post(`/intake/kobo/${intake.id}`)
        .set('x-ctcm-intake-secret', intake.secret)
        .send({ ...REQUEST_EXAMPLES.receiveKoboSubmission!.value, 'meta/instanceID': `uuid:${randomUUID()}` }),
      'intake submission',
    ).body.submissionId;
    const notice = ok(
      await t.http
        .post('/return-notices')
        .set(a)
        .send({
          hostCountry: 'TH',
          hostAgency: 'MSDHS Thailand',
          hostReference: `TH-${suffix()}`,
          borderCrossingCode: 'FRIENDSHIP_BRIDGE_1',
          expectedOn: today(),
          peopleCount: 1,
          childrenCount: 0,
        }),
      'return notice',
    );
    noticeId = notice.body.id!;
    owned.returnNotice = noticeId;
    owned.expectedArrival = notice.body.arrivals[0].id;
    // The notice's event reaches the subscription's delivery log (a background job, so wait).
    for (let i = 0; i < 600 && !owned.webhookDelivery; i++) {
      const log = await t.http.get(`/webhooks/${owned.webhook}/deliveries`).set(a);
      owned.webhookDelivery = log.body[0]?.id;
      if (!owned.webhookDelivery) await new Promise((r) => setTimeout(r, 100));
    }
    // The same event reaches the staff's in-app notifications (a background consumer, so wait).
    for (let i = 0; i < 600 && !owned.notification; i++) {
      owned.notification = (await t.http.get('/me/notifications').set(a)).body.items?.[0]?.id;
      if (!owned.notification) await new Promise((r) => setTimeout(r, 100));
    }
    owned.tracingRequest = ok(
      await t.http.post('/tracing-requests').set(a).send(tracingRequestBody()),
      'tracing request',
    ).body.id!;
    // A case of its own per transfer the generated calls settle (accepted, declined, cancelled), and one that
    // POST /case-transfers may ask for: accepting moves the lead, which the other cases must keep.
    const transferableCase = async (label: string): Promise<string> => {
      const person = ok(
        await t.http
          .post('/persons')
          .set(a)
          .send({ names: { givenNameLatin: `Transfer${suffix()}` }, gender: 'Feminine', confirmNotDuplicate: true }),
        `${label} person`,
      ).body.id!;
      const caseId = ok(await t.http.post('/cases').set(a).send({ personId: person }), `${label} case`).body.id!;
      ok(
        await t.http
          .post(`/cases/${caseId}/consents`)
          .set(a)
          .send({
            purposes: ['assistance', 'sharing_for_referral'],
            coveredAgencyIds: [agencies.receiver],
            givenBy: 'person',
            method: 'written',
            givenOn: today(),
          }),
        `${label} consent`,
      );
      return caseId;
    };
    const transfer = async (label: string): Promise<string> =>
      ok(
        await t.http
          .post('/case-transfers')
          .set(a)
          .send({ caseId: await transferableCase(label), toAgencyId: agencies.receiver }),
        `${label} transfer`,
      ).body.id!;
    owned.caseTransfer = await transfer('accepted');
    owned.declinedTransfer = await transfer('declined');
    owned.cancelledTransfer = await transfer('cancelled');
    owned.transferableCase = await transferableCase('requested');
    owned.subjectRequest = ok(
      await t.http.post('/subject-requests').set(a).send(subjectRequestBody()),
      'subject request',
    ).body.id!;
  }, 180_000);

  /** An access request about the owned person (decided by another supervisor, so the staff's own decisions are 403). */
  const subjectRequestBody = () => ({
    personId: owned.person,
    kind: 'access',
    reason: 'own_information',
    channel: 'in_person',
  });
  afterAll(() => t?.close());

  /** A tracing request a family brings, valid for POST /tracing-requests. */
  const tracingRequestBody = () => ({
    receivedOn: today(),
    inquirer: { name: 'Mrs Vanh Phommavong', relationship: 'mother' },
    missingPerson: { names: { givenNameLatin: `Traced${suffix()}` }, gender: 'Masculine', homeProvinceCode: 'LA-SV' },
  });

  /** Routes that settle a transfer each get their own, still pending when they are called. */
  const transferFor: Record<string, string> = {
    '/case-transfers/{id}/decline': 'declinedTransfer',
    '/case-transfers/{id}/cancel': 'cancelledTransfer',
  };
  /** Routes only the receiving side of a transfer may answer. */
  const receiverRoutes = new Set(['/case-transfers/{id}/accept', '/case-transfers/{id}/decline']);

  /** The owned record a path parameter names, by the collection it follows. */
  const idFor = (path: string, param: string): string | undefined => {
    if (transferFor[path] && param === 'id') return owned[transferFor[path]];
    const segments = path.split('/');
    const collection = segments[segments.indexOf(`{${param}}`) - 1] ?? '';
    const kinds: Record<string, string> = {
      agencies: 'agency',
      users: 'user',
      persons: 'person',
      screenings: 'screening',
      cases: 'case',
      referrals: 'referral',
      facilities: 'facility',
      placements: 'placement',
      consents: 'consent',
      notes: 'note',
      'support-plans': 'supportPlan',
      'follow-ups': 'followUp',
      'return-notices': 'returnNotice',
      'expected-arrivals': 'expectedArrival',
      'tracing-requests': 'tracingRequest',
      'case-transfers': 'caseTransfer',
      webhooks: 'webhook',
      deliveries: 'webhookDelivery',
      connections: 'intakeConnection',
      submissions: 'intakeSubmission',
      notifications: 'notification',
      documents: 'document',
      'referral-shares': 'referral',
      'subject-requests': 'subjectRequest',
    };
    return kinds[collection] ? owned[kinds[collection]] : undefined;
  };

  /** Bodies that pass validation, so requests reach the record rather than stop at a 400. */
  const bodies = new Map<string, Record<string, unknown> | undefined>();
  const bodyFor = (key: string): Record<string, unknown> | undefined => {
    if (!bodies.has(key)) bodies.set(key, freshBody(key));
    return bodies.get(key);
  };
  const freshBody = (key: string): Record<string, unknown> | undefined =>
    ({
      'POST /agencies': {
        code: `AE-${suffix().toUpperCase()}`,
        nameEn: 'New agency',
        htcdsOrgType: 'NGO',
        localType: 'shelter',
      },
      'PATCH /agencies/{id}': { nameEn: 'Lead agency, renamed' },
      'POST /users': {
        agencyId: agencies.lead,
        email: `new-${suffix()}@test.example`,
        displayName: 'New user',
        roles: ['caseworker'],
      },
      'PATCH /users/{id}': { displayName: 'Renamed caseworker' },
      'POST /cases': { personId: owned.person },
      'PATCH /cases/{id}': { provinceCode: 'LA-VT' },
      'POST /cases/{id}/assignment': { assignedCaseworkerId: who.caseworker.userId, supervisorId: who.staff.userId },
      'POST /cases/{id}/transitions': { to: 'assessment' },
      'POST /cases/{id}/closure-request': { reason: 'goals_achieved' },
      'POST /cases/{id}/close': { reason: 'goals_achieved' },
      'POST /cases/{id}/reopen': { reason: 'Recruiter contacted her again in October', stage: 'assessment' },
      'POST /cases/{id}/break-glass': { reason: 'urgent identification interview' },
      'POST /screenings/{id}/open-case': {},
      'POST /screenings/{id}/link-case': { caseId: owned.case },
      'POST /cases/{id}/consents': {
        purposes: ['assistance', 'sharing_for_referral'],
        coveredAgencyIds: [agencies.receiver],
        givenBy: 'person',
        method: 'written',
        givenOn: today(),
      },
      'POST /cases/{id}/consents/{recordId}/withdraw': { withdrawnOn: today() },
      'POST /cases/{id}/assessments': { kind: 'individual', assessedOn: today(), riskLevel: 'low' },
      'POST /cases/{id}/support-plans': { type: 'Health', objectives: 'Health care' },
      'PATCH /cases/{id}/support-plans/{recordId}': { objectives: 'Health care and schooling' },
      'POST /cases/{id}/services': { serviceType: 'medical', deliveredOn: today(), outcome: 'completed' },
      'POST /cases/{id}/follow-ups': { fromDate: today(), agencyId: agencies.lead },
      'PATCH /cases/{id}/follow-ups/{recordId}': { status: 'completed', completedOn: today() },
      'POST /cases/{id}/notes': { text: 'a note' },
      'POST /cases/{id}/notes/{recordId}/corrections': { text: 'a corrected note' },
      'POST /persons': { names: { givenNameLatin: `New${suffix()}` }, gender: 'Feminine', confirmNotDuplicate: true },
      'PATCH /persons/{id}': { gender: 'Feminine' },
      'POST /persons/{id}/merge': { intoPersonId: owned.mergedPerson },
      'POST /screenings': screeningBody({ personId: owned.person, answers: VICTIM_ANSWERS }),
      'POST /screenings/{id}/submit-for-identification': { agencyId: agencies.lead },
      'POST /screenings/{id}/identification-decisions': {
        status: 'PossibleVictimOfTrafficking',
        decidedOn: today(),
        basis: 'indicators present',
      },
      'POST /cases/{id}/referrals': { toAgencyId: agencies.receiver, purpose: 'legal', urgency: 'normal' },
      'POST /referrals/{id}/decline': { reason: 'no_capacity' },
      'POST /referrals/{id}/complete': { reason: 'family_traced' },
      'POST /referrals/{id}/family-assessment': {
        assessedOn: today(),
        familyFound: true,
        recommendation: 'return_home',
        householdRisks: ['debt'],
        findings: 'Family welcomes her back.',
      },
      'POST /facilities': {
        agencyId: agencies.lead,
        code: `AE-${suffix().toUpperCase()}`,
        nameEn: 'Another shelter',
        kind: 'shelter',
        provinceCode: 'LA-VT',
        acceptsGenders: ['Feminine'],
        bedCapacity: 3,
      },
      'PATCH /facilities/{id}': { bedCapacity: 6 },
      'POST /facilities/{id}/admissions': { caseId: owned.case, admittedOn: today() },
      'POST /placements/{id}/discharge': { dischargedOn: today(), destination: 'home', reason: 'returned_home' },
      'POST /webhooks': { url: 'http://127.0.0.1:9/other-hook', eventTypes: ['facility.capacity-low'] },
      'POST /intake/connections': { name: 'Another field form', catalogueVersion: 1 },
      'POST /intake/submissions/{id}/corrections': {
        person: { names: { givenNameLatin: `Field${suffix()}` }, gender: 'Feminine' },
      },
      'PATCH /webhooks/{id}': { eventTypes: ['return-notice.received', 'referral.received'] },
      'POST /return-notices': {
        hostCountry: 'TH',
        hostAgency: 'MSDHS Thailand',
        hostReference: `TH-${suffix()}`,
        borderCrossingCode: 'FRIENDSHIP_BRIDGE_1',
        expectedOn: today(),
        peopleCount: 1,
        childrenCount: 0,
      },
      'POST /expected-arrivals/{id}/arrival': { personId: owned.person },
      'POST /tracing-requests': tracingRequestBody(),
      // A typed reference: the case asked for is named by its kind.
      'POST /tracing-requests/{id}/match': { kind: 'case', id: owned.case },
      'POST /tracing-requests/{id}/outcome': { outcome: 'not_found' },
      'POST /case-transfers': { caseId: owned.transferableCase, toAgencyId: agencies.receiver },
      'POST /case-transfers/{id}/decline': { reason: 'outside_our_area' },
      'POST /documents/{id}/remove': { reason: 'Uploaded to the wrong case' },
      'POST /documents/{id}/referral-shares': { referralId: owned.referral },
      'POST /subject-requests': subjectRequestBody(),
      'POST /subject-requests/{id}/refuse': { reason: 'identity_not_verified' },
    })[key];

  /** The current version of the record a write addresses, for If-Match (writes without one are refused). */
  const versionOf = async (route: RouteInfo, path: string): Promise<string> => {
    const [, collection, id, sub, recordId] = path.split('/');
    let record: { version?: number } | undefined;
    if (collection === 'cases' && recordId && sub) {
      const list = await t.http.get(`/cases/${id}/${sub}`).set(who.staff.auth);
      record = Array.isArray(list.body) ? list.body.find((r: { id: string }) => r.id === recordId) : undefined;
    } else if (collection === 'expected-arrivals') {
      const notice = await t.http.get(`/return-notices/${noticeId}`).set(who.staff.auth);
      record = notice.body.arrivals?.find((r: { id: string }) => r.id === id);
    } else if (collection === 'placements') {
      const list = await t.http.get(`/cases/${owned.case}/placements`).set(who.staff.auth);
      record = Array.isArray(list.body) ? list.body.find((r: { id: string }) => r.id === id) : undefined;
    } else if (id && route.path.split('/')[2] === '{id}') {
      record = (await t.http.get(`/${collection}/${id}`).set(who.staff.auth)).body;
    }
    return `"${record?.version ?? 1}"`;
  };

  const entryOf = async (requestId: string): Promise<Entry> => {
    const { rows } = await t.ownerQuery<Entry & { category: string }>(
      `SELECT outcome, status, route, resource_type, resource_ids, case_ids, details FROM audit_event
        WHERE request_id = $1 AND category = 'access'`,
      [requestId],
    );
    if (rows.length !== 1) throw new Error(`${rows.length} access entries for request ${requestId}`);
    return rows[0]!;
  };

  interface Call {
    status: number;
    body: unknown;
    replayed: boolean;
    entry: Entry;
  }
  const call = async (
    route: RouteInfo,
    as: Who,
    options: { idempotencyKey?: string; ids?: (param: string) => string } = {},
  ): Promise<Call & { path: string }> => {
    const params = [...route.path.matchAll(/\{([A-Za-z]+)\}/g)].map((m) => m[1]!);
    const path = params.reduce(
      (acc, p) => acc.replace(`{${p}}`, (options.ids ?? ((q) => idFor(route.path, q)!))(p)),
      route.path,
    );
    const requestId = `access-entry-${++requestCounter}-${suffix()}`;
    const method = route.method.toLowerCase() as 'get' | 'post' | 'patch';
    let req = t.http[method](path).set(as.auth).set('x-request-id', requestId);
    if (route.path === '/documents/{id}/versions') {
      // An upload route: multipart/form-data, as Swagger UI and curl -F send it.
      req = req.attach('file', Buffer.from('%PDF-1.4\n% next version\n%%EOF\n'), 'next.pdf');
      if (options.idempotencyKey) req = req.set('idempotency-key', options.idempotencyKey);
    } else if (route.method !== 'GET') {
      req = req.set('if-match', await versionOf(route, path)).send(bodyFor(`${route.method} ${route.path}`) ?? {});
      if (options.idempotencyKey) req = req.set('idempotency-key', options.idempotencyKey);
    }
    const res = await req;
    return {
      path,
      status: res.status,
      body: res.body,
      replayed: res.headers['idempotency-replayed'] === 'true',
      entry: await entryOf(requestId),
    };
  };

  /** The ids a request named: UUIDs in its path and body (one level of nesting is enough here). */
  const askedIds = (path: string, route: RouteInfo): { ids: string[]; caseIds: string[] } => {
    const segments = path.split('/');
    const template = route.path.split('/');
    const ids: string[] = [];
    const caseIds: string[] = [];
    template.forEach((segment, i) => {
      if (!segment.startsWith('{') || !/^[0-9a-f-]{36}$/.test(segments[i]!)) return;
      ids.push(segments[i]!);
      if (template[i - 1] === 'cases') caseIds.push(segments[i]!);
    });
    const body = bodyFor(`${route.method} ${route.path}`) ?? {};
    if (route.method !== 'GET') {
      // A typed reference `{ kind, id }` asks for the record of that kind.
      if (typeof body.kind === 'string' && typeof body.id === 'string') {
        ids.push(body.id);
        if (body.kind === 'case') caseIds.push(body.id);
      }
      for (const [name, value] of Object.entries(body)) {
        if (!/Ids?$/.test(name)) continue;
        for (const v of [value].flat()) {
          if (typeof v !== 'string') continue;
          ids.push(v);
          if (name === 'caseId') caseIds.push(v);
        }
      }
    }
    return { ids, caseIds };
  };
  /** The ids an answer handed out: the record's id and case id, or those of every record of a list or page. */
  const returnedIds = (body: unknown): { ids: string[]; caseIds: string[] } => {
    const page = (body as { items?: unknown })?.items;
    const records = (Array.isArray(body) ? body : Array.isArray(page) ? page : [body]) as {
      id?: unknown;
      caseId?: unknown;
    }[];
    const uuid = (v: unknown): v is string => typeof v === 'string' && /^[0-9a-f-]{36}$/.test(v);
    return {
      ids: records.map((r) => r?.id).filter(uuid),
      caseIds: records.map((r) => r?.caseId).filter(uuid),
    };
  };

  /** What is missing from an entry: asked ids and, when it answered, returned ids. */
  const missingFrom = (label: string, c: Call & { path: string }, route: RouteInfo): string[] => {
    const problems: string[] = [];
    const asked = askedIds(c.path, route);
    const named = new Set(c.entry.resource_ids ?? []);
    const cases = new Set(c.entry.case_ids ?? []);
    const requested = new Set(Object.values(c.entry.details?.requested ?? {}).flat());
    for (const id of asked.ids) {
      if (!named.has(id)) problems.push(`${label}: asked id ${id} not in resourceIds`);
      if (!requested.has(id)) problems.push(`${label}: asked id ${id} not in details.requested`);
    }
    for (const id of asked.caseIds) if (!cases.has(id)) problems.push(`${label}: asked case ${id} not in caseIds`);
    if (c.status < 300) {
      const returned = returnedIds(c.body);
      for (const id of returned.ids)
        if (!named.has(id)) problems.push(`${label}: returned id ${id} not in resourceIds`);
      for (const id of returned.caseIds)
        if (!cases.has(id)) problems.push(`${label}: returned case ${id} not in caseIds`);
    }
    return problems;
  };

  const LAST =
    /\/(close|reopen|merge|unmerge|deactivate|withdraw|cancel|decline|complete|accept|discharge|arrival|remove)$/;
  const routesUnderTest = (): RouteInfo[] => {
    const records = recordRoutes();
    return listRoutes(t.app)
      .filter((r) => records.has(`${r.method} ${r.path}`))
      .filter((r) => [...r.path.matchAll(/\{([A-Za-z]+)\}/g)].every((m) => idFor(r.path, m[1]!)))
      .sort(
        (x, y) =>
          Number(x.method !== 'GET') - Number(y.method !== 'GET') ||
          Number(LAST.test(x.path)) - Number(LAST.test(y.path)),
      );
  };
  const holder = (permission: string | undefined, candidates: Who[]) =>
    candidates.find((w) => w.roles.some((r) => (ROLE_PERMISSIONS[r] as readonly string[]).includes(permission ?? '')));

  describe('named regressions', () => {
    const caseAccess = async (caseId: string) => {
      const res = await t.http.get(`/audit/cases/${caseId}/access`).set(who.auditor.auth);
      expect(res.status).toBe(200);
      return res.body as {
        userId: string | null;
        agencyId: string | null;
        route: string;
        outcome: string;
        count: number;
        replays: number;
        statuses: number[];
      }[];
    };
    const replayTwice = async (path: string, body: Record<string, unknown>) => {
      const key = `replay-${suffix()}${suffix()}`;
      const ids = [`replay-a-${suffix()}`, `replay-b-${suffix()}`];
      const first = await t.http
        .post(path)
        .set(who.staff.auth)
        .set('idempotency-key', key)
        .set('x-request-id', ids[0]!)
        .send(body);
      const again = await t.http
        .post(path)
        .set(who.staff.auth)
        .set('idempotency-key', key)
        .set('x-request-id', ids[1]!)
        .send(body);
      expect([first.status, again.status, again.headers['idempotency-replayed']]).toEqual([201, 201, 'true']);
      return { first, again, original: await entryOf(ids[0]!), replay: await entryOf(ids[1]!) };
    };

    it('POST /cases/{id}/notes replayed: the note, its case, its type, and the case access log counts the replay', async () => {
      const { first, replay } = await replayTwice(`/cases/${owned.case}/notes`, { text: 'retried on a bad line' });
      expect(replay).toMatchObject({
        outcome: 'allowed',
        status: 201,
        resource_type: 'case_note',
        case_ids: [owned.case],
        details: { idempotentReplay: true, requested: { caseId: [owned.case] } },
      });
      expect(replay.resource_ids).toEqual(expect.arrayContaining([first.body.id, owned.case]));
      const notes = (await caseAccess(owned.case)).find(
        (r) => r.userId === who.staff.userId && r.route === '/cases/{id}/notes' && r.outcome === 'allowed',
      );
      expect(notes?.replays).toBeGreaterThanOrEqual(1);
      const byResource = await t.http.get('/audit/events').query({ resourceId: first.body.id }).set(who.auditor.auth);
      expect(
        byResource.body.items.filter(
          (e: { details: { idempotentReplay?: boolean } | null }) => e.details?.idempotentReplay,
        ),
      ).toHaveLength(1);
    });

    it('POST /cases replayed: the new case and the person asked for', async () => {
      const person = ok(
        await t.http
          .post('/persons')
          .set(who.staff.auth)
          .send({ names: { givenNameLatin: `Case${suffix()}` }, gender: 'Feminine', confirmNotDuplicate: true }),
        'person',
      ).body.id!;
      const { first, original, replay } = await replayTwice('/cases', { personId: person });
      expect(replay).toMatchObject({
        resource_type: 'case',
        case_ids: [first.body.id],
        details: { idempotentReplay: true },
      });
      expect([...replay.resource_ids!].sort()).toEqual([...original.resource_ids!].sort());
      expect(replay.resource_ids).toEqual(expect.arrayContaining([first.body.id, person]));
      expect((await caseAccess(first.body.id)).some((r) => r.route === '/cases' && r.replays === 1)).toBe(true);
    });

    it('POST /persons replayed: the person', async () => {
      const { first, replay } = await replayTwice('/persons', {
        names: { givenNameLatin: `Replay${suffix()}` },
        gender: 'Masculine',
        confirmNotDuplicate: true,
      });
      expect(replay).toMatchObject({
        resource_type: 'person',
        resource_ids: [first.body.id],
        details: { idempotentReplay: true },
      });
    });

    it("another agency's probe of a case appears in the lead agency's case access log, and the prober learns nothing", async () => {
      const probe = await t.http.get(`/cases/${owned.case}`).set(who.outsider.auth);
      const missing = await t.http.get(`/cases/${randomUUID()}`).set(who.outsider.auth);
      expect([probe.status, probe.body.code]).toEqual([missing.status, missing.body.code]);
      expect(probe.status).toBe(404);
      const admission = await t.http
        .post(`/facilities/${owned.facility}/admissions`)
        .set(who.outsider.auth)
        .send({ caseId: owned.case, admittedOn: today() });
      expect([403, 404]).toContain(admission.status);
      const log = await caseAccess(owned.case);
      expect(log).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            userId: who.outsider.userId,
            agencyId: agencies.other,
            route: '/cases/{id}',
            outcome: 'failed',
            statuses: [404],
          }),
          expect.objectContaining({
            userId: who.outsider.userId,
            agencyId: agencies.other,
            route: '/facilities/{id}/admissions',
          }),
        ]),
      );
      // The prober's own view of the audit trail is unchanged: it has no audit permission.
      expect((await t.http.get(`/audit/cases/${owned.case}/access`).set(who.outsider.auth)).status).toBe(403);
    });

    it('a tracing match names the record it asks for by its kind, refused or not, and reads of the matched request name it', async () => {
      const created = ok(
        await t.http.post('/tracing-requests').set(who.staff.auth).send(tracingRequestBody()),
        'tracing request',
      );
      const send = (as: Who, requestId: string) =>
        t.http
          .post(`/tracing-requests/${created.body.id}/match`)
          .set(as.auth)
          .set('x-request-id', requestId)
          .set('if-match', `"${created.body.version}"`)
          .send({ kind: 'case', id: owned.case });
      const ids = [`match-a-${suffix()}`, `match-b-${suffix()}`, `match-c-${suffix()}`];
      expect((await send(who.outsider, ids[0]!)).status).toBe(404);
      expect((await send(who.staff, ids[1]!)).status).toBe(200);
      const read = await t.http
        .get(`/tracing-requests/${created.body.id}`)
        .set(who.staff.auth)
        .set('x-request-id', ids[2]!);
      expect(read.body.match).toMatchObject({ kind: 'case', id: owned.case });
      const [probe, match, reread] = await Promise.all(ids.map(entryOf));
      const requested = { tracingRequestId: [created.body.id], caseId: [owned.case] };
      expect(probe).toMatchObject({ outcome: 'failed', status: 404, case_ids: [owned.case], details: { requested } });
      expect(match).toMatchObject({ outcome: 'allowed', case_ids: [owned.case], details: { requested } });
      expect(reread).toMatchObject({ outcome: 'allowed', resource_type: 'tracing_request', case_ids: [owned.case] });
      expect([...reread.resource_ids!].sort()).toEqual([created.body.id, owned.case].sort());
      expect(await caseAccess(owned.case)).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            userId: who.outsider.userId,
            route: '/tracing-requests/{id}/match',
            outcome: 'failed',
            statuses: [404],
          }),
          expect.objectContaining({ userId: who.staff.userId, route: '/tracing-requests/{id}', outcome: 'allowed' }),
        ]),
      );
    });

    it("a caseworker's refused closure appears in the case access log", async () => {
      const visible = await t.http.get(`/cases/${owned.case}`).set(who.caseworker.auth);
      expect(visible.status).toBe(200);
      const refused = await t.http
        .post(`/cases/${owned.case}/close`)
        .set(who.caseworker.auth)
        .set('if-match', `"${visible.body.version}"`)
        .send({ reason: 'goals_achieved' });
      expect([refused.status, refused.body.code]).toEqual([403, 'FORBIDDEN']);
      expect(await caseAccess(owned.case)).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            userId: who.caseworker.userId,
            route: '/cases/{id}/close',
            outcome: 'denied',
            statuses: [403],
          }),
        ]),
      );
      const events = await t.http
        .get('/audit/events')
        .query({ caseId: owned.case, userId: who.caseworker.userId })
        .set(who.auditor.auth);
      expect(events.body.items).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            route: '/cases/{id}/close',
            outcome: 'denied',
            caseIds: [owned.case],
            details: { requested: { caseId: [owned.case] } },
          }),
        ]),
      );
    });
  });

  it('covers every route that answers with a record', () => {
    const covered = new Set(routesUnderTest().map((r) => `${r.method} ${r.path}`));
    expect([...recordRoutes()].filter((r) => !covered.has(r))).toEqual([]);
  });

  it('names the ids of every refused request: anonymous, without the permission, another agency', async () => {
    const problems: string[] = [];
    let outsiderRefusals = 0;
    for (const route of routesUnderTest()) {
      const key = `${route.method} ${route.path}`;
      const lacking = [who.auditor, who.caseworker, who.outsider].find(
        (w) => !holder(route.permission, [w]) && route.permission !== undefined,
      );
      for (const as of [who.anonymous, ...(lacking ? [lacking] : []), who.outsider]) {
        const c = await call(route, as);
        if (as === who.outsider && c.status < 300) continue; // directory records every agency may read
        if (c.status < 400) problems.push(`${key} as ${as.name}: answered ${c.status}, expected a refusal`);
        if (c.entry.outcome === 'allowed') problems.push(`${key} as ${as.name}: audited as allowed`);
        if (as === who.outsider && [403, 404].includes(c.status)) outsiderRefusals++;
        problems.push(...missingFrom(`${key} as ${as.name} (${c.status})`, c, route));
      }
    }
    expect(problems).toEqual([]);
    expect(outsiderRefusals).toBeGreaterThan(40);
  }, 300_000);

  it('names the ids asked for and returned by every answer, and a replay names what its original named', async () => {
    const problems: string[] = [];
    const answered: string[] = [];
    const replayed: string[] = [];
    const refusedAnswers: string[] = [];
    for (const route of routesUnderTest()) {
      const key = `${route.method} ${route.path}`;
      const as = receiverRoutes.has(route.path)
        ? who.receiverStaff
        : holder(route.permission, [who.staff, who.admin, who.auditor]);
      if (!as) throw new Error(`nobody holds ${route.permission}`);
      const idempotencyKey = route.method === 'POST' ? `access-entry-${suffix()}${suffix()}` : undefined;
      const first = await call(route, as, { idempotencyKey });
      problems.push(...missingFrom(`${key} (${first.status})`, first, route));
      if (first.status >= 300) {
        refusedAnswers.push(`${key} ${first.status} ${(first.body as { code?: string })?.code}`);
        continue;
      }
      answered.push(key);
      if (first.entry.outcome !== 'allowed')
        problems.push(`${key}: answered ${first.status}, audited ${first.entry.outcome}`);
      if (!idempotencyKey) continue;
      const again = await call(route, as, { idempotencyKey });
      if (!again.replayed) {
        problems.push(`${key}: the retry was not a replay (${again.status})`);
        continue;
      }
      replayed.push(key);
      expect({ key, body: again.body }).toEqual({ key, body: first.body });
      problems.push(...missingFrom(`${key} replay`, again, route));
      const same = (e: Entry) => ({
        key,
        outcome: e.outcome,
        status: e.status,
        resourceType: e.resource_type,
        resourceIds: [...(e.resource_ids ?? [])].sort(),
        caseIds: [...(e.case_ids ?? [])].sort(),
        requested: e.details?.requested ?? null,
      });
      expect(same(again.entry)).toEqual(same(first.entry));
      expect({ key, replay: again.entry.details?.idempotentReplay }).toEqual({ key, replay: true });
    }
    expect(problems).toEqual([]);
    // Enough answers and replays for this to prove something: every create that takes a retry key among them.
    // Writes the state of the records refuses (e.g. a referral answered by its sender) are refusals, checked above.
    expect({ answered: answered.length > 45, refusedAnswers }).toEqual({
      answered: true,
      refusedAnswers: expect.any(Array),
    });
    expect(replayed).toEqual(
      expect.arrayContaining([
        'POST /cases',
        'POST /persons',
        'POST /cases/{id}/notes',
        'POST /cases/{id}/consents',
        'POST /cases/{id}/assessments',
        'POST /cases/{id}/support-plans',
        'POST /cases/{id}/services',
        'POST /cases/{id}/follow-ups',
        'POST /cases/{id}/referrals',
        'POST /tracing-requests',
        'POST /tracing-requests/{id}/match',
        'POST /tracing-requests/{id}/outcome',
        'POST /case-transfers',
        'POST /case-transfers/{id}/accept',
        'POST /case-transfers/{id}/decline',
        'POST /case-transfers/{id}/cancel',
      ]),
    );
    expect(answered).toEqual(expect.arrayContaining(['GET /tracing-requests/{id}', 'GET /case-transfers/{id}']));
  }, 300_000);
});
