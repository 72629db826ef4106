import { given, type GivenAgency, type GivenUser } from '../harness/given.js';
import { startTestApp, type TestApp } from '../harness/test-app.js';

/**
 * The case read and the case list send the user re-check in the same exchange as their first
 * statement (UserCheckWithFirstStatement): they run on the token's claims until the re-check's
 * row is judged. Whatever the re-check refuses, the answer is the refusal, with nothing of what
 * was read, exactly as when the re-check ran on its own before the route.
 */
describe('the user re-check sent with the first statement', () => {
  let t: TestApp;
  let g: ReturnType<typeof given>;
  let agency: GivenAgency;
  let author: GivenUser;
  let caseId: string;

  beforeAll(async () => {
    t = await startTestApp();
    g = given(t);
    agency = await g.agency();
    author = await g.user(agency, ['caseworker', 'case_supervisor']);
    caseId = await g.caseFor(agency, { createdBy: author });
  });
  afterAll(() => t.close());

  /** The access entry the API wrote for a request, by its request id. */
  const entryOf = async (requestId: string) => {
    for (let i = 0; i < 50; i++) {
      const { rows } = await t.ownerQuery<{ actor_user_id: string | null; status: number; case_ids: string[] }>(
        `SELECT actor_user_id::text, status, case_ids::text[] FROM audit_event WHERE request_id = $1`,
        [requestId],
      );
      if (rows[0]) return rows[0];
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`no access entry for ${requestId}`);
  };

  it('reads and lists for a user whose token stands, with the rate-limit fields', async () => {
    const s = await g.session(await g.user(agency, ['case_supervisor']));
    const read = await t.http.get(`/cases/${caseId}`).set(s.auth);
    expect(read.status).toBe(200);
    expect(read.body.id).toBe(caseId);
    expect(read.headers.ratelimit).toBeDefined();
    const list = await t.http.get('/cases?limit=5').set(s.auth);
    expect(list.status).toBe(200);
    expect(list.headers.ratelimit).toBeDefined();
    const entry = await entryOf(read.headers['x-request-id'] as string);
    expect(entry.actor_user_id).toBe(s.user.id);
    expect(entry.case_ids).toEqual([caseId]);
  });

  it('answers 401 with nothing read once the session ended, audited without an actor', async () => {
    const s = await g.session(await g.user(agency, ['case_supervisor']));
    expect((await t.http.get(`/cases/${caseId}`).set(s.auth)).status).toBe(200);
    expect((await t.http.post('/auth/logout').set(s.auth)).status).toBe(204);
    const read = await t.http.get(`/cases/${caseId}`).set(s.auth);
    expect(read.status).toBe(401);
    expect(read.body.id).toBeUndefined();
    expect(JSON.stringify(read.body)).not.toContain(caseId);
    const entry = await entryOf(read.headers['x-request-id'] as string);
    expect(entry.actor_user_id).toBeNull();
    expect(entry.status).toBe(401);
    const list = await t.http.get('/cases').set(s.auth);
    expect(list.status).toBe(401);
    expect(list.body.items).toBeUndefined();
    // A request refused before its first statement (a malformed id) is still a 401, not a 400.
    expect((await t.http.get('/cases/not-a-case-id').set(s.auth)).status).toBe(401);
  });

  it('answers 401 once the user is deactivated', async () => {
    const user = await g.user(agency, ['case_supervisor']);
    const s = await g.session(user);
    expect((await t.http.get(`/cases/${caseId}`).set(s.auth)).status).toBe(200);
    const admin = await g.session(await g.user(agency, ['agency_admin']));
    expect((await t.http.post(`/users/${user.id}/deactivate`).set(admin.auth)).status).toBe(200);
    const read = await t.http.get(`/cases/${caseId}`).set(s.auth);
    expect(read.status).toBe(401);
    expect(read.body.id).toBeUndefined();
  });

  it('answers 401 when the user row no longer carries the claims the request ran on', async () => {
    // An attack on the deferral: the roles changed without the token version moving (the API
    // always moves it), so the token's claims are not the user's any more.
    const user = await g.user(agency, ['case_supervisor']);
    const s = await g.session(user);
    expect((await t.http.get(`/cases/${caseId}`).set(s.auth)).status).toBe(200);
    await t.ownerQuery(`UPDATE app_user SET roles = ARRAY['screener'] WHERE id = $1`, [user.id]);
    const read = await t.http.get(`/cases/${caseId}`).set(s.auth);
    expect(read.status).toBe(401);
    expect(read.body.id).toBeUndefined();
  });

  it('answers 403 PASSWORD_CHANGE_REQUIRED for a forced password change', async () => {
    const s = await g.session(await g.user(agency, ['case_supervisor'], { mustChangePassword: true }));
    const read = await t.http.get(`/cases/${caseId}`).set(s.auth);
    expect(read.status).toBe(403);
    expect(read.body.code).toBe('PASSWORD_CHANGE_REQUIRED');
    expect(read.body.id).toBeUndefined();
    const list = await t.http.get('/cases').set(s.auth);
    expect(list.status).toBe(403);
    expect(list.body.code).toBe('PASSWORD_CHANGE_REQUIRED');
  });

  it('still answers 404 for a case the user may not see', async () => {
    const other = await g.agency();
    const s = await g.session(await g.user(other, ['case_supervisor']));
    expect((await t.http.get(`/cases/${caseId}`).set(s.auth)).status).toBe(404);
  });
});
