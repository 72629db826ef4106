/**
 * Personal values used across the suite that must never appear in plaintext in a database
 * dump or in any log line of the test run (checked by canary-dump.spec.ts and globalTeardown).
 */
export const CANARIES = {
  givenNameLatin: 'Canarysomphet',
  familyNameLatin: 'Zzqvongsa',
  givenNameLo: 'ຄານາຣີສົມເພັດ',
  documentNumber: 'CANARY-DOC-771203',
  phone: '+856209913377',
  village: 'Ban Canaryvillage',
  narrative: 'canary-narrative: recruited by Mr Zzqrecruiter at the Vang Tao market',
  note: 'canary-note-88231',
  guardian: 'Canaryguardian Phimmasone',
  basis: 'canary-basis-41177 interview confirmed deception',
  // Documents (test/documents/documents-canary.spec.ts): a file's content, its name and its description.
  fileContent: 'CANARY-FILE-CONTENT-7a1f03 passport number P0012345',
  fileName: 'Canaryfilename Phetsamone passport',
  fileDescription: 'canary-file-description-5519',
} as const;

export const CANARY_VALUES: string[] = Object.values(CANARIES);
