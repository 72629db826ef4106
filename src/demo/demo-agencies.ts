import type { Role } from '../auth/permissions.js';

export interface DemoAgency {
  code: string;
  nameEn: string;
  nameLo?: string;
  htcdsOrgType: string;
  localType: string;
  provinceCode: string;
  parent?: string;
  /** Only the central police Anti-Trafficking Department identifies victims formally (DOMAIN §2.4). */
  formalIdentificationAuthority?: boolean;
  /** One account per role: agency-admin@mlsw-vtc.demo.la. */
  roles: Role[];
  /** Accounts holding several roles, as one person often does in a small team. */
  teams?: { name: string; roles: Role[] }[];
}

export interface DemoFacility {
  agency: string;
  code: string;
  nameEn: string;
  kind: string;
  provinceCode: string;
  acceptsGenders: string[];
  acceptsMinAge?: number;
  acceptsMaxAge?: number;
  bedCapacity: number;
  services: string[];
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
    teams: [{ name: 'reception', roles: ['facility_officer', 'caseworker', 'screener'] }],
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
    roles: [...STAFF, 'screener'],
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
    code: 'PLSW-CH',
    nameEn: 'Champasak Provincial Labour and Social Welfare Office',
    htcdsOrgType: 'LocalGovernmentOrganisation',
    localType: 'government_department',
    provinceCode: 'LA-CH',
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

/**
 * Beds by eligibility, as DOMAIN §3.5 describes them: the VTC takes everyone returned; the CPC
 * takes women and girls, and children of either sex in its child protection unit; Sengsavang
 * takes girls from 10 and women; VFI in Pakse is the one shelter that takes men.
 */
export const DEMO_FACILITIES: DemoFacility[] = [
  {
    agency: 'MLSW-VTC',
    code: 'VTC-DORM',
    nameEn: 'Vientiane Transit Centre dormitory',
    kind: 'transit_centre',
    provinceCode: 'LA-VT',
    acceptsGenders: ['Feminine', 'Masculine'],
    bedCapacity: 40,
    services: ['transit_reception', 'medical', 'psychosocial'],
  },
  {
    agency: 'LWU-CPC',
    code: 'CPC-WOMEN',
    nameEn: 'CPC shelter for women and girls',
    kind: 'shelter',
    provinceCode: 'LA-VT',
    acceptsGenders: ['Feminine'],
    bedCapacity: 20,
    services: ['psychosocial', 'medical', 'legal'],
  },
  {
    agency: 'LWU-CPC',
    code: 'CPC-CHILD',
    nameEn: 'CPC child protection unit',
    kind: 'shelter',
    provinceCode: 'LA-VT',
    acceptsGenders: ['Feminine', 'Masculine'],
    acceptsMinAge: 0,
    acceptsMaxAge: 17,
    bedCapacity: 8,
    services: ['psychosocial', 'education'],
  },
  {
    agency: 'SENGSAVANG',
    code: 'SSV-CENTRE',
    nameEn: 'Sengsavang rehabilitation centre for girls and women',
    kind: 'shelter',
    provinceCode: 'LA-SV',
    acceptsGenders: ['Feminine'],
    acceptsMinAge: 10,
    bedCapacity: 25,
    services: ['psychosocial', 'education', 'vocational_training', 'legal'],
  },
  {
    agency: 'VFI-PAKSE',
    code: 'VFI-HOME',
    nameEn: 'VFI Home of Dreams shelter (takes men)',
    kind: 'shelter',
    provinceCode: 'LA-CH',
    acceptsGenders: ['Feminine', 'Masculine'],
    bedCapacity: 15,
    services: ['psychosocial', 'medical', 'vocational_training'],
  },
];

/** The demo account of a role at an agency: caseworker@mlsw-vtc.demo.la. */
export function demoEmail(agencyCode: string, roleOrTeam: string): string {
  return `${roleOrTeam.replaceAll('_', '-')}@${agencyCode.toLowerCase()}.demo.la`;
}

export interface DemoAccount {
  email: string;
  roles: Role[];
  agency: string;
}

export const DEMO_ACCOUNTS: DemoAccount[] = DEMO_AGENCIES.flatMap((a) => [
  ...a.roles.map((role) => ({ email: demoEmail(a.code, role), roles: [role], agency: a.code })),
  ...(a.teams ?? []).map((t) => ({ email: demoEmail(a.code, t.name), roles: t.roles, agency: a.code })),
]);
