import type { OpenAPIObject } from '@nestjs/swagger';
import { ROLES } from '../../src/auth/permissions.js';
import { listRoutes } from '../../src/common/http/route-inventory.js';
import { buildOpenApiDocument } from '../../src/openapi.js';
import { given, type Session } from '../harness/given.js';
import { startTestApp, type TestApp } from '../harness/test-app.js';

interface Node {
  $ref?: string;
  type?: string;
  enum?: unknown[];
  format?: string;
  pattern?: string;
  maxLength?: number;
  maxItems?: number;
  maximum?: number;
  items?: Node;
  properties?: Record<string, Node>;
  allOf?: Node[];
}

interface Operation {
  requestBody?: { content?: Record<string, { schema?: Node }> };
  parameters?: { in: string; name: string; schema?: Node }[];
}

/** Resource consumption: every size a client controls has a documented, enforced bound. */
describe('resource limits', () => {
  let t: TestApp;
  let everyone: Session;
  let doc: OpenAPIObject;
  const schemaNamed = (ref: string) => doc.components!.schemas![ref.split('/').pop()!] as Node;
  const operations = (): [string, string, Operation][] =>
    Object.entries(doc.paths).flatMap(([p, item]) =>
      Object.entries(item as Record<string, Operation>).map(
        ([m, op]) => [m.toUpperCase(), p, op] as [string, string, Operation],
      ),
    );

  beforeAll(async () => {
    t = await startTestApp();
    const g = given(t);
    everyone = await g.quickSession(await g.user(await g.agency(), [...ROLES]));
    doc = buildOpenApiDocument(t.app);
  });
  afterAll(() => t.close());

  it('bounds every string and array a client can send in a body (length, items, or a pattern)', () => {
    const unbounded: string[] = [];
    const walk = (node: Node | undefined, at: string, seen: Set<string>): void => {
      if (!node) return;
      if (node.$ref) {
        if (seen.has(node.$ref)) return;
        return walk(schemaNamed(node.$ref), at, new Set(seen).add(node.$ref));
      }
      for (const part of node.allOf ?? []) walk(part, at, seen);
      if (node.type === 'string' && node.maxLength === undefined && !node.enum && !node.format && !node.pattern)
        unbounded.push(`${at}: string`);
      if (node.type === 'array') {
        if (node.maxItems === undefined) unbounded.push(`${at}: array`);
        walk(node.items, `${at}[]`, seen);
      }
      for (const [name, child] of Object.entries(node.properties ?? {})) walk(child, `${at}.${name}`, seen);
    };
    let bodies = 0;
    for (const [method, path, op] of operations()) {
      const schema = op.requestBody?.content?.['application/json']?.schema;
      if (!schema) continue;
      bodies += 1;
      walk(schema, `${method} ${path}`, new Set());
    }
    expect(bodies).toBeGreaterThan(40);
    expect(unbounded).toEqual([]);
  });

  it('refuses one character or one item over each bound with 400 naming the field', async () => {
    const wrong: string[] = [];
    let tried = 0;
    const routes = new Set(listRoutes(t.app).map((r) => `${r.method} ${r.path}`));
    for (const [method, path, op] of operations()) {
      const ref = op.requestBody?.content?.['application/json']?.schema?.$ref;
      if (!ref || path.startsWith('/auth/') || !routes.has(`${method} ${path}`)) continue;
      for (const [field, node] of Object.entries(schemaNamed(ref).properties ?? {})) {
        let value: unknown;
        if (node.type === 'string' && node.maxLength !== undefined) value = 'x'.repeat(node.maxLength + 1);
        else if (node.type === 'array' && node.maxItems !== undefined)
          value = Array.from(
            { length: node.maxItems + 1 },
            (_, i) => node.items?.enum?.[i % node.items.enum.length] ?? `x${i}`,
          );
        else continue;
        tried += 1;
        const url = path.replace(/\{\w+\}/g, '01a00000-0000-7000-8000-00000000beef');
        const res = await t.http[method.toLowerCase() as 'post'](url)
          .set(everyone.auth)
          .set('if-match', '"1"')
          .send({ [field]: value });
        const named =
          res.status === 400 && (res.body.errors as { field: string }[] | undefined)?.some((e) => e.field === field);
        if (!named) wrong.push(`${method} ${path} ${field}: ${res.status}`);
      }
    }
    expect(tried).toBeGreaterThan(60);
    expect(wrong).toEqual([]);
  });

  it('caps the page size of every list route', async () => {
    const lists = operations().filter(
      ([method, , op]) => method === 'GET' && op.parameters?.some((p) => p.in === 'query' && p.name === 'limit'),
    );
    expect(lists.length).toBeGreaterThanOrEqual(3);
    for (const [, path, op] of lists) {
      const max = op.parameters!.find((p) => p.name === 'limit')!.schema!.maximum;
      expect({ path, max: typeof max }).toEqual({ path, max: 'number' });
      const url = path.replace(/\{\w+\}/g, '01a00000-0000-7000-8000-00000000beef');
      const res = await t.http
        .get(url)
        .query({ limit: max! + 1 })
        .set(everyone.auth);
      expect({ path, status: res.status }).toEqual({ path, status: 400 });
    }
  });
});
