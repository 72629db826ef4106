import fs from 'node:fs';
import path from 'node:path';
import { listRoutes } from '../../src/common/http/route-inventory.js';
import { schemaDrift, withDataSource } from '../../src/start-up/migrator.js';
import { buildOpenApiDocument } from '../../src/openapi.js';
import { superuserUrl, testClusterInfo } from '../harness/test-cluster.js';
import { startTestApp, type TestApp } from '../harness/test-app.js';

describe('schema and contract', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('has migrations that match the entities exactly (no drift)', async () => {
    const drift = await withDataSource(superuserUrl(testClusterInfo(), t.databaseName), schemaDrift);
    // A failure lists the SQL a new migration needs: run `npm run migration:generate -- <Name>`.
    expect(drift.up).toEqual([]);
  });

  it('never lets TypeORM synchronize the schema', () => {
    const sources = fs.readdirSync('src', { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts'));
    for (const f of sources) expect(fs.readFileSync(path.join('src', f), 'utf8')).not.toMatch(/synchronize:\s*true/);
  });

  it('has a committed openapi.json identical to what the app generates (run `npm run openapi` when this fails)', () => {
    const committed = JSON.parse(fs.readFileSync('openapi.json', 'utf8'));
    expect(buildOpenApiDocument(t.app)).toEqual(committed);
  });

  it('declares a permission on every route', () => {
    const routes = listRoutes(t.app);
    expect(routes.length).toBeGreaterThan(0);
    const undeclared = routes
      .filter((r) => !r.permission)
      .map((r) => `${r.method} ${r.path} (${r.controller}.${r.handler})`);
    expect(undeclared).toEqual([]);
    // The inventory of routes and their permissions: a change here is a reviewed change.
    expect(routes.map((r) => `${r.method} ${r.path} -> ${r.permission}`)).toMatchSnapshot();
  });

  it('documents the permission of every operation in the OpenAPI document', () => {
    const doc = buildOpenApiDocument(t.app);
    for (const [p, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(
        item as Record<string, { 'x-permission'?: string; operationId?: string }>,
      )) {
        expect({ route: `${method} ${p}`, permission: op['x-permission'] }).toEqual({
          route: `${method} ${p}`,
          permission: expect.stringMatching(/^[a-z-]+\.[a-z-]+$/),
        });
        // Explicit verb+noun ids (test/platform/contract-truth.spec.ts checks them further).
        expect(op.operationId).toMatch(/^[a-z]+[A-Z][A-Za-z]*$/);
      }
    }
  });
});
