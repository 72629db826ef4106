import { ApiTag, type ApiTagName } from './api-tags.js';

export interface OperationGuide {
  /** The tag the operation is listed under in Swagger UI. */
  tag: ApiTagName;
  /** Only where the route's own @ApiOperation has none. */
  summary?: string;
  /** When a caseworker uses it and what comes next; the route's own description, if any, follows it. */
  description: string;
}

const IF_MATCH = 'Send the ETag of your last read in If-Match (412 when someone changed it since, 428 without it).';

/**
 * Swagger UI is the caseworkers' desk: every operation says when to use it and what comes next.
 * Keyed by operationId (explicit verb+noun, `@ApiOperation({ operationId })` on the route); test/platform/swagger-desk.spec.ts fails on an
 * operation without a summary and a description, and on an entry naming no operation.
 */
export const OPERATION_GUIDE: Record<string, OperationGuide> = {
  // sign-in
  signIn: {
    tag: ApiTag.SignIn,
    description:
      'Step 1 of every session. Copy `accessToken` from the answer into **Authorize** (top right). When ' +
      '`mustChangePassword` is true, change the password first (POST /auth/password).',
  },
  refreshSession: {
    tag: ApiTag.SignIn,
    description:
      'Get a new access token before the current one expires (15 minutes) without typing the password again.',
  },
  signOut: { tag: ApiTag.SignIn, description: 'Sign out of this session when you leave the desk.' },
  signOutEverywhere: {
    tag: ApiTag.SignIn,
    description: 'Sign out on every device, for example after using a shared computer.',
  },
  changePassword: {
    tag: ApiTag.SignIn,
    description:
      'Every earlier token stops working at once, including the one in Authorize: the answer carries a new ' +
      '`accessToken` to paste into **Authorize** again. Passwords need 12 or more characters and must not be common ' +
      'or repetitive (a passphrase of several words works well).',
  },
  getCurrentUser: {
    tag: ApiTag.SignIn,
    description: 'Check who you are signed in as, your agency and what you may do.',
  },
  getMfaStatus: {
    tag: ApiTag.SignIn,
    description: 'See whether your second factor is set up and how many recovery codes you have left.',
  },
  createMfaEnrolment: {
    tag: ApiTag.SignIn,
    description:
      'Step 1 of setting up the second factor (required for administrators, auditors, identification officers and ' +
      'supervisors): scan `otpauthUri` as a QR code with an authenticator app (or type `secret`), then confirm.',
  },
  confirmMfaEnrolment: {
    tag: ApiTag.SignIn,
    description:
      'Step 2: send the 6-digit code the app shows. Paste the new `accessToken` into **Authorize** and keep the ' +
      'recovery codes offline: they are shown only now.',
  },
  verifySecondFactor: {
    tag: ApiTag.SignIn,
    description:
      'When sign-in answered `mfaRequired: true`: send its `challengeToken` with the code from your app (or a ' +
      'recovery code) within five minutes, then copy `accessToken` into **Authorize**.',
  },
  listSessions: {
    tag: ApiTag.SignIn,
    description: 'Check where you are signed in; end any session you do not recognise.',
  },
  closeSession: {
    tag: ApiTag.SignIn,
    description: 'Sign out one device (a lost phone, a shared computer) from here; the others stay signed in.',
  },

  // returns
  createReturnNotice: {
    tag: ApiTag.Returns,
    description:
      'Enter the notice a host country sends before returning Lao nationals; each returnee becomes an expected arrival. ' +
      'Name in `returnees` the people the host country names, so they can be matched before the bus arrives.',
  },
  listReturnNotices: { tag: ApiTag.Returns, description: 'The notices your agency expects, to prepare the reception.' },
  getReturnNotice: {
    tag: ApiTag.Returns,
    summary: 'One return notice with its expected arrivals',
    description: 'Open a notice to see who is expected and which arrivals are still to be recorded.',
  },
  getExpectedArrival: {
    tag: ApiTag.Returns,
    description:
      'Read one expected arrival and the returnee the host country named, if any, before the bus comes in; then look ' +
      'for who they may already be (GET /expected-arrivals/{id}/candidates).',
  },
  listArrivalCandidates: {
    tag: ApiTag.Returns,
    description:
      'Before recording the arrival of a named returnee: persons already registered who resemble them and, if you ' +
      'hold tracing.read, open family tracing requests of your agency looking for them. If one is the returnee, give its personId when ' +
      'recording the arrival; confirm a tracing match with POST /tracing-requests/{id}/match.',
  },
  recordArrival: {
    tag: ApiTag.Returns,
    description: 'When the returnee reaches the transit centre; the answer names the case opened for them.',
  },

  // family tracing
  createTracingRequest: {
    tag: ApiTag.FamilyTracing,
    description:
      'When a family comes to your desk about a relative missing abroad: record who asks (the inquirer) and who is ' +
      'missing. Then look for them (GET /tracing-requests/{id}/candidates).',
  },
  listTracingRequests: {
    tag: ApiTag.FamilyTracing,
    description: 'The requests your agency recorded; filter by status to see the ones still open.',
  },
  getTracingRequest: {
    tag: ApiTag.FamilyTracing,
    description: 'Read a request before confirming a match or recording its outcome; keep the ETag.',
  },
  listTracingCandidates: {
    tag: ApiTag.FamilyTracing,
    description:
      'Check regularly while the request is open, and when a notice announces returnees: leads among the persons, ' +
      'named expected returnees and cases you may see. Nothing is matched automatically.',
  },
  confirmTracingMatch: {
    tag: ApiTag.FamilyTracing,
    description:
      'When staff have checked that a candidate is the missing person; the request records who confirmed it. Then ' +
      `record the outcome. ${IF_MATCH}`,
  },
  recordTracingOutcome: {
    tag: ApiTag.FamilyTracing,
    description:
      'Closes the request. A "found" outcome needs a confirmed match; whether the family is told is the found ' +
      `person's decision, recorded here. ${IF_MATCH}`,
  },

  // screening
  createScreening: {
    tag: ApiTag.Screening,
    description:
      'Ask the seven consent questions first and record each answer; then the indicator answers of the published ' +
      'catalogue (GET /screening-catalogues).',
  },
  listScreenings: {
    tag: ApiTag.Screening,
    description: 'Find a screening you recorded or one waiting for your decision.',
  },
  getScreening: {
    tag: ApiTag.Screening,
    summary: 'One screening with its answers and suggested outcome',
    description: 'Review a screening before submitting it for identification or opening a case.',
  },
  submitScreeningForIdentification: {
    tag: ApiTag.Screening,
    description: 'When the suggested outcome calls for a formal identification decision.',
  },
  recordIdentificationDecision: {
    tag: ApiTag.Screening,
    description: 'For identification officers of the identification authority, after reviewing the screening.',
  },
  listIdentificationDecisions: {
    tag: ApiTag.Screening,
    description: 'Who decided what and when, every revision included.',
  },
  openCaseFromScreening: {
    tag: ApiTag.Screening,
    description: 'After screening: the person gets a case your agency leads, linked to this screening.',
  },
  linkScreeningToCase: {
    tag: ApiTag.Screening,
    description: 'When the person already has a case: attach this screening to it instead of opening another.',
  },
  listScreeningCatalogues: {
    tag: ApiTag.Screening,
    description: 'Which indicator catalogue versions exist and which is current.',
  },
  getScreeningCatalogue: {
    tag: ApiTag.Screening,
    description: 'The questions (indicators) to ask in a screening, by profile.',
  },
  publishScreeningCatalogue: {
    tag: ApiTag.Screening,
    description: 'For the catalogue owners: a new version applies to new screenings only.',
  },

  // persons
  findPersonMatches: {
    tag: ApiTag.Persons,
    description: 'Before registering someone, check whether they are already known, to avoid a duplicate record.',
  },
  createPerson: {
    tag: ApiTag.Persons,
    description:
      'Register the person a case or screening is about. Leave confirmNotDuplicate out: only set it to true after ' +
      'checking the candidates of a 409 answer and finding none is this person.',
  },
  getPerson: {
    tag: ApiTag.Persons,
    summary: 'One person (decrypted identity), if you may see them',
    description:
      'Answers 404 for a person you may not see, exactly as for one that does not exist. Keep the ETag for an update.',
  },
  updatePerson: {
    tag: ApiTag.Persons,
    summary: 'Correct or complete a person’s identity details',
    description: `Send only the fields that change. ${IF_MATCH}`,
  },
  mergePerson: {
    tag: ApiTag.Persons,
    description: 'When two records turn out to be the same person; the duplicate points to the record that stays.',
  },
  unmergePerson: { tag: ApiTag.Persons, description: 'When a merge was a mistake: both records stand alone again.' },

  // cases
  createCase: {
    tag: ApiTag.Cases,
    description: 'For a registered person (POST /persons) who needs assistance; the answer carries the case number.',
  },
  listCases: {
    tag: ApiTag.Cases,
    description:
      'Your caseload and the cases shared with your agency. All filters are optional: leave them empty to see every ' +
      'case you may see; use nextCursor from the answer for the next page.',
  },
  getCaseCounts: {
    tag: ApiTag.Cases,
    description: 'Start of the day: how many closure requests wait for a supervisor and how many visits are overdue.',
  },
  getCase: { tag: ApiTag.Cases, description: 'Open a case; keep the ETag for changes.' },
  updateCase: {
    tag: ApiTag.Cases,
    summary: 'Change the province or the forms of exploitation recorded on a case',
    description: IF_MATCH,
  },
  assignCase: { tag: ApiTag.Cases, description: `For supervisors, when a case needs an owner. ${IF_MATCH}` },
  transitionCase: {
    tag: ApiTag.Cases,
    description: `As the work progresses (intake, assessment, support, follow-up); a stage cannot be skipped, and a stage that states a fact (identified, referred, reintegration) needs that fact first (docs/case-stages.md). ${IF_MATCH}`,
  },
  requestCaseClosure: { tag: ApiTag.Cases, description: `When the support plan is done. ${IF_MATCH}` },
  closeCase: { tag: ApiTag.Cases, description: `For supervisors, after a closure request. ${IF_MATCH}` },
  reopenCase: { tag: ApiTag.Cases, description: `When a closed case needs work again. ${IF_MATCH}` },
  getCaseTimeline: { tag: ApiTag.Cases, description: 'A case history for handover or review.' },
  breakGlassCase: {
    tag: ApiTag.Cases,
    description: 'Only in an emergency: the grant is time-limited, audited and the lead agency is told.',
  },
  listCaseAccessGrants: { tag: ApiTag.Cases, description: 'Check who else can see the case and why.' },
  // documents
  addDocument: {
    tag: ApiTag.Documents,
    description:
      'Attach a scanned paper or a photo to a case or one of its records (recordType: case, person, screening, consent ' +
      'for a signed consent form, referral, placement, return_notice, identification_decision). Send the fields ' +
      'first, then the file. The type is decided from the content; metadata is removed (current.metadataRemoved ' +
      'says whether all of it could be: false for a PDF with compressed object streams). An Idempotency-Key retry must ' +
      'send the same fields and file (422 IDEMPOTENCY_KEY_REUSED otherwise). Then share it with a referral ' +
      '(POST /documents/{id}/referral-shares) where the consent allows.',
  },
  listDocuments: {
    tag: ApiTag.Documents,
    description:
      'Every file of a case (caseId) or of one record (recordType and recordId), newest first; pass nextCursor as ' +
      'cursor for the next page. Download one with GET /documents/{id}/content.',
  },
  getDocument: {
    tag: ApiTag.Documents,
    description: 'The metadata of one file and of its former versions, and the referrals it is shared with.',
  },
  getDocumentContent: {
    tag: ApiTag.Documents,
    description:
      'The file itself, as an attachment (never shown as a page); every download is audited with the file and case ' +
      'ids. Add ?version=N for a former version.',
  },
  addDocumentVersion: {
    tag: ApiTag.Documents,
    description:
      'A better scan or a corrected report: the new file becomes the current version; former versions stay ' +
      'readable with ?version=N.',
  },
  removeDocument: {
    tag: ApiTag.Documents,
    description:
      'A supervisor takes a file out of use (wrong case, wrong person), with a reason kept in the audit trail. The ' +
      'content is kept until the retention rules erase it.',
  },
  markDocumentForReferral: {
    tag: ApiTag.Documents,
    description:
      "Let a referral's receiving agency see this file (an open referral from your agency; the person's active " +
      'consent must cover that agency). Withdrawing the consent stops the sharing.',
  },
  deleteDocumentReferralShare: {
    tag: ApiTag.Documents,
    description: 'The receiving agency no longer sees the file (what it already downloaded is in the audit trail).',
  },
  requestCaseTransfer: {
    tag: ApiTag.Cases,
    description:
      'For supervisors of the lead agency, typically after a return when the home-province office takes the case ' +
      'over. Record consent covering that agency first (sharing_for_referral); settle open referrals and placements. ' +
      'One pending transfer per case; the other agency then accepts or declines.',
  },
  listCaseTransfers: {
    tag: ApiTag.Cases,
    description: 'Transfers waiting for your answer (direction=incoming, status=pending) and the ones you asked for.',
  },
  getCaseTransfer: {
    tag: ApiTag.Cases,
    description:
      'Read a transfer before answering it: case number, note and a short profile (the case itself stays hidden ' +
      'until you accept). Keep the ETag.',
  },
  acceptCaseTransfer: {
    tag: ApiTag.Cases,
    description:
      'Your agency leads the case from now on, with its whole history; name its caseworker and supervisor (default: ' +
      `you, when you hold those roles). The former lead no longer sees it. ${IF_MATCH}`,
  },
  declineCaseTransfer: {
    tag: ApiTag.Cases,
    description: `When your agency cannot take the case; give a reason code. ${IF_MATCH}`,
  },
  cancelCaseTransfer: {
    tag: ApiTag.Cases,
    description: `When the transfer you asked for is no longer needed, before it is answered. ${IF_MATCH}`,
  },

  // case records
  recordConsent: {
    tag: ApiTag.CaseRecords,
    description: 'Before sharing anything with another agency: referrals check the current consent.',
  },
  listConsents: {
    tag: ApiTag.CaseRecords,
    summary: 'Every consent version of the case, newest first',
    description: 'See what the person agreed to, when and how, including withdrawn versions.',
  },
  withdrawConsent: { tag: ApiTag.CaseRecords, description: 'When the person takes their consent back.' },
  createAssessment: {
    tag: ApiTag.CaseRecords,
    description: 'After talking with the person (and family or community) about needs and risks.',
  },
  listAssessments: {
    tag: ApiTag.CaseRecords,
    summary: 'The assessments of the case',
    description: 'Read earlier assessments before planning support.',
  },
  createSupportPlan: {
    tag: ApiTag.CaseRecords,
    summary: 'Create a support plan (objectives and actions)',
    description: 'After the assessment: what the person is helped with, by whom and by when.',
  },
  listSupportPlans: {
    tag: ApiTag.CaseRecords,
    summary: 'The support plans of the case',
    description: 'Review the plans and the progress of their actions.',
  },
  updateSupportPlan: {
    tag: ApiTag.CaseRecords,
    summary: 'Update a support plan’s objectives or actions',
    description: 'As actions are done or the plan changes.',
  },
  createService: { tag: ApiTag.CaseRecords, description: 'Each time assistance is delivered.' },
  listServices: {
    tag: ApiTag.CaseRecords,
    summary: 'The services delivered in the case',
    description: 'What the person has received so far, by whom and at what cost.',
  },
  scheduleFollowUp: {
    tag: ApiTag.CaseRecords,
    description: 'When the person returns home or leaves a shelter, to plan the visits after reintegration.',
  },
  listFollowUps: {
    tag: ApiTag.CaseRecords,
    summary: 'The follow-up visits of the case, planned and done',
    description: 'See which visits are due and what earlier ones found.',
  },
  recordFollowUp: {
    tag: ApiTag.CaseRecords,
    description: 'After a visit: what was found and what comes next.',
  },
  cancelFollowUp: {
    tag: ApiTag.CaseRecords,
    description:
      'When a scheduled visit will not happen (the person moved, declined, or it is no longer needed); the reason is ' +
      `a code. It stays on the timeline. ${IF_MATCH}`,
  },
  rescheduleFollowUp: {
    tag: ApiTag.CaseRecords,
    description: `When a scheduled visit must move to another day (today or later), with a reason code. ${IF_MATCH}`,
  },
  addNote: { tag: ApiTag.CaseRecords, description: 'Anything worth keeping that has no form of its own.' },
  listNotes: {
    tag: ApiTag.CaseRecords,
    summary: 'The notes of the case, with their corrections',
    description: 'Read the case notes; corrected notes show their latest version.',
  },
  correctNote: { tag: ApiTag.CaseRecords, description: 'When a note is wrong: notes are never edited.' },
  listUpcomingFollowUps: {
    tag: ApiTag.CaseRecords,
    description: 'Plan the coming weeks: scheduled visits due in a date range; then record each visit as it happens.',
  },
  listOverdueFollowUps: { tag: ApiTag.CaseRecords, description: 'Plan the week: visits past their due date.' },

  // referrals
  createReferral: {
    tag: ApiTag.Referrals,
    description: 'Record consent covering the receiving agency first (POST /cases/{id}/consents).',
  },
  listCaseReferrals: {
    tag: ApiTag.Referrals,
    summary: 'The referrals of a case, sent and received',
    description: 'Follow where the case was referred and what each agency answered.',
  },
  listReferralInbox: {
    tag: ApiTag.Referrals,
    description: 'Start of the day for a receiving agency: answer pending referrals.',
  },
  getReferralInboxCounts: {
    tag: ApiTag.Referrals,
    description: 'How many referrals wait, are overdue or are in progress.',
  },
  getReferral: {
    tag: ApiTag.Referrals,
    summary: 'One referral sent by or to your agency',
    description: 'Read a referral before answering it; keep the ETag for the answer.',
  },
  acceptReferral: {
    tag: ApiTag.Referrals,
    summary: 'Accept a pending referral (receiving agency)',
    description: `Your agency can then see the case (limited view) and admit the person. ${IF_MATCH}`,
  },
  declineReferral: {
    tag: ApiTag.Referrals,
    summary: 'Decline a pending referral, with a reason (receiving agency)',
    description: `The sending agency sees the reason and can refer elsewhere. ${IF_MATCH}`,
  },
  withdrawReferral: {
    tag: ApiTag.Referrals,
    summary: 'Withdraw a pending referral you sent (sending agency)',
    description: `When the referral is no longer needed before it is answered. ${IF_MATCH}`,
  },
  completeReferral: {
    tag: ApiTag.Referrals,
    summary: 'Mark an accepted referral completed (receiving agency)',
    description: `When the service referred for has been delivered; access to the case ends. ${IF_MATCH}`,
  },
  cancelReferral: {
    tag: ApiTag.Referrals,
    summary: 'Cancel an accepted referral, with a reason (either agency)',
    description: `When an accepted referral cannot go ahead; access to the case ends. ${IF_MATCH}`,
  },
  createFamilyAssessment: {
    tag: ApiTag.Referrals,
    description: 'After tracing and visiting the family, before the person returns home.',
  },
  listFamilyAssessments: {
    tag: ApiTag.Referrals,
    summary: 'The family assessments recorded for a case',
    description: 'Read whether the family is found and whether return home is safe.',
  },

  // facilities
  listFacilities: {
    tag: ApiTag.Facilities,
    description: 'Find a place for a person: filters are optional; eligibleFor lists only places that can take them.',
  },
  getFacility: {
    tag: ApiTag.Facilities,
    summary: 'One facility with its capacity, free beds and eligibility rules',
    description: 'Check a facility before referring or admitting someone.',
  },
  createFacility: {
    tag: ApiTag.Facilities,
    summary: 'Register a facility (shelter or transit centre) with its capacity and eligibility',
    description: 'For facility managers of the operating agency.',
  },
  updateFacility: {
    tag: ApiTag.Facilities,
    summary: 'Change a facility’s capacity, eligibility or status',
    description: IF_MATCH,
  },
  admitToFacility: {
    tag: ApiTag.Facilities,
    description:
      'When the person arrives at the facility. On a referral, name the accepted referral in referralId. ' +
      'A person is in one facility at a time: the facility where they still are discharges them first (409 otherwise).',
  },
  dischargePlacement: {
    tag: ApiTag.Facilities,
    description:
      'When the person leaves the facility. The placement id and its version come from GET /cases/{id}/placements ' +
      `(If-Match: the version in quotes). ${IF_MATCH}`,
  },
  listCasePlacements: {
    tag: ApiTag.Facilities,
    summary: 'The placements of a case (admissions and discharges)',
    description: 'Where the person has stayed and for how long.',
  },

  // reports
  listStatistics: {
    tag: ApiTag.Reports,
    description: 'What each statistic counts, on which date, and by which dimensions (docs/statistics.md).',
  },
  getStatistic: {
    tag: ApiTag.Reports,
    description:
      'Analysts and system administrators see all agencies, other roles their own. Cells under the minimum cell size are withheld, with enough others that none can be recomputed from totals.',
  },
  getMonthlyReport: {
    tag: ApiTag.Reports,
    description:
      'Open it in a browser and print it. Numbers are those of GET /statistics for the same month; cells under 11 are withheld.',
  },
  exportCtdcCases: {
    tag: ApiTag.Reports,
    description:
      'For IOM CTDC and researchers: only cases whose active consent includes research use; every row shared by at least k others. Verify offline with `npm run audit:verify-export -- <file> --public-key <pem>`.',
  },
  getUnmetNeedsReport: {
    tag: ApiTag.Reports,
    description: 'Plan services: where people could not be placed, and why.',
  },

  // audit
  listAuditEvents: {
    tag: ApiTag.Audit,
    description: 'Filters are optional; leave them empty for everything in the range.',
  },
  listCaseAccessEvents: { tag: ApiTag.Audit, description: 'Answer "who looked at this person’s case?"' },
  verifyAuditChain: { tag: ApiTag.Audit, description: 'Prove the trail has not been altered since it was written.' },
  getAuditSigningKey: { tag: ApiTag.Audit, description: 'Give it to whoever verifies an export offline.' },
  exportAuditEvents: {
    tag: ApiTag.Audit,
    description: 'For inspections and investigations: a signed, verifiable extract.',
  },

  // data protection
  getRetentionSchedules: {
    tag: ApiTag.DataProtection,
    description:
      'Months count from the case closure. RETENTION_SCHEDULES changes them; the defaults are in docs/data-protection.md.',
  },
  getRetentionDryRun: {
    tag: ApiTag.DataProtection,
    description:
      'Check before a run (or before changing RETENTION_SCHEDULES): the cases and records due, by record type, and ' +
      'the cases a legal hold keeps. Nothing changes.',
  },
  createRetentionRun: {
    tag: ApiTag.DataProtection,
    description:
      'The scheduled job does this every RETENTION_INTERVAL_MS; run it by hand after changing schedules. Every ' +
      'touched record is audited; the answer counts them.',
  },
  listRetentionRuns: {
    tag: ApiTag.DataProtection,
    description: 'Show an inspector that retention runs, and what it did.',
  },
  getCaseRetention: {
    tag: ApiTag.DataProtection,
    description: 'Before a court date or an inquiry: is the case on hold, and what has retention already erased?',
  },
  createCaseLegalHold: {
    tag: ApiTag.DataProtection,
    description:
      'When the case is evidence (court, investigation, complaint): nothing of it is erased until the hold is lifted. ' +
      'One active hold per case (409 otherwise).',
  },
  withdrawCaseLegalHold: {
    tag: ApiTag.DataProtection,
    description: 'When the proceedings ended: retention applies again at its next run.',
  },
  createSubjectRequest: {
    tag: ApiTag.DataProtection,
    description:
      'When a person asks (in person, by letter, through a guardian…) to see their data, to freeze its use, to lift ' +
      'that, or to erase it. Codes only, no free text. Nothing happens until another supervisor approves.',
  },
  listSubjectRequests: {
    tag: ApiTag.DataProtection,
    description: "The supervisors' queue: filter `status=pending` for the requests waiting for a decision.",
  },
  getSubjectRequest: {
    tag: ApiTag.DataProtection,
    description: "Where a request stands; another agency's request answers 404.",
  },
  approveSubjectRequest: {
    tag: ApiTag.DataProtection,
    description:
      'Four eyes: a different supervisor of the same agency. A restriction freezes writes at once (423 ' +
      'RECORD_RESTRICTED), a lifting ends it, an erasure erases now (409 LEGAL_HOLD_ACTIVE while a hold is on).',
  },
  refuseSubjectRequest: {
    tag: ApiTag.DataProtection,
    description: 'Record why the request was not granted (e.g. the identity could not be verified).',
  },
  exportSubjectAccess: {
    tag: ApiTag.DataProtection,
    description:
      'For the supervisor who opened an approved access request: give the person what is held about them. ' +
      '`format=html&lang=lo` prints a page in Lao. Audited with the person and every case returned.',
  },

  // events and webhooks
  listEvents: {
    tag: ApiTag.EventsAndWebhooks,
    description:
      'Page with `after` (the `next` of the previous page) to catch up, e.g. after your webhook receiver was down; ' +
      'drop events whose id you have already handled.',
  },
  createWebhookSubscription: {
    tag: ApiTag.EventsAndWebhooks,
    description:
      'Store the `secret` now: it is not shown again. Verify every delivery with it (docs/events.md). The endpoint ' +
      'must be https on an allowed host; internal addresses are refused.',
  },
  listWebhookSubscriptions: {
    tag: ApiTag.EventsAndWebhooks,
    description: 'Your agency’s endpoints and what each receives.',
  },
  getWebhookSubscription: { tag: ApiTag.EventsAndWebhooks, description: 'Read one subscription (never its secret).' },
  updateWebhookSubscription: {
    tag: ApiTag.EventsAndWebhooks,
    description: 'Change the endpoint or the event types; `active: false` pauses deliveries (pending ones go dead).',
  },
  deleteWebhookSubscription: {
    tag: ApiTag.EventsAndWebhooks,
    description: 'Stops deliveries at once; its delivery log goes with it.',
  },
  listWebhookDeliveries: {
    tag: ApiTag.EventsAndWebhooks,
    description:
      'Why a receiver missed something: attempts, the last response code or error, times. `status=dead` lists ' +
      'deliveries given up after the retry window.',
  },
  redeliverWebhookDelivery: {
    tag: ApiTag.EventsAndWebhooks,
    description: 'Once the receiver is fixed, send a dead (or any) delivery again; retries start afresh.',
  },

  // administration
  listAgencies: { tag: ApiTag.Administration, description: 'Find an agency and its id, e.g. to refer a case to it.' },
  getAgency: {
    tag: ApiTag.Administration,
    summary: 'One agency',
    description: 'Read an agency before changing it; keep the ETag.',
  },
  createAgency: { tag: ApiTag.Administration, description: 'When a new agency joins the network.' },
  updateAgency: { tag: ApiTag.Administration, description: IF_MATCH },
  listUsers: { tag: ApiTag.Administration, description: 'Find a colleague’s account.' },
  createUser: {
    tag: ApiTag.Administration,
    description: 'Give the one-time password to the person in private; they change it at first sign-in.',
  },
  getUser: {
    tag: ApiTag.Administration,
    summary: 'One user account (roles, status, last sign-in)',
    description: 'Read an account before changing it; keep the ETag.',
  },
  updateUser: { tag: ApiTag.Administration, description: IF_MATCH },
  deactivateUser: { tag: ApiTag.Administration, description: 'When someone leaves the agency or changes job.' },
  activateUser: {
    tag: ApiTag.Administration,
    summary: 'Reactivate a deactivated account',
    description: 'When someone returns; they sign in with their existing password.',
  },
  unlockUser: {
    tag: ApiTag.Administration,
    description: 'After checking with the person that the failures were theirs.',
  },
  resetUserPassword: { tag: ApiTag.Administration, description: 'When someone forgot their password.' },
  signOutUserEverywhere: {
    tag: ApiTag.Administration,
    description: 'When a device is lost or an account may be misused.',
  },
  resetUserSecondFactor: {
    tag: ApiTag.Administration,
    description:
      'When someone lost the phone with their authenticator app and their recovery codes, after checking it is them ' +
      '(in person or by a call you place). They are told, and set the factor up again at their next sign-in.',
  },
  listUserSessions: {
    tag: ApiTag.Administration,
    description: 'Where a user is signed in (device, address, last use), e.g. when an account may be misused.',
  },
  closeUserSession: {
    tag: ApiTag.Administration,
    description: 'End one session of a user you do not recognise; POST /users/{id}/logout-all ends them all.',
  },

  // my work
  listMyTasks: {
    tag: ApiTag.MyWork,
    description:
      'Open it first thing and whenever you return to your desk: every count links to the record to act on (the ' +
      'referral to answer, the case to close, the screening to decide, the visit to make, the notice to prepare for).',
  },
  getNotificationPreferences: {
    tag: ApiTag.MyWork,
    description: 'See how you are told about each kind of event, and whether this deployment sends e-mail at all.',
  },
  updateNotificationPreferences: {
    tag: ApiTag.MyWork,
    description:
      'Choose per kind: in the application, an e-mail at once, or a line in the morning digest (or nothing), and the ' +
      'language of your e-mails. E-mails carry case numbers and actions, never a name.',
  },
  sendTestEmail: {
    tag: ApiTag.MyWork,
    description: 'After choosing e-mail: check that a message reaches your mailbox (look in spam too).',
  },
  listMyNotifications: {
    tag: ApiTag.MyWork,
    description:
      'What happened that concerns you (a referral received, a closure requested, someone broke the glass on your ' +
      "agency's case...), newest first; open the record from its ids. Case numbers and codes only.",
  },
  streamMyNotifications: {
    tag: ApiTag.MyWork,
    description:
      'For front-ends that want pushes instead of polling. Not usable from this page: try it with curl -N and your ' +
      'token (see docs/notifications.md).',
  },
  markAllNotificationsRead: { tag: ApiTag.MyWork, description: 'When you have gone through them all.' },
  markNotificationRead: { tag: ApiTag.MyWork, description: 'When you have dealt with one.' },

  // field intake
  getScreeningCatalogueXlsForm: {
    tag: ApiTag.FieldIntake,
    description:
      'Upload the workbook to a KoboToolbox project and deploy it. Generated from the catalogue, so the form and the ' +
      'server never disagree; a new catalogue version needs a new form.',
  },
  createIntakeConnection: {
    tag: ApiTag.FieldIntake,
    description:
      'Copy `secret` now: it is not shown again. In the Kobo project, add a REST Service (JSON) to the server address ' +
      'followed by `receiverPath`, with a custom header named `secretHeader` holding the secret.',
  },
  listIntakeConnections: { tag: ApiTag.FieldIntake, description: 'Which Kobo projects may post to your agency.' },
  getIntakeConnection: { tag: ApiTag.FieldIntake, description: 'Its endpoint path, header name and state.' },
  rotateIntakeConnectionSecret: {
    tag: ApiTag.FieldIntake,
    description: 'When the secret may have leaked: put the new one in the Kobo REST Service at once.',
  },
  revokeIntakeConnection: {
    tag: ApiTag.FieldIntake,
    description: 'When the Kobo project is retired or compromised: later submissions answer 401.',
  },
  receiveKoboSubmission: {
    tag: ApiTag.FieldIntake,
    description:
      'Called by KoboToolbox, not by people. 200 once stored (again 200, duplicate: true, for a retry); 401 for a ' +
      'missing, wrong or revoked secret; 400 for what can never be stored; 5xx only for what a retry can cure.',
  },
  listIntakeSubmissions: {
    tag: ApiTag.FieldIntake,
    description: 'Drafts from the field waiting for review: open one with GET /intake/submissions/{id}.',
  },
  listQuarantinedIntakeSubmissions: {
    tag: ApiTag.FieldIntake,
    description: 'For the agency administrator: fix the cause (e.g. publish the catalogue version), then reprocess.',
  },
  getIntakeSubmission: {
    tag: ApiTag.FieldIntake,
    description:
      'Check the draft against what you know, look at the possible duplicates, then correct it or submit it.',
  },
  correctIntakeSubmission: {
    tag: ApiTag.FieldIntake,
    description: 'Send the corrected screening and/or person; the change is audited and the suggestion recomputed.',
  },
  submitIntakeSubmission: {
    tag: ApiTag.FieldIntake,
    description:
      'Give `personId` for a person already registered (a match), or `registerPerson: true` to register the one in ' +
      'the draft; the screening is then created exactly as POST /screenings would.',
  },
  reprocessIntakeSubmission: {
    tag: ApiTag.FieldIntake,
    description: 'After fixing the cause of a quarantine: the submission is read again and joins the queue if it can.',
  },

  // reference data
  listProvinces: { tag: ApiTag.ReferenceData, description: 'Values for every provinceCode field.' },
  listCountries: {
    tag: ApiTag.ReferenceData,
    description: 'Values for citizenship and destination country fields.',
  },
  listLanguages: { tag: ApiTag.ReferenceData, description: 'Values for language fields (Lao is `lao`).' },
  listBorderCrossings: {
    tag: ApiTag.ReferenceData,
    description: 'Values for the crossing of a return notice.',
  },
  listCodeLists: { tag: ApiTag.ReferenceData, description: 'Which enumerations exist.' },
  getCodeList: { tag: ApiTag.ReferenceData, description: 'The allowed values of one enumeration field.' },
  listLabels: {
    tag: ApiTag.ReferenceData,
    description:
      'Load once and cache: the English and Lao label of every enum value, country, indicator and heading a screen ' +
      'shows, keyed by kind and code; mark Lao texts whose verification is `unverified`.',
  },
  exportTranslations: {
    tag: ApiTag.Translations,
    description: 'Hand the sheet to a Lao speaker; `?kind=` exports one kind, e.g. `indicator`.',
  },
  importTranslations: {
    tag: ApiTag.Translations,
    description:
      'Upload the filled sheet. Nothing is applied when a row names an unknown text, empties a translation, holds ' +
      'Thai script or changes the `{placeholders}`: the answer lists the rows to fix.',
  },

  // health
  checkLiveness: {
    tag: ApiTag.Health,
    summary: 'Liveness: the process answers',
    description: 'For orchestrators: restart the process when this fails.',
  },
  checkReadiness: {
    tag: ApiTag.Health,
    summary: 'Readiness: the database answers and the schema is current',
    description: 'For load balancers: send no traffic while this fails (503).',
  },
};
