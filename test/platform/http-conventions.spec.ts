import { Controller, Get, Module, Post } from '@nestjs/common';
import fs from 'node:fs';
import { Authorize } from '../../src/auth/authorize.decorator.js';
import { Permission } from '../../src/auth/permissions.js';
import { startTestApp, type TestApp } from '../harness/test-app.js';

@Controller('__test')
class FailingController {
  @Get('boom')
  @Authorize(Permission.HealthRead)
  boom(): never {
    throw new Error('secret internal detail: SELECT * FROM person');
  }

  @Post('echo')
  @Authorize(Permission.HealthRead)
  echo(): { ok: true } {
    return { ok: true };
  }
}

@Module({ controllers: [FailingController] })
class FailingModule {}

const PROBLEM = 'application/problem+json';

describe('HTTP conventions', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ extraModules: [FailingModule] });
  });
  afterAll(() => t.close());

  it('answers an unknown route with a 404 problem and no echo of the path', async () => {
    const res = await t.http.get('/no/such/route?name=Somchai');
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toContain(PROBLEM);
    expect(res.body).toEqual({
      type: 'urn:ctcm:problem:route-not-found',
      title: 'No such route',
      status: 404,
      code: 'ROUTE_NOT_FOUND',
      requestId: res.headers['x-request-id'],
    });
    expect(res.text).not.toContain('Somchai');
  });

  it('lists the bad fields of a failed validation', async () => {
    const res = await t.http.get('/reference/code-lists/NOT_VALID!');
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toContain(PROBLEM);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(res.body.errors).toEqual([
      { field: 'category', messages: ['category must be a kebab-case code list name'] },
    ]);
  });

  it('answers 404 for a well-formed but unknown code list', async () => {
    const res = await t.http.get('/reference/code-lists/no-such-list');
    expect(res.status).toBe(404);
    expect(res.body.code).toBe('NOT_FOUND');
  });

  it('refuses a body over the limit with 413', async () => {
    const res = await t.http
      .post('/__test/echo')
      .set('content-type', 'application/json')
      .send(JSON.stringify({ blob: 'x'.repeat(300 * 1024) }));
    expect(res.status).toBe(413);
    expect(res.headers['content-type']).toContain(PROBLEM);
    expect(res.body.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('refuses a body that is not JSON with 415', async () => {
    const res = await t.http.post('/__test/echo').set('content-type', 'text/plain').send('hello');
    expect(res.status).toBe(415);
    expect(res.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('refuses deeply nested JSON and prototype keys with 400 naming the problem', async () => {
    const deep = `${'['.repeat(50)}${']'.repeat(50)}`;
    const res = await t.http.post('/__test/echo').set('content-type', 'application/json').send(`{"a":${deep}}`);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    const proto = await t.http
      .post('/__test/echo')
      .set('content-type', 'application/json')
      .send('{"a":{"__proto__":{"polluted":true}}}');
    expect(proto.status).toBe(400);
    expect(proto.body.errors).toEqual([{ field: '__proto__', messages: ['property name __proto__ is not allowed'] }]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuses malformed JSON with 400', async () => {
    const res = await t.http.post('/__test/echo').set('content-type', 'application/json').send('{"a":');
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('MALFORMED_JSON');
  });

  it('answers an unexpected failure with nothing but a code and the request id', async () => {
    const res = await t.http.get('/__test/boom').set('x-request-id', 'trace-500-abcdef');
    expect(res.status).toBe(500);
    expect(res.body).toEqual({
      type: 'urn:ctcm:problem:internal-error',
      title: 'Internal error',
      status: 500,
      code: 'INTERNAL_ERROR',
      requestId: 'trace-500-abcdef',
    });
    expect(res.text).not.toMatch(/SELECT|secret|stack|at /);
  });

  it('honours a well-formed x-request-id and echoes it in the header, the error body and the logs', async () => {
    const id = 'client-req-0001-xyz';
    const res = await t.http.get('/no/such/route').set('x-request-id', id);
    expect(res.headers['x-request-id']).toBe(id);
    expect(res.body.requestId).toBe(id);
    const logLines = fs
      .readFileSync(t.logFile, 'utf8')
      .split('\n')
      .filter((l) => l.includes(id));
    expect(logLines.length).toBeGreaterThan(0);
    for (const line of logLines) expect(JSON.parse(line).reqId).toBe(id);
  });

  it('logs one line per request with the route template and status, never the path or query', async () => {
    const id = 'client-req-0002-route';
    await t.http.get('/cases/01a20000-0000-7000-8000-00000000abcd?name=Phonsavanh').set('x-request-id', id);
    const lines = fs
      .readFileSync(t.logFile, 'utf8')
      .split('\n')
      .filter((l) => l.includes(id))
      .map((l) => JSON.parse(l));
    const done = lines.find((l) => l.msg === 'request completed' || l.msg === 'request failed' || l.res);
    expect(done).toMatchObject({
      reqId: id,
      req: { method: 'GET' },
      res: { statusCode: 401 },
      route: '/cases/{id}',
      level: 40,
    });
    expect(typeof done.responseTime).toBe('number');
    const text = lines.map((l) => JSON.stringify(l)).join('\n');
    expect(text).not.toContain('Phonsavanh');
    expect(text).not.toContain('00000000abcd');
  });

  it.each([
    ['too short', 'abc'],
    ['with a line break', 'abcdefgh\r\nforged: yes'.replace(/\r\n/, '%0d%0a')],
    ['too long', 'a'.repeat(150)],
    ['with spaces', 'has spaces in it'],
  ])('replaces a malformed x-request-id (%s) with a generated one', async (_label, value) => {
    const res = await t.http.get('/health/live').set('x-request-id', value);
    expect(res.headers['x-request-id']).not.toBe(value);
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('generates a request id when none is sent', async () => {
    const res = await t.http.get('/health/live');
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('forbids caching and sets the security headers', async () => {
    const res = await t.http.get('/reference/provinces');
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
  });

  it('sends no CORS allowance when no origin is configured', async () => {
    const res = await t.http.get('/health/live').set('origin', 'https://evil.example');
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('reports readiness when the database answers and no migration is pending', async () => {
    const res = await t.http.get('/health/ready');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok', checks: { database: 'ok', migrations: 'ok' } });
  });

  it('reports not ready, as a 503 problem, when a migration is pending', async () => {
    const latest = await t.ownerQuery<{ id: number; timestamp: string; name: string }>(
      'SELECT id, timestamp, name FROM schema_migrations ORDER BY id DESC LIMIT 1',
    );
    await t.ownerQuery('DELETE FROM schema_migrations WHERE id = $1', [latest.rows[0]!.id]);
    try {
      const res = await t.http.get('/health/ready');
      expect(res.status).toBe(503);
      expect(res.body.code).toBe('SERVICE_UNAVAILABLE');
      expect(res.body.checks).toEqual({ database: 'ok', migrations: 'failing' });
    } finally {
      const r = latest.rows[0]!;
      await t.ownerQuery('INSERT INTO schema_migrations (id, timestamp, name) VALUES ($1, $2, $3)', [
        r.id,
        r.timestamp,
        r.name,
      ]);
    }
  });

  it('serves Swagger UI at /docs and the OpenAPI document at /docs-json', async () => {
    const ui = await t.http.get('/docs/').redirects(1);
    expect(ui.status).toBe(200);
    expect(ui.text).toContain('swagger-ui');
    const doc = await t.http.get('/docs-json');
    expect(doc.status).toBe(200);
    expect(doc.body.openapi).toMatch(/^3\./);
    expect(doc.body.paths['/health/ready']).toBeDefined();
  });
});
