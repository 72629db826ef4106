/**
 * The request bodies "Try it out" starts from. Without them Swagger UI invents bodies from the
 * schemas (birth year 2100, citizenship Andorra, language Afar, confirmNotDuplicate: true, one consent
 * item of seven) that fail or, worse, skip checks. Each example is a realistic Lao case and works as
 * sent once the ids in it are replaced with real ones; test/desk/request-examples.spec.ts sends every
 * one to the API and expects success, or exactly the failure `expectedFailure` describes.
 */

/** Stand-ins for ids the caseworker copies from an earlier answer (the description says which). */
export const EXAMPLE_IDS = {
  person: '01936f4e-8a10-7c3b-9d2e-5b7a1c0e4f01',
  case: '01936f4e-8a10-7c3b-9d2e-5b7a1c0e4f02',
  receivingAgency: '01936f4e-8a10-7c3b-9d2e-5b7a1c0e4f03',
  ownAgency: '01936f4e-8a10-7c3b-9d2e-5b7a1c0e4f04',
  parentAgency: '01936f4e-8a10-7c3b-9d2e-5b7a1c0e4f05',
  identificationAuthority: '01936f4e-8a10-7c3b-9d2e-5b7a1c0e4f06',
  caseworker: '01936f4e-8a10-7c3b-9d2e-5b7a1c0e4f07',
  supervisor: '01936f4e-8a10-7c3b-9d2e-5b7a1c0e4f08',
  keptPerson: '01936f4e-8a10-7c3b-9d2e-5b7a1c0e4f09',
  referral: '01936f4e-8a10-7c3b-9d2e-5b7a1c0e4f0a',
} as const;

/** A demo account (src/demo/demo-agencies.ts: the caseworker of the Vientiane Transit Centre). */
export const DEMO_LOGIN_EXAMPLE = { email: 'caseworker@mlsw-vtc.demo.la', password: 'your demo password' };

export interface RequestExample {
  value: Record<string, unknown>;
  /** Which ids to replace, said in the operation's description. */
  idsFrom?: string;
  /** An example that cannot succeed as sent says why; the test expects exactly this answer. */
  expectedFailure?: { status: number; code: string; reason: string };
}

/** Record dates lie between the case's opening and today, which a committed example cannot know. */
const dateOfYourOwn = (field: string) => ({
  status: 422,
  code: 'DATE_OUT_OF_RANGE',
  reason: `Put the real ${field}: a date before the case was opened (as in a case opened today) answers 422 DATE_OUT_OF_RANGE.`,
});

const SEVEN_CONSENT_ITEMS = [
  'interview',
  'purpose_explained',
  'data_use',
  'research_use',
  'sharing_for_referral',
  'storage_period',
  'right_to_withdraw',
].map((item) =>
  item === 'research_use' ? { item, decision: 'declined' } : { item, decision: 'given', givenBy: 'person' },
);

export const REQUEST_EXAMPLES: Record<string, RequestExample> = {
  signIn: { value: DEMO_LOGIN_EXAMPLE },
  refreshSession: {
    value: { refreshToken: 'paste-the-refreshToken-of-your-sign-in-here' },
    expectedFailure: {
      status: 401,
      code: 'INVALID_REFRESH_TOKEN',
      reason: 'Answers 401 INVALID_REFRESH_TOKEN until you paste the refreshToken of your own sign-in.',
    },
  },
  confirmMfaEnrolment: {
    value: { code: '123456' },
    expectedFailure: {
      status: 409,
      code: 'MFA_NOT_ENROLLING',
      reason:
        'Answers 409 MFA_NOT_ENROLLING until POST /auth/mfa/enrolment starts an enrolment; then send the code your app shows.',
    },
  },
  verifySecondFactor: {
    value: { challengeToken: 'paste-the-challengeToken-of-your-sign-in-here', code: '123456' },
    expectedFailure: {
      status: 401,
      code: 'INVALID_MFA_CHALLENGE',
      reason: 'Answers 401 INVALID_MFA_CHALLENGE until you paste the challengeToken of your own sign-in and your code.',
    },
  },
  changePassword: {
    value: { currentPassword: DEMO_LOGIN_EXAMPLE.password, newPassword: 'sticky rice at Pha That Luang' },
  },
  createReturnNotice: {
    value: {
      hostCountry: 'TH',
      hostAgency: 'Ministry of Social Development and Human Security (MSDHS)',
      hostReference: 'MSDHS-2026-0417',
      borderCrossingCode: 'FRIENDSHIP_BRIDGE_1',
      expectedOn: '2026-12-15',
      peopleCount: 3,
      childrenCount: 1,
      returnees: [
        {
          names: { givenNameLatin: 'Somchai', familyNameLatin: 'Phommavong', givenNameTh: 'สมชาย' },
          gender: 'Masculine',
          birth: { precision: 'year', birthYear: 1996 },
          homeProvinceCode: 'LA-SV',
          homeAddress: { district: 'Kaysone Phomvihane', village: 'Ban Naxeng' },
          documents: [{ type: 'border_pass', number: 'BP-778812', issuingCountry: 'LA' }],
          vulnerabilities: ['injury'],
        },
      ],
    },
  },
  recordArrival: { value: { personId: EXAMPLE_IDS.person }, idsFrom: 'personId: the id POST /persons answered.' },
  createScreening: {
    value: {
      personId: EXAMPLE_IDS.person,
      profile: 'adult_labour',
      conductedAt: '2026-11-20T09:30:00+07:00',
      place: { type: 'border_crossing', borderCrossingCode: 'FRIENDSHIP_BRIDGE_1' },
      interviewLanguage: 'lao',
      interpreter: { used: false },
      consent: SEVEN_CONSENT_ITEMS,
      exitMode: 'deportation',
      victimContext: {
        exploitationTypes: ['ForcedLabour'],
        isicSections: ['A'],
        exploitationCountries: ['TH'],
        meansOfControl: ['DebtBondage', 'WithholdsDocuments'],
        recruitmentApps: ['Facebook'],
        recruiterRelationship: 'acquaintance',
      },
      immediateNeeds: ['medical', 'shelter'],
      risks: ['debt'],
      answers: [
        { indicatorCode: 'AL.D1.01', answer: 'yes' },
        { indicatorCode: 'AL.D1.02', answer: 'yes' },
        { indicatorCode: 'AL.D4.01', answer: 'yes' },
        { indicatorCode: 'AL.D5.01', answer: 'unknown' },
      ],
    },
    idsFrom: 'personId: the id POST /persons answered.',
  },
  openCaseFromScreening: { value: {} },
  findPersonMatches: {
    value: {
      names: { givenNameLo: 'ບົວພັນ', familyNameLo: 'ສີສຸວັນ', givenNameLatin: 'Bouaphan', familyNameLatin: 'Sisouvanh' },
      birthYear: 2005,
      homeProvinceCode: 'LA-SV',
      gender: 'Feminine',
    },
  },
  createPerson: {
    value: {
      names: { givenNameLo: 'ບົວພັນ', familyNameLo: 'ສີສຸວັນ', givenNameLatin: 'Bouaphan', familyNameLatin: 'Sisouvanh' },
      gender: 'Feminine',
      birth: { precision: 'year', birthYear: 2005 },
      citizenships: ['LA'],
      languages: ['lao'],
      homeProvinceCode: 'LA-SV',
      address: { district: 'Kaysone Phomvihane', village: 'Nongdouang' },
      documents: [{ type: 'family_book', number: 'SV-0412-778', issuingCountry: 'LA', inPossession: false }],
    },
  },
  submitScreeningForIdentification: {
    value: { agencyId: EXAMPLE_IDS.identificationAuthority },
    idsFrom: 'agencyId: the identification authority, e.g. the police anti-trafficking department (GET /agencies).',
  },
  recordIdentificationDecision: {
    value: {
      status: 'PossibleVictimOfTrafficking',
      decisionOrgType: 'Police',
      decidedOn: '2026-11-21',
      basis: 'Deceptive recruitment, debt bondage and withheld documents on a farm in Thailand (D1, D4, D5 positive).',
    },
  },
  linkScreeningToCase: {
    value: { caseId: EXAMPLE_IDS.case },
    idsFrom: "caseId: the person's existing case (GET /cases).",
  },
  updatePerson: {
    value: {
      homeProvinceCode: 'LA-SV',
      languages: ['lao', 'tha'],
      contacts: [{ type: 'phone', value: '+856 20 5555 0142' }],
    },
  },
  mergePerson: {
    value: { intoPersonId: EXAMPLE_IDS.keptPerson },
    idsFrom: 'intoPersonId: the record that stays (this one becomes its duplicate).',
  },
  createCase: {
    value: { personId: EXAMPLE_IDS.person, provinceCode: 'LA-SV', exploitationTypes: ['ForcedLabour'] },
    idsFrom: 'personId: the id POST /persons answered.',
  },
  assignCase: {
    value: { assignedCaseworkerId: EXAMPLE_IDS.caseworker, supervisorId: EXAMPLE_IDS.supervisor },
    idsFrom:
      'the ids of a caseworker and a supervisor of your agency (GET /auth/me gives yours; your agency administrator ' +
      'finds the others in GET /users).',
  },
  transitionCase: {
    value: { to: 'assessment', reason: 'Identified by the police; the needs assessment with her begins at the VTC.' },
  },
  breakGlassCase: {
    value: { reason: 'Police raid tonight: need the case to protect the person at the hand-over.' },
  },
  requestCaseClosure: { value: { reason: 'goals_achieved' } },
  closeCase: { value: { reason: 'goals_achieved' } },
  reopenCase: {
    value: { reason: 'She contacted the VTC again: the recruiter is threatening her family.', stage: 'assessment' },
  },
  updateCase: { value: { provinceCode: 'LA-SV', exploitationTypes: ['ForcedLabour', 'Servitude'] } },
  recordConsent: {
    value: {
      purposes: ['assistance', 'sharing_for_referral', 'follow_up_contact'],
      coveredAgencyIds: [EXAMPLE_IDS.receivingAgency],
      givenBy: 'person',
      method: 'written',
      givenOn: '2026-11-20',
      language: 'lao',
    },
    idsFrom: 'coveredAgencyIds: the agencies the person agreed to share with (GET /agencies).',
  },
  createAssessment: {
    value: {
      kind: 'individual',
      assessedOn: '2026-11-21',
      riskLevel: 'medium',
      risks: ['debt'],
      needs: ['medical', 'psychosocial'],
      findings: 'Tired and worried about the recruitment debt; no injuries. Wants to return to her family.',
    },
    expectedFailure: dateOfYourOwn('assessedOn'),
  },
  createService: {
    value: {
      serviceType: 'medical',
      deliveredOn: '2026-11-22',
      quantity: 1,
      unit: 'visits',
      costLak: 150000,
      outcome: 'completed',
      notes: 'Health check at Mahosot Hospital.',
    },
    expectedFailure: dateOfYourOwn('deliveredOn'),
  },
  addNote: {
    value: { text: 'Called her mother in Savannakhet; the family is ready to receive her next month.' },
  },
  correctNote: {
    value: { text: 'Called her mother in Savannakhet; the family is ready to receive her in January.' },
  },
  createSupportPlan: {
    value: {
      type: 'Health',
      objectives: 'Recover from the injuries and the stress of exploitation before returning home.',
      actions: [{ description: 'Weekly counselling sessions at the LWU centre', status: 'planned' }],
      status: 'draft',
    },
  },
  updateSupportPlan: {
    value: {
      actions: [
        { description: 'Weekly counselling sessions at the LWU centre', status: 'done' },
        { description: 'Vocational training in sewing in Savannakhet', status: 'planned' },
      ],
      status: 'agreed',
    },
  },
  createReferral: {
    value: {
      toAgencyId: EXAMPLE_IDS.receivingAgency,
      purpose: 'psychosocial',
      urgency: 'normal',
      note: 'Counselling while the family assessment is done.',
    },
    idsFrom: 'toAgencyId: the receiving agency (GET /agencies); the consent must cover it.',
  },
  completeReferral: { value: { reason: 'service_delivered' } },
  cancelReferral: { value: { reason: 'person_moved' } },
  withdrawReferral: { value: { reason: 'family_took_her_home' } },
  declineReferral: { value: { reason: 'no_capacity' } },
  createFamilyAssessment: {
    value: {
      assessedOn: '2026-11-27',
      familyFound: true,
      recommendation: 'return_home',
      householdRisks: ['debt', 'stigma'],
      findings:
        'Parents and two younger brothers in Ban Nongdouang; they welcome her back. The family owes the recruiter ' +
        '3 million kip; the village chief will support the return.',
    },
  },
  createFacility: {
    value: {
      agencyId: EXAMPLE_IDS.ownAgency,
      code: 'VTC-RECEPTION',
      nameEn: 'Vientiane Transit Centre reception',
      nameLo: 'ສູນຕ້ອນຮັບ ນະຄອນຫຼວງວຽງຈັນ',
      kind: 'transit_centre',
      provinceCode: 'LA-VT',
      acceptsGenders: ['Feminine', 'Masculine'],
      acceptsMinAge: 0,
      services: ['transit_reception', 'medical', 'psychosocial', 'family_tracing'],
      bedCapacity: 40,
    },
    idsFrom: 'agencyId: the agency that runs the facility (GET /agencies).',
  },
  updateFacility: {
    value: { bedCapacity: 45, services: ['transit_reception', 'medical', 'psychosocial', 'family_tracing', 'legal'] },
  },
  admitToFacility: {
    value: { caseId: EXAMPLE_IDS.case, admittedOn: '2026-11-20' },
    idsFrom: 'caseId: the case of the person admitted (and referralId when admitting on a referral).',
    expectedFailure: dateOfYourOwn('admittedOn'),
  },
  dischargePlacement: {
    value: {
      dischargedOn: '2026-11-30',
      destination: 'family',
      reason: 'returned_home',
      destinationProvinceCode: 'LA-SV',
      escorted: true,
    },
    expectedFailure: {
      status: 422,
      code: 'DATE_OUT_OF_RANGE',
      reason:
        'Put the real dischargedOn: a date before the admission (as in a stay that began today) answers 422 ' +
        'DATE_OUT_OF_RANGE.',
    },
  },
  scheduleFollowUp: {
    value: { fromDate: '2026-11-25', months: [1, 3, 6, 12] },
    expectedFailure: dateOfYourOwn('fromDate'),
  },
  recordFollowUp: {
    value: {
      completedOn: '2026-12-01',
      outcome: 'reached_needs_support',
      notes:
        'Visited her at home in Nongdouang: back with her parents, the recruiter still asks the family for the debt.',
    },
    expectedFailure: dateOfYourOwn('completedOn'),
  },
  cancelFollowUp: { value: { reason: 'person_moved' } },
  rescheduleFollowUp: { value: { dueOn: '2029-06-15', reason: 'schedule_conflict' } },
  createTracingRequest: {
    value: {
      receivedOn: '2026-11-28',
      inquirer: {
        name: 'Mrs Vanh Sisouvanh',
        relationship: 'mother',
        contacts: [{ type: 'phone', value: '+856 20 5555 0177' }],
        address: { district: 'Kaysone Phomvihane', village: 'Nongdouang' },
      },
      missingPerson: {
        names: { givenNameLo: 'ບົວພັນ', familyNameLo: 'ສີສຸວັນ', givenNameLatin: 'Bouaphan', familyNameLatin: 'Sisouvanh' },
        gender: 'Feminine',
        birth: { precision: 'year', birthYear: 2005 },
        homeProvinceCode: 'LA-SV',
        homeAddress: { district: 'Kaysone Phomvihane', village: 'Nongdouang' },
        lastKnownCountry: 'TH',
        lastKnownPlace: 'Rubber plantation near Chanthaburi',
        lastContactOn: '2026-08-10',
        circumstances: 'Left with a recruiter for farm work in Thailand in June; her phone has been off since August.',
      },
    },
  },
  confirmTracingMatch: {
    value: { kind: 'person', id: EXAMPLE_IDS.person },
    idsFrom: 'id: the candidate staff checked (GET /tracing-requests/{id}/candidates), with its kind.',
  },
  recordTracingOutcome: {
    value: {
      outcome: 'found_family_informed_with_consent',
      note: 'Bouaphan agreed that her mother be told she is safe at the VTC; her mother was called on 2 December.',
    },
  },
  removeDocument: { value: { reason: 'Uploaded to the wrong case: the passport belongs to another returnee' } },
  markDocumentForReferral: {
    value: { referralId: EXAMPLE_IDS.referral },
    idsFrom: 'referralId: an open referral of the case from your agency (GET /cases/{id}/referrals).',
  },
  requestCaseTransfer: {
    value: {
      caseId: EXAMPLE_IDS.case,
      toAgencyId: EXAMPLE_IDS.receivingAgency,
      note: 'Back home in Kaysone Phomvihane with her family; follow-up visits and vocational training are local now.',
    },
    idsFrom:
      "caseId: a case your agency leads; toAgencyId: the agency taking it over (GET /agencies), which the case's " +
      'consent must cover.',
  },
  acceptCaseTransfer: {
    value: { assignedCaseworkerId: EXAMPLE_IDS.caseworker, supervisorId: EXAMPLE_IDS.supervisor },
    idsFrom:
      'the ids of your caseworker and supervisor for the case (GET /auth/me gives yours; your agency administrator ' +
      'finds the others in GET /users), or leave them out to take it yourself.',
  },
  declineCaseTransfer: { value: { reason: 'outside_our_area' } },
  createAgency: {
    value: {
      code: 'PLSW-LP',
      nameEn: 'Luang Prabang Provincial Labour and Social Welfare Office',
      nameLo: 'ພະແນກແຮງງານ ແລະ ສະຫວັດດີການສັງຄົມ ແຂວງຫຼວງພະບາງ',
      htcdsOrgType: 'LocalGovernmentOrganisation',
      localType: 'government_department',
      provinceCode: 'LA-LP',
      parentAgencyId: EXAMPLE_IDS.parentAgency,
    },
    idsFrom: 'parentAgencyId: the ministry department above it (GET /agencies), or leave it out.',
  },
  updateAgency: { value: { nameLo: 'ສູນຕ້ອນຮັບ ວຽງຈັນ' } },
  createUser: {
    value: {
      agencyId: EXAMPLE_IDS.ownAgency,
      email: 'somphone.k@vtc.example.la',
      displayName: 'Somphone Keomany',
      roles: ['caseworker'],
    },
    idsFrom: 'agencyId: your agency (GET /auth/me).',
  },
  createIntakeConnection: { value: { name: 'Luang Namtha border screenings (Kobo)', catalogueVersion: 1 } },
  receiveKoboSubmission: {
    value: {
      _uuid: '7c1f0c1e-3b0a-4e43-9d55-0a3f7e2d1b44',
      _submission_time: '2026-11-30T03:12:45',
      'meta/instanceID': 'uuid:7c1f0c1e-3b0a-4e43-9d55-0a3f7e2d1b44',
      catalogue_version: '1',
      'consent/consent_interview': 'declined',
      'consent/consent_purpose_explained': 'given',
      'consent/consent_data_use': 'given',
      'consent/consent_research_use': 'declined',
      'consent/consent_sharing_for_referral': 'declined',
      'consent/consent_storage_period': 'given',
      'consent/consent_right_to_withdraw': 'given',
      'consent/consent_given_by': 'person',
      'context/conducted_at': '2026-11-30T09:40:00.000+07:00',
      'context/profile': 'adult_labour',
      'context/place_type': 'border_crossing',
      'context/border_crossing': 'FRIENDSHIP_BRIDGE_1',
    },
    expectedFailure: {
      status: 401,
      code: 'UNAUTHENTICATED',
      reason:
        'KoboToolbox sends this with the connection secret in x-ctcm-intake-secret; without it the answer is 401.',
    },
  },
  correctIntakeSubmission: {
    value: {
      person: {
        names: { givenNameLo: 'ຄຳຫຼ້າ', givenNameLatin: 'Khamla', familyNameLatin: 'Keobounphan' },
        gender: 'Feminine',
      },
    },
  },
  submitIntakeSubmission: { value: { registerPerson: true } },
  updateUser: { value: { displayName: 'Somphone Keomany', roles: ['caseworker', 'screener'] } },
  importTranslations: {
    value: {
      format: 'csv',
      content:
        'kind,key,english,lao,verification,source,placeholders\r\n' +
        'code,exploitation-type.ForcedLabour,Forced labour,ການບັງຄັບອອກແຮງງານ,verified,ctcm-api team draft,\r\n',
    },
  },
  createCaseLegalHold: { value: { reason: 'court_proceedings' } },
  withdrawCaseLegalHold: { value: { reason: 'proceedings_ended' } },
  createSubjectRequest: {
    value: {
      personId: EXAMPLE_IDS.person,
      kind: 'access',
      reason: 'own_information',
      channel: 'in_person',
    },
    idsFrom: 'personId: the id POST /persons answered.',
  },
  refuseSubjectRequest: { value: { reason: 'identity_not_verified' } },
};
