import type { Sequelize } from 'sequelize';
import { Business, PhoneNumber } from './business';
import { User } from './user';
import { Lead, LeadStatus, Note, Task } from './lead';
import { Appointment } from './appointment';
import { Call } from './call';
import { Conversation, Message } from './conversation';
import { AuditLog } from './audit-log';
import { ApiKey, AuthSession, PasswordResetToken, LoginThrottle } from './access';
import { Notification } from './notification';
import { AssistantSettings, AssistantInstruction, FaqEntry, TwilioCallEvent } from './assistant';

import { WhatsappAuthKey, WhatsappConnection } from './whatsapp';

export { Business, PhoneNumber, User, Lead, LeadStatus, Note, Task, Appointment, Call, Conversation, Message, AuditLog, ApiKey, AuthSession, PasswordResetToken, LoginThrottle, Notification };
export { AssistantSettings, AssistantInstruction, FaqEntry, TwilioCallEvent };
export { ASSISTANT_CHANNELS, type AssistantChannel } from './assistant';
export { WhatsappAuthKey, WhatsappConnection };
export { WHATSAPP_PROVIDERS, WHATSAPP_STATUSES, type WhatsappProvider, type WhatsappStatus } from './whatsapp';
export type { ApiKeyScope, PasswordTokenPurpose } from './access';
export type { BusinessLocale, PhoneNumberChannel } from './business';
export { USER_ROLES, type UserRole } from './user';
export { LEAD_SOURCES, type LeadSource, type TaskStatus } from './lead';
export { APPOINTMENT_STATUSES, type AppointmentStatus } from './appointment';
export type { TranscriptTurn, CallToolCall } from './call';
export type { ConversationChannel } from './conversation';
export type { NotificationChannel, NotificationStatus } from './notification';
export type { WeeklyHoursRule, BookingRules, TimeRange } from './rule-types';

const ALL_MODELS = [
  Business, PhoneNumber, User, Lead, LeadStatus, Note, Task, Appointment, Call, Conversation, Message, AuditLog, ApiKey, AuthSession, PasswordResetToken, LoginThrottle, Notification,
  AssistantSettings, AssistantInstruction, FaqEntry, TwilioCallEvent,
  WhatsappAuthKey, WhatsappConnection,
];

export function initModels(sequelize: Sequelize): void {
  for (const model of ALL_MODELS) model.initModel(sequelize);

  Business.hasMany(PhoneNumber, { foreignKey: 'businessId', as: 'phoneNumbers' });
  PhoneNumber.belongsTo(Business, { foreignKey: 'businessId' });
  Lead.hasMany(Appointment, { foreignKey: 'leadId' });
  Appointment.belongsTo(Lead, { foreignKey: 'leadId' });
  Lead.hasMany(Call, { foreignKey: 'leadId' });
  Call.belongsTo(Lead, { foreignKey: 'leadId' });
  Lead.hasMany(Task, { foreignKey: 'leadId' });
  Task.belongsTo(Lead, { foreignKey: 'leadId' });
  Lead.hasMany(Note, { foreignKey: 'leadId' });
  Note.belongsTo(Lead, { foreignKey: 'leadId' });
  Conversation.hasMany(Message, { foreignKey: 'conversationId' });
  Message.belongsTo(Conversation, { foreignKey: 'conversationId' });
}
