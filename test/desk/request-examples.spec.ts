import fs from 'node:fs';
import { DEMO_AGENCIES } from '../../src/demo/demo-agencies.js';
import { DEMO_LOGIN_EXAMPLE, EXAMPLE_IDS, REQUEST_EXAMPLES } from '../../src/api-docs/request-examples.js';
import { deploy, type Deployment, startApi, type Api } from '../harness/spawned-api.js';
import { ADMIN, type Answer, api, signIn } from './desk-setup.js';

/**
 * Every request body example of openapi.json, sent as "Try it out" would send it (ids from earlier
 * answers put in), to the production build: it succeeds, or fails exactly as its description says.
 * All set-up goes through the API.
 */
interface Operation {
  operationId: string;
  description?: string;
  requestBody?: { content: Record<string, { example?: unknown }> };
}
const document = JSON.parse(fs.readFileSync('openapi.json', 'utf8')) as {
  paths: Record<string, Record<string, Operation>>;
};
const documented = new Map<string, { method: string; path: string; example: unknown; description: string }>();
for (const [path, item] of Object.entries(document.paths))
  for (const [method, op] of Object.entries(item)) {
    const example = op.requestBody?.content['application/json']?.example;
    if (example !== undefined)
      documented.set(op.operationId, { method, path, example, description: op.description ?? '' });
  }

describe('request body examples in Swagger UI', () => {
  let d: Deployment;
  let a: Api;
  const sent = new Set<string>();

  beforeAll(async () => {
    d = await deploy();
    a = await startApi(d, { BOOTSTRAP_ADMIN_EMAIL: ADMIN.email, BOOTSTRAP_ADMIN_PASSWORD: ADMIN.password });
  }, 300_000);
  afterAll(async () => {
    await a?.stop();
    await d?.close();
  });

  /** Sends the documented example of an operation, with path parameters and example ids replaced. */
  async function send(
    operationId: string,
    token: string | undefined,
    pathIds: Record<string, string> = {},
    ids: Partial<Record<keyof typeof EXAMPLE_IDS, string>> = {},
    headers: Record<string, string> = {},
  ): Promise<Answer> {
    const op = documented.get(operationId);
    if (!op) throw new Error(`${operationId} documents no request example`);
    let body = JSON.stringify(op.example);
    for (const [name, real] of Object.entries(ids))
      body = body.replaceAll(EXAMPLE_IDS[name as keyof typeof EXAMPLE_IDS], real!);
    expect(Object.values(EXAMPLE_IDS).filter((placeholder) => body.includes(placeholder))).toEqual([]);
    const path = op.path.replace(/\{(\w+)\}/g, (_m, name: string) => pathIds[name] ?? `(missing ${name})`);
    sent.add(operationId);
    const res = await api(a.base, op.method.toUpperCase(), path, token, JSON.parse(body), headers);
    const failure = REQUEST_EXAMPLES[operationId]?.expectedFailure;
    if (failure) {
      expect(op.description).toContain(failure.reason);
      expect({ operationId, status: res.status, code: res.body?.code }).toEqual({
        operationId,
        status: failure.status,
        code: failure.code,
      });
    } else {
      const success = res.status === 200 || res.status === 201;
      expect({ operationId, success, problem: success ? undefined : res.body }).toEqual({
        operationId,
        success: true,
        problem: undefined,
      });
    }
    return res;
  }

  async function staff(admin: string, agencyId: string, email: string, roles: string[], password: string) {
    const user = await api(a.base, 'POST', '/users', admin, {
      agencyId,
      email,
      displayName: email.split('@')[0],
      roles,
    });
    expect(user.status).toBe(201);
    const first = await signIn(a.base, email, user.body.oneTimePassword);
    const changed = await api(a.base, 'POST', '/auth/password', first, {
      currentPassword: user.body.oneTimePassword,
      newPassword: password,
    });
    expect(changed.status).toBe(200);
    return changed.body.accessToken as string;
  }

  const agency = async (admin: string, body: Record<string, unknown>) => {
    const res = await api(a.base, 'POST', '/agencies', admin, body);
    expect(res.status).toBe(201);
    return res.body.id as string;
  };

  it('names a real demo account in the sign-in example', () => {
    const vtc = DEMO_AGENCIES.find((x) => x.code === 'MLSW-VTC');
    expect(vtc?.roles).toContain('caseworker');
    // The demo accounts are <role>@<agency code>.demo.la (src/demo/demo-agencies.ts).
    expect(DEMO_LOGIN_EXAMPLE.email).toBe(`caseworker@${vtc!.code.toLowerCase()}.demo.la`);
  });

  it('sends every documented example and gets the documented answer', async () => {
    const admin = await signIn(a.base, ADMIN.email, ADMIN.password);
    const parent = await agency(admin, {
      code: 'MLSW-DSW',
      nameEn: 'MLSW Department of Social Welfare',
      htcdsOrgType: 'CentralGovernmentOrganisation',
      localType: 'government_department',
      provinceCode: 'LA-VT',
    });
    const vtc = await agency(admin, {
      code: 'MLSW-VTC',
      nameEn: 'Vientiane Transit Centre',
      htcdsOrgType: 'CentralGovernmentOrganisation',
      localType: 'transit_centre',
      provinceCode: 'LA-VT',
      parentAgencyId: parent,
    });
    const lwu = await agency(admin, {
      code: 'LWU-CPC',
      nameEn: 'LWU Counselling and Protection Centre for Women and Children',
      htcdsOrgType: 'NGO',
      localType: 'mass_organisation',
      provinceCode: 'LA-VT',
    });
    const police = await agency(admin, {
      code: 'MOPS-ATD',
      nameEn: 'MOPS Anti-Trafficking Department',
      htcdsOrgType: 'LawEnforcement',
      localType: 'police_anti_trafficking_unit',
      provinceCode: 'LA-VT',
    });
    const lwuWorker = await staff(
      admin,
      lwu,
      'caseworker@lwu-cpc.demo.la',
      ['caseworker'],
      'silk weaving in Luang Prabang',
    );
    const officer = await staff(
      admin,
      police,
      'identification-officer@mops-atd.demo.la',
      ['identification_officer'],
      'river police on patrol at night',
    );
    const supervisor = await staff(
      admin,
      vtc,
      'case-supervisor@mlsw-vtc.demo.la',
      ['case_supervisor'],
      'morning alms on Sisavangvong road',
    );
    const lwuSupervisor = await staff(
      admin,
      lwu,
      'case-supervisor@lwu-cpc.demo.la',
      ['case_supervisor'],
      'boat racing at Boun Awk Phansa',
    );
    const caseworker = await staff(admin, vtc, DEMO_LOGIN_EXAMPLE.email, ['caseworker'], DEMO_LOGIN_EXAMPLE.password);
    const facilityOfficer = await staff(
      admin,
      vtc,
      'facility-officer@mlsw-vtc.demo.la',
      // Registers the returnee and records the arrival, as VTC staff do.
      ['facility_officer', 'caseworker'],
      'lantern boat on the Mekong',
    );

    // administration
    const newAgency = await send('createAgency', admin, {}, { parentAgency: parent });
    await send('updateAgency', admin, { id: newAgency.body.id as string });
    const newUser = await send('createUser', admin, {}, { ownAgency: vtc });
    await send('updateUser', admin, { id: newUser.body.id as string });
    await send('importTranslations', admin);
    const facility = await send('createFacility', admin, {}, { ownAgency: vtc });
    await send(
      'updateFacility',
      admin,
      { id: facility.body.id as string },
      {},
      {
        'if-match': `"${facility.body.version as number}"`,
      },
    );

    // sign-in
    const login = await send('signIn', undefined);
    expect(login.body.accessToken).toMatch(/^ey/);
    await send('refreshSession', undefined);

    // persons, screening, cases
    await send('findPersonMatches', caseworker);
    const person = (await send('createPerson', caseworker)).body.id as string;
    const personRead = await api(a.base, 'GET', `/persons/${person}`, caseworker);
    await send('updatePerson', caseworker, { id: person }, {}, { 'if-match': personRead.headers.get('etag')! });
    const screening = (await send('createScreening', caseworker, {}, { person })).body.id as string;
    await send('submitScreeningForIdentification', caseworker, { id: screening }, { identificationAuthority: police });
    await send('recordIdentificationDecision', officer, { id: screening });
    const opened = await send('openCaseFromScreening', caseworker, { id: screening });
    const caseId = (opened.body.caseId ?? opened.body.id) as string;
    const other = await api(a.base, 'POST', '/persons', caseworker, {
      names: { givenNameLatin: 'Vanh', familyNameLatin: 'Phommachanh' },
      gender: 'Masculine',
      birth: { precision: 'year', birthYear: 1998 },
      homeProvinceCode: 'LA-CH',
    });
    expect(other.status).toBe(201);
    const otherCase = (await send('createCase', caseworker, {}, { person: other.body.id as string })).body.id as string;
    const otherScreening = await send('createScreening', caseworker, {}, { person: other.body.id as string });
    await send('linkScreeningToCase', caseworker, { id: otherScreening.body.id as string }, { case: otherCase });
    const etagOfCase = async () => (await api(a.base, 'GET', `/cases/${caseId}`, supervisor)).headers.get('etag')!;
    await send('updateCase', caseworker, { id: caseId }, {}, { 'if-match': await etagOfCase() });
    const me = async (token: string) => (await api(a.base, 'GET', '/auth/me', token)).body.id as string;
    await send(
      'assignCase',
      supervisor,
      { id: caseId },
      { caseworker: await me(caseworker), supervisor: await me(supervisor) },
      {
        'if-match': await etagOfCase(),
      },
    );
    await send('transitionCase', caseworker, { id: caseId }, {}, { 'if-match': await etagOfCase() });
    await send('breakGlassCase', officer, { id: otherCase });
    const twin = await api(a.base, 'POST', '/persons', supervisor, {
      names: { givenNameLatin: 'Bouaphanh', familyNameLatin: 'Sisouvan' },
      gender: 'Feminine',
      birth: { precision: 'year', birthYear: 2005 },
      homeProvinceCode: 'LA-SV',
      confirmNotDuplicate: true,
    });
    expect(twin.status).toBe(201);
    await send('mergePerson', supervisor, { id: twin.body.id as string }, { keptPerson: person });

    // case records and referrals
    await send('recordConsent', caseworker, { id: caseId }, { receivingAgency: lwu });
    await send('createAssessment', caseworker, { id: caseId });
    await send('createService', caseworker, { id: caseId });
    const note = await send('addNote', caseworker, { id: caseId });
    await send('correctNote', caseworker, { id: caseId, recordId: note.body.id as string });
    const plan = await send('createSupportPlan', caseworker, { id: caseId });
    await send(
      'updateSupportPlan',
      caseworker,
      { id: caseId, recordId: plan.body.id as string },
      {},
      {
        'if-match': `"${plan.body.version as number}"`,
      },
    );
    await send('admitToFacility', supervisor, { id: facility.body.id as string }, { case: caseId });
    // Admitted on the day the case opened (the example's date is earlier), then the discharge example.
    const stay = await api(a.base, 'POST', `/facilities/${facility.body.id as string}/admissions`, supervisor, {
      caseId,
      admittedOn: (await api(a.base, 'GET', `/cases/${caseId}`, supervisor)).body.openedOn as string,
    });
    expect(stay.status).toBe(201);
    await send(
      'dischargePlacement',
      supervisor,
      { id: stay.body.id as string },
      {},
      { 'if-match': `"${stay.body.version as number}"` },
    );
    const etagOf = async (id: string) => (await api(a.base, 'GET', `/cases/${id}`, supervisor)).headers.get('etag')!;
    await send('requestCaseClosure', caseworker, { id: otherCase }, {}, { 'if-match': await etagOf(otherCase) });
    await send('closeCase', supervisor, { id: otherCase }, {}, { 'if-match': await etagOf(otherCase) });
    await send('reopenCase', supervisor, { id: otherCase }, {}, { 'if-match': await etagOf(otherCase) });
    const referral = await send('createReferral', caseworker, { id: caseId }, { receivingAgency: lwu });
    await send('scheduleFollowUp', caseworker, { id: caseId });
    // A file on the case (multipart, as Swagger UI's file picker sends it), shared with the referral, then removed.
    const form = new FormData();
    for (const [k, v] of Object.entries({ recordType: 'case', recordId: caseId, documentType: 'passport' }))
      form.append(k, v);
    form.append('file', new Blob([Buffer.from('%PDF-1.4\n% passport copy\n%%EOF\n')]), 'passport.pdf');
    const uploaded = await fetch(`${a.base}/documents`, {
      method: 'POST',
      headers: { authorization: `Bearer ${caseworker}` },
      body: form,
    });
    expect(uploaded.status).toBe(201);
    const documentId = ((await uploaded.json()) as { id: string }).id;
    await send('markDocumentForReferral', caseworker, { id: documentId }, { referral: referral.body.id as string });
    await send('removeDocument', supervisor, { id: documentId });
    // Visits planned from the day the case opened, as a caseworker would; then one cancelled, one moved.
    const openedOn = (await api(a.base, 'GET', `/cases/${caseId}`, caseworker)).body.openedOn as string;
    const visits = await api(a.base, 'POST', `/cases/${caseId}/follow-ups`, caseworker, {
      fromDate: openedOn,
      months: [1, 3, 6],
    });
    expect(visits.status).toBe(201);
    const [first, second, third] = visits.body as { id: string; version: number }[];
    await send(
      'recordFollowUp',
      caseworker,
      { id: caseId, recordId: third!.id },
      {},
      { 'if-match': `"${third!.version}"` },
    );
    await send(
      'cancelFollowUp',
      caseworker,
      { id: caseId, recordId: first!.id },
      {},
      { 'if-match': `"${first!.version}"` },
    );
    await send(
      'rescheduleFollowUp',
      caseworker,
      { id: caseId, recordId: second!.id },
      {},
      { 'if-match': `"${second!.version}"` },
    );
    const accepted = async () => {
      const r = await send('createReferral', caseworker, { id: caseId }, { receivingAgency: lwu });
      const ok = await api(a.base, 'POST', `/referrals/${r.body.id as string}/accept`, lwuWorker, undefined, {
        'if-match': `"${r.body.version as number}"`,
      });
      expect(ok.status).toBe(200);
      return { id: ok.body.id as string, etag: `"${ok.body.version as number}"` };
    };
    const toComplete = await accepted();
    await send('completeReferral', lwuWorker, { id: toComplete.id }, {}, { 'if-match': toComplete.etag });
    const toCancel = await accepted();
    await send('cancelReferral', caseworker, { id: toCancel.id }, {}, { 'if-match': toCancel.etag });
    const toWithdraw = await send('createReferral', caseworker, { id: caseId }, { receivingAgency: lwu });
    await send(
      'withdrawReferral',
      caseworker,
      { id: toWithdraw.body.id as string },
      {},
      {
        'if-match': `"${toWithdraw.body.version as number}"`,
      },
    );
    await send(
      'declineReferral',
      lwuWorker,
      { id: referral.body.id as string },
      {},
      {
        'if-match': `"${referral.body.version as number}"`,
      },
    );
    const toTrace = await api(a.base, 'POST', `/cases/${caseId}/referrals`, caseworker, {
      toAgencyId: lwu,
      purpose: 'family_tracing',
      urgency: 'high',
    });
    expect(toTrace.status).toBe(201);
    const tracingAccepted = await api(
      a.base,
      'POST',
      `/referrals/${toTrace.body.id as string}/accept`,
      lwuWorker,
      undefined,
      {
        'if-match': `"${toTrace.body.version as number}"`,
      },
    );
    expect(tracingAccepted.status).toBe(200);
    await send('createFamilyAssessment', lwuWorker, { id: toTrace.body.id as string });

    // returns
    const notice = await send('createReturnNotice', facilityOfficer);
    const returnee = await api(a.base, 'POST', '/persons', facilityOfficer, {
      names: { givenNameLatin: 'Noy', familyNameLatin: 'Inthavong' },
      gender: 'Feminine',
      birth: { precision: 'estimated', estimatedAge: 17 },
      homeProvinceCode: 'LA-CH',
    });
    expect(returnee.status).toBe(201);
    const arrival = notice.body.arrivals[0] as { id: string; version: number };
    await send(
      'recordArrival',
      facilityOfficer,
      { id: arrival.id },
      { person: returnee.body.id as string },
      { 'if-match': `"${arrival.version}"` },
    );

    // family tracing: her mother asks the VTC; staff confirm the registered person and record the outcome
    const tracing = await send('createTracingRequest', caseworker);
    const candidates = await api(
      a.base,
      'GET',
      `/tracing-requests/${tracing.body.id as string}/candidates`,
      caseworker,
    );
    expect(candidates.status).toBe(200);
    const matched = await send(
      'confirmTracingMatch',
      caseworker,
      { id: tracing.body.id as string },
      { person },
      { 'if-match': `"${tracing.body.version as number}"` },
    );
    await send(
      'recordTracingOutcome',
      caseworker,
      { id: tracing.body.id as string },
      {},
      { 'if-match': `"${matched.body.version as number}"` },
    );

    // lead transfer to the LWU (the case's consent covers it): declined once, then asked again and accepted
    await send('createCaseLegalHold', supervisor, { id: caseId });
    await send('withdrawCaseLegalHold', supervisor, { id: caseId });
    // a subject request, decided by another supervisor of the agency
    const secondSupervisor = await staff(
      admin,
      vtc,
      'second-supervisor@mlsw-vtc.demo.la',
      ['case_supervisor'],
      'that luang temple at dawn',
    );
    const subjectRequest = await send('createSubjectRequest', supervisor, {}, { person });
    await send('refuseSubjectRequest', secondSupervisor, { id: subjectRequest.body.id as string });
    const declined = await send('requestCaseTransfer', supervisor, {}, { case: caseId, receivingAgency: lwu });
    await send(
      'declineCaseTransfer',
      lwuSupervisor,
      { id: declined.body.id as string },
      {},
      { 'if-match': `"${declined.body.version as number}"` },
    );
    const transfer = await send('requestCaseTransfer', supervisor, {}, { case: caseId, receivingAgency: lwu });
    await send(
      'acceptCaseTransfer',
      lwuSupervisor,
      { id: transfer.body.id as string },
      { caseworker: await me(lwuWorker), supervisor: await me(lwuSupervisor) },
      { 'if-match': `"${transfer.body.version as number}"` },
    );

    // second factor: examples that need a real enrolment or challenge answer as they say
    await send('confirmMfaEnrolment', caseworker);
    await send('verifySecondFactor', undefined);
    // field intake: the agency administrator connects a Kobo project; a submission is reviewed and submitted
    const intakeAdmin = await staff(
      admin,
      vtc,
      'agency-admin@mlsw-vtc.demo.la',
      ['agency_admin'],
      'kobo forms in the rain',
    );
    const connection = await send('createIntakeConnection', intakeAdmin);
    await send('receiveKoboSubmission', undefined, { id: connection.body.id as string });
    const received = await api(
      a.base,
      'POST',
      `/intake/kobo/${connection.body.id as string}`,
      undefined,
      REQUEST_EXAMPLES.receiveKoboSubmission!.value,
      { 'x-ctcm-intake-secret': connection.body.secret as string },
    );
    expect(received.body).toMatchObject({ status: 'pending_review', duplicate: false });
    await send('correctIntakeSubmission', caseworker, { id: received.body.submissionId as string });
    await send('submitIntakeSubmission', caseworker, { id: received.body.submissionId as string });

    // last: the password change ends the caseworker's sessions
    await send('changePassword', caseworker);

    expect([...documented.keys()].filter((id) => !sent.has(id))).toEqual([]);
    expect(Object.keys(REQUEST_EXAMPLES).filter((id) => !documented.has(id))).toEqual([]);
  }, 600_000);
});
