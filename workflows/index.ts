// Every workflow the worker runs, and its message definitions, re-exported by name (the bundle entry point).
export { systemProbe, type SystemProbeInput, type SystemProbeResult } from './system-probe';
export {
  appointmentBooking,
  holdUpdate,
  rescheduleUpdate,
  cancelUpdate,
  bookingQuery,
  bookingFingerprint,
  type BookingWorkflowInput,
  type BookingView,
  type BookingStatus,
  type RescheduleRequest,
} from './booking';
export {
  leadCapture,
  leadDetailsSignal,
  type LeadDetailsUpdate,
  appointmentBookedSignal,
  leadCaptureQuery,
  type LeadCaptureInput,
  type LeadCaptureView,
} from './lead-capture';
export {
  callSession,
  turnSignal,
  dtmfSignal,
  toolCallSignal,
  usageSignal,
  endSignal,
  heartbeatSignal,
  callSessionQuery,
  type CallSessionInput,
  type CallSessionView,
  type TurnSignal,
  type DtmfSignal,
  type ToolCallSignal,
  type UsageSignal,
  type EndSignal,
} from './call-session';
export {
  crmReminder,
  moveReminderSignal,
  cancelReminderSignal,
  reminderQuery,
  type CrmReminderInput,
  type CrmReminderView,
} from './crm-reminder';
export { callRecording, type CallRecordingInput } from './call-recording';
export { recordingCleanup } from './recording-cleanup';
export { outboundCall, type OutboundCallInput } from './outbound-call';
export { callTransfer } from './call-transfer';
export {
  billingDeal,
  contractSignedSignal,
  paymentRecordedSignal,
  cancelDealUpdate,
  dealQuery,
  DEAL_NOT_CANCELLABLE,
  type BillingDealInput,
  type DealView,
  type DealStatus,
} from './billing-deal';
export {
  conversation,
  inboundMessageSignal,
  humanMessageSignal,
  takeOverUpdate,
  handBackUpdate,
  conversationQuery,
  type ConversationWorkflowInput,
  type InboundMessageSignal,
  type HumanMessageSignal,
  type ConversationView,
} from './conversation';
