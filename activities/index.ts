import { createBillingActivities } from './billing';
import { createBillingDocumentActivities } from './billing-documents';
import { createBookingActivities } from './booking';
import { createCallActivities } from './calls';
import type { ActivityDependencies } from './dependencies';
import { createLeadActivities } from './leads';
import { createNotificationActivities } from './notifications';
import { createSystemProbeActivities } from './system-probe';
import { createRecordingActivities } from './recordings';
import { createOutboundCallActivities } from './outbound-calls';
import { createCallTransferActivities } from './call-transfer';
import { createWhatsappActivities } from './whatsapp';
import { createConversationAssistantActivities } from './conversation-assistant';
import { createCustomerMessageActivities } from './customer-messages';

export type { ActivityDependencies } from './dependencies';
export type { BookingRequest, HeldAppointment, SlotRefusal } from './booking';
export { SLOT_UNAVAILABLE, INVALID_BOOKING } from './booking';
export type { LeadDetails, CapturedLead } from './leads';
export type { CallTurn, CallUsageTotals, ExtractedCallLead, RecordCallStartInput, FinalizeCallInput } from './calls';
export { CALL_NOT_OURS } from './calls';
export type { SendNotificationInput } from './notifications';
export type { StoreCallRecordingInput } from './recordings';
export { RECORDING_UNAVAILABLE } from './recordings';
export type { PlaceOutboundCallInput, PlacedOutboundCall } from './outbound-calls';
export type { CallTransferResult } from './call-transfer';
export type { NotificationKind, NotificationParams } from './notification-texts';
export type { BillingActivityDeps, PreparedContract, SigningLinkInput, IssuedInvoice, IssuedReceipt } from './billing';
export { BILLING_NOT_FOUND } from './billing';
export type { SendWhatsappInput, SendWhatsappResult, WhatsappRoute } from './whatsapp';
export type { ConversationReplyInput, ConversationReply } from './conversation-assistant';
export type { CustomerMessagePlan, SmsFallbackResult } from './customer-messages';

/** Every activity, built from the worker's dependencies. Workflows import only the type. */
export function createActivities(deps: ActivityDependencies) {
  return {
    ...createSystemProbeActivities(deps),
    ...createBookingActivities(deps),
    ...createLeadActivities(deps),
    ...createNotificationActivities(deps),
    ...createCallActivities(deps),
    ...createRecordingActivities(deps),
    ...createOutboundCallActivities(deps),
    ...createCallTransferActivities(deps),
    ...createBillingActivities(deps),
    ...createBillingDocumentActivities(deps),
    ...createWhatsappActivities(deps),
    ...createConversationAssistantActivities(deps),
    ...createCustomerMessageActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
