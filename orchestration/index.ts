// Starting and updating workflows, shared by the api, the CRM and the realtime service.
export { bookAppointment, rescheduleAppointment, cancelAppointment, applicationFailureOf, type BookingOutcome, type BookOptions } from './booking';
export { captureLead, leadWorkflowId } from './leads';
export { signalCallSession } from './calls';
export { setCrmReminder, cancelCrmReminder } from './reminders';
export { deliverInboundMessage, sendHumanMessage, setConversationOwner, conversationWorkflowId, type ConversationTarget } from './conversations';
