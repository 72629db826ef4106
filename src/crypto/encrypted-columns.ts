/**
 * Every column that holds application-encrypted personal data. Key rotation re-encrypts
 * exactly these; a test fails when a *_enc column exists in the schema but not here.
 */
export const ENCRYPTED_COLUMNS: { table: string; column: string }[] = [
  ...['names_enc', 'birth_enc', 'address_enc', 'contacts_enc', 'documents_enc', 'guardian_enc'].map((column) => ({ table: 'person', column })),
  ...['answers_enc', 'results_enc', 'narrative_enc', 'place_detail_enc'].map((column) => ({ table: 'screening', column })),
  { table: 'identification_decision', column: 'basis_enc' },
];
