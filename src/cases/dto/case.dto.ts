import { PageSize, PageCursor } from '../../common/http/page-query.js';
import { Multiline } from '../../common/http/input-rules.js';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsBoolean,
  IsIn,
  IsInt,
  IsISO8601,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { BooleanQuery } from '../../common/http/query-transforms.js';
import {
  CLOSURE_REASONS,
  EXPLOITATION_TYPES,
  RISKS,
  SERVICE_TYPES,
  SUPPORT_PLAN_TYPES,
} from '../../reference-data/data/code-lists.js';
import { LANGUAGES } from '../../reference-data/data/languages.js';
import { PROVINCES } from '../../reference-data/data/provinces.js';
import { PersonResponse } from '../../persons/dto/person.dto.js';
import { CASE_STAGES, REOPEN_STAGES } from '../case-stages.js';

const PROVINCE_CODES = PROVINCES.map((p) => p.code);
const LANGUAGE_CODES = LANGUAGES.map((l) => l.code);
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const TRANSITION_TARGETS = CASE_STAGES.filter((s) => s !== 'closed' && s !== 'closed_referred');

export const CONSENT_PURPOSES = [
  'assistance',
  'sharing_for_referral',
  'research_use',
  'follow_up_contact',
  'legal_proceedings',
] as const;
export const CONSENT_GIVERS = ['person', 'guardian', 'proxy'] as const;
export const CONSENT_METHODS = ['written', 'oral_certified', 'recorded'] as const;
export const ASSESSMENT_KINDS = ['individual', 'household', 'community'] as const;
export const RISK_LEVELS = ['low', 'medium', 'high'] as const;
export const PLAN_STATUSES = ['draft', 'agreed', 'completed', 'cancelled'] as const;
export const SERVICE_OUTCOMES = ['completed', 'ongoing', 'partial', 'not_delivered'] as const;
/** Why a visit is cancelled or rescheduled; 'case_closed' is set by the server when the case closes. */
export const FOLLOW_UP_CHANGE_REASONS = [
  'person_moved',
  'person_unreachable',
  'person_declined',
  'visit_not_needed',
  'schedule_conflict',
  'other',
] as const;
export const FOLLOW_UP_CLOSED_REASON = 'case_closed';
export const FOLLOW_UP_OUTCOMES = [
  'reached_stable',
  'reached_needs_support',
  'not_reached',
  're_trafficking_concern',
] as const;
export const CASE_SORTS = ['createdAt', '-createdAt', 'updatedAt', '-updatedAt', 'caseNumber', '-caseNumber'] as const;

// --- Cases ---------------------------------------------------------------------

export class CreateCaseRequest {
  @ApiProperty({ format: 'uuid' }) @IsUUID() personId!: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() assignedCaseworkerId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() supervisorId?: string;
  @ApiPropertyOptional({ enum: PROVINCE_CODES, description: "Default: the person's home province" })
  @IsOptional()
  @IsIn(PROVINCE_CODES)
  provinceCode?: string;
  @ApiPropertyOptional({ enum: EXPLOITATION_TYPES, isArray: true })
  @IsOptional()
  @ArrayMaxSize(13)
  @ArrayUnique()
  @IsIn(EXPLOITATION_TYPES, { each: true })
  exploitationTypes?: string[];
}

export class OpenCaseFromScreeningRequest {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() assignedCaseworkerId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() supervisorId?: string;
}

export class LinkScreeningRequest {
  @ApiProperty({ format: 'uuid' }) @IsUUID() caseId!: string;
}

export class UpdateCaseRequest {
  @ApiPropertyOptional({ enum: PROVINCE_CODES }) @IsOptional() @IsIn(PROVINCE_CODES) provinceCode?: string;
  @ApiPropertyOptional({ enum: EXPLOITATION_TYPES, isArray: true })
  @IsOptional()
  @ArrayMaxSize(13)
  @ArrayUnique()
  @IsIn(EXPLOITATION_TYPES, { each: true })
  exploitationTypes?: string[];
}

export class AssignCaseRequest {
  @ApiPropertyOptional({ format: 'uuid', nullable: true }) @IsOptional() @IsUUID() assignedCaseworkerId?: string;
  @ApiPropertyOptional({ format: 'uuid', nullable: true }) @IsOptional() @IsUUID() supervisorId?: string;
}

export class TransitionRequest {
  @ApiProperty({ enum: TRANSITION_TARGETS }) @IsIn(TRANSITION_TARGETS) to!: string;
  @ApiPropertyOptional({ maxLength: 500, description: 'Why (no personal data)' })
  @IsOptional()
  @IsString()
  @Multiline()
  @MaxLength(500)
  reason?: string;
}

export class ClosureRequest {
  @ApiProperty({ enum: CLOSURE_REASONS }) @IsIn(CLOSURE_REASONS) reason!: string;
  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Required for transferred_or_referred: the agency that takes the case over',
  })
  @IsOptional()
  @IsUUID()
  transferredToAgencyId?: string;
}

export class ReopenRequest {
  @ApiProperty({ minLength: 10, maxLength: 500 })
  @IsString()
  @MinLength(10)
  @Multiline()
  @MaxLength(500)
  reason!: string;
  @ApiPropertyOptional({ enum: REOPEN_STAGES, default: 'assessment' })
  @IsOptional()
  @IsIn(REOPEN_STAGES)
  stage?: string;
}

export class CaseListQuery {
  @ApiPropertyOptional({ enum: CASE_STAGES }) @IsOptional() @IsIn(CASE_STAGES) stage?: string;
  @ApiPropertyOptional({ enum: PROVINCE_CODES }) @IsOptional() @IsIn(PROVINCE_CODES) province?: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'Lead agency' }) @IsOptional() @IsUUID() agencyId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() caseworkerId?: string;
  @ApiPropertyOptional({ enum: EXPLOITATION_TYPES }) @IsOptional() @IsIn(EXPLOITATION_TYPES) exploitationType?: string;
  @ApiPropertyOptional({ description: 'Only cases with an overdue follow-up' })
  @IsOptional()
  @BooleanQuery()
  @IsBoolean()
  overdueFollowUp?: boolean;
  @ApiPropertyOptional({ description: 'Only open cases with a pending closure request, awaiting a supervisor' })
  @IsOptional()
  @BooleanQuery()
  @IsBoolean()
  closureRequested?: boolean;
  @ApiPropertyOptional({ format: 'uuid', description: "The person's cases (those you may see)" })
  @IsOptional()
  @IsUUID()
  personId?: string;
  @ApiPropertyOptional({ example: 'VT-2026-000123' })
  @IsOptional()
  @Matches(/^[A-Z]{2,3}-\d{4}-\d{6}$/)
  caseNumber?: string;
  @ApiPropertyOptional({ enum: CASE_SORTS, default: '-createdAt' }) @IsOptional() @IsIn(CASE_SORTS) sort?: string;
  @PageSize(100, 50)
  limit?: number;
  @PageCursor('opaque')
  cursor?: string;
}

export class ClosureRequestResponse {
  @ApiProperty() reason!: string;
  @ApiProperty({ format: 'uuid' }) requestedBy!: string;
  @ApiProperty({ format: 'date-time' }) requestedAt!: string;
}

export class CaseResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'VT-2026-000123' }) caseNumber!: string;
  @ApiProperty({ enum: ['full', 'limited'] }) view!: string;
  @ApiProperty({ enum: CASE_STAGES }) stage!: string;
  @ApiProperty({ enum: ['Active', 'FollowUp', 'Closed', 'ClosedReferred'], description: 'HTCDS cas_Status' })
  status!: string;
  @ApiProperty({ format: 'uuid' }) personId!: string;
  @ApiProperty({ format: 'uuid' }) leadAgencyId!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) assignedCaseworkerId!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) supervisorId!: string | null;
  @ApiProperty({ type: String, nullable: true }) provinceCode!: string | null;
  @ApiProperty({ type: [String] }) exploitationTypes!: string[];
  @ApiProperty({ format: 'date' }) openedOn!: string;
  @ApiProperty({ type: String, nullable: true, description: 'HTCDS status of the latest identification decision' })
  identificationStatus!: string | null;
  @ApiProperty({
    type: () => ClosureRequestResponse,
    nullable: true,
    description: 'A pending request to close, awaiting a supervisor',
  })
  closureRequest!: ClosureRequestResponse | null;
  @ApiProperty({ type: String, nullable: true }) closureReason!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) closedAt!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) transferredToAgencyId!: string | null;
  @ApiProperty({ type: [String], description: 'Immediate needs and needs from the latest assessments' })
  needs!: string[];
  @ApiProperty({ type: [String], description: 'Risks from screening and the latest assessments' }) risks!: string[];
  @ApiPropertyOptional({ type: PersonResponse, description: 'The person (in the case view)' }) person?: PersonResponse;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty() version!: number;
}

export class CaseListItem {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() caseNumber!: string;
  @ApiProperty({ enum: ['full', 'limited'] }) view!: string;
  @ApiProperty({ enum: CASE_STAGES }) stage!: string;
  @ApiProperty({ format: 'uuid' }) leadAgencyId!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) assignedCaseworkerId!: string | null;
  @ApiProperty({ type: String, nullable: true }) provinceCode!: string | null;
  @ApiProperty({ type: [String] }) exploitationTypes!: string[];
  @ApiProperty({ format: 'date' }) openedOn!: string;
  @ApiProperty({ description: 'A follow-up of this case is overdue' }) followUpOverdue!: boolean;
  @ApiProperty({ description: 'A closure request awaits a supervisor' }) closureRequested!: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class CaseCountsResponse {
  @ApiProperty({ description: 'Open cases you see in full with a closure request awaiting a supervisor' })
  closureRequested!: number;
  @ApiProperty({ description: 'Cases you see in full with an overdue follow-up visit' })
  overdueFollowUp!: number;
}

export class CasePage {
  @ApiProperty({ type: [CaseListItem] }) items!: CaseListItem[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

export class TimelineEventResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'date-time' }) occurredAt!: string;
  @ApiProperty({ example: 'stage_changed' }) kind!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) actorId!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) agencyId!: string | null;
  @ApiProperty({ type: String, nullable: true }) refType!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) refId!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) summary!: Record<string, unknown>;
}

// --- Consent -------------------------------------------------------------------

export class RecordConsentRequest {
  @ApiProperty({ enum: CONSENT_PURPOSES, isArray: true })
  @ArrayMinSize(1)
  @ArrayMaxSize(CONSENT_PURPOSES.length)
  @ArrayUnique()
  @IsIn(CONSENT_PURPOSES, { each: true })
  purposes!: string[];
  @ApiProperty({ type: [String], format: 'uuid', description: 'Agencies the sharing covers (besides the lead agency)' })
  @ArrayMaxSize(50)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  coveredAgencyIds!: string[];
  @ApiProperty({ enum: CONSENT_GIVERS }) @IsIn(CONSENT_GIVERS) givenBy!: string;
  @ApiProperty({ enum: CONSENT_METHODS }) @IsIn(CONSENT_METHODS) method!: string;
  @ApiProperty({ format: 'date' }) @IsISO8601({ strict: true }) @Matches(DATE) givenOn!: string;
  @ApiPropertyOptional({ enum: LANGUAGE_CODES }) @IsOptional() @IsIn(LANGUAGE_CODES) language?: string;
}

export class ConsentResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) caseId!: string;
  @ApiProperty() version!: number;
  @ApiProperty({ enum: CONSENT_PURPOSES, isArray: true }) purposes!: string[];
  @ApiProperty({ type: [String] }) coveredAgencyIds!: string[];
  @ApiProperty({ enum: CONSENT_GIVERS }) givenBy!: string;
  @ApiProperty({ enum: CONSENT_METHODS }) method!: string;
  @ApiProperty({ format: 'date' }) givenOn!: string;
  @ApiProperty({ type: String, nullable: true }) language!: string | null;
  @ApiProperty({ enum: ['active', 'superseded', 'withdrawn'] }) status!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) withdrawnAt!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

// --- Assistance records --------------------------------------------------------

export class CreateAssessmentRequest {
  @ApiProperty({ enum: ASSESSMENT_KINDS }) @IsIn(ASSESSMENT_KINDS) kind!: string;
  @ApiProperty({ format: 'date' }) @IsISO8601({ strict: true }) @Matches(DATE) assessedOn!: string;
  @ApiProperty({ enum: RISK_LEVELS }) @IsIn(RISK_LEVELS) riskLevel!: string;
  @ApiPropertyOptional({ enum: RISKS, isArray: true })
  @IsOptional()
  @ArrayMaxSize(20)
  @ArrayUnique()
  @IsIn(RISKS, { each: true })
  risks?: string[];
  @ApiPropertyOptional({ enum: SERVICE_TYPES, isArray: true, description: 'Services the person needs' })
  @IsOptional()
  @ArrayMaxSize(20)
  @ArrayUnique()
  @IsIn(SERVICE_TYPES, { each: true })
  needs?: string[];
  @ApiPropertyOptional({ maxLength: 10000, description: 'Findings (encrypted)' })
  @IsOptional()
  @IsString()
  @Multiline()
  @MaxLength(10000)
  findings?: string;
}

export class AssessmentResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) caseId!: string;
  @ApiProperty({ format: 'uuid' }) agencyId!: string;
  @ApiProperty({ enum: ASSESSMENT_KINDS }) kind!: string;
  @ApiProperty({ format: 'date' }) assessedOn!: string;
  @ApiProperty({ enum: RISK_LEVELS }) riskLevel!: string;
  @ApiProperty({ type: [String] }) risks!: string[];
  @ApiProperty({ type: [String] }) needs!: string[];
  @ApiProperty({ type: String, nullable: true }) findings!: string | null;
  @ApiProperty({ format: 'uuid' }) recordedBy!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty() version!: number;
}

export class PlanAction {
  @ApiProperty({ maxLength: 1000 }) @IsString() @MinLength(2) @Multiline() @MaxLength(1000) description!: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() responsibleAgencyId?: string;
  @ApiPropertyOptional({ format: 'date' })
  @IsOptional()
  @IsISO8601({ strict: true })
  @Matches(DATE)
  plannedDate?: string;
  @ApiPropertyOptional({ format: 'date' })
  @IsOptional()
  @IsISO8601({ strict: true })
  @Matches(DATE)
  actualDate?: string;
  @ApiPropertyOptional({ enum: ['planned', 'done', 'dropped'] })
  @IsOptional()
  @IsIn(['planned', 'done', 'dropped'])
  status?: string;
}

export class CreateSupportPlanRequest {
  @ApiProperty({ enum: SUPPORT_PLAN_TYPES, description: 'HTCDS spl_Type' }) @IsIn(SUPPORT_PLAN_TYPES) type!: string;
  @ApiProperty({ maxLength: 5000, description: 'Objectives (encrypted)' })
  @IsString()
  @MinLength(2)
  @Multiline()
  @MaxLength(5000)
  objectives!: string;
  @ApiPropertyOptional({ type: [PlanAction] })
  @IsOptional()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => PlanAction)
  actions?: PlanAction[];
  @ApiPropertyOptional({ format: 'date' })
  @IsOptional()
  @IsISO8601({ strict: true })
  @Matches(DATE)
  plannedEndDate?: string;
  @ApiPropertyOptional({ enum: PLAN_STATUSES, default: 'draft' }) @IsOptional() @IsIn(PLAN_STATUSES) status?: string;
}

export class UpdateSupportPlanRequest {
  @ApiPropertyOptional({ maxLength: 5000 })
  @IsOptional()
  @IsString()
  @MinLength(2)
  @Multiline()
  @MaxLength(5000)
  objectives?: string;
  @ApiPropertyOptional({ type: [PlanAction] })
  @IsOptional()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => PlanAction)
  actions?: PlanAction[];
  @ApiPropertyOptional({ format: 'date' })
  @IsOptional()
  @IsISO8601({ strict: true })
  @Matches(DATE)
  plannedEndDate?: string;
  @ApiPropertyOptional({ format: 'date' })
  @IsOptional()
  @IsISO8601({ strict: true })
  @Matches(DATE)
  actualEndDate?: string;
  @ApiPropertyOptional({ enum: PLAN_STATUSES }) @IsOptional() @IsIn(PLAN_STATUSES) status?: string;
}

export class SupportPlanResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) caseId!: string;
  @ApiProperty({ format: 'uuid' }) agencyId!: string;
  @ApiProperty({ enum: SUPPORT_PLAN_TYPES }) type!: string;
  @ApiProperty({ enum: PLAN_STATUSES }) status!: string;
  @ApiProperty() objectives!: string;
  @ApiProperty({ type: [PlanAction] }) actions!: PlanAction[];
  @ApiProperty({ type: String, format: 'date', nullable: true }) plannedEndDate!: string | null;
  @ApiProperty({ type: String, format: 'date', nullable: true }) actualEndDate!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty() version!: number;
}

export class CreateServiceRecordRequest {
  @ApiProperty({ enum: SERVICE_TYPES }) @IsIn(SERVICE_TYPES) serviceType!: string;
  @ApiPropertyOptional({ format: 'uuid', description: 'Default: your agency' })
  @IsOptional()
  @IsUUID()
  providerAgencyId?: string;
  @ApiProperty({ format: 'date' }) @IsISO8601({ strict: true }) @Matches(DATE) deliveredOn!: string;
  @ApiPropertyOptional({ minimum: 0, maximum: 1000000 })
  @IsOptional()
  @IsNumber({ maxDecimalPlaces: 2 })
  @Min(0)
  @Max(1_000_000)
  quantity?: number;
  @ApiPropertyOptional({ maxLength: 20, example: 'nights' }) @IsOptional() @IsString() @MaxLength(20) unit?: string;
  @ApiPropertyOptional({ minimum: 0, description: 'Cost in whole Lao kip' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1_000_000_000_000)
  costLak?: number;
  @ApiProperty({ enum: SERVICE_OUTCOMES }) @IsIn(SERVICE_OUTCOMES) outcome!: string;
  @ApiPropertyOptional({ maxLength: 5000, description: 'Notes (encrypted)' })
  @IsOptional()
  @IsString()
  @Multiline()
  @MaxLength(5000)
  notes?: string;
}

export class ServiceRecordResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) caseId!: string;
  @ApiProperty({ enum: SERVICE_TYPES }) serviceType!: string;
  @ApiProperty({ format: 'uuid' }) providerAgencyId!: string;
  @ApiProperty({ format: 'date' }) deliveredOn!: string;
  @ApiProperty({ type: Number, nullable: true }) quantity!: number | null;
  @ApiProperty({ type: String, nullable: true }) unit!: string | null;
  @ApiProperty({ type: Number, nullable: true }) costLak!: number | null;
  @ApiProperty({ enum: SERVICE_OUTCOMES }) outcome!: string;
  @ApiProperty({ type: String, nullable: true }) notes!: string | null;
  @ApiProperty({ format: 'uuid' }) recordedBy!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty() version!: number;
}

export class ScheduleFollowUpsRequest {
  @ApiProperty({ format: 'date', description: 'Reference date, usually the return home' })
  @IsISO8601({ strict: true })
  @Matches(DATE)
  fromDate!: string;
  @ApiPropertyOptional({ type: [Number], description: 'Months after fromDate; default FOLLOW_UP_PLAN_MONTHS' })
  @IsOptional()
  @ArrayMinSize(1)
  @ArrayMaxSize(24)
  @ArrayUnique()
  @IsInt({ each: true })
  @Min(1, { each: true })
  @Max(60, { each: true })
  months?: number[];
  @ApiPropertyOptional({ format: 'uuid', description: 'Agency that visits; default your agency' })
  @IsOptional()
  @IsUUID()
  agencyId?: string;
}

export class RecordFollowUpRequest {
  @ApiProperty({ format: 'date' }) @IsISO8601({ strict: true }) @Matches(DATE) completedOn!: string;
  @ApiProperty({ enum: FOLLOW_UP_OUTCOMES }) @IsIn(FOLLOW_UP_OUTCOMES) outcome!: string;
  @ApiPropertyOptional({ maxLength: 5000, description: 'Notes (encrypted)' })
  @IsOptional()
  @IsString()
  @Multiline()
  @MaxLength(5000)
  notes?: string;
}

export class CancelFollowUpRequest {
  @ApiProperty({ enum: FOLLOW_UP_CHANGE_REASONS }) @IsIn(FOLLOW_UP_CHANGE_REASONS) reason!: string;
}

export class RescheduleFollowUpRequest {
  @ApiProperty({ format: 'date', description: 'The new due date: today or later' })
  @IsISO8601({ strict: true })
  @Matches(DATE)
  dueOn!: string;
  @ApiProperty({ enum: FOLLOW_UP_CHANGE_REASONS }) @IsIn(FOLLOW_UP_CHANGE_REASONS) reason!: string;
}

export class UpcomingFollowUpsQuery {
  @ApiPropertyOptional({ format: 'date', description: 'First due date (default today, in TIME_ZONE)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  @Matches(DATE)
  from?: string;
  @ApiPropertyOptional({ format: 'date', description: 'Last due date (default 30 days after from; at most 366 days)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  @Matches(DATE)
  to?: string;
}

export class UpcomingFollowUpResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) caseId!: string;
  @ApiProperty() caseNumber!: string;
  @ApiProperty({ format: 'date' }) dueOn!: string;
  @ApiProperty({ type: Number, nullable: true }) planMonth!: number | null;
  @ApiProperty({ type: String, nullable: true, description: 'Why it was last rescheduled, if it was' })
  changeReason!: string | null;
  @ApiProperty() version!: number;
}

export class FollowUpResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) caseId!: string;
  @ApiProperty({ format: 'uuid' }) agencyId!: string;
  @ApiProperty({ format: 'date' }) dueOn!: string;
  @ApiProperty({ type: Number, nullable: true }) planMonth!: number | null;
  @ApiProperty({ enum: ['scheduled', 'completed', 'cancelled'] }) status!: string;
  @ApiProperty() overdue!: boolean;
  @ApiProperty({ type: String, format: 'date', nullable: true }) completedOn!: string | null;
  @ApiProperty({ type: String, nullable: true }) outcome!: string | null;
  @ApiProperty({ type: String, nullable: true }) notes!: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    description: "Why it was last cancelled or rescheduled ('case_closed': cancelled when the case closed)",
  })
  changeReason!: string | null;
  @ApiProperty() version!: number;
}

export class OverdueFollowUpResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) caseId!: string;
  @ApiProperty() caseNumber!: string;
  @ApiProperty({ format: 'date' }) dueOn!: string;
  @ApiProperty() daysOverdue!: number;
  @ApiProperty({ type: Number, nullable: true }) planMonth!: number | null;
}

export class CreateNoteRequest {
  @ApiProperty({ maxLength: 20000, description: 'Encrypted; never edited, only corrected by a new version' })
  @IsString()
  @MinLength(1)
  @Multiline()
  @MaxLength(20000)
  text!: string;
}

export class NoteResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid', description: 'Shared by every version of the note' }) threadId!: string;
  @ApiProperty() revision!: number;
  @ApiProperty({ format: 'uuid' }) caseId!: string;
  @ApiProperty({ format: 'uuid' }) authorId!: string;
  @ApiProperty({ format: 'uuid' }) authorAgencyId!: string;
  @ApiProperty() text!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ description: 'False when a later correction exists' }) current!: boolean;
}

export class AccessGrantResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) caseId!: string;
  @ApiProperty({ enum: ['referral', 'break_glass'] }) kind!: string;
  @ApiProperty({ enum: ['full', 'limited'] }) view!: string;
  @ApiProperty({ format: 'uuid' }) granteeAgencyId!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) granteeUserId!: string | null;
  @ApiProperty() reason!: string;
  @ApiProperty({ type: String, format: 'date-time' }) grantedAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) expiresAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) revokedAt!: string | null;
  @ApiProperty() active!: boolean;
}

export class BreakGlassRequest {
  @ApiProperty({
    minLength: 10,
    maxLength: 500,
    description:
      'Why you need this case now. Recorded, audited and shown to the lead agency. Do not include personal data.',
  })
  @IsString()
  @MinLength(10)
  @Multiline()
  @MaxLength(500)
  reason!: string;
}

export class RecordIdParams {
  @ApiProperty({ format: 'uuid' }) @IsUUID('all', { message: 'id must be a UUID' }) id!: string;
  @ApiProperty({ format: 'uuid' }) @IsUUID('all', { message: 'recordId must be a UUID' }) recordId!: string;
}
