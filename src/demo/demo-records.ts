import { addDays, localDate } from '../common/clock.js';
import { CONSENT_ITEMS } from '../reference-data/data/code-lists.js';
import { DEMO_FACILITIES, demoEmail } from './demo-agencies.js';
import type { Role } from '../auth/permissions.js';

type Body = Record<string, unknown>;

/** A signed-in demo account talking to this API over HTTP, as Swagger UI would. */
class DemoSession {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
  ) {}

  static async signIn(
    baseUrl: string,
    agency: string,
    role: Role | 'reception',
    password: string,
  ): Promise<DemoSession> {
    const res = await fetch(`${baseUrl}/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: demoEmail(agency, role), password }),
    });
    if (!res.ok) throw new Error(`demo sign-in as ${role} of ${agency} answered ${res.status}`);
    return new DemoSession(baseUrl, ((await res.json()) as { accessToken: string }).accessToken);
  }

  async send(method: string, path: string, body?: Body, version?: number): Promise<Body> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}` };
    if (body) headers['content-type'] = 'application/json';
    if (version !== undefined) headers['if-match'] = `"${version}"`;
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers,
      body: body && JSON.stringify(body),
    });
    const text = await res.text();
    const answer = (text ? JSON.parse(text) : {}) as Body;
    const fields = ((answer.errors as { field?: string }[] | undefined) ?? []).map((e) => e.field).join(',');
    // Problem bodies carry a stable code and no personal data; the route template is enough to find the step.
    if (!res.ok)
      throw new Error(
        `demo data: ${method} ${path.replace(/[0-9a-f-]{36}/g, ':id')} answered ${res.status} ${String(answer.code)}${fields ? ` (${fields})` : ''}`,
      );
    return answer;
  }

  post = (path: string, body: Body = {}, version?: number) => this.send('POST', path, body, version);

  /** Moves a case through the given stages, one transition each. */
  async walk(caseId: string, stages: string[]): Promise<void> {
    let version = (await this.send('GET', `/cases/${caseId}`)).version as number;
    for (const to of stages)
      version = (await this.post(`/cases/${caseId}/transitions`, { to }, version)).version as number;
  }
}

const ALL_CONSENT = CONSENT_ITEMS.map((item) => ({ item, decision: 'given', givenBy: 'person' }));

/** Adult labour answers that make three dimensions positive: a presumed victim. */
const VICTIM_ANSWERS = [
  { indicatorCode: 'AL.D1.01', answer: 'yes' },
  { indicatorCode: 'AL.D1.02', answer: 'yes' },
  { indicatorCode: 'AL.D4.01', answer: 'yes' },
  { indicatorCode: 'AL.D4.02', answer: 'yes' },
  { indicatorCode: 'AL.D5.01', answer: 'yes' },
  { indicatorCode: 'AL.D5.02', answer: 'yes' },
  { indicatorCode: 'AL.D2.01', answer: 'declined' },
];

/**
 * The demo story, through the API: returns from Thailand reach the VTC, one man is identified by
 * the police Anti-Trafficking Department and his family traced by the Savannakhet office; a woman
 * waits for a shelter place; a girl is placed at the CPC; one referral was declined; a second
 * notice naming a woman whose mother asked the VTC to trace her is still expected; the Savannakhet
 * office is asked to take over the man's case. Each flow can be walked on from Swagger.
 */
export async function loadDemoRecords(
  baseUrl: string,
  password: string,
  agencies: Map<string, string>,
  timeZone: string,
): Promise<void> {
  // Records are dated from today in the deployment's time zone, the day the server opens cases on:
  // a case cannot have events before it was opened, nor in the future.
  const today = () => localDate(new Date(), timeZone);
  const inDays = (n: number) => addDays(today(), n);
  const id = (code: string) => agencies.get(code)!;
  const as = (agency: string, role: Role | 'reception') => DemoSession.signIn(baseUrl, agency, role, password);
  const [vtcAdmin, cpcAdmin, ssvAdmin, vfiAdmin] = await Promise.all([
    as('MLSW-VTC', 'agency_admin'),
    as('LWU-CPC', 'agency_admin'),
    as('SENGSAVANG', 'agency_admin'),
    as('VFI-PAKSE', 'agency_admin'),
  ]);
  const admins: Record<string, DemoSession> = {
    'MLSW-VTC': vtcAdmin,
    'LWU-CPC': cpcAdmin,
    SENGSAVANG: ssvAdmin,
    'VFI-PAKSE': vfiAdmin,
  };
  const facility: Record<string, string> = {};
  for (const f of DEMO_FACILITIES) {
    const { agency, ...body } = f;
    facility[f.code] = (await admins[agency]!.post('/facilities', { agencyId: id(agency), ...body })).id as string;
  }

  const vtcOfficer = await as('MLSW-VTC', 'reception');
  const vtcSupervisor = await as('MLSW-VTC', 'case_supervisor');
  const atdOfficer = await as('MOPS-ATD', 'identification_officer');
  const svCaseworker = await as('PLSW-SV', 'caseworker');
  const cpcOfficer = await as('LWU-CPC', 'facility_officer');
  const vfiOfficer = await as('VFI-PAKSE', 'facility_officer');
  const vtcCaseworkerId = await userIdOf(vtcAdmin, id('MLSW-VTC'), demoEmail('MLSW-VTC', 'caseworker'));

  // 1. A notice from Thailand: three people expected at the First Friendship Bridge, two arrived.
  const notice = await vtcOfficer.post('/return-notices', {
    hostCountry: 'TH',
    hostAgency: 'MSDHS Thailand',
    hostReference: 'TH-MSDHS-2026-0117',
    borderCrossingCode: 'FRIENDSHIP_BRIDGE_1',
    expectedOn: today(),
    peopleCount: 3,
    childrenCount: 1,
  });
  const arrivals = notice.arrivals as { id: string; version: number; expectedChild: boolean }[];
  const khamla = await vtcOfficer.post('/persons', {
    names: { givenNameLatin: 'Khamla', familyNameLatin: 'Phetsamone', givenNameLo: 'ຄຳຫຼ້າ' },
    gender: 'Masculine',
    birth: { precision: 'year', birthYear: 1994 },
    homeProvinceCode: 'LA-SV',
  });
  const adultArrival = arrivals.find((a) => !a.expectedChild)!;
  const khamlaCase = await vtcOfficer.post(
    `/expected-arrivals/${adultArrival.id}/arrival`,
    { personId: khamla.id },
    adultArrival.version,
  );
  const khamlaCaseId = khamlaCase.id as string;
  await vtcSupervisor.post(
    `/cases/${khamlaCaseId}/assignment`,
    { assignedCaseworkerId: vtcCaseworkerId },
    khamlaCase.version as number,
  );
  const khamlaStay = await vtcOfficer.post(`/facilities/${facility['VTC-DORM']}/admissions`, {
    caseId: khamlaCaseId,
    admittedOn: today(),
  });

  // Screened at the VTC, identified by the police Anti-Trafficking Department.
  const screening = await vtcOfficer.post('/screenings', {
    personId: khamla.id,
    profile: 'adult_labour',
    conductedAt: new Date(Date.now() - 600_000).toISOString(),
    place: { type: 'province', provinceCode: 'LA-VT' },
    interviewLanguage: 'lao',
    interpreter: { used: false },
    consent: ALL_CONSENT,
    exitMode: 'deportation',
    victimContext: {
      exploitationTypes: ['ForcedLabour'],
      isicSections: ['A'],
      exploitationCountries: ['TH'],
      meansOfControl: ['DebtBondage', 'WithholdsDocuments'],
    },
    immediateNeeds: ['medical', 'shelter'],
    risks: ['debt'],
    answers: VICTIM_ANSWERS,
  });
  await vtcSupervisor.post(`/screenings/${screening.id}/link-case`, { caseId: khamlaCaseId });
  await vtcSupervisor.post(`/screenings/${screening.id}/submit-for-identification`, { agencyId: id('MOPS-ATD') });
  await atdOfficer.post(`/screenings/${screening.id}/identification-decisions`, {
    status: 'ActualVictimOfTrafficking',
    decidedOn: today(),
    basis: 'ATD interview at the VTC: deceived recruitment to a rubber plantation, debt bondage, passport withheld.',
  });
  await vtcSupervisor.post(`/cases/${khamlaCaseId}/consents`, {
    purposes: ['assistance', 'sharing_for_referral'],
    coveredAgencyIds: [id('PLSW-SV'), id('VFI-PAKSE'), id('LWU-CPC')],
    givenBy: 'person',
    method: 'written',
    givenOn: today(),
    language: 'lao',
  });
  await vtcSupervisor.post(`/cases/${khamlaCaseId}/services`, {
    serviceType: 'medical',
    deliveredOn: today(),
    outcome: 'completed',
    notes: 'Health check at the VTC',
  });
  // Family tracing by the home province: accepted, assessed, completed.
  const tracing = await vtcSupervisor.post(`/cases/${khamlaCaseId}/referrals`, {
    toAgencyId: id('PLSW-SV'),
    purpose: 'family_tracing',
    urgency: 'high',
    note: 'Family in Kaysone Phomvihane district',
  });
  const traced = await svCaseworker.post(`/referrals/${tracing.id}/accept`, {}, tracing.version as number);
  await svCaseworker.post(`/referrals/${tracing.id}/family-assessment`, {
    assessedOn: today(),
    familyFound: true,
    recommendation: 'return_home',
    householdRisks: ['debt'],
    findings: 'Parents in Ban Nongdeun welcome him back.',
  });
  await svCaseworker.post(`/referrals/${tracing.id}/complete`, { reason: 'family_traced' }, traced.version as number);
  // Each stage follows its fact (docs/case-stages.md): the ATD decision gives `identified`, the
  // tracing referral `referred`, and the escort home from the VTC dormitory `reintegration`.
  await vtcSupervisor.walk(khamlaCaseId, ['screening', 'identified', 'referred', 'assessment', 'planning', 'active']);
  await vtcOfficer.post(
    `/placements/${khamlaStay.id}/discharge`,
    {
      dischargedOn: today(),
      destination: 'family',
      reason: 'returned_home',
      destinationProvinceCode: 'LA-SV',
      escorted: true,
    },
    khamlaStay.version as number,
  );
  await vtcSupervisor.walk(khamlaCaseId, ['reintegration']);
  // Reintegration referral to the province: pending in its inbox, to accept from Swagger.
  await vtcSupervisor.post(`/cases/${khamlaCaseId}/referrals`, {
    toAgencyId: id('PLSW-SV'),
    purpose: 'reintegration',
    urgency: 'normal',
  });

  // 2. A woman who arrived on the same notice: waiting for a shelter place at the CPC (pending).
  const noy = await vtcOfficer.post('/persons', {
    names: { givenNameLatin: 'Noy', familyNameLatin: 'Inthavong' },
    gender: 'Feminine',
    birth: { precision: 'year', birthYear: 2001 },
    homeProvinceCode: 'LA-CH',
  });
  const childArrival = arrivals.find((a) => a.expectedChild)!;
  const secondAdult = arrivals.find((a) => !a.expectedChild && a.id !== adultArrival.id);
  const noyArrival = secondAdult ?? childArrival;
  const noyCase = await vtcOfficer.post(
    `/expected-arrivals/${noyArrival.id}/arrival`,
    { personId: noy.id },
    noyArrival.version,
  );
  await vtcOfficer.post(`/facilities/${facility['VTC-DORM']}/admissions`, {
    caseId: noyCase.id,
    admittedOn: today(),
  });
  await vtcSupervisor.post(`/cases/${noyCase.id}/consents`, {
    purposes: ['assistance', 'sharing_for_referral'],
    coveredAgencyIds: [id('LWU-CPC'), id('VFI-PAKSE'), id('PLSW-CH')],
    givenBy: 'person',
    method: 'oral_certified',
    givenOn: today(),
    language: 'lao',
  });
  await vtcSupervisor.walk(noyCase.id as string, ['screening']);
  // VFI declined (no capacity that week); the CPC has not answered yet.
  const toVfi = await vtcSupervisor.post(`/cases/${noyCase.id}/referrals`, {
    toAgencyId: id('VFI-PAKSE'),
    toFacilityId: facility['VFI-HOME'],
    purpose: 'shelter_placement',
    urgency: 'normal',
  });
  await vfiOfficer.post(`/referrals/${toVfi.id}/decline`, { reason: 'no_capacity' }, toVfi.version as number);
  await vtcSupervisor.post(`/cases/${noyCase.id}/referrals`, {
    toAgencyId: id('LWU-CPC'),
    toFacilityId: facility['CPC-WOMEN'],
    purpose: 'shelter_placement',
    urgency: 'high',
    note: 'Needs counselling; prefers a women-only shelter',
  });

  // 3. A girl, referred by the VTC to the CPC child protection unit: accepted and admitted there.
  const dao = await vtcOfficer.post('/persons', {
    names: { givenNameLatin: 'Dao', familyNameLatin: 'Sisouphan' },
    gender: 'Feminine',
    birth: { precision: 'year', birthYear: 2011 },
    homeProvinceCode: 'LA-CH',
  });
  const daoCase = await vtcOfficer.post('/cases', { personId: dao.id, provinceCode: 'LA-CH' });
  await vtcSupervisor.post(`/cases/${daoCase.id}/consents`, {
    purposes: ['assistance', 'sharing_for_referral'],
    coveredAgencyIds: [id('LWU-CPC')],
    givenBy: 'guardian',
    method: 'written',
    givenOn: today(),
    language: 'lao',
  });
  const toCpc = await vtcSupervisor.post(`/cases/${daoCase.id}/referrals`, {
    toAgencyId: id('LWU-CPC'),
    toFacilityId: facility['CPC-CHILD'],
    purpose: 'shelter_placement',
    urgency: 'emergency',
  });
  await cpcOfficer.post(`/referrals/${toCpc.id}/accept`, {}, toCpc.version as number);
  await cpcOfficer.post(`/facilities/${facility['CPC-CHILD']}/admissions`, {
    caseId: daoCase.id,
    referralId: toCpc.id,
    admittedOn: today(),
  });

  // 4. A second notice, from Thailand through Vang Tao, expected in three days: nobody arrived yet.
  // Thailand names one of the two returnees; her mother had asked the VTC to trace her.
  await vtcOfficer.post('/return-notices', {
    hostCountry: 'TH',
    hostAgency: 'MSDHS Thailand',
    hostReference: 'TH-MSDHS-2026-0131',
    borderCrossingCode: 'VANG_TAO',
    expectedOn: inDays(3),
    peopleCount: 2,
    childrenCount: 0,
    returnees: [
      {
        names: { givenNameLatin: 'Manivanh', familyNameLatin: 'Keobounma', givenNameTh: 'มณีวรรณ' },
        gender: 'Feminine',
        birth: { precision: 'year', birthYear: 1999 },
        homeProvinceCode: 'LA-CH',
        homeAddress: { district: 'Pakse', village: 'Ban Phonsavang' },
        vulnerabilities: ['no_documents'],
      },
    ],
  });
  const vtcCaseworker = await as('MLSW-VTC', 'caseworker');
  await vtcCaseworker.post('/tracing-requests', {
    receivedOn: inDays(-20),
    inquirer: {
      name: 'Mrs Bounmy Keobounma',
      relationship: 'mother',
      contacts: [{ type: 'phone', value: '+856 20 5555 0193' }],
    },
    missingPerson: {
      names: { givenNameLatin: 'Manivanh', familyNameLatin: 'Keobounma', givenNameLo: 'ມະນີວັນ' },
      gender: 'Feminine',
      birth: { precision: 'year', birthYear: 1999 },
      homeProvinceCode: 'LA-CH',
      lastKnownCountry: 'TH',
      lastKnownPlace: 'Karaoke bar in Mukdahan',
      circumstances: 'Went to work in a restaurant in Thailand; has not called home for three months.',
    },
  });

  // 5. The Savannakhet office is asked to take over the lead of Khamla's case now that he is home:
  // pending, for its supervisor to accept or decline from Swagger.
  await vtcSupervisor.post('/case-transfers', {
    caseId: khamlaCaseId,
    toAgencyId: id('PLSW-SV'),
    note: 'Back with his parents in Kaysone Phomvihane; follow-up visits and vocational training are local now.',
  });
}

async function userIdOf(admin: DemoSession, agencyId: string, email: string): Promise<string> {
  const users = (await admin.send('GET', `/users?agencyId=${agencyId}`)) as unknown as { id: string; email: string }[];
  return users.find((u) => u.email === email)!.id;
}
