import { ROLES } from '../../src/auth/permissions.js';
import { listRoutes, type RouteInfo } from '../../src/common/http/route-inventory.js';
import { buildOpenApiDocument } from '../../src/openapi.js';
import { given, type Session } from '../harness/given.js';
import { tableCounts } from '../harness/table-counts.js';
import { startTestApp, type TestApp } from '../harness/test-app.js';

/** Fields a client must never set, in every shape an attacker would try. */
const SMUGGLED = [
  '"agencyId":"01a00000-0000-7000-8000-000000000001"',
  '"leadAgencyId":"01a00000-0000-7000-8000-000000000001"',
  '"roles":["system_admin"]',
  '"status":"accepted"',
  '"stage":"closed"',
  '"version":99',
  '"createdBy":"01a00000-0000-7000-8000-000000000002"',
  '"id":"01a00000-0000-7000-8000-000000000003"',
  '"__proto__":{"isAdmin":true}',
  '"constructor":{"prototype":{"isAdmin":true}}',
];

describe('mass assignment: every write route refuses fields it does not declare', () => {
  let t: TestApp;
  let everyone: Session;
  let writes: RouteInfo[];

  beforeAll(async () => {
    t = await startTestApp();
    const g = given(t);
    const agency = await g.agency();
    // A user holding every role reaches validation on every route.
    everyone = await g.quickSession(await g.user(agency, [...ROLES]));
    // The KoboToolbox receiver takes Kobo's open-ended JSON: it is read against the XLSForm (unknown
    // fields ignored and named, test/intake/kobo-intake.spec.ts), never assigned to a record.
    writes = listRoutes(t.app).filter(
      (r) =>
        ['POST', 'PATCH', 'PUT'].includes(r.method) && !r.path.startsWith('/auth/') && r.path !== '/intake/kobo/{id}',
    );
  });
  afterAll(() => t.close());

  it('covers every write route of the app', () => {
    expect(writes.length).toBeGreaterThan(40);
  });

  it('answers 400 naming the smuggled field, and changes nothing', async () => {
    const doc = buildOpenApiDocument(t.app);
    const operation = (route: RouteInfo) =>
      (
        doc.paths[route.path] as Record<
          string,
          { requestBody?: { content?: Record<string, { schema?: { $ref?: string } }> } }
        >
      )[route.method.toLowerCase()];
    // An upload route reads a multipart stream: a JSON body is the wrong media type (415), never fields.
    const uploadOnly = (route: RouteInfo): boolean => {
      const content = operation(route)?.requestBody?.content ?? {};
      return 'multipart/form-data' in content && !('application/json' in content);
    };
    const declared = (route: RouteInfo): Set<string> => {
      const op = operation(route);
      const ref = op?.requestBody?.content?.['application/json']?.schema?.$ref?.split('/').pop();
      const schema = ref
        ? (doc.components?.schemas?.[ref] as { properties?: Record<string, unknown> } | undefined)
        : undefined;
      return new Set(Object.keys(schema?.properties ?? {}));
    };
    const before = await tableCounts(t);
    const wrong: string[] = [];
    let tried = 0;
    for (const route of writes) {
      const path = route.path.replace(/\{[A-Za-z]+\}/g, '01a00000-0000-7000-8000-00000000beef');
      const allowed = declared(route);
      for (const field of SMUGGLED) {
        const name = /^"([^"]+)"/.exec(field)![1]!;
        // A field the route declares is not smuggled: the service authorises its value (tested elsewhere).
        if (allowed.has(name)) continue;
        tried += 1;
        const method = route.method.toLowerCase() as 'post' | 'patch' | 'put';
        const res = await t.http[method](path)
          .set(everyone.auth)
          .set('if-match', '"1"')
          .set('content-type', 'application/json')
          .send(`{${field}}`);
        const keys = [...field.matchAll(/"([A-Za-z_]+)":/g)].map((m) => m[1]!);
        const named =
          Array.isArray(res.body.errors) &&
          res.body.errors.some((e: { field: string; messages: string[] }) =>
            keys.some((k) => e.field === k || e.messages.join(' ').includes(k)),
          );
        // (Prototype keys are refused earlier still, by the body parser's shape check: 400.)
        const refused = (res.status === 400 && named) || (uploadOnly(route) && res.status === 415);
        if (!refused) wrong.push(`${route.method} ${route.path} ${name}: ${res.status}`);
      }
    }
    expect(tried).toBeGreaterThan(writes.length * 8);
    expect(wrong).toEqual([]);
    expect(await tableCounts(t)).toEqual(before);
  });
});
