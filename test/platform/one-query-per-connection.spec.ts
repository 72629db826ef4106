import fs from 'node:fs';
import nodeProcess from 'node:process';
import pg from 'pg';
import { schemaDrift, withDataSource } from '../../src/start-up/migrator.js';
import { freshDeployment, type HttpDeployment, type HttpSession, succeeded, suffix } from '../harness/http-setup.js';
import { superuserUrl, testClusterInfo } from '../harness/test-cluster.js';
import { localToday } from '../harness/dates.js';

/**
 * node-postgres queues a statement sent to a connection that is still running one, warns
 * ("Calling client.query() when the client is already executing a query is deprecated") and
 * will refuse it in pg 9. Every statement sent while its connection is busy is recorded here
 * (the stricter condition: pg warns only from the second one waiting), with its stack, over
 * the paths that used to do it: lists built with Promise.all inside the request transaction,
 * a merge reading two persons at once, a code list reading its Lao labels at once, and TypeORM's
 * schema reader behind the drift check.
 */
const busy: string[] = [];
const warnings: string[] = [];
const inFlight = new WeakMap<object, number>();
const clientQuery = pg.Client.prototype.query as (...args: unknown[]) => unknown;
(pg.Client.prototype as unknown as { query: unknown }).query = function (this: object, ...args: unknown[]) {
  const running = inFlight.get(this) ?? 0;
  // Pipeline mode (src/database/pipeline.ts) writes statements at once on purpose; pg queues nothing then.
  if (running > 0 && (this as { pipeline?: boolean }).pipeline !== true)
    busy.push(new Error('statement sent to a busy connection').stack ?? '');
  const result = clientQuery.apply(this, args);
  if (result instanceof Promise) {
    inFlight.set(this, running + 1);
    const done = () => inFlight.set(this, (inFlight.get(this) ?? 1) - 1);
    result.then(done, done);
  }
  return result;
};
// The real process (jest gives tests a copy): where node-postgres emits its deprecation.
const onWarning = (w: Error) => {
  if (/already executing a query/.test(w.message)) warnings.push(w.stack ?? w.message);
};

const today = localToday;

describe('one statement at a time on each connection', () => {
  let d: HttpDeployment;
  let lead: HttpSession;
  let receiver: HttpSession;
  let receiverAgency: string;

  beforeAll(async () => {
    nodeProcess.on('warning', onWarning);
    d = await freshDeployment();
    const leadAgency = await d.agency('lead');
    receiverAgency = await d.agency('receiver');
    lead = await d.user('lead', leadAgency, ['caseworker', 'case_supervisor']);
    receiver = await d.user('receiver', receiverAgency, ['caseworker', 'case_supervisor']);
    busy.length = 0;
  }, 120_000);
  afterAll(async () => {
    nodeProcess.off('warning', onWarning);
    await d?.t.close();
  });
  const assertNoneBusy = () => expect({ busy, warnings }).toEqual({ busy: [], warnings: [] });

  it('lists return notices with their arrivals', async () => {
    for (let i = 0; i < 4; i++) {
      succeeded(
        await d.t.http
          .post('/return-notices')
          .set(lead.auth)
          .send({
            hostCountry: 'TH',
            hostAgency: 'MSDHS Thailand',
            hostReference: `TH-${suffix()}`,
            borderCrossingCode: 'FRIENDSHIP_BRIDGE_1',
            expectedOn: today(),
            peopleCount: 2,
            childrenCount: 1,
          }),
        'return notice',
      );
    }
    const list = await d.t.http.get('/return-notices').set(lead.auth);
    expect(list.status).toBe(200);
    expect(list.body).toHaveLength(4);
    for (const notice of list.body) expect(notice.arrivals).toHaveLength(2);
    assertNoneBusy();
  });

  it("lists a case's family assessments", async () => {
    const person = succeeded(
      await d.t.http
        .post('/persons')
        .set(lead.auth)
        .send({ names: { givenNameLatin: `Family${suffix()}` }, gender: 'Feminine', confirmNotDuplicate: true }),
      'person',
    ).body.id;
    const caseId = succeeded(await d.t.http.post('/cases').set(lead.auth).send({ personId: person }), 'case').body.id;
    succeeded(
      await d.t.http
        .post(`/cases/${caseId}/consents`)
        .set(lead.auth)
        .send({
          purposes: ['assistance', 'sharing_for_referral'],
          coveredAgencyIds: [receiverAgency],
          givenBy: 'person',
          method: 'written',
          givenOn: today(),
        }),
      'consent',
    );
    // One family assessment per family-tracing referral: three in turn, each accepted, assessed and completed.
    for (let i = 0; i < 3; i++) {
      const referral = succeeded(
        await d.t.http
          .post(`/cases/${caseId}/referrals`)
          .set(lead.auth)
          .send({ toAgencyId: receiverAgency, purpose: 'family_tracing', urgency: 'normal' }),
        'referral',
      ).body;
      succeeded(
        await d.t.http
          .post(`/referrals/${referral.id}/accept`)
          .set(receiver.auth)
          .set('if-match', `"${referral.version}"`),
        'accept',
      );
      succeeded(
        await d.t.http
          .post(`/referrals/${referral.id}/family-assessment`)
          .set(receiver.auth)
          .send({
            assessedOn: today(),
            familyFound: true,
            recommendation: 'return_home',
            householdRisks: ['debt'],
            findings: `Visit ${i + 1}: the family welcomes her back.`,
          }),
        'family assessment',
      );
      const current = (await d.t.http.get(`/referrals/${referral.id}`).set(receiver.auth)).body;
      succeeded(
        await d.t.http
          .post(`/referrals/${referral.id}/complete`)
          .set(receiver.auth)
          .set('if-match', `"${current.version}"`)
          .send({ reason: 'family_traced' }),
        'complete',
      );
    }
    const list = await d.t.http.get(`/cases/${caseId}/family-assessments`).set(lead.auth);
    expect(list.status).toBe(200);
    expect(list.body).toHaveLength(3);
    assertNoneBusy();
  });

  it('merges one person into another', async () => {
    const create = async (name: string) =>
      succeeded(
        await d.t.http
          .post('/persons')
          .set(lead.auth)
          .send({ names: { givenNameLatin: name }, gender: 'Masculine', confirmNotDuplicate: true }),
        'person',
      ).body.id;
    const source = await create(`Merge${suffix()}`);
    const target = await create(`Into${suffix()}`);
    const merged = await d.t.http.post(`/persons/${source}/merge`).set(lead.auth).send({ intoPersonId: target });
    expect([merged.status, merged.body.mergedIntoId]).toEqual([200, target]);
    assertNoneBusy();
  });

  it('reads reference data with its Lao labels', async () => {
    // GET /reference/code-lists/{category} read the list's and its values' Lao labels with Promise.all.
    const paths = [
      '/reference/code-lists/exploitation-type',
      '/reference/code-lists',
      '/reference/provinces?lang=lo',
      '/reference/countries?lang=lo',
    ];
    for (const path of paths) {
      const res = await d.t.http.get(path).set(lead.auth);
      expect([path, res.status]).toEqual([path, 200]);
    }
    assertNoneBusy();
  });

  it('answers every read without a path parameter, as a supervisor and as the administrator', async () => {
    // A representative sweep: lists, counts, dashboards and reports (streams and file exports left
    // out), each in its request transaction. Refusals (403, 400 for a missing filter) are fine:
    // only statements sent to a busy connection fail this.
    const spec = JSON.parse(fs.readFileSync(new URL('../../openapi.json', import.meta.url), 'utf8')) as {
      paths: Record<string, { get?: { responses?: Record<string, { content?: Record<string, unknown> }> } }>;
    };
    const reads = Object.entries(spec.paths)
      .filter(([path, ops]) => !path.includes('{') && ops.get?.responses?.['200']?.content?.['application/json'])
      .map(([path]) => path);
    expect(reads.length).toBeGreaterThan(30);
    const answered: number[] = [];
    for (const session of [lead, d.admin])
      for (const path of reads) {
        const res = await d.t.http.get(path.startsWith('/reference/') ? `${path}?lang=lo` : path).set(session.auth);
        expect([session.name, path, res.status < 500]).toEqual([session.name, path, true]);
        answered.push(res.status);
      }
    // Most of them ran their handler (the rest were refused for the role or wanted a filter).
    expect(answered.filter((status) => status === 200).length).toBeGreaterThan(reads.length);
    assertNoneBusy();
  });

  it('reads the schema for the drift check', async () => {
    const drift = await withDataSource(superuserUrl(testClusterInfo(), d.t.databaseName), schemaDrift);
    expect(drift.up).toEqual([]);
    assertNoneBusy();
  });
});
