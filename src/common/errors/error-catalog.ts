/**
 * Every stable error code the API answers with, its HTTP status and title. Clients
 * branch on `code`; titles are for people. Codes are never renamed once released.
 */
export const ERROR_CATALOG = {
  // Generic request problems
  VALIDATION_FAILED: { status: 400, title: 'The request has invalid fields' },
  MALFORMED_JSON: { status: 400, title: 'The request body is not valid JSON' },
  BAD_REQUEST: { status: 400, title: 'Bad request' },
  UNAUTHENTICATED: { status: 401, title: 'Authentication is required' },
  INVALID_CREDENTIALS: { status: 401, title: 'Invalid email or password' },
  INVALID_REFRESH_TOKEN: { status: 401, title: 'The refresh token is invalid, expired or already used' },
  PASSWORD_CHANGE_REQUIRED: { status: 403, title: 'Change your password before continuing' },
  MFA_ENROLMENT_REQUIRED: {
    status: 403,
    title: 'Set up your second factor (POST /auth/mfa/enrolment) before continuing',
  },
  INVALID_MFA_CHALLENGE: { status: 401, title: 'The sign-in challenge is invalid, expired or used up; sign in again' },
  INVALID_MFA_CODE: { status: 401, title: 'The code is wrong or already used' },
  MFA_ALREADY_ENROLLED: { status: 409, title: 'A second factor is already set up' },
  MFA_NOT_ENROLLING: { status: 409, title: 'No enrolment is under way: start one with POST /auth/mfa/enrolment' },
  FORBIDDEN: { status: 403, title: 'You do not have permission for this action' },
  NOT_FOUND: { status: 404, title: 'Not found' },
  ROUTE_NOT_FOUND: { status: 404, title: 'No such route' },
  METHOD_NOT_ALLOWED: { status: 405, title: 'Method not allowed' },
  CONFLICT: { status: 409, title: 'The request conflicts with the current state' },
  PRECONDITION_FAILED: { status: 412, title: 'The record changed since you read it' },
  PRECONDITION_REQUIRED: { status: 428, title: 'This update needs an If-Match header' },
  PAYLOAD_TOO_LARGE: { status: 413, title: 'The request body is too large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'The request body is not of a type this route accepts' },
  UNPROCESSABLE: { status: 422, title: 'The request cannot be processed' },
  ILLEGAL_TRANSITION: { status: 409, title: 'This change of state is not allowed from the current state' },
  STAGE_FACT_MISSING: { status: 422, title: 'This stage needs a fact the case does not have yet' },
  IDEMPOTENCY_KEY_REUSED: { status: 422, title: 'This Idempotency-Key was used for a different request' },
  DATE_OUT_OF_RANGE: { status: 422, title: 'A date is outside the allowed range' },
  FACILITY_FULL: { status: 409, title: 'The facility has no free bed' },
  NOT_ELIGIBLE: { status: 422, title: 'The facility does not take this person' },
  POSSIBLE_DUPLICATE: { status: 409, title: 'This person strongly matches an existing record' },
  CONSENT_REQUIRED: { status: 422, title: 'The person has not consented to this' },
  PROFILE_MISMATCH: { status: 422, title: 'The indicator profile does not fit the person' },
  INDICATOR_NOT_IN_CATALOGUE: {
    status: 422,
    title: "An answer names an indicator outside the screening's catalogue and profile",
  },
  NOT_IDENTIFICATION_AUTHORITY: { status: 422, title: 'Your agency cannot make this identification decision' },
  WEBHOOK_URL_REFUSED: { status: 422, title: 'Webhooks go to https receivers on allowed public hosts only' },
  DOCUMENT_TYPE_NOT_ALLOWED: {
    status: 415,
    title: 'Only PDF, JPEG, PNG, WebP and HEIC files are accepted (decided from the content)',
  },
  DOCUMENT_REJECTED: { status: 422, title: 'The file is empty, malformed or not only what it claims to be' },
  DOCUMENT_LIMIT_REACHED: { status: 409, title: 'The record holds as many documents as allowed' },
  UPLOAD_TIMEOUT: { status: 408, title: 'The upload stopped sending data' },
  RATE_LIMITED: { status: 429, title: 'Too many requests' },
  EMAIL_DISABLED: { status: 409, title: 'This deployment sends no e-mail' },
  RECORD_RESTRICTED: {
    status: 423,
    title: 'The record is restricted at the request of the person: it cannot be changed',
  },
  LEGAL_HOLD_ACTIVE: { status: 409, title: 'A legal hold is active on the record' },
  INTERNAL_ERROR: { status: 500, title: 'Internal error' },
  SERVICE_UNAVAILABLE: { status: 503, title: 'The service is temporarily unavailable' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOG;
