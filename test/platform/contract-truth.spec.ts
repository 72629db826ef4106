import { createConfig, lintFromString } from '@redocly/openapi-core';
import fs from 'node:fs';
import { type RouteTraits, routeTraitsOf } from '../../src/api-docs/route-contract.js';
import { rulesOf, type SchemaNode, validatedClasses } from '../../src/api-docs/validation-rules.js';
import { type Permission, PUBLIC_PERMISSIONS, ROLE_PERMISSIONS, ROLES, type Role } from '../../src/auth/permissions.js';
import { given, type GivenAgency, type Session } from '../harness/given.js';
import { startTestApp, type TestApp } from '../harness/test-app.js';

/**
 * openapi.json tells the whole truth: what it declares is checked against what the server does
 * (headers it honours, rules it enforces, route names it writes in the audit), and it passes a
 * standard OpenAPI lint. The document itself is the committed one (schema-and-contract keeps it current).
 */
interface Parameter {
  $ref?: string;
  name?: string;
  in?: string;
  required?: boolean;
  schema?: SchemaNode;
}
interface Operation {
  operationId?: string;
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, unknown> };
  responses: Record<string, unknown>;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, SchemaNode>; parameters: Record<string, Parameter> };
}

const source = fs.readFileSync('openapi.json', 'utf8');
const doc = JSON.parse(source) as Document;
const PLACEHOLDER_ID = '01a00000-0000-7000-8000-00000000abcd';
/** Routes that end the caller's own session get a session of their own. */
const SESSION_ENDING = new Set(['/auth/logout', '/auth/logout-all', '/auth/password']);
const VERBS =
  /^(get|list|create|update|record|open|link|publish|find|merge|unmerge|assign|transition|request|close|reopen|breakGlass|accept|decline|cancel|withdraw|complete|add|correct|schedule|reschedule|admit|discharge|verify|export|import|deactivate|activate|unlock|reset|check|confirm|submit|sign|refresh|change|send|mark|stream|delete|redeliver|rotate|revoke|receive|reprocess|remove|approve|refuse)[A-Z]/;

const operationOf = (route: { method: string; path: string }) => doc.paths[route.path]?.[route.method.toLowerCase()];
const headersOf = (op: Operation | undefined): Parameter[] =>
  (op?.parameters ?? [])
    .map((p) => (p.$ref ? doc.components.parameters[p.$ref.split('/').pop()!]! : p))
    .filter((p) => p.in === 'header');

describe('the contract tells the whole truth', () => {
  let t: TestApp;
  let traits: RouteTraits[];
  let agency: GivenAgency;
  const sessions = new Map<Role, Session>();

  beforeAll(async () => {
    t = await startTestApp();
    traits = routeTraitsOf(t.app);
    agency = await given(t).agency();
  });
  afterAll(() => t.close());

  /** A session of a role holding the route's permission (a fresh one for routes that end sessions). */
  const sessionFor = async (route: RouteTraits): Promise<Record<string, string>> => {
    if (route.isPublic) return {};
    const role = ROLES.find((r) => ROLE_PERMISSIONS[r].includes(route.permission as Permission))!;
    if (SESSION_ENDING.has(route.path)) return (await given(t).quickSession(await given(t).user(agency, [role]))).auth;
    if (!sessions.has(role)) sessions.set(role, await given(t).quickSession(await given(t).user(agency, [role])));
    return sessions.get(role)!.auth;
  };

  const call = async (route: RouteTraits, headers: Record<string, string>) => {
    const path = route.path.replace(/\{[A-Za-z]+\}/g, (p) => (p === '{category}' ? 'gender' : PLACEHOLDER_ID));
    const method = route.method.toLowerCase() as 'get' | 'post' | 'patch';
    const req = t.http[method](path).set({ ...(await sessionFor(route)), ...headers });
    // Upload routes take multipart/form-data only (a JSON body answers 415 before anything else).
    if (operationOf(route)?.requestBody?.content?.['multipart/form-data']) return req.field('description', 'x');
    return method === 'get' ? req : req.send({});
  };

  it('gives every operation an explicit, unique verb+noun id that the document uses', () => {
    const wrong = traits
      .filter((r) => !r.operationId || !VERBS.test(r.operationId) || operationOf(r)?.operationId !== r.operationId)
      .map((r) => `${r.method} ${r.path}: ${r.operationId ?? '(none: add @ApiOperation({ operationId }))'}`);
    expect(wrong).toEqual([]);
    const ids = traits.map((r) => r.operationId);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
    expect(Object.values(doc.paths).flatMap((item) => Object.values(item)).length).toBe(traits.length);
  });

  it('passes the Redocly recommended lint with no error and no warning', async () => {
    const config = await createConfig({
      extends: ['recommended'],
      // The licence is proprietary: there is no licence URL to give.
      rules: { 'info-license-strict': 'off' },
    });
    const problems = await lintFromString({ source, absoluteRef: 'openapi.json', config });
    expect(problems.map((p) => `${p.severity} ${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`)).toEqual([]);
  });

  it('declares If-Match exactly on the routes that answer 428 without it', async () => {
    const wrong: string[] = [];
    for (const route of traits.filter((r) => r.method !== 'GET' && !r.isPublic)) {
      const declared = headersOf(operationOf(route)).some((h) => h.name === 'If-Match' && h.required);
      const res = await call(route, {});
      const required = res.status === 428 && res.body.code === 'PRECONDITION_REQUIRED';
      if (declared !== required)
        wrong.push(`${route.method} ${route.path}: declared ${declared}, answered ${res.status}`);
      if (declared && !['412', '428'].every((s) => s in operationOf(route)!.responses))
        wrong.push(`${route.method} ${route.path}: 412 or 428 undeclared`);
    }
    expect(wrong).toEqual([]);
  });

  it('declares Idempotency-Key exactly on the POST routes that check it', async () => {
    const wrong: string[] = [];
    for (const route of traits.filter((r) => r.method === 'POST')) {
      const declared = headersOf(operationOf(route)).some((h) => h.name === 'Idempotency-Key');
      // A malformed key is refused by the routes that claim keys, before anything else runs.
      const res = await call(route, { 'idempotency-key': 'x' });
      const checked =
        res.status === 400 && (res.body.errors ?? []).some((e: { field: string }) => e.field === 'Idempotency-Key');
      if (declared !== checked)
        wrong.push(`${route.method} ${route.path}: declared ${declared}, answered ${res.status}`);
    }
    expect(wrong).toEqual([]);
  });

  it('states every validation rule of the request classes in their schema', () => {
    const expected = (name: string, constraints: unknown[]): [string, unknown] | undefined => {
      const [first, second] = constraints;
      switch (name) {
        case 'maxLength':
          return ['maxLength', first];
        case 'minLength':
          return ['minLength', first];
        case 'max':
          return ['maximum', first];
        case 'min':
          return ['minimum', first];
        case 'arrayMaxSize':
          return ['maxItems', first];
        case 'arrayMinSize':
          return ['minItems', first];
        case 'arrayUnique':
          return ['uniqueItems', true];
        case 'matches':
          return ['pattern', (first as RegExp).source];
        case 'isIn':
          return ['enum', first];
        case 'isUUID':
          return ['format', 'uuid'];
        case 'isEmail':
          return ['format', 'email'];
        case 'isInt':
          return ['type', 'integer'];
        case 'isLength':
          return second === undefined ? ['minLength', first] : ['maxLength', second];
        default:
          return undefined;
      }
    };
    const missing: string[] = [];
    const check = (where: string, properties: Record<string, SchemaNode | undefined>, target: unknown) => {
      for (const rule of rulesOf(target)) {
        const keyword = rule.name ? expected(rule.name, rule.constraints ?? []) : undefined;
        const property = properties[rule.propertyName];
        if (!keyword || !property || property.$ref || property.allOf) continue;
        const arrayLevel = ['arrayMaxSize', 'arrayMinSize', 'arrayUnique'].includes(rule.name!);
        const node = rule.each && property.type === 'array' && !arrayLevel ? property.items : property;
        const [name, value] = keyword;
        const stated = node?.[name];
        const same =
          name === 'enum'
            ? Array.isArray(stated) && [...stated].sort().join() === [...(value as unknown[])].sort().join()
            : name === 'maximum' || name === 'minimum'
              ? typeof stated === 'number' &&
                (name === 'maximum' ? stated <= (value as number) : stated >= (value as number))
              : stated === value;
        if (!same)
          missing.push(
            `${where}.${rule.propertyName}: ${name} ${JSON.stringify(value)} (documented ${JSON.stringify(stated)})`,
          );
      }
    };
    for (const target of validatedClasses()) {
      const schema = doc.components.schemas[target.name];
      if (schema?.properties) check(target.name, schema.properties, target);
    }
    for (const route of traits.filter((r) => r.queryType)) {
      const query = (operationOf(route)?.parameters ?? []).filter((p) => p.in === 'query');
      check(
        `${route.method} ${route.path}?`,
        Object.fromEntries(query.map((p) => [p.name!, p.schema])),
        route.queryType,
      );
    }
    expect(missing).toEqual([]);
  });

  it('names routes in audit entries exactly as the document spells its paths', async () => {
    const requestId = `contract-truth-${Date.now()}`;
    const caseRead = traits.find((r) => r.method === 'GET' && r.path === '/cases/{id}')!;
    await call(caseRead, { 'x-request-id': requestId });
    const auditor = await given(t).quickSession(await given(t).user(agency, ['auditor']));
    const events = await t.http.get('/audit/events').query({ requestId }).set(auditor.auth);
    expect(events.status).toBe(200);
    expect(events.body.items.map((e: { route: string }) => e.route)).toEqual(['/cases/{id}']);
    expect(Object.keys(doc.paths)).toContain('/cases/{id}');
  });

  it('declares the public routes as needing no token, and every other as bearer-authenticated', () => {
    for (const route of traits) {
      const op = operationOf(route) as Operation & { security?: unknown[] };
      expect({ route: route.path, security: op.security }).toEqual({
        route: route.path,
        security: PUBLIC_PERMISSIONS.has(route.permission as Permission) ? [] : [{ bearer: [] }],
      });
    }
  });
});
