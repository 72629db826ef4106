/**
 * The tags of Swagger UI, in the order a caseworker meets the work: sign in, receive returnees,
 * trace families' missing relatives, screen, register, open and run a case, refer, place, report, audit, administer. Swagger UI
 * shows tags in the order of the document's `tags` list, so this list is the page's table of contents.
 */
export const ApiTag = {
  SignIn: 'sign-in',
  Returns: 'returns',
  FamilyTracing: 'family tracing',
  Screening: 'screening',
  FieldIntake: 'field intake',
  Persons: 'persons',
  Cases: 'cases',
  CaseRecords: 'case records',
  Documents: 'documents',
  Referrals: 'referrals',
  Facilities: 'facilities',
  Reports: 'reports',
  Audit: 'audit',
  Administration: 'administration',
  DataProtection: 'data protection',
  MyWork: 'my work',
  EventsAndWebhooks: 'events and webhooks',
  ReferenceData: 'reference data',
  Translations: 'translations',
  Health: 'health',
} as const;

export type ApiTagName = (typeof ApiTag)[keyof typeof ApiTag];

export const API_TAGS: { name: ApiTagName; description: string }[] = [
  {
    name: ApiTag.SignIn,
    description:
      'Start here. POST /auth/login with your email and password, copy `accessToken` from the answer, press **Authorize** ' +
      '(top right) and paste it. A first sign-in with a one-time password must change it (POST /auth/password) and ' +
      'authorise again with the token that answer returns.',
  },
  {
    name: ApiTag.Returns,
    description:
      'Returnees announced by a host country (pre-arrival notices, naming people where the host country does), the ' +
      'people already known who resemble a named returnee, and their arrival at the Vientiane Transit Centre, which ' +
      'opens a case led by the receiving agency.',
  },
  {
    name: ApiTag.FamilyTracing,
    description:
      'Families asking for a relative missing abroad: record the request, look for the person among registered ' +
      'persons, announced returnees and cases, confirm a match and record the outcome. Staff only; whether the ' +
      'family is told is the found person’s decision.',
  },
  {
    name: ApiTag.Screening,
    description:
      'Victim identification: the screening interview (consent first, then the indicator answers), the suggested ' +
      'outcome, submission to the identification authority and its formal decision, and the indicator catalogues.',
  },
  {
    name: ApiTag.FieldIntake,
    description:
      'Screenings collected offline with KoboToolbox: the XLSForm generated from a catalogue version, the intake ' +
      'connections Kobo posts to, the review queue where a screener checks each draft and submits it as a ' +
      'screening, and the quarantine of what could not be read. See docs/kobo-intake.md.',
  },
  {
    name: ApiTag.Persons,
    description:
      'The people a case is about. Identities are encrypted; matching uses blind indexes. Check for a duplicate ' +
      '(POST /persons/matches) before registering someone new.',
  },
  {
    name: ApiTag.Cases,
    description:
      'A case follows one person from intake to closure: open it (directly or from a screening), list and read it, ' +
      'assign a caseworker and supervisor, move it through its stages, hand its lead to another agency, close and ' +
      'reopen it.',
  },
  {
    name: ApiTag.CaseRecords,
    description:
      'What happens inside a case: consent versions, assessments, support plans, services delivered, follow-up ' +
      'visits and case notes. Every record is encrypted and only readable by those who may see the case.',
  },
  {
    name: ApiTag.Documents,
    description:
      'Files on a case and its records: signed consent forms, passport and ID copies, repatriation papers, medical and ' +
      'police reports, photos for family tracing. Upload with **Try it out**: fill in the fields, pick the file ' +
      '(PDF, JPEG, PNG, WebP or HEIC, at most 20 MB by default). Photos lose their metadata (GPS position, camera, ' +
      'owner) before they are stored, encrypted. A referral receiver sees only the files marked for its referral.',
  },
  {
    name: ApiTag.Referrals,
    description:
      "Sending a case to another agency's inbox (with the person's consent), answering referrals you receive, and " +
      'the family assessment the home-province office records after visiting the family.',
  },
  {
    name: ApiTag.Facilities,
    description:
      'Shelters and the transit centre: free beds, who each one can take (eligibility), admissions and discharges.',
  },
  {
    name: ApiTag.Reports,
    description: 'Aggregates for planning, with small cells suppressed so no person can be recognised.',
  },
  {
    name: ApiTag.Audit,
    description:
      'The append-only, hash-chained record of every request: search it, see who touched a case, verify the chain ' +
      'and export a signed range.',
  },
  {
    name: ApiTag.Administration,
    description: 'Agencies and user accounts: create, change roles, deactivate, unlock and reset passwords.',
  },
  {
    name: ApiTag.DataProtection,
    description:
      'A record through its whole life (docs/data-protection.md): how long each kind of personal value is kept after ' +
      'a case closes, what the next retention run would erase, legal holds that stop it, and the runs themselves.',
  },
  {
    name: ApiTag.MyWork,
    description:
      'What needs you now (GET /me/tasks), the notifications sent to you and the live stream of them, and how you ' +
      'want to be told (in the application, by e-mail at once or in a daily digest; Lao or English).',
  },
  {
    name: ApiTag.EventsAndWebhooks,
    description:
      'For partner systems and agency administrators: the events that concern your agency (a referral arrived, a ' +
      'closure waits, someone broke the glass…), as a feed to page through and as signed webhooks pushed to your ' +
      'https endpoint. Ids and codes only, never personal data. See docs/events.md.',
  },
  {
    name: ApiTag.ReferenceData,
    description: 'The code lists every form uses: provinces, countries, languages, border crossings and enumerations.',
  },
  {
    name: ApiTag.Translations,
    description:
      'Lao for every label and message: a system administrator exports the texts with their verification state ' +
      '(XLSX or CSV), a Lao speaker fills in and checks them, and the import applies the sheet (validated, audited). ' +
      'Answers speak Lao when asked with Accept-Language: lo or ?lang=lo (docs/lao.md).',
  },
  { name: ApiTag.Health, description: 'Liveness and readiness for load balancers and orchestrators (no sign-in).' },
];
