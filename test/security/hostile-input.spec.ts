import fc from 'fast-check';
import fs from 'node:fs';
import path from 'node:path';
import { permissionsOf, type Role } from '../../src/auth/permissions.js';
import { ERROR_CATALOG } from '../../src/common/errors/error-catalog.js';
import { LONE_SURROGATE } from '../../src/common/http/input-rules.js';
import { CONTROL_CHARACTERS } from '../../src/common/http/json-body.js';
import { given, type GivenUser, type Session } from '../harness/given.js';
import { screeningBody } from '../harness/screening-fixtures.js';
import { startTestApp, type TestApp } from '../harness/test-app.js';
import { isEventStream } from '../harness/event-streams.js';
import { localToday } from '../harness/dates.js';

/**
 * Generated hostile input over EVERY operation of openapi.json (issue 15). For each operation,
 * VARIANTS_PER_OPERATION variants are drawn (fast-check, fixed SEED) from the operation's own
 * schemas: one body property, query parameter, path id or header at a time is replaced by a
 * hostile value of the kind its schema does not allow (wrong type, null, array for object,
 * object for array, [[]], huge/tiny numbers, lone surrogates, control characters, line breaks,
 * bad cursors, out-of-range dates, deep nesting), or by a value it allows that is still hostile
 * (injection strings, upper-case ids). Each request is sent with valid auth for a role that holds
 * the operation's permission and realistic path ids. Asserted for every response:
 * - never a 5xx;
 * - every error is application/problem+json with a code from the error catalogue;
 * - a variant the schema forbids is never answered 2xx (so nothing invalid is stored);
 * - a 2xx answer never echoes a lone surrogate, a control character or an upper-case id;
 * and afterwards the audit chain verifies. docs/security-input.md describes the coverage.
 */
const SEED = 20261202;
const VARIANTS_PER_OPERATION = 10;

interface Schema {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  nullable?: boolean;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  allOf?: Schema[];
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  pattern?: string;
  example?: unknown;
  'x-multiline'?: boolean;
}
interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema?: Schema;
}
interface Operation {
  'x-permission': string;
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: Schema }> };
}
const document = JSON.parse(fs.readFileSync(path.resolve('openapi.json'), 'utf8')) as {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
};

function resolve(schema: Schema): Schema {
  let s = schema;
  while (s.$ref) s = document.components.schemas[s.$ref.replace('#/components/schemas/', '')]!;
  if (s.allOf) {
    const parts = s.allOf.map(resolve);
    return {
      ...s,
      allOf: undefined,
      type: 'object',
      properties: Object.assign({}, s.properties, ...parts.map((p) => p.properties)),
      required: [...(s.required ?? []), ...parts.flatMap((p) => p.required ?? [])],
    };
  }
  return s;
}

const typeOf = (s: Schema) => s.type ?? (s.properties ? 'object' : s.enum ? 'string' : undefined);
const today = localToday;

/** A value the schema allows, for the parts of a body a variant leaves alone. */
function validValue(schema: Schema, ids: Record<string, string>, depth = 0): unknown {
  const s = resolve(schema);
  if (s.example !== undefined && typeof s.example !== 'object') return s.example;
  if (s.enum) return s.enum[0];
  switch (typeOf(s)) {
    case 'object': {
      const out: Record<string, unknown> = {};
      if (depth > 3) return out;
      for (const key of s.required ?? []) out[key] = validValue(s.properties![key]!, ids, depth + 1);
      return out;
    }
    case 'array':
      return Array.from({ length: s.minItems ?? 0 }, () => validValue(s.items ?? {}, ids, depth + 1));
    case 'integer':
    case 'number':
      return s.minimum ?? 1;
    case 'boolean':
      return false;
    default:
      if (s.format === 'uuid') return ids.case;
      if (s.format === 'date') return today();
      if (s.format === 'date-time') return new Date(Date.now() - 60_000).toISOString();
      return 'x'.repeat(Math.max(s.minLength ?? 1, 3));
  }
}

interface HostileValue {
  value: unknown;
  /** The schema forbids it: a 2xx would mean it was accepted. */
  invalid: boolean;
  label: string;
}

const INJECTION = [
  "' OR '1'='1",
  "'; DROP TABLE person; --",
  '${7*7}{{7*7}}<script>alert(1)</script>',
  '../../etc/passwd',
  '\u202Eevil\u202C',
];
const deep = (levels: number): unknown => (levels === 0 ? 'x' : { a: deep(levels - 1) });

/** Hostile replacements for a value of this schema. */
function hostileFor(schema: Schema, ids: Record<string, string>): fc.Arbitrary<HostileValue> {
  const s = resolve(schema);
  const type = typeOf(s);
  const bad = (value: unknown, label: string): HostileValue => ({ value, invalid: true, label });
  const options: HostileValue[] = [
    bad(true, 'boolean'),
    bad([], 'empty array'),
    bad([[]], 'array of array'),
    bad({}, 'empty object'),
    bad(deep(10), 'deep nesting'),
    bad('\ud800', 'lone surrogate'),
    bad('a\u0000b', 'NUL'),
    bad('\u001b[31m', 'control character'),
    bad(1e308, 'huge number'),
    bad(-1e308, 'huge negative number'),
    bad(1e-308, 'tiny number'),
    bad(2 ** 53 + 2, 'unsafe integer'),
  ];
  if (s.nullable) options.push({ value: null, invalid: false, label: 'null (nullable)' });
  else options.push(bad(null, 'null'));
  const drop = (labels: string[]) => options.filter((o) => !labels.includes(o.label));
  let list: HostileValue[];
  switch (type) {
    case 'object':
      list = drop(['empty object', 'deep nesting']);
      break;
    case 'array':
      list = drop(['empty array', 'array of array']);
      if (resolve(s.items ?? {}).properties)
        list.push(bad([[]], 'array of array for objects'), bad(['x'], 'string item'));
      else list.push(bad([null], 'null item'), bad(['\ud800'], 'lone surrogate item'), bad('LA', 'string for array'));
      break;
    case 'boolean':
      list = drop(['boolean']);
      list.push(bad('true', 'string for boolean'));
      break;
    case 'integer':
    case 'number':
      list = [...options, bad('1', 'string for number'), bad(1.5e-7, 'exponent number')];
      if (s.maximum !== undefined) list.push(bad(s.maximum + 1, 'above maximum'));
      if (s.minimum !== undefined) list.push(bad(s.minimum - 1, 'below minimum'));
      if (type === 'integer') list.push(bad(1.5, 'fraction for integer'));
      break;
    default: {
      list = [...options, bad(12345, 'number for string')];
      if (s.maxLength !== undefined) list.push(bad('x'.repeat(s.maxLength + 1), 'too long'));
      if (s.format === 'uuid') {
        list.push(bad('not-a-uuid', 'not a uuid'), {
          value: ids.case!.toUpperCase(),
          invalid: false,
          label: 'upper id',
        });
      } else if (s.format === 'date' || s.format === 'date-time') {
        list.push(
          bad('9999-12-31', 'far future date'),
          bad('0001-01-01', 'year 1'),
          bad('2026-13-45', 'impossible date'),
        );
      } else if (s.enum) {
        list.push(bad(`${String(s.enum[0])} `, 'enum with a space'), bad("' OR 1=1 --", 'injection for enum'));
      } else if (!s.pattern) {
        // Free text: injection strings are valid text; a line break is valid only where documented.
        for (const text of INJECTION) list.push({ value: text, invalid: false, label: 'injection text' });
        list.push({ value: 'line\nbreak', invalid: !s['x-multiline'], label: 'line break' });
      } else list.push(bad("' OR 1=1 --", 'injection for pattern'));
    }
  }
  return fc.constantFrom(...list);
}

interface Variant {
  where: string;
  path: Record<string, string>;
  query: Record<string, string>;
  headers: Record<string, string>;
  body?: unknown;
  rawBody?: string;
  invalid: boolean;
}

const BAD_CURSORS = [
  Buffer.from(JSON.stringify(["' OR 1=1 --", '0193b0a0-0000-7000-8000-000000000001'])).toString('base64url'),
  Buffer.from(JSON.stringify(['2026-13-45', '0193b0a0-0000-7000-8000-000000000001'])).toString('base64url'),
  Buffer.from('1|1').toString('base64url'),
  '%%%',
  'W10',
];

/** Every variant kind an operation allows, as one arbitrary. */
function variantsOf(
  op: Operation,
  basePath: Record<string, string>,
  ids: Record<string, string>,
): fc.Arbitrary<Variant> {
  const params = op.parameters ?? [];
  const headers: Record<string, string> = {};
  if (params.some((p) => p.in === 'header' && p.name === 'If-Match')) headers['if-match'] = '"1"';
  // Upload routes (multipart/form-data only) get the JSON variants too: each must be refused cleanly.
  const json = op.requestBody?.content['application/json'];
  const bodySchema = json ? resolve(json.schema) : undefined;
  const baseBody = bodySchema ? validValue(bodySchema, ids) : undefined;
  const base = (): Variant => ({
    where: '',
    path: { ...basePath },
    query: {},
    headers: { ...headers },
    body: structuredClone(baseBody),
    invalid: false,
  });
  const kinds: { arbitrary: fc.Arbitrary<Variant>; weight: number }[] = [];
  const kind = (arbitrary: fc.Arbitrary<Variant>, weight = 1) => kinds.push({ arbitrary, weight });

  for (const p of params.filter((x) => x.in === 'path')) {
    kind(
      fc
        .constantFrom<[string, boolean]>(
          [basePath[p.name]!.toUpperCase(), false],
          ['not-a-uuid', true],
          ['null', true],
          ["1' OR '1'='1", true],
          ['%E2%80%AE', true],
        )
        .map(([value, invalid]) => {
          const v = base();
          v.path[p.name] = value;
          // A path id in upper case is the same id; a non-numeric version or category is simply not found.
          v.invalid = invalid && p.schema?.format === 'uuid';
          v.where = `path ${p.name}=${value}`;
          return v;
        }),
    );
  }
  for (const p of params.filter((x) => x.in === 'query')) {
    // Text that only a typed parameter (enum, format, pattern, number) refuses; free text may hold it.
    const typed = !!(p.schema?.enum || p.schema?.format || p.schema?.type !== 'string' || p.schema?.pattern);
    const values: [string, boolean][] = [
      ["' OR 1=1 --", typed],
      // Sent percent-encoded, so the server receives the three characters %00, not a NUL byte.
      ['%00', typed],
      ['\u0000', true],
      ['\u001b', true],
      ['9'.repeat(400), !!(p.schema?.maximum !== undefined || p.schema?.enum || p.schema?.format)],
      ['1e-308', p.schema?.type === 'integer' || p.schema?.type === 'number'],
    ];
    if (p.name === 'cursor') values.push(...BAD_CURSORS.map((c): [string, boolean] => [c, true]));
    if (p.schema?.format === 'uuid') values.push([ids.case!.toUpperCase(), false]);
    if (p.schema?.format === 'date' || p.schema?.format === 'date-time') values.push(['9999-12-31', true]);
    kind(
      fc.constantFrom(...values).map(([value, invalid]) => {
        const v = base();
        v.query[p.name] = value;
        v.invalid = invalid;
        v.where = `query ${p.name}=${JSON.stringify(value)}`;
        return v;
      }),
    );
  }
  if (headers['if-match'])
    kind(
      fc.constantFrom('W/"1"', '"1", "2"', '*', '"-1"', '"99999999999"').map((value) => {
        const v = base();
        v.headers['if-match'] = value;
        v.invalid = true;
        v.where = `If-Match ${value}`;
        return v;
      }),
    );
  if (bodySchema) {
    // The body itself: not an object, not JSON.
    kind(
      fc
        .constantFrom<[unknown, string | undefined]>(
          [[], undefined],
          [['x'], undefined],
          [undefined, '{"a":'],
          [undefined, '"str"'],
        )
        .map(([body, rawBody]) => ({
          ...base(),
          body,
          rawBody,
          invalid: true,
          where: `body ${rawBody ?? JSON.stringify(body)}`,
        })),
    );
    // One property, top level or one level down.
    const slots: { path: string[]; schema: Schema }[] = [];
    for (const [key, prop] of Object.entries(bodySchema.properties ?? {})) {
      slots.push({ path: [key], schema: prop });
      const inner = resolve(prop);
      const nested = inner.properties ? inner : inner.items ? resolve(inner.items) : undefined;
      for (const [k2, p2] of Object.entries(nested?.properties ?? {}))
        slots.push({ path: inner.items ? [key, '0', k2] : [key, k2], schema: p2 });
    }
    if (slots.length)
      kind(
        fc
          .constantFrom(...slots)
          .chain((slot) => hostileFor(slot.schema, ids).map((h) => ({ slot, h })))
          .map(({ slot, h }) => {
            const v = base();
            let target = v.body as Record<string, unknown>;
            for (const [i, key] of slot.path.slice(0, -1).entries()) {
              const next = slot.path[i + 1]!;
              if (typeof target[key] !== 'object' || target[key] === null) target[key] = /^\d+$/.test(next) ? [] : {};
              target = target[key] as Record<string, unknown>;
            }
            target[slot.path.at(-1)!] = h.value;
            v.invalid = h.invalid;
            v.where = `body ${slot.path.join('.')} = ${h.label}`;
            return v;
          }),
        // Most variants go to body properties: where malformed values could be stored.
        4,
      );
  }
  return kinds.length ? fc.oneof(...kinds) : fc.constant(base());
}

/** Every string in a parsed answer (JSON text escapes control characters and lone surrogates). */
const stringsOf = (value: unknown): string[] =>
  typeof value === 'string'
    ? [value]
    : value && typeof value === 'object'
      ? Object.entries(value).flatMap(([k, v]) => [k, ...stringsOf(v)])
      : [];
const unsafeText = (body: unknown) => stringsOf(body).some((s) => CONTROL_CHARACTERS.test(s) || LONE_SURROGATE.test(s));
const UPPER_UUID = /[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}/;
const hasUpperHex = (s: string) => /[A-F]/.test(s);

describe('hostile input over every operation of openapi.json', () => {
  let t: TestApp;
  let worker: Session;
  let admin: Session;
  let auditor: Session;
  let selfUser: GivenUser;
  const ids: Record<string, string> = {};

  const WORKER_ROLES: Role[] = [
    'caseworker',
    'case_supervisor',
    'screener',
    'identification_officer',
    'facility_officer',
    'agency_admin',
    'auditor',
    'analyst',
  ];

  beforeAll(async () => {
    t = await startTestApp();
    const g = given(t);
    const agency = await g.agency({ localType: 'shelter' });
    const other = await g.agency({ localType: 'government_department' });
    worker = await g.session(await g.user(agency, WORKER_ROLES));
    admin = await g.session(await g.user(await g.agency(), ['system_admin']));
    auditor = await g.session(await g.user(agency, ['auditor']));
    selfUser = await g.user(agency, ['caseworker']);
    ids.agency = agency.id;
    ids.user = (await g.user(agency, ['caseworker'])).id;
    // Records made through the API, as a caseworker would; each must exist, so path ids are real.
    const create = async (url: string, body: unknown): Promise<{ id: string } & Record<string, unknown>> => {
      const res = await t.http
        .post(url)
        .set(worker.auth)
        .send(body as object);
      if (res.status !== 201) throw new Error(`fixture ${url}: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body;
    };
    ids.person = (
      await create('/persons', {
        names: { givenNameLatin: 'Fixture' },
        gender: 'Feminine',
        birth: { precision: 'year', birthYear: 1995 },
      })
    ).id;
    ids.case = (await create('/cases', { personId: ids.person })).id;
    ids.plan = (await create(`/cases/${ids.case}/support-plans`, { type: 'Health', objectives: 'Health care' })).id;
    const followUps = (await create(`/cases/${ids.case}/follow-ups`, { fromDate: today() })) as unknown as {
      id: string;
    }[];
    ids.followUp = followUps[0]!.id;
    ids.note = (await create(`/cases/${ids.case}/notes`, { text: 'First visit' })).id;
    ids.consent = (
      await create(`/cases/${ids.case}/consents`, {
        purposes: ['assistance', 'sharing_for_referral'],
        coveredAgencyIds: [other.id],
        givenBy: 'person',
        method: 'written',
        givenOn: today(),
      })
    ).id;
    ids.screening = (await create('/screenings', screeningBody({ personId: ids.person }))).id;
    ids.facility = (
      await create('/facilities', {
        agencyId: agency.id,
        code: 'FUZZ-1',
        nameEn: 'Fuzz shelter',
        kind: 'shelter',
        provinceCode: 'LA-VT',
        acceptsGenders: ['Feminine'],
        bedCapacity: 3,
      })
    ).id;
    ids.placement = (
      await create(`/facilities/${ids.facility}/admissions`, { caseId: ids.case, admittedOn: today() })
    ).id;
    ids.referral = (
      await create(`/cases/${ids.case}/referrals`, { toAgencyId: other.id, purpose: 'medical', urgency: 'normal' })
    ).id;
    const notice = await create('/return-notices', {
      hostCountry: 'TH',
      hostAgency: 'MSDHS Thailand',
      hostReference: 'TH-FUZZ-1',
      borderCrossingCode: 'FRIENDSHIP_BRIDGE_1',
      expectedOn: today(),
      peopleCount: 1,
      childrenCount: 0,
    });
    ids.notice = notice.id;
    ids.arrival = (notice.arrivals as { id: string }[])[0]!.id;
  });
  afterAll(() => t.close());

  /** The path id an operation is realistically called with. */
  function pathIds(route: string): Record<string, string> {
    const first = route.split('/')[1]!;
    const byPrefix: Record<string, string | undefined> = {
      cases: ids.case,
      agencies: ids.agency,
      users: ids.user,
      persons: ids.person,
      screenings: ids.screening,
      referrals: ids.referral,
      facilities: ids.facility,
      placements: ids.placement,
      'return-notices': ids.notice,
      'expected-arrivals': ids.arrival,
      audit: ids.case,
    };
    const record = route.includes('support-plans')
      ? ids.plan
      : route.includes('follow-ups')
        ? ids.followUp
        : route.includes('notes')
          ? ids.note
          : ids.consent;
    return {
      id: byPrefix[first] ?? ids.case!,
      recordId: record!,
      // A webhook delivery id: any well-formed id (a missing one answers 404 like any other).
      deliveryId: ids.case!,
      // A session id of another user's: any well-formed id (answers 404 like a missing one).
      sessionId: ids.case!,
      referralId: ids.referral ?? ids.case!,
      version: '1',
      category: 'gender',
      measure: 'cases',
    };
  }

  const errorCodes = new Set(Object.keys(ERROR_CATALOG));
  // The walk cannot wait for an event stream; its hostile inputs are walked in
  // test/notifications/in-app-notifications.spec.ts.
  const operations = Object.entries(document.paths)
    .flatMap(([route, item]) => Object.entries(item).map(([method, op]) => ({ route, method, op })))
    .filter(({ op }) => !isEventStream(op));

  let sent = 0;

  it(`finds every operation of openapi.json (${operations.length})`, () => {
    expect(operations.length).toBeGreaterThan(90);
  });

  // One test per operation, so a failure names it; VARIANTS_PER_OPERATION requests each.
  it.each(operations.map((o, index) => [o.method.toUpperCase(), o.route, index] as const))(
    '%s %s: no 5xx, problem+json errors, nothing forbidden accepted',
    async (_method, _route, index) => {
      const { route, method, op } = operations[index]!;
      const permission = op['x-permission'];
      const auth =
        permission === 'auth.self'
          ? // Log-out and password routes act on a session of their own, never the walk's.
            (await given(t).session(selfUser)).auth
          : permissionsOf(WORKER_ROLES).has(permission as never)
            ? worker.auth
            : admin.auth;
      const variants = fc.sample(variantsOf(op, pathIds(route), ids), {
        seed: SEED + index,
        numRuns: VARIANTS_PER_OPERATION,
      });
      const failures: string[] = [];
      for (const v of variants) {
        const url = route.replace(/\{(\w+)\}/g, (_m, name: string) => encodeURIComponent(v.path[name] ?? 'x'));
        let req = (t.http as unknown as Record<string, (u: string) => import('supertest').Test>)[method]!(url)
          .set(auth)
          .set(v.headers);
        if (Object.keys(v.query).length)
          req = req.query(
            Object.entries(v.query)
              .map(([k, q]) => `${k}=${encodeURIComponent(q)}`)
              .join('&'),
          );
        if (v.rawBody !== undefined) req = req.set('content-type', 'application/json').send(v.rawBody);
        else if (v.body !== undefined) req = req.set('content-type', 'application/json').send(JSON.stringify(v.body));
        const res = await req;
        sent++;
        const what = `${method.toUpperCase()} ${route} [${v.where}] → ${res.status}`;
        if (res.status >= 500) failures.push(`${what}: server error ${res.body?.code}`);
        else if (res.status >= 400) {
          if (res.type !== 'application/problem+json') failures.push(`${what}: not problem+json (${res.type})`);
          else if (!errorCodes.has(res.body?.code)) failures.push(`${what}: unknown code ${res.body?.code}`);
        } else {
          if (v.invalid) failures.push(`${what}: a forbidden value was accepted`);
          if (unsafeText(res.body)) failures.push(`${what}: the answer holds a control character or lone surrogate`);
          const upper = UPPER_UUID.exec(res.text ?? '')?.[0];
          if (upper && hasUpperHex(upper)) failures.push(`${what}: the answer holds an upper-case id`);
        }
      }
      expect(failures).toEqual([]);
    },
  );

  it('sent every variant, and the audit chain verifies after the walk', async () => {
    expect(sent).toBe(operations.length * VARIANTS_PER_OPERATION);
    const verified = await t.http.get('/audit/verify').set(auditor.auth);
    expect(verified.status).toBe(200);
    expect(verified.body).toMatchObject({ ok: true, firstBreak: null });
  });
});
