/** RBAC and account rules: pure functions, no I/O, no clock. */
export { ROLES, BUSINESS_ROLES, roleRank, hasRoleAtLeast, isRole, type Role, type BusinessRole } from './roles';
export {
  ACTIONS,
  API_KEY_SCOPES,
  can,
  requirePermission,
  highestManageableRole,
  assignableRoles,
  PermissionDeniedError,
  PolicyConflictError,
  type Action,
  type Actor,
  type ApiKeyScope,
  type Decision,
  type Target,
} from './access';
export { wouldRemoveLastOwner, requireNotLastOwner, type LastOwnerCheck, type OwnerLosingChange } from './user-rules';
export { DENIAL_MESSAGES, CONFLICT_MESSAGES, type DenialReason, type ConflictReason, type LocalizedMessage } from './messages';
export { checkPassword, PASSWORD_MIN_LENGTH, PASSWORD_MAX_LENGTH, type PasswordViolation } from './password-rules';
export {
  ACCOUNT_LOCKOUT_RULE,
  IP_LOCKOUT_RULE,
  EMPTY_LOCKOUT,
  afterFailure,
  lockedForSeconds,
  LOCKOUT_MESSAGE,
  type LockoutRule,
  type LockoutState,
} from './login-throttle';
