import { ApiProperty } from '@nestjs/swagger';

/** The kinds of work the list holds; each needs its own permission (see WorkListService). */
export const WORK_KINDS = [
  'referrals_to_answer',
  'closures_to_approve',
  'identifications_to_decide',
  'follow_ups_overdue',
  'follow_ups_due_this_week',
  'returnees_expected',
] as const;
export type WorkKind = (typeof WORK_KINDS)[number];

export class WorkListCounts {
  @ApiProperty({ description: 'Referrals to your agency waiting for its answer' }) referralsToAnswer!: number;
  @ApiProperty({ description: 'Of those, past their answer deadline' }) referralsOverdue!: number;
  @ApiProperty({ description: 'Emergency referrals among them' }) referralsEmergency!: number;
  @ApiProperty({ description: 'Closure requests on cases you see in full (supervisors)' }) closuresToApprove!: number;
  @ApiProperty({ description: 'Screenings submitted to your agency for an identification decision' })
  identificationsToDecide!: number;
  @ApiProperty({ description: "Your agency's scheduled visits past their date" }) followUpsOverdue!: number;
  @ApiProperty({ description: "Your agency's scheduled visits due today and in the next six days" })
  followUpsDueThisWeek!: number;
  @ApiProperty({ description: 'Pre-arrival notices to your agency with returnees still expected' })
  returneesExpected!: number;
}

export class ReferralTask {
  @ApiProperty({ format: 'uuid', description: 'The referral' }) id!: string;
  @ApiProperty({ format: 'uuid' }) caseId!: string;
  @ApiProperty({ example: 'VT-2026-000123' }) caseNumber!: string;
  @ApiProperty({ format: 'uuid' }) fromAgencyId!: string;
  @ApiProperty({ example: 'shelter' }) purpose!: string;
  @ApiProperty({ example: 'emergency' }) urgency!: string;
  @ApiProperty({ format: 'date-time', description: 'Answer by' }) dueBy!: string;
  @ApiProperty() overdue!: boolean;
}

export class ClosureTask {
  @ApiProperty({ format: 'uuid' }) caseId!: string;
  @ApiProperty({ example: 'VT-2026-000123' }) caseNumber!: string;
  @ApiProperty({ type: String, nullable: true, example: 'reintegrated' }) reason!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) requestedBy!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) requestedAt!: string | null;
}

export class IdentificationTask {
  @ApiProperty({ format: 'uuid', description: 'The screening' }) id!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) caseId!: string | null;
  @ApiProperty({ type: String, nullable: true }) caseNumber!: string | null;
  @ApiProperty({ format: 'uuid', description: 'The screening agency' }) agencyId!: string;
  @ApiProperty({ example: 'adult_labour' }) profile!: string;
  @ApiProperty({ example: 'PossibleVictimOfTrafficking' }) suggestedOutcome!: string;
  @ApiProperty({ format: 'date-time' }) conductedAt!: string;
}

export class FollowUpTask {
  @ApiProperty({ format: 'uuid', description: 'The follow-up visit' }) id!: string;
  @ApiProperty({ format: 'uuid' }) caseId!: string;
  @ApiProperty({ example: 'VT-2026-000123' }) caseNumber!: string;
  @ApiProperty({ format: 'date' }) dueOn!: string;
  @ApiProperty({ type: Number, nullable: true }) planMonth!: number | null;
  @ApiProperty({ description: '0 unless overdue' }) daysOverdue!: number;
}

export class ReturneesExpectedTask {
  @ApiProperty({ format: 'uuid', description: 'The pre-arrival notice' }) id!: string;
  @ApiProperty({ example: 'TH' }) hostCountry!: string;
  @ApiProperty({ example: 'FRIENDSHIP_BRIDGE_1' }) borderCrossingCode!: string;
  @ApiProperty({ format: 'date' }) expectedOn!: string;
  @ApiProperty() peopleCount!: number;
  @ApiProperty() childrenCount!: number;
  @ApiProperty({ description: 'Arrivals on the notice not recorded yet' }) arrivalsExpected!: number;
}

export class WorkListResponse {
  @ApiProperty({ format: 'date-time' }) generatedAt!: string;
  @ApiProperty({ format: 'date', description: "Today in the deployment's time zone" }) today!: string;
  @ApiProperty({
    enum: WORK_KINDS,
    isArray: true,
    description: 'The kinds of work your roles take on; the others are always empty',
  })
  kinds!: WorkKind[];
  @ApiProperty({ type: WorkListCounts }) counts!: WorkListCounts;
  @ApiProperty({ type: [ReferralTask], description: 'Emergencies first, then by due time (at most 100)' })
  referralsToAnswer!: ReferralTask[];
  @ApiProperty({ type: [ClosureTask], description: 'Oldest request first (at most 100)' })
  closuresToApprove!: ClosureTask[];
  @ApiProperty({ type: [IdentificationTask], description: 'Oldest interview first (at most 100)' })
  identificationsToDecide!: IdentificationTask[];
  @ApiProperty({ type: [FollowUpTask], description: 'Longest overdue first (at most 100)' })
  followUpsOverdue!: FollowUpTask[];
  @ApiProperty({ type: [FollowUpTask], description: 'Soonest first (at most 100)' })
  followUpsDueThisWeek!: FollowUpTask[];
  @ApiProperty({ type: [ReturneesExpectedTask], description: 'Soonest expected first (at most 100)' })
  returneesExpected!: ReturneesExpectedTask[];
}
