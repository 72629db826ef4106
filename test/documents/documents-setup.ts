import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Response } from 'supertest';
import { APP_CONFIG, type AppConfig } from '../../src/config/app-config.js';
import { pino } from 'pino';
import { ensureBootstrapAdmin } from '../../src/users/bootstrap-admin.js';
import { startTestApp } from '../harness/test-app.js';
import {
  ADMIN_EMAIL,
  createAgency,
  createStaff,
  type Deployment,
  type Staff,
  vientianeDate,
} from '../journeys/tracing-and-transfer.helpers.js';

const ADMIN_PASSWORD = 'Trusted operator passphrase for documents 2026';

/** emptyDeployment() of the journeys, with environment variables of the test's own. */
async function deployment(env: Record<string, string>): Promise<Deployment> {
  const t = await startTestApp({ env });
  const config = { ...t.config, bootstrapAdmin: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD } };
  await ensureBootstrapAdmin(t.config.database.url!, config, pino({ level: 'silent' }));
  const login = await t.http.post('/auth/login').send({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD });
  if (login.status !== 200) throw new Error(`bootstrap admin login failed: ${login.status}`);
  const auth = { authorization: `Bearer ${login.body.accessToken}` };
  const me = await t.http.get('/auth/me').set(auth);
  return {
    t,
    admin: { id: me.body.id, email: ADMIN_EMAIL, agencyId: me.body.agency.id, roles: ['system_admin'], auth },
    close: () => t.close(),
  };
}

/**
 * A deployment for the documents tests, built through the API: a lead agency (the VTC) with a
 * caseworker and a supervisor, a shelter that receives a referral, an unrelated agency, and an
 * auditor; one person with a case, a consent covering the shelter and a referral to it.
 */
export interface DocumentsWorld {
  d: Deployment;
  config: AppConfig;
  vtc: { id: string };
  shelter: { id: string };
  caseworker: Staff;
  supervisor: Staff;
  shelterStaff: Staff;
  outsider: Staff;
  auditor: Staff;
  personId: string;
  caseId: string;
  consentId: string;
  referralId: string;
}

export async function documentsWorld(env: Record<string, string> = {}): Promise<DocumentsWorld> {
  const d = await deployment(env);
  const vtc = await createAgency(d, { code: 'VTC', nameEn: 'Vientiane Transit Centre', localType: 'transit_centre' });
  const shelter = await createAgency(d, {
    code: 'SHL',
    nameEn: 'Shelter for women and children',
    localType: 'shelter',
    htcdsOrgType: 'NGO',
  });
  const other = await createAgency(d, { code: 'OTH', nameEn: 'Another office', localType: 'government_department' });
  const caseworker = await createStaff(d, vtc.id, ['caseworker'], 'Doc Caseworker');
  const supervisor = await createStaff(d, vtc.id, ['case_supervisor'], 'Doc Supervisor');
  const shelterStaff = await createStaff(d, shelter.id, ['caseworker'], 'Shelter Caseworker');
  const outsider = await createStaff(d, other.id, ['case_supervisor'], 'Other Supervisor');
  const auditor = await createStaff(d, vtc.id, ['auditor'], 'Doc Auditor');
  const person = await d.t.http
    .post('/persons')
    .set(caseworker.auth)
    .send({
      names: { givenNameLatin: 'Documented Returnee' },
      gender: 'Feminine',
      birth: { precision: 'year', birthYear: 1998 },
      confirmNotDuplicate: true,
    });
  if (person.status !== 201) throw new Error(`POST /persons: ${person.status} ${JSON.stringify(person.body)}`);
  const created = await d.t.http.post('/cases').set(caseworker.auth).send({ personId: person.body.id });
  if (created.status !== 201) throw new Error(`POST /cases: ${created.status} ${JSON.stringify(created.body)}`);
  const consent = await d.t.http
    .post(`/cases/${created.body.id}/consents`)
    .set(caseworker.auth)
    .send({
      purposes: ['assistance', 'sharing_for_referral'],
      coveredAgencyIds: [shelter.id],
      givenBy: 'person',
      method: 'written',
      givenOn: vientianeDate(-1),
    });
  if (consent.status !== 201) throw new Error(`POST consents: ${consent.status} ${JSON.stringify(consent.body)}`);
  const referral = await d.t.http
    .post(`/cases/${created.body.id}/referrals`)
    .set(caseworker.auth)
    .send({ toAgencyId: shelter.id, purpose: 'shelter_placement', urgency: 'normal' });
  if (referral.status !== 201) throw new Error(`POST referrals: ${referral.status} ${JSON.stringify(referral.body)}`);
  return {
    d,
    config: d.t.app.get(APP_CONFIG),
    vtc,
    shelter,
    caseworker,
    supervisor,
    shelterStaff,
    outsider,
    auditor,
    personId: person.body.id,
    caseId: created.body.id,
    consentId: consent.body.id,
    referralId: referral.body.id,
  };
}

/** POST /documents as multipart/form-data (the fields, then the file), as curl -F or Swagger UI send it. */
export function upload(
  d: Deployment,
  who: Staff,
  fields: Record<string, string>,
  file: Buffer,
  fileName = 'scan.pdf',
  headers: Record<string, string> = {},
): Promise<Response> {
  let req = d.t.http.post('/documents').set(who.auth).set(headers);
  for (const [k, v] of Object.entries(fields)) req = req.field(k, v);
  return req.attach('file', file, { filename: fileName, contentType: 'application/octet-stream' });
}

/** GET /documents/{id}/content, the body as bytes. */
export function download(d: Deployment, who: Staff, id: string, query = ''): Promise<Response> {
  return d.t.http
    .get(`/documents/${id}/content${query}`)
    .set(who.auth)
    .buffer(true)
    .parse((res, done) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => done(null, Buffer.concat(parts)));
    });
}

/** The API listening on a real port, for requests supertest cannot make (partial bodies, stalls). */
export async function listeningPort(d: Deployment): Promise<number> {
  const server = d.t.app.getHttpServer() as http.Server;
  // Refused uploads are closed by the server; nothing must keep the test process alive after.
  server.keepAliveTimeout = 100;
  if (!server.listening) await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/**
 * Sends a request's head and `body` in 16 KB pieces (possibly less than Content-Length says, or
 * chunked when it says none), stops sending once the answer arrives, and returns the answer.
 */
export function rawRequest(
  port: number,
  path: string,
  headers: Record<string, string>,
  body: Buffer,
  options: { end?: boolean } = {},
): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = http.request({ host: '127.0.0.1', port, path, method: 'POST', headers, agent: false }, (res) => {
      answered = true;
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts).toString('utf8'), headers: res.headers }),
      );
    });
    // The server closes the connection after refusing an upload: only an error before the answer counts.
    req.on('error', (err) => {
      if (!answered) reject(err);
    });
    const send = (at: number) => {
      if (answered || req.destroyed) return;
      if (at >= body.length) {
        if (options.end !== false) req.end();
        return;
      }
      req.write(body.subarray(at, at + 16 * 1024), () => setImmediate(() => send(at + 16 * 1024)));
    };
    send(0);
  });
}

/** A multipart body by hand, so a test can cut it short or break its boundary. */
export function multipartBody(
  boundary: string,
  fields: Record<string, string>,
  file: Buffer,
  name = 'scan.pdf',
  nameParameter = `filename="${name}"`,
) {
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields))
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  parts.push(
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; ${nameParameter}\r\nContent-Type: application/pdf\r\n\r\n`,
    ),
    file,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  );
  return Buffer.concat(parts);
}
