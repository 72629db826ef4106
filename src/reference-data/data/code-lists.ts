import type { CodeListSeed, CodeListValue, Verification } from '../reference-data.types.js';

/**
 * Code lists (picklists) seeded as reference data, from shared/domain/DOMAIN.md.
 *
 * Each list is declared once as a value map (code -> label, or label plus per-value
 * overrides of the list's source and verification). The exported `*_S` code arrays
 * and their union types are derived from those maps, so a code is written only once.
 * Codes are HTCDS 2.0 value names wherever HTCDS defines the list.
 *
 * Lao labels are given only for a few basic terms and have not been checked by a Lao
 * speaker; `verification` describes the code's source, not the Lao label.
 */

interface ValueDetail {
  en: string;
  lo?: string;
  verification?: Verification;
  source?: string;
}

/** An English label, or a label with a Lao label and per-value overrides. */
type ValueSpec = string | ValueDetail;

type ValueSpecs = Readonly<Record<string, ValueSpec>>;

interface ListDefinition {
  description: string;
  source: string;
  verification: Verification;
  values: ValueSpecs;
}

/** The codes of a value map, in declaration order. */
function codesOf<M extends ValueSpecs>(values: M): readonly (keyof M & string)[] {
  return Object.freeze(Object.keys(values)) as readonly (keyof M & string)[];
}

const OTHER: ValueDetail = { en: 'Other', lo: 'ອື່ນໆ' };

// --- Person -----------------------------------------------------------------

const GENDER_VALUES = {
  Feminine: { en: 'Feminine', lo: 'ເພດຍິງ' },
  Masculine: { en: 'Masculine', lo: 'ເພດຊາຍ' },
  TransgenderFeminine: 'Transgender feminine',
  TransgenderMasculine: 'Transgender masculine',
  NonConforming: 'Gender non-conforming',
  NonSpecifiedUnknown: 'Not specified / unknown',
} satisfies ValueSpecs;
export const GENDERS = codesOf(GENDER_VALUES);
export type Gender = (typeof GENDERS)[number];

const MARITAL_STATUS_VALUES = {
  Single: { en: 'Single', lo: 'ໂສດ' },
  Married: { en: 'Married', lo: 'ແຕ່ງງານແລ້ວ' },
  Widowed: 'Widowed',
  Divorced: { en: 'Divorced', lo: 'ຢ່າຮ້າງ' },
  Separated: 'Separated',
  RegisteredPartnership: 'Registered partnership',
} satisfies ValueSpecs;
export const MARITAL_STATUSES = codesOf(MARITAL_STATUS_VALUES);
export type MaritalStatus = (typeof MARITAL_STATUSES)[number];

const EDUCATION_LEVEL_VALUES = {
  EarlyChildhoodEducation: 'Early childhood education (ISCED 0)',
  PrimaryEducation: 'Primary education (ISCED 1)',
  LowerSecondaryEducation: 'Lower secondary education (ISCED 2)',
  UpperSecondaryEducation: 'Upper secondary education (ISCED 3)',
  PostSecondaryNonTertiaryEducation: 'Post-secondary non-tertiary education (ISCED 4)',
  ShortCycleTertiaryEducation: 'Short-cycle tertiary education (ISCED 5)',
  BachelorsOrEquivalentLevel: "Bachelor's or equivalent level (ISCED 6)",
  MastersOrEquivalentLevel: "Master's or equivalent level (ISCED 7)",
  DoctoralOrEquivalentLevel: 'Doctoral or equivalent level (ISCED 8)',
} satisfies ValueSpecs;
export const EDUCATION_LEVELS = codesOf(EDUCATION_LEVEL_VALUES);
export type EducationLevel = (typeof EDUCATION_LEVELS)[number];

const MIGRANT_TYPE_VALUES = {
  FamilyMigrant: 'Family migrant',
  VisitorTouristMigrant: 'Visitor / tourist migrant',
  LabourMigrant: 'Labour migrant',
  StudentMigrant: 'Student migrant',
  IrregularMigrant: 'Irregular migrant',
  AsylumSeeker: 'Asylum seeker',
  Refugee: 'Refugee',
  RecipientOfComplementaryProtection: 'Recipient of complementary protection',
  StatelessPerson: 'Stateless person',
  EnvironmentalMigrant: 'Environmental migrant',
  VulnerableMigrant: 'Vulnerable migrant',
  StrandedMigrant: 'Stranded migrant',
  ForcedMigrant: 'Forced migrant',
  Deportee: 'Deportee',
  ExCombatant: 'Ex-combatant',
  InternallyDisplacedPerson: 'Internally displaced person',
  SeparatedOrUnaccompaniedChild: 'Separated or unaccompanied child',
  Returnee: 'Returnee',
} satisfies ValueSpecs;
export const MIGRANT_TYPES = codesOf(MIGRANT_TYPE_VALUES);
export type MigrantType = (typeof MIGRANT_TYPES)[number];

// --- Victim context -------------------------------------------------------------

const TRAFFICKING_STATUS_VALUES = {
  PossibleVictimOfTrafficking: 'Possible victim of trafficking',
  ActualVictimOfTrafficking: 'Actual victim of trafficking',
  NotAVictimOfTrafficking: 'Not a victim of trafficking',
} satisfies ValueSpecs;
export const TRAFFICKING_STATUSES = codesOf(TRAFFICKING_STATUS_VALUES);
export type TraffickingStatus = (typeof TRAFFICKING_STATUSES)[number];

const DECISION_ORG_TYPE_VALUES = {
  Police: 'Police',
  NGO: 'Non-governmental organisation',
  CourtOrProsecution: 'Court or prosecution',
  NonPoliceGovernmentalOrganization: 'Non-police government organisation',
  Other: OTHER,
} satisfies ValueSpecs;
export const DECISION_ORG_TYPES = codesOf(DECISION_ORG_TYPE_VALUES);
export type DecisionOrgType = (typeof DECISION_ORG_TYPES)[number];

const EXTENSION_SOURCE = 'ctcm extension (Lao PDR TIP reporting)';

const EXPLOITATION_TYPE_VALUES = {
  ForcedLabour: 'Forced labour',
  SexualExploitation: 'Sexual exploitation',
  ChildLabour: 'Child labour',
  ForcedMarriage: 'Forced marriage',
  Servitude: 'Servitude',
  ForcedMilitaryByNonStateActors: 'Forced military service by non-state actors',
  OrganRemoval: 'Organ removal',
  ForcedBegging: 'Forced begging',
  ForcedAdoption: 'Forced adoption',
  Surrogacy: 'Surrogacy',
  ForcedCriminality: {
    en: 'Forced criminality (e.g. online scam operations)',
    verification: 'secondary',
    source: EXTENSION_SOURCE,
  },
  FraudulentMarriage: {
    en: 'Fraudulent marriage',
    verification: 'secondary',
    source: EXTENSION_SOURCE,
  },
  Other: OTHER,
} satisfies ValueSpecs;
export const EXPLOITATION_TYPES = codesOf(EXPLOITATION_TYPE_VALUES);
export type ExploitationType = (typeof EXPLOITATION_TYPES)[number];

const SEX_EXPLOITATION_TYPE_VALUES = {
  Prostitution: 'Prostitution',
  Pornography: 'Pornography',
  RemoteInteractiveServices: 'Remote interactive sexual services (e.g. webcam)',
  PrivateSexualServices: 'Private sexual services',
} satisfies ValueSpecs;
export const SEX_EXPLOITATION_TYPES = codesOf(SEX_EXPLOITATION_TYPE_VALUES);
export type SexExploitationType = (typeof SEX_EXPLOITATION_TYPES)[number];

const MOC_BOTH = 'CTDC meansOfControl + HTCDS 2.0 vic_MethodsOfControl';
const MOC_CTDC_ONLY = 'CTDC meansOfControl + HTCDS Field Definitions (not in the HTCDS 2.0 picklist)';

/** Union of the CTDC flags and the HTCDS 2.0 picklist; CTDC names are canonical. */
const MEANS_OF_CONTROL_VALUES = {
  DebtBondage: { en: 'Debt bondage', source: MOC_BOTH },
  TakesEarnings: { en: 'Takes earnings', source: MOC_BOTH },
  RestrictsFinancialAccess: { en: 'Restricts financial access', source: MOC_BOTH },
  Threats: { en: 'Threats', source: `${MOC_BOTH} (HTCDS value PhysicalThreats)` },
  PsychologicalAbuse: { en: 'Psychological abuse', source: MOC_BOTH },
  PhysicalAbuse: { en: 'Physical abuse', source: MOC_BOTH },
  SexualAbuse: { en: 'Sexual abuse', source: MOC_BOTH },
  FalsePromises: { en: 'False promises', source: MOC_BOTH },
  PsychoactiveSubstances: {
    en: 'Psychoactive substances (drugs or alcohol)',
    source: `${MOC_BOTH} (HTCDS value PsychoactiveSubstance)`,
  },
  RestrictsMovement: { en: 'Restricts movement', source: MOC_CTDC_ONLY },
  RestrictsMedicalCare: { en: 'Restricts medical care', source: MOC_BOTH },
  ExcessiveWorkingHours: { en: 'Excessive working hours', source: MOC_BOTH },
  UsesChildren: { en: 'Uses children', source: MOC_CTDC_ONLY },
  ThreatOfLawEnforcement: {
    en: 'Threat of law enforcement',
    source: `${MOC_BOTH} (HTCDS value ThreatsLawEnforcement)`,
  },
  WithholdsNecessities: { en: 'Withholds necessities', source: MOC_BOTH },
  WithholdsDocuments: { en: 'Withholds documents', source: MOC_BOTH },
  ThreatensChildrenFamily: {
    en: 'Threatens children or family',
    source: 'HTCDS 2.0 vic_MethodsOfControl (no CTDC flag)',
  },
  Other: { ...OTHER, source: MOC_BOTH },
} satisfies ValueSpecs;
export const MEANS_OF_CONTROL = codesOf(MEANS_OF_CONTROL_VALUES);
export type MeansOfControl = (typeof MEANS_OF_CONTROL)[number];

/** HTCDS 2.0 picklist values whose canonical ctcm code differs (DOMAIN.md §1.1.1 notes). */
export const HTCDS_MEANS_OF_CONTROL_ALIASES: Readonly<Record<string, MeansOfControl>> = {
  PhysicalThreats: 'Threats',
  ThreatsLawEnforcement: 'ThreatOfLawEnforcement',
  PsychoactiveSubstance: 'PsychoactiveSubstances',
};

const RECRUITMENT_METHOD_VALUES = {
  AtAPlaceOfBusiness: 'At a place of business',
  AtAnEducationalInstitution: 'At an educational institution',
  AtWork: 'At work',
  ThroughOnlineSocialNetworks: 'Through online social networks',
  ThroughAnOnlineAdvertisement: 'Through an online advertisement',
  ThroughATelevisionAdvert: 'Through a television advert',
  ThroughANewspaperAdvert: 'Through a newspaper advert',
  ThroughFamilyOrFamilyEvents: 'Through family or family events',
  ThroughFriendsOrSocialEvents: 'Through friends or social events',
  Other: OTHER,
} satisfies ValueSpecs;
export const RECRUITMENT_METHODS = codesOf(RECRUITMENT_METHOD_VALUES);
export type RecruitmentMethod = (typeof RECRUITMENT_METHODS)[number];

const RECRUITMENT_APP_VALUES = {
  Facebook: 'Facebook',
  Instagram: 'Instagram',
  WhatsApp: 'WhatsApp',
  Telegram: 'Telegram',
  FacebookMessenger: 'Facebook Messenger',
  Viber: 'Viber',
  SnapChat: 'Snapchat',
  Line: 'LINE',
  '4Sale': '4Sale',
  WeChat: 'WeChat',
  QQ: 'QQ',
  QZone: 'Qzone',
  TikTok: 'TikTok',
  Twitter: 'Twitter (X)',
  Other: OTHER,
} satisfies ValueSpecs;
export const RECRUITMENT_APPS = codesOf(RECRUITMENT_APP_VALUES);
export type RecruitmentApp = (typeof RECRUITMENT_APPS)[number];

const RECRUITER_RELATIONSHIP_VALUES = {
  intimate_partner: 'Intimate partner',
  family: 'Family member',
  friend: 'Friend',
  acquaintance: 'Acquaintance',
  stranger: 'Stranger',
  other: OTHER,
  unknown: 'Unknown',
} satisfies ValueSpecs;
export const RECRUITER_RELATIONSHIPS = codesOf(RECRUITER_RELATIONSHIP_VALUES);
export type RecruiterRelationship = (typeof RECRUITER_RELATIONSHIPS)[number];

const ISIC_SECTION_VALUES = {
  A: 'Agriculture, forestry and fishing',
  B: 'Mining and quarrying',
  C: 'Manufacturing',
  D: 'Electricity, gas, steam and air conditioning supply',
  E: 'Water supply; sewerage, waste management and remediation activities',
  F: 'Construction',
  G: 'Wholesale and retail trade; repair of motor vehicles and motorcycles',
  H: 'Transportation and storage',
  I: 'Accommodation and food service activities',
  J: 'Information and communication',
  K: 'Financial and insurance activities',
  L: 'Real estate activities',
  M: 'Professional, scientific and technical activities',
  N: 'Administrative and support service activities',
  O: 'Public administration and defence; compulsory social security',
  P: 'Education',
  Q: 'Human health and social work activities',
  R: 'Arts, entertainment and recreation',
  S: 'Other service activities',
  T: 'Activities of households as employers; undifferentiated goods- and services-producing activities of households for own use',
  U: 'Activities of extraterritorial organizations and bodies',
} satisfies ValueSpecs;
export const ISIC_SECTIONS = codesOf(ISIC_SECTION_VALUES);
export type IsicSection = (typeof ISIC_SECTIONS)[number];

/** HTCDS 2.0 vic_ForcedLabourIndustry value name for each ISIC section (for HTCDS export). */
export const HTCDS_ISIC_SECTION_VALUES: Readonly<Record<IsicSection, string>> = {
  A: 'A_AgricultureForestryAndFishing',
  B: 'B_MiningAndQuarrying',
  C: 'C_Manufacturing',
  D: 'D_ElectricityGasSteamAndAirConditioningSupply',
  E: 'E_WaterSupplySewerageWasteManagement',
  F: 'F_Construction',
  G: 'G_WholesaleAndRetailTradeRepairOfMotorVehicles',
  H: 'H_TransportationAndStorage',
  I: 'I_AccommodationAndFoodServiceActivities',
  J: 'J_InformationAndCommunication',
  K: 'K_FinancialAndInsuranceActivities',
  L: 'L_RealEstateActivities',
  M: 'M_ProfessionalScientificAndTechnicalActivities',
  N: 'N_AdministrativeAndSupportServiceActivities',
  O: 'O_PublicAdministrationAndDefence',
  P: 'P_Education',
  Q: 'Q_HumanHealthAndSocialWorkActivities',
  R: 'R_ArtsEntertainmentAndRecreation',
  S: 'S_OtherServiceActivities',
  T: 'T_ActivitiesOfHouseholdsAsEmployers',
  U: 'U_ActivitiesOfExtraterritorialOrganizations',
};

const EXIT_MODE_VALUES = {
  rescue: 'Rescue',
  escape: 'Escape',
  deportation: 'Deportation',
  push_back: 'Push-back (informal return across the border)',
  self_return: 'Self-return',
  other: OTHER,
} satisfies ValueSpecs;
export const EXIT_MODES = codesOf(EXIT_MODE_VALUES);
export type ExitMode = (typeof EXIT_MODES)[number];

// --- Screening interview --------------------------------------------------------

/** The consent and information items of IOM's screening form (HTCDS con_Consent guidance). */
const CONSENT_ITEM_VALUES = {
  interview: 'Consent or assent to the interview',
  purpose_explained: 'Informed of the purpose of the interview',
  data_use: 'Informed of the actual and potential use of the data',
  research_use: 'Agrees to the use of non-identifying data for research',
  sharing_for_referral: 'Agrees to sharing with agencies for referral',
  storage_period: 'Informed of how long the data is kept',
  right_to_withdraw: 'Informed of the right to withdraw consent and to request the data',
} satisfies ValueSpecs;
export const CONSENT_ITEMS = codesOf(CONSENT_ITEM_VALUES);

const IMMEDIATE_NEED_VALUES = {
  medical: 'Medical care',
  shelter: 'Safe accommodation',
  food_water: 'Food and water',
  safety: 'Protection from threats',
  psychosocial: 'Psychosocial support',
  legal: 'Legal information or aid',
  interpretation: 'Interpretation',
  family_contact: 'Contact with family',
  documentation: 'Identity or travel documents',
  child_protection: 'Child protection (unaccompanied or separated child)',
  transport_home: 'Transport home',
  other: OTHER,
} satisfies ValueSpecs;
export const IMMEDIATE_NEEDS = codesOf(IMMEDIATE_NEED_VALUES);

const RISK_VALUES = {
  re_trafficking: 'Risk of re-trafficking',
  threats_from_traffickers: 'Threats from traffickers or recruiters',
  family_involvement: 'Family involved in the recruitment',
  debt: 'Outstanding debt to recruiters or others',
  health: 'Serious health condition',
  self_harm: 'Risk of self-harm',
  stigma: 'Stigma or rejection in the community',
  unaccompanied_child: 'Unaccompanied or separated child',
  legal_exposure: 'Exposure to prosecution for acts committed while trafficked',
  other: OTHER,
} satisfies ValueSpecs;
export const RISKS = codesOf(RISK_VALUES);

// --- Organisations --------------------------------------------------------------

const ORG_TYPE_VALUES = {
  NGO: 'Non-governmental organisation',
  LawEnforcement: 'Law enforcement',
  HealthServiceOrganisation: 'Health service organisation',
  CentralGovernmentOrganisation: 'Central government organisation',
  LocalGovernmentOrganisation: 'Local government organisation',
  ImmigrationService: 'Immigration service',
  LegalService: 'Legal service',
  CorporateBusiness: 'Corporate business',
  SchoolOrCollege: 'School or college',
} satisfies ValueSpecs;
export const ORG_TYPES = codesOf(ORG_TYPE_VALUES);
export type OrgType = (typeof ORG_TYPES)[number];

const AGENCY_LOCAL_TYPE_VALUES = {
  government_department: 'Government department (e.g. MLSW Department of Social Welfare)',
  police_anti_trafficking_unit: 'Police anti-trafficking unit (MOPS ATD)',
  mass_organisation: "Mass organisation (e.g. Lao Women's Union)",
  shelter: 'Shelter',
  transit_centre: 'Transit centre',
  international_organisation: 'International organisation',
  ngo: 'Non-governmental organisation',
} satisfies ValueSpecs;
export const AGENCY_LOCAL_TYPES = codesOf(AGENCY_LOCAL_TYPE_VALUES);
export type AgencyLocalType = (typeof AGENCY_LOCAL_TYPES)[number];

// --- Case ------------------------------------------------------------------------

const CASE_STATUS_VALUES = {
  Active: 'Active',
  FollowUp: 'Follow-up',
  Closed: 'Closed',
  ClosedReferred: 'Closed (referred)',
} satisfies ValueSpecs;
export const CASE_STATUSES = codesOf(CASE_STATUS_VALUES);
export type CaseStatus = (typeof CASE_STATUSES)[number];

const CASE_STAGE_VALUES = {
  intake: 'Identification / intake',
  screening: 'Screening',
  identified: 'Identified as a victim of trafficking',
  not_identified: 'Not identified as a victim of trafficking',
  referred: 'Referred',
  assessment: 'Assessment',
  planning: 'Care / support planning',
  active: 'Service delivery',
  reintegration: 'Return / reintegration',
  follow_up: 'Follow-up / monitoring',
  closed: 'Closed',
  closed_referred: 'Closed (referred)',
} satisfies ValueSpecs;
export const CASE_STAGES = codesOf(CASE_STAGE_VALUES);
export type CaseStage = (typeof CASE_STAGES)[number];

const REFERRAL_REASON_VALUES = {
  AdditionalServicesRequired: 'Additional services required',
  MigrationOrChangeOfLocation: 'Migration or change of location',
  Other: OTHER,
} satisfies ValueSpecs;
export const REFERRAL_REASONS = codesOf(REFERRAL_REASON_VALUES);
export type ReferralReason = (typeof REFERRAL_REASONS)[number];

const SUPPORT_PLAN_TYPE_VALUES = {
  Education: 'Education',
  Financial: 'Financial',
  Health: 'Health',
  LabourExploitationRehabilitation: 'Labour exploitation rehabilitation',
  Legal: 'Legal',
  Livelihood: 'Livelihood',
  RightsBasedTraining: 'Rights-based training',
  SexualExploitationRehabilitation: 'Sexual exploitation rehabilitation',
  SocialCare: 'Social care',
} satisfies ValueSpecs;
export const SUPPORT_PLAN_TYPES = codesOf(SUPPORT_PLAN_TYPE_VALUES);
export type SupportPlanType = (typeof SUPPORT_PLAN_TYPES)[number];

const SERVICE_SOURCE = 'ctcm (DOMAIN §4.1 service types)';

const SERVICE_TYPE_VALUES = {
  shelter: { en: 'Shelter / accommodation', source: `${SERVICE_SOURCE}; all shelters` },
  transit_reception: {
    en: 'Transit reception (Vientiane Transit Centre)',
    source: `${SERVICE_SOURCE}; MLSW VTC`,
  },
  medical: {
    en: 'Medical care / health check (incl. STI/HIV testing with consent)',
    source: `${SERVICE_SOURCE}; HTCDS spl_Type Health`,
  },
  psychosocial: {
    en: 'Counselling / psychosocial support (MHPSS)',
    source: `${SERVICE_SOURCE}; Lao providers`,
  },
  legal: {
    en: 'Legal aid / information / court accompaniment',
    source: `${SERVICE_SOURCE}; HTCDS spl_Type Legal`,
  },
  education: {
    en: 'Formal or non-formal education',
    source: `${SERVICE_SOURCE}; HTCDS spl_Type Education`,
  },
  vocational_training: {
    en: 'Vocational / skills training',
    source: `${SERVICE_SOURCE}; Lao providers`,
  },
  livelihood: {
    en: 'Livelihood support / income generation / job placement',
    source: `${SERVICE_SOURCE}; HTCDS spl_Type Livelihood`,
  },
  reintegration_grant: {
    en: 'Cash or in-kind reintegration grant',
    source: `${SERVICE_SOURCE}; IOM reintegration practice`,
    verification: 'unverified',
  },
  family_tracing: {
    en: 'Family tracing and family assessment',
    source: `${SERVICE_SOURCE}; MLSW return process`,
  },
  escort_transport: {
    en: 'Escort / transport home',
    source: `${SERVICE_SOURCE}; MLSW return process`,
  },
  documentation: {
    en: 'Identity / travel document assistance',
    verification: 'unverified',
  },
  rights_training: {
    en: 'Rights-based training / life skills',
    source: `${SERVICE_SOURCE}; HTCDS spl_Type RightsBasedTraining`,
  },
  social_care: {
    en: 'Social care / alternative care (children)',
    source: `${SERVICE_SOURCE}; HTCDS spl_Type SocialCare`,
  },
  financial: {
    en: 'Financial assistance',
    source: `${SERVICE_SOURCE}; HTCDS spl_Type Financial`,
  },
} satisfies ValueSpecs;
export const SERVICE_TYPES = codesOf(SERVICE_TYPE_VALUES);
export type ServiceType = (typeof SERVICE_TYPES)[number];

const CLOSURE_REASON_VALUES = {
  goals_achieved: 'Goals achieved',
  transferred_or_referred: 'Transferred or referred',
  client_withdrew_consent: 'Client withdrew consent',
  client_unreachable: 'Client unreachable',
  relocated_abroad: 'Relocated abroad',
  not_a_victim: 'Not a victim of trafficking',
  deceased: 'Deceased',
  other: OTHER,
} satisfies ValueSpecs;
export const CLOSURE_REASONS = codesOf(CLOSURE_REASON_VALUES);
export type ClosureReason = (typeof CLOSURE_REASONS)[number];

// --- Seeds -----------------------------------------------------------------------

// --- Documents ----------------------------------------------------------------

const DOCUMENT_TYPE_VALUES = {
  consent_form: 'Signed consent form',
  passport: 'Passport',
  id_card: 'ID card',
  travel_document: 'Travel document (laissez-passer, border pass)',
  repatriation_letter: 'Repatriation letter (host-country return papers)',
  medical_report: 'Medical report',
  police_report: 'Police report',
  photo: 'Photo (e.g. for family tracing)',
  other: OTHER,
} satisfies ValueSpecs;
export const DOCUMENT_TYPES = codesOf(DOCUMENT_TYPE_VALUES);
export type DocumentType = (typeof DOCUMENT_TYPES)[number];

const DEFINITIONS = {
  gender: {
    description: 'Gender of a person (HTCDS prs_Gender).',
    source: 'HTCDS 2.0 prs_Gender',
    verification: 'verified',
    values: GENDER_VALUES,
  },
  'exploitation-type': {
    description:
      'Type of exploitation (HTCDS vic_TypeOfExploitation), with Lao-specific extensions for forced criminality and fraudulent marriage.',
    source: 'HTCDS 2.0 vic_TypeOfExploitation',
    verification: 'verified',
    values: EXPLOITATION_TYPE_VALUES,
  },
  'sex-exploitation-type': {
    description: 'Type of sexual exploitation (HTCDS vic_TypeOfSexExploitation).',
    source: 'HTCDS 2.0 vic_TypeOfSexExploitation',
    verification: 'verified',
    values: SEX_EXPLOITATION_TYPE_VALUES,
  },
  'means-of-control': {
    description:
      'Means of control used by traffickers: union of the CTDC flags and the HTCDS vic_MethodsOfControl picklist, CTDC names canonical.',
    source: MOC_BOTH,
    verification: 'verified',
    values: MEANS_OF_CONTROL_VALUES,
  },
  'recruitment-method': {
    description: 'How the person was recruited (HTCDS vic_MethodOfRecruitment).',
    source: 'HTCDS 2.0 vic_MethodOfRecruitment',
    verification: 'verified',
    values: RECRUITMENT_METHOD_VALUES,
  },
  'recruitment-app': {
    description:
      'Websites and apps used in recruitment or exploitation (HTCDS vic_RecruitmentWebsitesAndApps, vic_ExploitationWebsitesAndApps).',
    source: 'HTCDS 2.0 vic_RecruitmentWebsitesAndApps',
    verification: 'verified',
    values: RECRUITMENT_APP_VALUES,
  },
  'recruiter-relationship': {
    description: "Recruiter's relationship to the person.",
    source: 'ctcm (HTCDS vic_RelationshipToTrafficker + CTDC recruiterRelation*)',
    verification: 'secondary',
    values: RECRUITER_RELATIONSHIP_VALUES,
  },
  'isic-section': {
    description: 'Industry of forced labour as an ISIC Rev. 4 section (HTCDS vic_ForcedLabourIndustry).',
    source: 'ISIC Rev. 4 (HTCDS 2.0 vic_ForcedLabourIndustry)',
    verification: 'verified',
    values: ISIC_SECTION_VALUES,
  },
  'support-plan-type': {
    description: 'Type of support plan (HTCDS spl_Type).',
    source: 'HTCDS 2.0 spl_Type',
    verification: 'verified',
    values: SUPPORT_PLAN_TYPE_VALUES,
  },
  'case-status': {
    description: 'Case status (HTCDS cas_Status).',
    source: 'HTCDS 2.0 cas_Status',
    verification: 'verified',
    values: CASE_STATUS_VALUES,
  },
  'trafficking-status': {
    description: 'Trafficking status of a person (HTCDS vic_TraffickingStatus).',
    source: 'HTCDS 2.0 vic_TraffickingStatus',
    verification: 'verified',
    values: TRAFFICKING_STATUS_VALUES,
  },
  'decision-org-type': {
    description:
      'Type of organisation that decided the trafficking status (HTCDS vic_TraffickingStatusDecisionMakingOrg).',
    source: 'HTCDS 2.0 vic_TraffickingStatusDecisionMakingOrg',
    verification: 'verified',
    values: DECISION_ORG_TYPE_VALUES,
  },
  'org-type': {
    description: 'Type of organisation (HTCDS org_Type).',
    source: 'HTCDS 2.0 org_Type',
    verification: 'verified',
    values: ORG_TYPE_VALUES,
  },
  'agency-local-type': {
    description: 'Local classification of Lao PDR counter-trafficking agencies.',
    source: 'ctcm (DOMAIN §3.2/§3.5 institutions)',
    verification: 'secondary',
    values: AGENCY_LOCAL_TYPE_VALUES,
  },
  'service-type': {
    description: 'Services delivered to a person (HTCDS spl_Type combined with services listed by Lao providers).',
    source: SERVICE_SOURCE,
    verification: 'verified',
    values: SERVICE_TYPE_VALUES,
  },
  'closure-reason': {
    description: 'Reason for case closure (HTCDS leaves this as free text; suggested enumeration).',
    source: 'ctcm (DOMAIN §4.1 suggested enum; HTCDS cas_ReasonForCaseClosure is free text)',
    verification: 'unverified',
    values: CLOSURE_REASON_VALUES,
  },
  'case-stage': {
    description: 'Case lifecycle stage (a synthesis, not a formal standard).',
    source: 'ctcm (DOMAIN §4.1 case lifecycle)',
    verification: 'unverified',
    values: CASE_STAGE_VALUES,
  },
  'consent-item': {
    description: 'Consent and information items recorded at a screening interview, one decision each.',
    source:
      'HTCDS 2.0 con_Consent guidance (IOM screening form for migrants vulnerable to violence, exploitation and abuse)',
    verification: 'verified',
    values: CONSENT_ITEM_VALUES,
  },
  'immediate-need': {
    description: 'Immediate needs identified at screening.',
    source: 'ctcm (DOMAIN §2.2 section H)',
    verification: 'unverified',
    values: IMMEDIATE_NEED_VALUES,
  },
  risk: {
    description: 'Risks identified at screening or assessment.',
    source: 'ctcm (DOMAIN §2.2 section H, HTCDS assessment guidance)',
    verification: 'unverified',
    values: RISK_VALUES,
  },
  'exit-mode': {
    description: 'How the person left the trafficking situation.',
    source: 'ctcm (DOMAIN §2.2 section G)',
    verification: 'secondary',
    values: EXIT_MODE_VALUES,
  },
  'marital-status': {
    description: 'Marital status (HTCDS prs_MaritalStatus).',
    source: 'HTCDS 2.0 prs_MaritalStatus',
    verification: 'verified',
    values: MARITAL_STATUS_VALUES,
  },
  'education-level': {
    description: 'Highest level of education, ISCED 2011 levels (HTCDS prs_HighestLevelOfEducation).',
    source: 'HTCDS 2.0 prs_HighestLevelOfEducation (ISCED 2011)',
    verification: 'verified',
    values: EDUCATION_LEVEL_VALUES,
  },
  'migrant-type': {
    description: 'Migration or international protection classification (HTCDS guidance, optional attribute).',
    source: 'HTCDS Guidance 7 (Migration and International Protection)',
    verification: 'verified',
    values: MIGRANT_TYPE_VALUES,
  },
  'referral-reason': {
    description: 'Reason for an incoming or outgoing referral (HTCDS cas_ReasonForIncomingReferral/OutgoingReferral).',
    source: 'HTCDS 2.0 cas_ReasonForIncomingReferral / cas_ReasonForOutgoingReferral',
    verification: 'verified',
    values: REFERRAL_REASON_VALUES,
  },
  'document-type': {
    description: 'Kind of a document or photo attached to a case record (GET /documents).',
    source: 'ctcm-api (issue 17; the paper case files of Lao counter-trafficking agencies)',
    verification: 'unverified',
    values: DOCUMENT_TYPE_VALUES,
  },
} satisfies Record<string, ListDefinition>;

export type CodeListCategory = keyof typeof DEFINITIONS;
export const CODE_LIST_CATEGORIES = Object.freeze(Object.keys(DEFINITIONS)) as readonly CodeListCategory[];

function toValue(code: string, spec: ValueSpec, list: ListDefinition): CodeListValue {
  const detail: ValueDetail = typeof spec === 'string' ? { en: spec } : spec;
  return {
    code,
    labelEn: detail.en,
    labelLo: detail.lo ?? null,
    verification: detail.verification ?? list.verification,
    source: detail.source ?? list.source,
  };
}

export const CODE_LISTS: CodeListSeed[] = Object.entries(DEFINITIONS).map(
  ([category, list]: [string, ListDefinition]) => ({
    category,
    description: list.description,
    values: Object.entries(list.values).map(([code, spec]) => toValue(code, spec, list)),
  }),
);
