/**
 * Temporal constants and pure builders shared by workers, clients, API and CRM.
 * Nothing here opens a connection; registration lives in ./register.ts.
 */
export const DEFAULT_NAMESPACE = 'prosaas';
export const DEFAULT_TASK_QUEUE = 'prosaas-main';

/** Custom search attributes: every workflow sets the ones that apply, so admins find it in the UI. */
export const SEARCH_ATTRIBUTES = {
  BusinessId: 'Keyword',
  LeadId: 'Keyword',
  AppointmentId: 'Keyword',
  CallSid: 'Keyword',
  Channel: 'Keyword',
  Kind: 'Keyword',
} as const;
export type SearchAttributeName = keyof typeof SEARCH_ATTRIBUTES;

/** Workflow ids are business keys, so the same business event maps to the same workflow. */
export const workflowIds = {
  systemProbe: (key: string) => `system-probe/${key}`,
  booking: (businessId: string, idempotencyKey: string) => `booking/${businessId}/${idempotencyKey}`,
  leadCapture: (businessId: string, phoneOrKey: string) => `lead/${businessId}/${phoneOrKey}`,
  call: (businessId: string, callSid: string) => `call/${businessId}/${callSid}`,
  conversation: (businessId: string, channel: string, contact: string) => `conversation/${businessId}/${channel}/${contact}`,
  crmReminder: (businessId: string, targetType: string, targetId: string) => `reminder/${businessId}/${targetType}/${targetId}`,
  callRecording: (businessId: string, recordingSid: string) => `recording/${businessId}/${recordingSid}`,
  outboundCall: (businessId: string, idempotencyKey: string) => `outbound-call/${businessId}/${idempotencyKey}`,
  callTransfer: (businessId: string, callSid: string) => `transfer/${businessId}/${callSid}`,
  billingDeal: (businessId: string, offerId: string) => `deal/${businessId}/${offerId}`,
};

/** The Temporal Schedule that deletes recordings past retention; created (or updated) by every worker at start-up. */
export const RECORDING_CLEANUP_SCHEDULE_ID = 'recording-cleanup';

/** The Temporal UI page of one workflow's history. */
export function workflowHistoryUrl(uiBaseUrl: string, namespace: string, workflowId: string): string {
  const base = uiBaseUrl.replace(/\/+$/, '');
  return `${base}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}`;
}

/** Types of non-retryable failures that carry a business answer rather than a fault. */
export const FAILURE_TYPES = {
  /** The time cannot be booked; details: { reason, alternatives }. */
  slotUnavailable: 'SlotUnavailable',
  /** The request itself is wrong (bad phone, name, time); details: { field }. */
  invalidBooking: 'InvalidBooking',
  /** The same idempotency key came with a different request. */
  idempotencyMismatch: 'IdempotencyKeyReused',
  /** An outbound call cannot be placed (not configured, bad number, no caller id, Twilio refused); details: { reason }. */
  outboundCallRefused: 'OutboundCallRefused',
} as const;

/** Workflow-id reuse and conflict choices, with their reasons, in one place. */
export const ID_POLICIES = {
  /**
   * Booking: the id is the client's idempotency key. While the workflow runs, a
   * retried request attaches to it (USE_EXISTING) and gets the same answer; once
   * it has closed, the id is never reused (REJECT_DUPLICATE), so a late retry
   * cannot book a second time — the API answers it from the stored appointment.
   */
  booking: { workflowIdConflictPolicy: 'USE_EXISTING', workflowIdReusePolicy: 'REJECT_DUPLICATE' },
  /**
   * Lead capture: one running workflow per (business, phone) collects every new
   * detail by signal (signal-with-start); after it closes a new contact starts a
   * fresh one (ALLOW_DUPLICATE), and the database dedupes the lead itself.
   */
  leadCapture: { workflowIdReusePolicy: 'ALLOW_DUPLICATE' },
  /**
   * Call session: one workflow per call sid, started by the call's first event
   * (signal-with-start). Once it has finalized the call, the id is never reused
   * (REJECT_DUPLICATE): a late event fails instead of opening a second session.
   */
  callSession: { workflowIdReusePolicy: 'REJECT_DUPLICATE' },
  /**
   * CRM reminder: one per lead or task. Setting it again while it waits moves it (signal-with-start);
   * after it has fired or been cancelled, a new one may start (ALLOW_DUPLICATE).
   */
  crmReminder: { workflowIdReusePolicy: 'ALLOW_DUPLICATE' },
  /**
   * Recording copy: the id is the recording sid.
   * A replay while it runs attaches to it (USE_EXISTING); after it closed the id is never reused
   * (REJECT_DUPLICATE) and the caller answers from the stored row.
   */
  callRecording: { workflowIdConflictPolicy: 'USE_EXISTING', workflowIdReusePolicy: 'REJECT_DUPLICATE' },
  /** As above, except that a run that failed or timed out (no worker) may be retried under the same key. */
  outboundCall: { workflowIdConflictPolicy: 'USE_EXISTING', workflowIdReusePolicy: 'ALLOW_DUPLICATE_FAILED_ONLY' },
  /** Call transfer: a repeat while it runs joins it; later ones may run again (the activity sends the redirect once per call). */
  callTransfer: { workflowIdConflictPolicy: 'USE_EXISTING', workflowIdReusePolicy: 'ALLOW_DUPLICATE' },
  /**
   * Billing deal: one per offer, from sending the contract to the last receipt. The id is never
   * reused (REJECT_DUPLICATE): a closed deal is not reopened by a repeated "send", which the API
   * answers from the offer's status instead.
   */
  billingDeal: { workflowIdReusePolicy: 'REJECT_DUPLICATE' },
  /**
   * WhatsApp conversation: one running workflow per (business, contact), fed by
   * signal-with-start; after an idle one has ended, the next message starts a new
   * run (ALLOW_DUPLICATE). Message ids dedupe within a run and across continue-as-new.
   */
  conversation: { workflowIdReusePolicy: 'ALLOW_DUPLICATE' },
} as const;

/** The task queue of one whatsapp process: activities that need a Baileys socket run where the session is leased. */
export function whatsappSessionTaskQueue(ownerId: string): string {
  return `whatsapp-session/${ownerId}`;
}

/** Failure types of WhatsApp sending that the conversation workflow reacts to. */
export const WHATSAPP_FAILURE_TYPES = {
  /** The session moved to another process between routing and sending: route again. */
  sessionMoved: 'WhatsappSessionMoved',
  /** The provider refused the message for good. */
  messageRefused: 'MessageRefused',
  /** The business's per-minute outbound limit is reached; retried after the window moves. */
  rateLimited: 'WhatsappRateLimited',
  /** A Baileys send attempt was cut off (crash) with no server ack: it may have gone out, and is not sent twice. */
  sendUnconfirmed: 'WhatsappSendUnconfirmed',
} as const;
