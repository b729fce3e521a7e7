import { createBookingActivities } from './booking';
import { createCallActivities } from './calls';
import type { ActivityDependencies } from './dependencies';
import { createLeadActivities } from './leads';
import { createNotificationActivities } from './notifications';
import { createSystemProbeActivities } from './system-probe';
import { createWhatsappActivities } from './whatsapp';
import { createConversationAssistantActivities } from './conversation-assistant';

export type { ActivityDependencies } from './dependencies';
export type { BookingRequest, HeldAppointment, SlotRefusal } from './booking';
export { SLOT_UNAVAILABLE, INVALID_BOOKING } from './booking';
export type { LeadDetails, CapturedLead } from './leads';
export type { CallTurn, CallUsageTotals, ExtractedCallLead, RecordCallStartInput, FinalizeCallInput } from './calls';
export { CALL_NOT_OURS } from './calls';
export type { SendNotificationInput } from './notifications';
export type { NotificationKind, NotificationParams } from './notification-texts';
export type { SendWhatsappInput, SendWhatsappResult, WhatsappRoute } from './whatsapp';
export type { ConversationReplyInput, ConversationReply } from './conversation-assistant';

/** Every activity, built from the worker's dependencies. Workflows import only the type. */
export function createActivities(deps: ActivityDependencies) {
  return {
    ...createSystemProbeActivities(deps),
    ...createBookingActivities(deps),
    ...createLeadActivities(deps),
    ...createNotificationActivities(deps),
    ...createCallActivities(deps),
    ...createWhatsappActivities(deps),
    ...createConversationAssistantActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
