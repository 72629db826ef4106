import { given, type GivenAgency, type GivenUser, type Session } from '../harness/given.js';
import { startTestApp, type TestApp } from '../harness/test-app.js';

describe('record-level access to cases', () => {
  let t: TestApp;
  let g: ReturnType<typeof given>;
  let police: GivenAgency;
  let shelter: GivenAgency;
  let policeSupervisor: GivenUser;
  let assigned: GivenUser;
  let otherCaseworker: GivenUser;
  let caseId: string;
  const s: Record<string, Session> = {};

  beforeAll(async () => {
    t = await startTestApp();
    g = given(t);
    police = await g.agency({ localType: 'police_anti_trafficking_unit' });
    shelter = await g.agency({ localType: 'shelter' });
    policeSupervisor = await g.user(police, ['case_supervisor']);
    assigned = await g.user(police, ['caseworker']);
    otherCaseworker = await g.user(police, ['caseworker']);
    caseId = await g.caseFor(police, {
      createdBy: policeSupervisor,
      caseworker: assigned,
      supervisor: policeSupervisor,
    });
    s.supervisor = await g.session(policeSupervisor);
    s.assigned = await g.session(assigned);
    s.otherCaseworker = await g.session(otherCaseworker);
    s.shelterCaseworker = await g.session(await g.user(shelter, ['caseworker']));
    s.shelterSupervisor = await g.session(await g.user(shelter, ['case_supervisor']));
    s.shelterFacility = await g.session(await g.user(shelter, ['facility_officer']));
    s.shelterIdOfficer = await g.session(await g.user(shelter, ['identification_officer']));
  });
  afterAll(() => t.close());

  const read = (session: Session, id = caseId) => t.http.get(`/cases/${id}`).set(session.auth);
  const stripId = (body: Record<string, unknown>) => {
    const { requestId: _r, ...rest } = body;
    return rest;
  };

  it('lets the assigned caseworker and the lead agency supervisor read the case in full', async () => {
    for (const who of ['assigned', 'supervisor']) {
      const res = await read(s[who]!);
      expect({ who, status: res.status, view: res.body.view }).toEqual({ who, status: 200, view: 'full' });
    }
  });

  it('hides the case from an unassigned caseworker of the same agency', async () => {
    expect((await read(s.otherCaseworker!)).status).toBe(404);
  });

  it('answers another agency exactly as for a case that does not exist', async () => {
    const hidden = await read(s.shelterSupervisor!);
    const missing = await read(s.shelterSupervisor!, '01a00000-0000-7000-8000-000000000000');
    expect(hidden.status).toBe(404);
    expect(stripId(hidden.body)).toEqual(stripId(missing.body));
    expect(hidden.headers['content-length']).toBe(missing.headers['content-length']);
  });

  it("shows an open referral's receiving agency a limited view, and nothing once it ends", async () => {
    const grantId = await g.referralAccess(caseId, shelter);
    const res = await read(s.shelterFacility!);
    expect(res.status).toBe(200);
    expect(res.body.view).toBe('limited');
    // Roles that do not work the referral inbox still see nothing.
    expect((await read(s.shelterIdOfficer!)).status).toBe(404);
    await t.ownerQuery('UPDATE case_access_grant SET revoked_at = now() WHERE id = $1', [grantId]);
    expect((await read(s.shelterFacility!)).status).toBe(404);
  });

  it('lets a break-the-glass grant open a case outside scope for a limited time, visible to the lead agency', async () => {
    const noReason = await t.http.post(`/cases/${caseId}/break-glass`).set(s.shelterIdOfficer!.auth).send({});
    expect(noReason.status).toBe(400);
    expect(noReason.body.errors[0].field).toBe('reason');

    const missing = await t.http
      .post('/cases/01a00000-0000-7000-8000-000000000000/break-glass')
      .set(s.shelterIdOfficer!.auth)
      .send({ reason: 'urgent identification interview' });
    expect(missing.status).toBe(404);

    const granted = await t.http
      .post(`/cases/${caseId}/break-glass`)
      .set(s.shelterIdOfficer!.auth)
      .send({ reason: 'urgent identification interview' });
    expect(granted.status).toBe(201);
    const hours = (new Date(granted.body.expiresAt).getTime() - Date.now()) / 3600_000;
    expect(hours).toBeGreaterThan(3.9);
    expect(hours).toBeLessThanOrEqual(4);
    const res = await read(s.shelterIdOfficer!);
    expect(res.status).toBe(200);
    expect(res.body.view).toBe('full');

    const grants = await t.http.get(`/cases/${caseId}/access-grants`).set(s.supervisor!.auth);
    expect(grants.status).toBe(200);
    expect(grants.body.find((x: { id: string }) => x.id === granted.body.id)).toMatchObject({
      kind: 'break_glass',
      reason: 'urgent identification interview',
      active: true,
    });

    const audited = await t.ownerQuery(`SELECT count(*)::int AS n FROM audit_event WHERE break_glass_grant_id = $1`, [
      granted.body.id,
    ]);
    expect(audited.rows[0].n).toBeGreaterThan(0);

    // Caseworkers hold no break-the-glass permission; expired grants stop working.
    expect(
      (
        await t.http
          .post(`/cases/${caseId}/break-glass`)
          .set(s.shelterCaseworker!.auth)
          .send({ reason: 'curious about this case' })
      ).status,
    ).toBe(403);
    await t.ownerQuery(`UPDATE case_access_grant SET expires_at = now() - interval '1 second' WHERE id = $1`, [
      granted.body.id,
    ]);
    expect((await read(s.shelterIdOfficer!)).status).toBe(404);
  });

  it('does not show the grants of a case to another agency', async () => {
    expect((await t.http.get(`/cases/${caseId}/access-grants`).set(s.shelterSupervisor!.auth)).status).toBe(404);
  });

  describe('row-level security (the second wall)', () => {
    it('returns no case to the application role without an actor context', async () => {
      const owner = await t.ownerQuery('SELECT count(*)::int AS n FROM case_file');
      expect(owner.rows[0].n).toBeGreaterThan(0);
      const app = await t.appQuery('SELECT count(*)::int AS n FROM case_file');
      expect(app.rows[0].n).toBe(0);
    });

    it("limits a query that bypasses the access service to the actor's agency", async () => {
      const shelterCase = await g.caseFor(shelter, { createdBy: s.shelterSupervisor!.user });
      const ids = await t.appTransaction(async (c) => {
        await c.query(`SELECT set_config('app.agency_id', $1, true), set_config('app.user_id', $2, true)`, [
          shelter.id,
          s.shelterSupervisor!.user.id,
        ]);
        return (await c.query('SELECT id FROM case_file')).rows.map((r) => r.id);
      });
      expect(ids).toContain(shelterCase);
      expect(ids).not.toContain(caseId);
    });

    it('refuses to let the application role write a case for another agency', async () => {
      await expect(
        t.appTransaction(async (c) => {
          await c.query(`SELECT set_config('app.agency_id', $1, true)`, [shelter.id]);
          await c.query('INSERT INTO case_file (id, lead_agency_id, created_by) VALUES (gen_random_uuid(), $1, $2)', [
            police.id,
            policeSupervisor.id,
          ]);
        }),
      ).rejects.toThrow(/row-level security/);
    });

    it('runs as a role that owns no table and cannot bypass row-level security', async () => {
      const role = await t.appQuery(`SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user`);
      expect(role.rows[0]).toEqual({ rolsuper: false, rolbypassrls: false });
      const owned = await t.appQuery(
        `SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public' AND tableowner = current_user`,
      );
      expect(owned.rows[0].n).toBe(0);
    });
  });
});
