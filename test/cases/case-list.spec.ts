import { given } from '../harness/given.js';
import { startTestApp, type TestApp } from '../harness/test-app.js';

/**
 * A case list page merges the agency's own cases, break-the-glass cases and cases reached
 * through open referrals (src/cases/cases.service.ts list()): paging must return each visible
 * case exactly once, in order, with filters and both sort directions, and nothing else.
 */
describe('case lists across own and granted cases', () => {
  let t: TestApp;
  afterAll(() => t.close());

  it('pages through own and referred cases exactly once, in order, filtered and sorted either way', async () => {
    t = await startTestApp();
    const g = given(t);
    const shelter = await g.agency({ localType: 'shelter' });
    const police = await g.agency({ localType: 'police_anti_trafficking_unit' });
    const stranger = await g.agency();
    const supervisor = await g.quickSession(await g.user(shelter, ['case_supervisor']));
    const shelterStaff = await g.user(shelter, ['caseworker']);
    const policeStaff = await g.user(police, ['caseworker']);
    const strangerStaff = await g.user(stranger, ['caseworker']);

    const own: string[] = [];
    const referred: string[] = [];
    for (let i = 0; i < 7; i++) {
      own.push(await g.caseFor(shelter, { createdBy: shelterStaff }));
      const theirs = await g.caseFor(police, { createdBy: policeStaff });
      await g.referralAccess(theirs, shelter);
      // Two open grants for one case must not show it twice.
      if (i === 3) await g.referralAccess(theirs, shelter);
      referred.push(theirs);
      await g.caseFor(stranger, { createdBy: strangerStaff });
    }
    const revoked = await g.caseFor(police, { createdBy: policeStaff });
    const grant = await g.referralAccess(revoked, shelter);
    await t.ownerQuery(`UPDATE case_access_grant SET revoked_at = now() WHERE id = $1`, [grant]);
    // A stage filter that keeps some of each: their lead agencies move them on, over the API.
    const policeSupervisor = await g.quickSession(await g.user(police, ['case_supervisor']));
    const moveToScreening = async (caseId: string, lead: typeof supervisor) => {
      const { version } = (await t.http.get(`/cases/${caseId}`).set(lead.auth)).body;
      const moved = await t.http
        .post(`/cases/${caseId}/transitions`)
        .set(lead.auth)
        .set('if-match', `"${version}"`)
        .send({ to: 'screening' });
      expect(moved.status).toBe(200);
    };
    for (const id of own.slice(0, 4)) await moveToScreening(id, supervisor);
    for (const id of referred.slice(2, 6)) await moveToScreening(id, policeSupervisor);

    const all = async (query: string) => {
      const seen: { id: string; view: string; createdAt: string }[] = [];
      let cursor: string | null = null;
      do {
        const res: {
          status: number;
          body: { items: { id: string; view: string; createdAt: string }[]; nextCursor: string | null };
        } = await t.http.get(`/cases?limit=3${query}${cursor ? `&cursor=${cursor}` : ''}`).set(supervisor.auth);
        expect(res.status).toBe(200);
        seen.push(...res.body.items);
        cursor = res.body.nextCursor;
      } while (cursor);
      return seen;
    };
    const expected = async (ids: string[], dir: 'ASC' | 'DESC') =>
      (
        await t.ownerQuery(
          `SELECT id FROM case_file WHERE id = ANY($1::uuid[]) ORDER BY created_at ${dir}, id ${dir}`,
          [ids],
        )
      ).rows.map((r) => r.id as string);

    const newestFirst = await all('');
    expect(newestFirst.map((c) => c.id)).toEqual(await expected([...own, ...referred], 'DESC'));
    expect(newestFirst.filter((c) => referred.includes(c.id)).every((c) => c.view === 'limited')).toBe(true);
    const oldestFirst = await all('&sort=createdAt');
    expect(oldestFirst.map((c) => c.id)).toEqual(await expected([...own, ...referred], 'ASC'));
    const screening = await all('&stage=screening');
    expect(screening.map((c) => c.id)).toEqual(await expected([...own.slice(0, 4), ...referred.slice(2, 6)], 'DESC'));
    // Each of the referral walk's four branches (stage or not, either direction) is taken.
    const screeningOldestFirst = await all('&stage=screening&sort=createdAt');
    expect(screeningOldestFirst.map((c) => c.id)).toEqual(
      await expected([...own.slice(0, 4), ...referred.slice(2, 6)], 'ASC'),
    );
    const byNumber = await all('&sort=caseNumber');
    expect(new Set(byNumber.map((c) => c.id))).toEqual(new Set([...own, ...referred]));
    expect(byNumber).toHaveLength(own.length + referred.length);
  });
});
