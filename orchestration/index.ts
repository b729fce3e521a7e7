// Starting and updating workflows, shared by the api, the CRM and the realtime service.
export { bookAppointment, rescheduleAppointment, cancelAppointment, applicationFailureOf, type BookingOutcome, type BookOptions, type HeldAppointment } from './booking';
export { captureLead, leadWorkflowId } from './leads';
export { signalCallSession, placeOutboundCall, type OutboundCallOutcome } from './calls';
export { setCrmReminder, cancelCrmReminder } from './reminders';
export { startBillingDeal, signalContractSigned, signalPaymentRecorded, cancelBillingDeal, billingDealView, type CancelOutcome } from './billing';
export { openSigningContract, submitContractSignature, decodeSignaturePng, SIGNATURE_DATA_URL_PATTERN, SIGNING_CONSENT, type SigningView, type SigningOutcome } from './billing-signing';
export { sendOffer, cancelOffer, recordManualPayment, type DealTimers, type SendOutcome, type CancelOfferOutcome, type ManualPayment, type PaymentOutcome } from './billing-deals';
export { deliverInboundMessage, sendHumanMessage, setConversationOwner, conversationWorkflowId, type ConversationTarget } from './conversations';
