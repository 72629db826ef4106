import pg from 'pg';
import { freshDeployment, type HttpDeployment, type HttpSession, succeeded, suffix } from '../harness/http-setup.js';

/**
 * How many exchanges with PostgreSQL a request costs. An exchange is what a connection is sent
 * while idle, up to its answers: one statement, or several pipelined (src/database/pipeline.ts).
 * Each costs a round trip, and on a machine shared by the API and PostgreSQL two process wake-ups.
 * The audited case read (the request every screen starts with, bench/README.md) takes two:
 * the user re-check with its rate-limit counts (autocommit), BEGIN with the row-level-security
 * context and the one statement that reads, pipelined; the access entry with COMMIT. The app's background work (the
 * audit sealer, the job queue) runs meanwhile on other connections, so exchanges are told apart
 * by the statements they carry.
 */
const exchanges: string[][] = [];
let recording = false;
const current = new WeakMap<object, string[]>();
const inFlight = new WeakMap<object, number>();
const clientQuery = pg.Client.prototype.query as (...args: unknown[]) => unknown;
(pg.Client.prototype as unknown as { query: unknown }).query = function (this: object, ...args: unknown[]) {
  const running = inFlight.get(this) ?? 0;
  if (recording) {
    const config = args[0] as string | { text?: string } | undefined;
    const text = typeof config === 'string' ? config : (config?.text ?? '');
    let exchange = running > 0 ? current.get(this) : undefined;
    if (!exchange) {
      exchange = [];
      current.set(this, exchange);
      exchanges.push(exchange);
    }
    exchange.push(text.replace(/\s+/g, ' ').trim());
  }
  const result = clientQuery.apply(this, args);
  if (result instanceof Promise) {
    inFlight.set(this, running + 1);
    const done = () => inFlight.set(this, (inFlight.get(this) ?? 1) - 1);
    result.then(done, done);
  }
  return result;
};

/** What a statement of the case read is, by its text; anything else is some other work's. */
function kind(text: string): string | undefined {
  if (/^WITH hit AS \( INSERT INTO rate_limit_counter/.test(text)) return 're-check';
  if (/^START TRANSACTION; SELECT set_config\('app\.user_id'/.test(text)) return 'begin';
  if (/app_case_needs_risks/.test(text)) return 'read';
  if (/^INSERT INTO audit_event/.test(text)) return 'audit entry';
  if (text === 'COMMIT') return 'commit';
  return undefined;
}

describe('exchanges with PostgreSQL per request', () => {
  let d: HttpDeployment;
  let lead: HttpSession;
  let caseId: string;

  beforeAll(async () => {
    d = await freshDeployment();
    const agency = await d.agency('lead');
    lead = await d.user('lead', agency, ['caseworker', 'case_supervisor']);
    const person = succeeded(
      await d.t.http
        .post('/persons')
        .set(lead.auth)
        .send({ names: { givenNameLatin: `Exchange${suffix()}` }, gender: 'Feminine', confirmNotDuplicate: true }),
      'person',
    ).body.id;
    caseId = succeeded(await d.t.http.post('/cases').set(lead.auth).send({ personId: person }), 'case').body.id;
  }, 120_000);
  afterAll(async () => {
    await d?.t.close();
  });

  it('reads a case in two: re-check with BEGIN and the read, the access entry with COMMIT', async () => {
    // Warm: the first read on a connection also prepares its statements (same exchanges).
    expect((await d.t.http.get(`/cases/${caseId}`).set(lead.auth)).status).toBe(200);
    exchanges.length = 0;
    recording = true;
    const res = await d.t.http.get(`/cases/${caseId}`).set(lead.auth);
    recording = false;
    expect(res.status).toBe(200);
    const read = exchanges
      .map((exchange) => exchange.map(kind))
      // Background transactions commit too: an exchange counts if it carries a statement only the read sends.
      .filter((kinds) => kinds.some((k) => k !== undefined && k !== 'commit'));
    expect(read).toEqual([
      ['re-check', 'begin', 'read'],
      ['audit entry', 'commit'],
    ]);
  });
});
