import type { BorderCrossingSeed } from '../reference-data.types.js';

/**
 * Border crossing points used for returns to Lao PDR (DOMAIN.md §3.6).
 * The five crossings named in March 2020 as the routes Lao workers used to return
 * from Thailand are verified, as is Wattay airport as a point of entry. Borders with
 * China, Viet Nam and Myanmar are not researched yet. Informal Mekong push-backs by
 * boat have no fixed crossing point and are not listed here.
 */
export const BORDER_CROSSINGS: BorderCrossingSeed[] = [
  {
    code: 'FRIENDSHIP_BRIDGE_1',
    nameEn: 'First Thai-Lao Friendship Bridge (Thanaleng)',
    nameLo: null,
    provinceCode: 'LA-VT',
    foreignCountry: 'TH',
    foreignLocality: 'Nong Khai',
    kind: 'international',
    usedForReturns: true,
    verification: 'verified',
    notes:
      'Main official repatriation hand-over point to the Vientiane Transit Centre; about 5,000 crossings a day before COVID-19.',
  },
  {
    code: 'FRIENDSHIP_BRIDGE_2',
    nameEn: 'Second Thai-Lao Friendship Bridge (Kaysone Phomvihane)',
    nameLo: null,
    provinceCode: 'LA-SV',
    foreignCountry: 'TH',
    foreignLocality: 'Mukdahan',
    kind: 'international',
    usedForReturns: true,
    verification: 'verified',
    notes:
      'Most common entry point for returning migrant workers in 2020-21; returnees were screened and quarantined here.',
  },
  {
    code: 'FRIENDSHIP_BRIDGE_3',
    nameEn: 'Third Thai-Lao Friendship Bridge (Thakhek)',
    nameLo: null,
    provinceCode: 'LA-KH',
    foreignCountry: 'TH',
    foreignLocality: 'Nakhon Phanom',
    kind: 'international',
    usedForReturns: true,
    verification: 'verified',
    notes: 'One of the five return routes from Thailand named in March 2020.',
  },
  {
    code: 'FRIENDSHIP_BRIDGE_4',
    nameEn: 'Fourth Thai-Lao Friendship Bridge (Houayxay)',
    nameLo: null,
    provinceCode: 'LA-BK',
    foreignCountry: 'TH',
    foreignLocality: 'Chiang Khong, Chiang Rai',
    kind: 'international',
    usedForReturns: false,
    verification: 'unverified',
    notes: 'Near the Golden Triangle SEZ; use for returns is unverified.',
  },
  {
    code: 'VANG_TAO',
    nameEn: 'Vang Tao',
    nameLo: null,
    provinceCode: 'LA-CH',
    foreignCountry: 'TH',
    foreignLocality: 'Chong Mek, Ubon Ratchathani',
    kind: 'international',
    usedForReturns: true,
    verification: 'verified',
    notes: 'Village Focus International runs a transit house here for pushed-back migrants.',
  },
  {
    code: 'NAM_HEUANG',
    nameEn: 'Nam Heuang',
    nameLo: null,
    provinceCode: 'LA-XA',
    foreignCountry: 'TH',
    foreignLocality: 'Na Kaxeng, Loei',
    kind: 'international',
    usedForReturns: true,
    verification: 'verified',
    notes: 'One of the five return routes from Thailand named in March 2020.',
  },
  {
    code: 'NAM_NGEUN',
    nameEn: 'Nam Ngeun',
    nameLo: null,
    provinceCode: 'LA-XA',
    foreignCountry: 'TH',
    foreignLocality: null,
    kind: 'international',
    usedForReturns: false,
    verification: 'verified',
    notes:
      'Named as another Xayaboury crossing; not one of the five 2020 return routes. Thai-side locality and checkpoint class not recorded.',
  },
  {
    code: 'WATTAY_AIRPORT',
    nameEn: 'Wattay International Airport',
    nameLo: null,
    provinceCode: 'LA-VT',
    foreignCountry: null,
    foreignLocality: null,
    kind: 'airport',
    usedForReturns: true,
    verification: 'verified',
    notes: 'Point of entry for air returns.',
  },
];
