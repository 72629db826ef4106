import { ApiProperty } from '@nestjs/swagger';

/*
 * The catalogue of domain events: every type and the fields of its payload. Payloads carry
 * ids, codes, counts and dates only, never personal data (no names, contacts, narratives or
 * free text): they travel to partner systems in webhooks and to notifications.
 */

export class ReferralEventPayload {
  @ApiProperty({ format: 'uuid' }) referralId!: string;
  @ApiProperty({ format: 'uuid' }) fromAgencyId!: string;
  @ApiProperty({ format: 'uuid' }) toAgencyId!: string;
  @ApiProperty({ description: 'Referral purpose code', example: 'shelter' }) purpose!: string;
  @ApiProperty({ enum: ['emergency', 'high', 'normal', 'low'] }) urgency!: string;
  @ApiProperty({ description: 'Status after the event', example: 'pending' }) status!: string;
  @ApiProperty({ format: 'date-time', description: 'When the receiver must answer by' }) dueBy!: string;
}

export class ClosureEventPayload {
  @ApiProperty({ description: 'Closure reason code', example: 'reintegrated' }) reason!: string;
  @ApiProperty({ description: 'Case stage after the event', example: 'closed' }) stage!: string;
}

export class IdentificationRequestedPayload {
  @ApiProperty({ format: 'uuid' }) screeningId!: string;
  @ApiProperty({ format: 'uuid', description: 'The identification authority asked to decide' })
  identificationAgencyId!: string;
}

export class IdentificationDecidedPayload {
  @ApiProperty({ format: 'uuid' }) screeningId!: string;
  @ApiProperty({ format: 'uuid' }) decisionId!: string;
  @ApiProperty({ example: 'PossibleVictimOfTrafficking' }) status!: string;
  @ApiProperty({ description: '1 for the first decision, more for a revision' }) revision!: number;
}

export class BreakGlassEventPayload {
  @ApiProperty({ format: 'uuid' }) grantId!: string;
  @ApiProperty({ format: 'uuid', description: 'The agency of the user who broke the glass' }) agencyId!: string;
  @ApiProperty({ format: 'uuid', description: 'The user who broke the glass (an id, for the audit trail)' })
  userId!: string;
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
}

export class FollowUpEventPayload {
  @ApiProperty({ format: 'uuid' }) followUpId!: string;
  @ApiProperty({ format: 'uuid', description: 'The agency that makes the visit' }) agencyId!: string;
  @ApiProperty({ format: 'date', example: '2026-12-03' }) dueOn!: string;
}

export class ReturnNoticeEventPayload {
  @ApiProperty({ format: 'uuid' }) returnNoticeId!: string;
  @ApiProperty({ example: 'TH' }) hostCountry!: string;
  @ApiProperty({ example: 'LA-TH-01' }) borderCrossingCode!: string;
  @ApiProperty({ format: 'date' }) expectedOn!: string;
  @ApiProperty() peopleCount!: number;
  @ApiProperty() childrenCount!: number;
}

export class CapacityLowPayload {
  @ApiProperty({ format: 'uuid' }) facilityId!: string;
  @ApiProperty() bedCapacity!: number;
  @ApiProperty() freeBeds!: number;
  @ApiProperty({ description: 'FACILITY_LOW_BEDS at the time' }) threshold!: number;
}

export class SecondFactorResetPayload {
  @ApiProperty({ format: 'uuid', description: 'The user whose second factor was removed (they set it up again)' })
  userId!: string;
  @ApiProperty({ format: 'uuid', description: 'The administrator who reset it' }) resetByUserId!: string;
}

export class RetentionErasedPayload {
  @ApiProperty({ format: 'uuid' }) runId!: string;
  @ApiProperty({ description: 'Record types whose personal values were erased', example: ['cases', 'referrals'] })
  recordTypes!: string[];
  @ApiProperty({ description: 'Records touched' }) records!: number;
}

export class RetentionRunPayload {
  @ApiProperty({ format: 'uuid' }) runId!: string;
  @ApiProperty({ enum: ['schedule', 'manual'] }) trigger!: string;
  @ApiProperty({ description: 'Cases with values erased in this run' }) cases!: number;
  @ApiProperty({ description: 'Records touched in this run' }) records!: number;
}

export class LegalHoldPayload {
  @ApiProperty({ format: 'uuid' }) holdId!: string;
  @ApiProperty({ description: 'Reason code', example: 'court_proceedings' }) reason!: string;
}

export class IntakeSubmissionEventPayload {
  @ApiProperty({ format: 'uuid' }) submissionId!: string;
  @ApiProperty({ format: 'uuid', description: 'The intake connection it came through' }) connectionId!: string;
  @ApiProperty({ type: Number, nullable: true, description: 'The catalogue version it names' })
  catalogueVersion!: number | null;
  @ApiProperty({ enum: ['pending_review', 'quarantined', 'submitted'] }) status!: string;
  @ApiProperty({ description: 'How many problems quarantined it (0 otherwise)' }) problemCount!: number;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'The screening it became' })
  screeningId!: string | null;
}

export class DocumentEventPayload {
  @ApiProperty({ format: 'uuid' }) documentId!: string;
  @ApiProperty({ example: 'case', description: 'The kind of record the file is attached to' }) recordType!: string;
  @ApiProperty({ format: 'uuid' }) recordId!: string;
  @ApiProperty({ example: 'consent_form', description: 'Code list document-type' }) documentType!: string;
  @ApiProperty({ description: 'The version the event concerns (1 for a new file, more for a replacement)' })
  version!: number;
}

export class SubjectRequestDecidedPayload {
  @ApiProperty({ format: 'uuid' }) requestId!: string;
  @ApiProperty({ enum: ['access', 'restriction', 'lift-restriction', 'erasure'] }) kind!: string;
  @ApiProperty({ enum: ['approved', 'refused'] }) decision!: string;
}

export class RecordRestrictionPayload {
  @ApiProperty({ format: 'uuid' }) restrictionId!: string;
  @ApiProperty({ format: 'uuid' }) requestId!: string;
  @ApiProperty({ enum: ['person', 'case'], description: 'The whole person (every case) or one case' }) scope!: string;
}

export class ErasedOnRequestPayload {
  @ApiProperty({ format: 'uuid' }) requestId!: string;
  @ApiProperty({ description: 'Record types whose personal values were erased', example: ['persons', 'cases'] })
  recordTypes!: string[];
  @ApiProperty({ description: 'Records touched' }) records!: number;
}

/** Event type → payload class: the single source of the catalogue (docs, OpenAPI, typing). */
export const EVENT_CATALOGUE = {
  'referral.sent': { payload: ReferralEventPayload, subject: 'referral', about: 'A referral left the lead agency' },
  'referral.received': {
    payload: ReferralEventPayload,
    subject: 'referral',
    about: "A referral reached an agency's inbox",
  },
  'referral.accepted': { payload: ReferralEventPayload, subject: 'referral', about: 'The receiver accepted' },
  'referral.declined': { payload: ReferralEventPayload, subject: 'referral', about: 'The receiver declined' },
  'referral.withdrawn': { payload: ReferralEventPayload, subject: 'referral', about: 'The sender withdrew it' },
  'referral.completed': { payload: ReferralEventPayload, subject: 'referral', about: 'The receiver completed it' },
  'referral.cancelled': { payload: ReferralEventPayload, subject: 'referral', about: 'Either party cancelled it' },
  'referral.expiring': {
    payload: ReferralEventPayload,
    subject: 'referral',
    about: 'An emergency referral is unanswered and due within REFERRAL_EXPIRING_MINUTES (scheduled)',
  },
  'referral.expired': { payload: ReferralEventPayload, subject: 'referral', about: 'Unanswered past its due time' },
  'case.closure-requested': { payload: ClosureEventPayload, subject: 'case', about: 'A caseworker asked to close' },
  'case.closure-approved': { payload: ClosureEventPayload, subject: 'case', about: 'A supervisor closed the case' },
  'identification.requested': {
    payload: IdentificationRequestedPayload,
    subject: 'screening',
    about: 'A screening was submitted to the identification authority',
  },
  'identification.decided': {
    payload: IdentificationDecidedPayload,
    subject: 'identification_decision',
    about: 'An identification decision was recorded (or revised)',
  },
  'case.break-glass': {
    payload: BreakGlassEventPayload,
    subject: 'case_access_grant',
    about: "Someone outside the case's scope opened it in full (break-the-glass)",
  },
  'follow-up.due': {
    payload: FollowUpEventPayload,
    subject: 'follow_up',
    about: 'A follow-up visit is due within FOLLOW_UP_DUE_NOTICE_DAYS (scheduled)',
  },
  'follow-up.overdue': {
    payload: FollowUpEventPayload,
    subject: 'follow_up',
    about: 'A visit is past due (scheduled)',
  },
  'return-notice.received': {
    payload: ReturnNoticeEventPayload,
    subject: 'return_notice',
    about: 'A return notice announced arrivals to the receiving agency',
  },
  'facility.capacity-low': {
    payload: CapacityLowPayload,
    subject: 'facility',
    about: 'An admission left a facility with FACILITY_LOW_BEDS free beds or fewer',
  },
  'account.second-factor-reset': {
    payload: SecondFactorResetPayload,
    subject: 'user',
    about: "An administrator removed a user's second factor (the user is to be told; their sessions ended)",
  },
  'retention.case-erased': {
    payload: RetentionErasedPayload,
    subject: 'case',
    about: "A retention run erased personal values of a closed case (the case's de-identified facts stay)",
  },
  'retention.run-completed': {
    payload: RetentionRunPayload,
    subject: 'retention_run',
    about: 'A retention run finished (counts only), told to the agencies whose records it touched',
  },
  'case.legal-hold-placed': {
    payload: LegalHoldPayload,
    subject: 'case_legal_hold',
    about: 'A legal hold stops retention erasing the case',
  },
  'case.legal-hold-lifted': {
    payload: LegalHoldPayload,
    subject: 'case_legal_hold',
    about: 'A legal hold was lifted; retention applies to the case again',
  },
  'intake.submission-received': {
    payload: IntakeSubmissionEventPayload,
    subject: 'intake_submission',
    about: "A field submission (KoboToolbox) joined the agency's intake review queue",
  },
  'intake.submission-quarantined': {
    payload: IntakeSubmissionEventPayload,
    subject: 'intake_submission',
    about: 'A field submission could not be read and was quarantined (kept, with its reasons)',
  },
  'intake.submission-submitted': {
    payload: IntakeSubmissionEventPayload,
    subject: 'intake_submission',
    about: 'A reviewed field submission was submitted as a screening',
  },
  'document.attached': {
    payload: DocumentEventPayload,
    subject: 'document',
    about: 'A file was attached to a record, or replaced by a new version (ids and codes only, never content)',
  },
  'document.removed': {
    payload: DocumentEventPayload,
    subject: 'document',
    about: 'A supervisor removed a file from use (with a reason, kept in the audit trail)',
  },
  'subject-request.decided': {
    payload: SubjectRequestDecidedPayload,
    subject: 'subject_request',
    about: "A supervisor approved or refused a person's request (access, restriction, lifting, erasure)",
  },
  'record.restricted': {
    payload: RecordRestrictionPayload,
    subject: 'record_restriction',
    about: "At the person's request their records (or one case) are frozen: read-only until lifted",
  },
  'record.restriction-lifted': {
    payload: RecordRestrictionPayload,
    subject: 'record_restriction',
    about: 'A restriction was lifted (with approval): the records can be changed again',
  },
  'person.erased-on-request': {
    payload: ErasedOnRequestPayload,
    subject: 'subject_request',
    about: "At the person's request the agency erased their personal values (de-identified facts stay)",
  },
} as const;

export type EventType = keyof typeof EVENT_CATALOGUE;
export const EVENT_TYPES = Object.keys(EVENT_CATALOGUE) as EventType[];
export type EventPayload<T extends EventType> = InstanceType<(typeof EVENT_CATALOGUE)[T]['payload']>;
export const EVENT_PAYLOAD_CLASSES = [...new Set(Object.values(EVENT_CATALOGUE).map((e) => e.payload))];

/** What a service states: the agencies concerned besides the case's lead agency (always added). */
export interface DomainEventInput<T extends EventType> {
  type: T;
  agencyIds: string[];
  caseId?: string | null;
  subjectId: string;
  payload: EventPayload<T>;
}

/** An event as stored and as consumers and receivers see it. */
export interface DomainEvent {
  id: string;
  type: EventType;
  occurredAt: string;
  agencyIds: string[];
  caseId: string | null;
  caseNumber: string | null;
  subject: { type: string; id: string };
  payload: Record<string, unknown>;
}
