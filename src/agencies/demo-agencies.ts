import type { Role } from '../auth/permissions.js';

export interface DemoAgency {
  code: string;
  nameEn: string;
  nameLo?: string;
  htcdsOrgType: string;
  localType: string;
  provinceCode: string;
  parent?: string;
  /** May record "actual victim" decisions (DOMAIN.md §3.2: the central MOPS anti-trafficking department). */
  formalIdentificationAuthority?: boolean;
  roles: Role[];
}

const STAFF: Role[] = ['agency_admin', 'caseworker', 'case_supervisor'];

/**
 * The agencies of shared/domain/DOMAIN.md §3.2 and §3.5, for demonstrations only. The
 * current list of operational shelters is unverified (DOMAIN §5.7): confirm before real use.
 */
export const DEMO_AGENCIES: DemoAgency[] = [
  {
    code: 'MLSW-DSW',
    nameEn: 'MLSW Department of Social Welfare',
    htcdsOrgType: 'CentralGovernmentOrganisation',
    localType: 'government_department',
    provinceCode: 'LA-VT',
    roles: [...STAFF, 'auditor'],
  },
  {
    code: 'MLSW-VTC',
    nameEn: 'Vientiane Transit Centre',
    htcdsOrgType: 'CentralGovernmentOrganisation',
    localType: 'transit_centre',
    provinceCode: 'LA-VT',
    parent: 'MLSW-DSW',
    roles: [...STAFF, 'screener', 'facility_officer'],
  },
  {
    code: 'MOPS-ATD',
    nameEn: 'MOPS Anti-Trafficking Department',
    htcdsOrgType: 'LawEnforcement',
    localType: 'police_anti_trafficking_unit',
    provinceCode: 'LA-VT',
    formalIdentificationAuthority: true,
    roles: [...STAFF, 'screener', 'identification_officer'],
  },
  {
    code: 'MOPS-ATD-SV',
    nameEn: 'Savannakhet Provincial Anti-Trafficking Division',
    htcdsOrgType: 'LawEnforcement',
    localType: 'police_anti_trafficking_unit',
    provinceCode: 'LA-SV',
    parent: 'MOPS-ATD',
    roles: [...STAFF, 'screener', 'identification_officer'],
  },
  {
    code: 'LWU-CPC',
    nameEn: 'LWU Counselling and Protection Centre for Women and Children',
    htcdsOrgType: 'NGO',
    localType: 'mass_organisation',
    provinceCode: 'LA-VT',
    roles: [...STAFF, 'screener', 'facility_officer'],
  },
  {
    code: 'PLSW-SV',
    nameEn: 'Savannakhet Provincial Labour and Social Welfare Office',
    htcdsOrgType: 'LocalGovernmentOrganisation',
    localType: 'government_department',
    provinceCode: 'LA-SV',
    parent: 'MLSW-DSW',
    roles: STAFF,
  },
  {
    code: 'IOM-LA',
    nameEn: 'IOM Lao PDR',
    htcdsOrgType: 'NGO',
    localType: 'international_organisation',
    provinceCode: 'LA-VT',
    roles: [...STAFF, 'analyst'],
  },
  {
    code: 'VFI-PAKSE',
    nameEn: 'Village Focus International shelter (Pakse)',
    htcdsOrgType: 'NGO',
    localType: 'shelter',
    provinceCode: 'LA-CH',
    roles: [...STAFF, 'facility_officer'],
  },
  {
    code: 'SENGSAVANG',
    nameEn: 'Sengsavang rehabilitation centre',
    htcdsOrgType: 'NGO',
    localType: 'shelter',
    provinceCode: 'LA-SV',
    roles: [...STAFF, 'facility_officer'],
  },
];
