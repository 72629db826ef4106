export { CtcmClient, type CtcmClientOptions, type Schemas, type Session, type TokenResponse } from './client.js';
export {
  ApiProblemError,
  AuthenticationProblem,
  ConflictProblem,
  NotFoundProblem,
  PermissionProblem,
  PreconditionRequiredProblem,
  type Problem,
  type ProblemCode,
  problemFrom,
  StaleRecordProblem,
  TemporaryProblem,
  UnprocessableProblem,
  ValidationProblem,
} from './errors.js';
export { OPERATIONS, type OperationTraits } from './generated/operations.js';
export type { components, operations, paths } from './generated/openapi.js';
export { collect, type Page, paginate } from './pagination.js';
