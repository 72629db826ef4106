import { randomUUID } from 'node:crypto';
import ExcelJS from 'exceljs';
import { uuidv7 } from '../../src/common/uuid.js';
import type { Started } from '../lib/processes.js';
import { log, round } from '../lib/util.js';
import { type Ctx, startApi, type Target } from '../scenarios.js';

/**
 * Field intake from KoboToolbox (issue 19): a burst of submissions posted to
 * POST /intake/kobo/{id} by 16 clients that behave like Kobo's REST Service (a connection
 * error or a 5xx is retried, a 4xx is a failure), built from the XLSForm the API serves.
 *  1. the burst, measured (submissions/s);
 *  2. the same submissions posted again: every one answered as a duplicate, nothing stored;
 *  3. a fresh burst during which the API is killed (SIGKILL) and restarted: the clients retry.
 * Then the database is counted: every acknowledged submission stored once, none twice.
 */

export interface KoboIntakeResult {
  submissions: number;
  clients: number;
  burst: { seconds: number; perS: number; p95Ms: number };
  repost: { seconds: number; perS: number; duplicatesAnswered: number };
  killed: { submissions: number; killedAfterAcks: number; restartMs: number; retries: number; seconds: number };
  stored: number;
  /** Distinct submissions sent: the first burst plus the killed one. */
  expectedStored: number;
  lost: number;
  duplicates: number;
  failures: number;
}

const CLIENTS = 16;

/** Field name → full path (group prefixes), from the survey sheet of the served workbook. */
async function pathsOf(xlsx: ArrayBuffer): Promise<Map<string, string>> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(xlsx);
  const paths = new Map<string, string>();
  const stack: string[] = [];
  wb.getWorksheet('survey')!.eachRow((row, n) => {
    if (n === 1) return;
    const [type, name] = [String(row.getCell(1).value).split(' ')[0], String(row.getCell(2).value)];
    if (type === 'begin_group' || type === 'begin_repeat') stack.push(name);
    else if (type === 'end_group' || type === 'end_repeat') stack.pop();
    else paths.set(name, [...stack, name].join('/'));
  });
  return paths;
}

function submission(paths: Map<string, string>, i: number): { key: string; body: string } {
  const uuid = randomUUID();
  const at = (name: string) => paths.get(name) ?? name;
  const answers: Record<string, unknown> = {
    catalogue_version: '1',
    [at('conducted_at')]: new Date(Date.now() - 3600_000).toISOString(),
    [at('profile')]: 'adult_labour',
    [at('place_type')]: 'border_crossing',
    [at('border_crossing')]: 'FRIENDSHIP_BRIDGE_1',
    [at('consent_given_by')]: 'person',
    [at('given_name_lo')]: 'ສົມໃຈ',
    [at('given_name_latin')]: `Somchai${i}`,
    [at('gender')]: i % 2 ? 'Masculine' : 'Feminine',
    [at('birth_year')]: 1980 + (i % 25),
    [at('means_of_control')]: 'DebtBondage WithholdsDocuments',
    [at('narrative')]: 'ລາວເຮັດວຽກຢູ່ສວນຢາງ',
  };
  for (const [name] of paths) {
    if (name.startsWith('consent_') && name !== 'consent_given_by' && name !== 'consent_note')
      answers[at(name)] = 'given';
    if (/^AL_D\d_\d{2}$/.test(name)) answers[at(name)] = ['yes', 'no', 'unknown'][(i + name.length) % 3];
  }
  answers[at('indicator_notes')] = [
    { [`${at('indicator_notes')}/note_indicator`]: 'AL_D1_01', [`${at('indicator_notes')}/note_text`]: 'note' },
  ];
  return {
    key: uuid,
    body: JSON.stringify({
      ...answers,
      _uuid: uuid,
      'meta/instanceID': `uuid:${uuid}`,
      _submission_time: new Date().toISOString().slice(0, 19),
      'formhub/uuid': 'bench',
      __version__: 'vBench',
      _attachments: [],
    }),
  };
}

interface Poster {
  url: () => string;
  retries: number;
  failures: number;
}

/** Posts until 2xx (a 4xx counts as a failure); waits and retries on a connection error or 5xx, as Kobo does. */
async function deliver(
  p: Poster,
  path: string,
  secret: string,
  body: string,
): Promise<{ id: string; duplicate: boolean; ms: number }> {
  const t0 = performance.now();
  for (let attempt = 0; attempt < 600; attempt++) {
    try {
      const res = await fetch(`${p.url()}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-ctcm-intake-secret': secret },
        body,
        signal: AbortSignal.timeout(30_000),
      });
      const answer = (await res.json()) as { submissionId?: string; duplicate?: boolean };
      if (res.status >= 200 && res.status < 300)
        return { id: answer.submissionId!, duplicate: !!answer.duplicate, ms: performance.now() - t0 };
      if (res.status < 500) {
        p.failures++;
        throw new Error(`refused with ${res.status}`);
      }
    } catch (err) {
      if (err instanceof Error && err.message.startsWith('refused')) throw err;
    }
    p.retries++;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('not delivered after 600 attempts');
}

/** N submissions by CLIENTS clients; `onAck` sees each acknowledgement. */
async function burst(
  p: Poster,
  path: string,
  secret: string,
  items: { key: string; body: string }[],
  onAck: (n: number) => void = () => undefined,
) {
  const acks = new Map<string, { id: string; duplicate: boolean; ms: number }>();
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (next < items.length) {
        const item = items[next++]!;
        acks.set(item.key, await deliver(p, path, secret, item.body));
        onAck(acks.size);
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const latencies = [...acks.values()].map((a) => a.ms).sort((a, b) => a - b);
  return { acks, seconds, p95Ms: latencies[Math.floor(latencies.length * 0.95)] ?? 0 };
}

export async function koboIntake(ctx: Ctx, t: Target, submissions: number): Promise<KoboIntakeResult> {
  // An agency administrator of the first agency (benchmark set-up, as the data generator does).
  const agency = t.meta.actors.agencies[0]!;
  const adminId = uuidv7();
  await t.owner.query(
    `INSERT INTO app_user (id, agency_id, email, display_name, roles, password_hash, active, must_change_password)
     VALUES ($1, $2, $3, 'Bench intake admin', ARRAY['agency_admin'], 'not-a-login', true, false)`,
    [adminId, agency.id, `kobo-admin-${adminId}@bench.example`],
  );
  const auth = await t.mint.bearer({ id: adminId, agencyId: agency.id, roles: ['agency_admin'] });
  let api: Started = await startApi(ctx, t.db, 'kobo-intake');
  const poster: Poster = { url: () => api.url, retries: 0, failures: 0 };
  try {
    const form = await fetch(`${api.url}/screening-catalogues/1/xlsform`, { headers: { authorization: auth } });
    if (form.status !== 200) throw new Error(`GET xlsform answered ${form.status}`);
    const paths = await pathsOf(await form.arrayBuffer());
    const created = await fetch(`${api.url}/intake/connections`, {
      method: 'POST',
      headers: { authorization: auth, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Bench Kobo project', catalogueVersion: 1 }),
    });
    const connection = (await created.json()) as { id: string; secret: string; receiverPath: string };
    if (created.status !== 201) throw new Error(`POST /intake/connections answered ${created.status}`);
    const path = connection.receiverPath;

    const items = Array.from({ length: submissions }, (_, i) => submission(paths, i));
    log(`  kobo-intake: ${submissions} submissions by ${CLIENTS} clients`);
    const first = await burst(poster, path, connection.secret, items);
    log(`  burst: ${round(submissions / first.seconds)} submissions/s`);
    const again = await burst(poster, path, connection.secret, items);
    const duplicatesAnswered = [...again.acks.values()].filter((a) => a.duplicate).length;
    log(`  posted again: ${duplicatesAnswered} of ${submissions} answered as duplicates`);

    const fresh = Array.from({ length: Math.max(16, Math.floor(submissions / 2)) }, (_, i) => submission(paths, i));
    const killAt = Math.floor(fresh.length / 3);
    let killed: Promise<void> | undefined;
    let restartMs = 0;
    const retriesBefore = poster.retries;
    const third = await burst(poster, path, connection.secret, fresh, (n) => {
      if (n < killAt || killed) return;
      killed = (async () => {
        process.kill(api.pid, 'SIGKILL');
        await api.exited;
        const t0 = performance.now();
        api = await startApi(ctx, t.db, 'kobo-intake-restarted');
        restartMs = Math.round(performance.now() - t0);
        log(`  killed (SIGKILL) after ${n} acknowledgements, restarted in ${restartMs} ms`);
      })();
    });
    await killed;

    const acked = new Map<string, string>([...first.acks, ...third.acks].map(([k, a]) => [k, a.id]));
    const { rows } = await t.owner.query<{ instance_key: string; id: string }>(
      `SELECT instance_key, id FROM intake_submission WHERE connection_id = $1`,
      [connection.id],
    );
    const storedByKey = new Map<string, string[]>();
    for (const r of rows) storedByKey.set(r.instance_key, [...(storedByKey.get(r.instance_key) ?? []), r.id]);
    const lost = [...acked].filter(([key, id]) => !storedByKey.get(key)?.includes(id)).length;
    const duplicates = [...storedByKey.values()].reduce((n, ids) => n + ids.length - 1, 0);
    const firstIds = new Set([...first.acks.values()].map((a) => a.id));
    const mismatched = [...again.acks].filter(([key, a]) => first.acks.get(key)?.id !== a.id).length;
    if (mismatched) log(`  ${mismatched} re-posts answered with another id`);
    return {
      submissions,
      clients: CLIENTS,
      burst: { seconds: round(first.seconds), perS: round(submissions / first.seconds), p95Ms: round(first.p95Ms) },
      repost: { seconds: round(again.seconds), perS: round(submissions / again.seconds), duplicatesAnswered },
      killed: {
        submissions: fresh.length,
        killedAfterAcks: killAt,
        restartMs,
        retries: poster.retries - retriesBefore,
        seconds: round(third.seconds),
      },
      stored: rows.length,
      expectedStored: submissions + fresh.length,
      lost: lost + (firstIds.size === submissions ? 0 : submissions - firstIds.size),
      duplicates: duplicates + mismatched,
      failures: poster.failures,
    };
  } finally {
    await api.stop(30_000);
  }
}
