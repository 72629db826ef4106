import { Controller, Module, Post } from '@nestjs/common';
import { AuditService } from '../../src/audit/audit.service.js';
import { Authorize } from '../../src/auth/authorize.decorator.js';
import { Permission } from '../../src/auth/permissions.js';
import { given, type GivenAgency, type Session } from '../harness/given.js';
import { startTestApp, type TestApp } from '../harness/test-app.js';

/** A write that records its change and then fails: the change and its entry must both vanish. */
@Controller('__audit-test')
class FailingWriteController {
  constructor(private readonly audit: AuditService) {}

  @Post('fail-after-write')
  @Authorize(Permission.AgencyRead)
  async failAfterWrite(): Promise<never> {
    await this.audit.change('update', 'agency', '01a00000-0000-7000-8000-0000000000ff', [
      { field: 'nameEn', personal: false, old: 'a', new: 'b' },
    ]);
    throw new Error('the write fails after its audit entry');
  }
}
@Module({ controllers: [FailingWriteController], providers: [] })
class FailingWriteModule {}

describe('what the audit trail captures', () => {
  let t: TestApp;
  let g: ReturnType<typeof given>;
  let agency: GivenAgency;
  let supervisor: Session;
  let caseworker: Session;
  let caseId: string;

  beforeAll(async () => {
    t = await startTestApp({ extraModules: [FailingWriteModule] });
    g = given(t);
    agency = await g.agency();
    supervisor = await g.session(await g.user(agency, ['case_supervisor']));
    caseworker = await g.session(await g.user(agency, ['caseworker']));
    caseId = await g.caseFor(agency, { createdBy: supervisor.user, supervisor: supervisor.user });
  });
  afterAll(() => t.close());

  const entriesFor = async (requestId: string) =>
    (await t.ownerQuery(`SELECT * FROM audit_event WHERE request_id = $1 ORDER BY id`, [requestId])).rows;

  it('records an allowed read with actor, route template, ids, outcome and duration, never the raw URL', async () => {
    const res = await t.http
      .get(`/cases/${caseId}?name=Somchai`)
      .set(supervisor.auth)
      .set('x-request-id', 'audit-read-0001')
      .set('user-agent', 'field-tablet/1.0');
    expect(res.status).toBe(200);
    const [entry] = await entriesFor('audit-read-0001');
    expect(entry).toMatchObject({
      category: 'access',
      action: 'read',
      actor_user_id: supervisor.user.id,
      actor_agency_id: agency.id,
      actor_roles: ['case_supervisor'],
      client_ip: expect.stringMatching(/127\.0\.0\.1/),
      user_agent: 'field-tablet/1.0',
      method: 'GET',
      route: '/cases/{id}',
      permission: 'case.read',
      resource_type: 'case',
      resource_ids: [caseId],
      case_ids: [caseId],
      outcome: 'allowed',
      status: 200,
    });
    expect(entry.duration_ms).toBeGreaterThanOrEqual(0);
    const dump = JSON.stringify(await t.ownerQuery('SELECT * FROM audit_event'));
    expect(dump).not.toContain('Somchai');
  });

  it('records a denied request (403) with the reason, and an anonymous one (401) without actor', async () => {
    await t.http.get('/users').set(caseworker.auth).set('x-request-id', 'audit-denied-0001');
    const [denied] = await entriesFor('audit-denied-0001');
    expect(denied).toMatchObject({
      outcome: 'denied',
      status: 403,
      reason: 'FORBIDDEN',
      actor_user_id: caseworker.user.id,
      route: '/users',
      permission: 'user.read',
    });
    await t.http.get(`/cases/${caseId}`).set('x-request-id', 'audit-anon-00001');
    const [anon] = await entriesFor('audit-anon-00001');
    expect(anon).toMatchObject({
      outcome: 'denied',
      status: 401,
      reason: 'UNAUTHENTICATED',
      actor_user_id: null,
      route: '/cases/{id}',
    });
  });

  it('records hidden records (404), unknown routes and rejected bodies', async () => {
    const other = await g.agency();
    const otherCase = await g.caseFor(other, { createdBy: await g.user(other, ['case_supervisor']) });
    await t.http.get(`/cases/${otherCase}`).set(caseworker.auth).set('x-request-id', 'audit-hidden-001');
    // The refused probe names the case it asked for (the lead agency's auditor must see it).
    expect((await entriesFor('audit-hidden-001'))[0]).toMatchObject({
      outcome: 'failed',
      status: 404,
      reason: 'NOT_FOUND',
      resource_ids: [otherCase],
      case_ids: [otherCase],
      details: { requested: { caseId: [otherCase] } },
    });
    await t.http.get('/no/such/thing').set('x-request-id', 'audit-unknown-01');
    expect((await entriesFor('audit-unknown-01'))[0]).toMatchObject({
      status: 404,
      reason: 'ROUTE_NOT_FOUND',
      route: '(unmatched)',
    });
    await t.http
      .post('/auth/login')
      .set('x-request-id', 'audit-bigbody-01')
      .set('content-type', 'application/json')
      .send(JSON.stringify({ x: 'y'.repeat(300_000) }));
    expect((await entriesFor('audit-bigbody-01'))[0]).toMatchObject({
      status: 413,
      reason: 'PAYLOAD_TOO_LARGE',
      outcome: 'failed',
    });
  });

  it('records every id a list returned', async () => {
    const res = await t.http.get('/agencies').set(caseworker.auth).set('x-request-id', 'audit-list-00001');
    const [entry] = await entriesFor('audit-list-00001');
    expect([...entry.resource_ids].sort()).toEqual(res.body.map((a: { id: string }) => a.id).sort());
  });

  it('writes a change and its entries in one transaction: a failed write leaves no change entry, only the failure', async () => {
    const res = await t.http
      .post('/__audit-test/fail-after-write')
      .set(caseworker.auth)
      .set('x-request-id', 'audit-rollback-1');
    expect(res.status).toBe(500);
    const entries = await entriesFor('audit-rollback-1');
    expect(entries.map((e) => [e.category, e.outcome, e.status])).toEqual([['access', 'failed', 500]]);
  });

  it('writes a committed change with its change entry and its access entry', async () => {
    const admin = await g.session(await g.user(agency, ['agency_admin']));
    const res = await t.http
      .post('/users')
      .set(admin.auth)
      .set('x-request-id', 'audit-commit-001')
      .send({
        agencyId: agency.id,
        email: 'kham.personal@test.example',
        displayName: 'Kham Personal',
        roles: ['caseworker'],
      });
    expect(res.status).toBe(201);
    const entries = await entriesFor('audit-commit-001');
    expect(entries.map((e) => e.category)).toEqual(['change', 'access']);
    const change = entries[0];
    expect(change.changes).toEqual(
      expect.arrayContaining([
        { field: 'email', personal: true },
        { field: 'displayName', personal: true },
        { field: 'roles', personal: false, old: null, new: ['caseworker'] },
      ]),
    );
    const text = JSON.stringify(entries);
    expect(text).not.toContain('kham.personal');
    expect(text).not.toContain('Kham Personal');
  });

  it('records authentication events without the password', async () => {
    const user = await g.user(agency, ['caseworker']);
    await t.http
      .post('/auth/login')
      .set('x-request-id', 'audit-loginfail1')
      .send({ email: user.email, password: 'Wrong-But-Secret-123' });
    const entries = await entriesFor('audit-loginfail1');
    expect(entries.map((e) => [e.category, e.action, e.outcome])).toEqual([
      ['auth', 'login_failed', 'denied'],
      ['access', 'login', 'denied'],
    ]);
    expect(JSON.stringify(await t.ownerQuery('SELECT * FROM audit_event'))).not.toContain('Wrong-But-Secret-123');
  });
});
