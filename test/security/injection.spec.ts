import fc from 'fast-check';
import { given, type GivenAgency, type Session } from '../harness/given.js';
import { tableCounts } from '../harness/table-counts.js';
import { startTestApp, type TestApp } from '../harness/test-app.js';

const SQL = [
  "' OR '1'='1",
  "'; DROP TABLE person; --",
  '" OR 1=1 --',
  "1; UPDATE app_user SET roles = '{system_admin}'",
  '$$; SELECT pg_sleep(5); $$',
  "\\'; DELETE FROM case_file; --",
  "admin'--",
  "') UNION SELECT password_hash FROM app_user --",
  '%27%20OR%201%3D1',
  '${7*7}{{7*7}}<script>alert(1)</script>',
];
const LAO = ['ສົມໃຈ ວົງໄຊ', 'ພອນສະຫວັນ', 'ບຸນມີ', 'ຫຼວງພະບາງ', 'ແກ້ວ'];
const EMOJI = ['👩‍👧‍👦', '🇱🇦', '𝕊𝕠𝕞𝕔𝕙𝕒𝕚', 'Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǧ̗͚̚o̙̔ͮ̇͐̇', '\u202Eevil\u202C'];
const CONTROL = ['a\u0000b', '\u0001\u0002', 'tab\tand\nnewline\r', '\u007F', '\u001B[31mred'];

/** Hostile strings: SQL and template injection, Lao script, emoji and bidi, control characters, very long, random. */
const hostile = fc.oneof(
  fc.constantFrom(...SQL, ...LAO, ...EMOJI, ...CONTROL),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 60 }),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 60 }),
  fc.string({ minLength: 150, maxLength: 3000 }),
);

describe('injection: hostile strings in every kind of field never cause a 500 or touch unrelated rows', () => {
  let t: TestApp;
  let agency: GivenAgency;
  let worker: Session;
  let auditor: Session;
  let admin: Session;
  let caseId: string;
  let unrelated: () => Promise<unknown>;

  beforeAll(async () => {
    t = await startTestApp();
    const g = given(t);
    agency = await g.agency();
    worker = await g.session(await g.user(agency, ['caseworker', 'screener', 'case_supervisor']));
    auditor = await g.session(await g.user(agency, ['auditor']));
    admin = await g.session(await g.user(await g.agency(), ['system_admin']));
    const personId = (
      await t.http
        .post('/persons')
        .set(worker.auth)
        .send({ names: { givenNameLatin: 'Anchor' }, gender: 'Feminine' })
    ).body.id;
    caseId = (await t.http.post('/cases').set(worker.auth).send({ personId })).body.id;
    // Another agency's records: nothing the hostile requests do may change them.
    const other = await g.agency();
    const otherUser = await g.user(other, ['case_supervisor']);
    await g.caseFor(other, { createdBy: otherUser });
    unrelated = async () =>
      (
        await t.ownerQuery(
          `SELECT md5(string_agg(c.id::text || c.version || c.stage || p.version, ',' ORDER BY c.id)) AS h FROM case_file c JOIN person p ON p.id = c.person_id WHERE c.lead_agency_id = $1`,
          [other.id],
        )
      ).rows[0].h;
  });
  afterAll(() => t.close());

  const no500 = (status: number, what: string) => {
    if (status >= 500) throw new Error(`${what} answered ${status}`);
  };

  it('in person names and addresses: stored exactly (encrypted) or refused with a 4xx', async () => {
    const before = await unrelated();
    await fc.assert(
      fc.asyncProperty(hostile, hostile, async (given, village) => {
        const res = await t.http
          .post('/persons')
          .set(worker.auth)
          .send({
            names: { givenNameLatin: given, aliases: [given] },
            gender: 'Masculine',
            address: { village },
            confirmNotDuplicate: true,
          });
        no500(res.status, 'POST /persons');
        if (res.status === 201) {
          const back = await t.http.get(`/persons/${res.body.id}`).set(worker.auth);
          expect(back.body.names.givenNameLatin).toBe(given);
          expect(back.body.address.village).toBe(village);
        } else {
          expect([400, 409, 422]).toContain(res.status);
        }
        const matched = await t.http
          .post('/persons/matches')
          .set(worker.auth)
          .send({ names: { familyNameLatin: given } });
        no500(matched.status, 'POST /persons/matches');
      }),
      { numRuns: 60 },
    );
    expect(await unrelated()).toBe(before);
  });

  it('in case notes: stored exactly or refused', async () => {
    await fc.assert(
      fc.asyncProperty(hostile, async (text) => {
        const res = await t.http.post(`/cases/${caseId}/notes`).set(worker.auth).send({ text });
        no500(res.status, 'POST notes');
        if (res.status === 201) expect(res.body.text).toBe(text);
        else expect(res.status).toBe(400);
      }),
      { numRuns: 40 },
    );
  });

  it('in query parameters and paths of lists and searches', async () => {
    const before = await unrelated();
    await fc.assert(
      fc.asyncProperty(hostile, async (value) => {
        const q = encodeURIComponent(value);
        for (const [path, session] of [
          [`/cases?caseNumber=${q}`, worker],
          [`/cases?stage=${q}&sort=${q}`, worker],
          [`/cases?cursor=${q}`, worker],
          [`/screenings?suggestedOutcome=${q}`, worker],
          [`/audit/events?action=${q}&resourceId=${q}&requestId=${q}`, auditor],
          [`/audit/events?cursor=${q}`, auditor],
          [`/reference/code-lists/${q}`, worker],
          [`/cases/${q}`, worker],
        ] as const) {
          const res = await t.http.get(path).set(session.auth);
          no500(res.status, `GET ${path.split('?')[0]}`);
        }
      }),
      { numRuns: 40 },
    );
    expect(await unrelated()).toBe(before);
  });

  it('in administration fields (agency names, user display names)', async () => {
    const counts = await tableCounts(t);
    let created = 0;
    await fc.assert(
      fc.asyncProperty(hostile, async (name) => {
        const res = await t.http
          .post('/agencies')
          .set(admin.auth)
          .send({
            code: `X-${Math.random().toString(36).slice(2, 10).toUpperCase()}`,
            nameEn: name,
            htcdsOrgType: 'NGO',
            localType: 'ngo',
          });
        no500(res.status, 'POST /agencies');
        if (res.status === 201) {
          created += 1;
          expect(res.body.nameEn).toBe(name);
        }
      }),
      { numRuns: 30 },
    );
    const after = await tableCounts(t);
    expect(after.agency).toBe(counts.agency! + created);
    expect({ ...after, agency: 0 }).toEqual({ ...counts, agency: 0 });
  });
});
