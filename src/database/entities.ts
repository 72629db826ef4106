import { CaseAccessGrantEntity } from '../access/case-access-grant.entity.js';
import { AgencyEntity } from '../agencies/agency.entity.js';
import { RateLimitCounterEntity, RefreshTokenEntity, SessionEntity } from '../auth/session.entity.js';
import { CaseEntity } from '../cases/case.entity.js';
import { FacilityEntity, PlacementEntity } from '../facilities/facility.entity.js';
import { FamilyAssessmentEntity, ReferralEntity, UnmetNeedEntity } from '../referrals/referral.entities.js';
import {
  ExpectedArrivalEntity,
  ExpectedArrivalNameIndexEntity,
  ReturnNoticeEntity,
} from '../returns/return.entities.js';
import { CaseTransferEntity } from '../case-transfers/case-transfer.entity.js';
import { TracingRequestEntity, TracingRequestNameIndexEntity } from '../tracing/tracing.entities.js';
import {
  AssessmentEntity,
  CaseConsentEntity,
  CaseNoteEntity,
  CaseNumberSequenceEntity,
  CaseTimelineEventEntity,
  FollowUpEntity,
  IdempotencyKeyEntity,
  ServiceRecordEntity,
  SupportPlanEntity,
} from '../cases/case-records.entities.js';
import { PersonEntity, PersonNameIndexEntity } from '../persons/person.entity.js';
import {
  IdentificationDecisionEntity,
  ScreeningCatalogueEntity,
  ScreeningEntity,
  ScreeningIndicatorEntity,
} from '../screening/screening.entities.js';
import {
  BorderCrossingEntity,
  CodeEntity,
  CodeListEntity,
  CountryEntity,
  LanguageEntity,
  ProvinceEntity,
} from '../reference-data/reference-data.entities.js';
import { TranslationEntity } from '../i18n/translation.entity.js';
import { UserEntity } from '../users/user.entity.js';

/** Every entity, listed explicitly (no globs): the same list for the API, scripts and tests. */
export const ENTITIES = [
  ProvinceEntity,
  CountryEntity,
  LanguageEntity,
  BorderCrossingEntity,
  CodeListEntity,
  CodeEntity,
  AgencyEntity,
  UserEntity,
  SessionEntity,
  RefreshTokenEntity,
  RateLimitCounterEntity,
  CaseEntity,
  CaseAccessGrantEntity,
  PersonEntity,
  PersonNameIndexEntity,
  ScreeningCatalogueEntity,
  ScreeningIndicatorEntity,
  ScreeningEntity,
  IdentificationDecisionEntity,
  CaseNumberSequenceEntity,
  CaseTimelineEventEntity,
  CaseConsentEntity,
  AssessmentEntity,
  SupportPlanEntity,
  ServiceRecordEntity,
  FollowUpEntity,
  CaseNoteEntity,
  IdempotencyKeyEntity,
  FacilityEntity,
  PlacementEntity,
  ReferralEntity,
  UnmetNeedEntity,
  FamilyAssessmentEntity,
  ReturnNoticeEntity,
  ExpectedArrivalEntity,
  ExpectedArrivalNameIndexEntity,
  TracingRequestEntity,
  TracingRequestNameIndexEntity,
  CaseTransferEntity,
  TranslationEntity,
];
