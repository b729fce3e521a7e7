/**
 * The data layer: models, migrations and the tenant context.
 * Repositories never write business_id into a where: withTenant() sets
 * app.business_id for the transaction and row-level security filters.
 */
export { Database, type DatabaseOptions, type TenantIdentity } from './database';
export {
  TenantContextMissingError,
  currentScope,
  requireBusinessId,
  type TenantScope,
} from './tenant-context';
export { migrate, type MigrateOptions } from './migrator';
export { MIGRATIONS } from './migrations';
export * as models from './models';
export {
  Business,
  PhoneNumber,
  User,
  Lead,
  LeadStatus,
  Note,
  Task,
  Appointment,
  Call,
  Conversation,
  Message,
  AuditLog,
  ApiKey,
  AuthSession,
  PasswordResetToken,
  LoginThrottle,
  Notification,
  AssistantSettings,
  AssistantInstruction,
  FaqEntry,
  TwilioCallEvent,
  ASSISTANT_CHANNELS,
  type AssistantChannel,
  type CallToolCall,
  WhatsappAuthKey,
  WhatsappConnection,
  WHATSAPP_PROVIDERS,
  WHATSAPP_STATUSES,
  type WhatsappProvider,
  type WhatsappStatus,
  USER_ROLES,
  type ApiKeyScope,
  type PasswordTokenPurpose,
  type UserRole,
  type WeeklyHoursRule,
  type BookingRules,
  type NotificationChannel,
} from './models';
export { businessRulesOf } from './business-rules';
export {
  findAssistantConfig,
  saveAssistantSettings,
  listInstructionVersions,
  addInstructionVersion,
  restoreInstructionVersion,
  toFaqView,
  type AssistantConfigView,
  type AssistantSettingsValues,
  type InstructionVersionView,
  type FaqView,
} from './assistant-repository';
