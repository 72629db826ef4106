/**
 * Every column that holds application-encrypted personal data. Key rotation re-encrypts
 * exactly these; a test fails when a *_enc column exists in the schema but not here.
 */
export interface EncryptedColumn {
  table: string;
  column: string;
  /** SQL for the id bound into the ciphertext, when the table has no `id` column. */
  idSql?: string;
}

export const ENCRYPTED_COLUMNS: EncryptedColumn[] = [
  ...['names_enc', 'birth_enc', 'address_enc', 'contacts_enc', 'documents_enc', 'guardian_enc'].map((column) => ({
    table: 'person',
    column,
  })),
  ...['answers_enc', 'results_enc', 'narrative_enc', 'place_detail_enc'].map((column) => ({
    table: 'screening',
    column,
  })),
  { table: 'identification_decision', column: 'basis_enc' },
  { table: 'case_assessment', column: 'findings_enc' },
  { table: 'case_support_plan', column: 'objectives_enc' },
  { table: 'case_support_plan', column: 'actions_enc' },
  { table: 'case_service_record', column: 'notes_enc' },
  { table: 'case_follow_up', column: 'notes_enc' },
  { table: 'case_note', column: 'body_enc' },
  { table: 'idempotency_key', column: 'response_enc', idSql: `actor_user_id::text || ':' || key` },
  { table: 'referral', column: 'note_enc' },
  { table: 'referral', column: 'consent_override_enc' },
  { table: 'family_assessment', column: 'findings_enc' },
  { table: 'return_notice', column: 'host_reference_enc' },
  ...['names_enc', 'birth_enc', 'address_enc', 'documents_enc', 'vulnerabilities_enc'].map((column) => ({
    table: 'expected_arrival',
    column,
  })),
  ...['inquirer_enc', 'names_enc', 'details_enc', 'outcome_note_enc'].map((column) => ({
    table: 'tracing_request',
    column,
  })),
  { table: 'case_transfer', column: 'note_enc' },
  { table: 'document', column: 'description_enc' },
  { table: 'document', column: 'removal_reason_enc' },
  { table: 'document_version', column: 'name_enc' },
  // A file's data key: rewrapping it under the active key rotates the file without rewriting its content.
  { table: 'document_version', column: 'data_key_enc' },
  // Not personal data, but a credential: the signing secret of a partner webhook.
  { table: 'webhook_subscription', column: 'secret_enc' },
  // A credential too: the TOTP secret of a user's second factor.
  { table: 'user_second_factor', column: 'secret_enc', idSql: 'user_id::text' },
  // A KoboToolbox submission as received, and the screening draft read from it.
  { table: 'intake_submission', column: 'payload_enc' },
  { table: 'intake_submission', column: 'draft_enc' },
];
