import { allHandlersFinished, condition, defineQuery, defineSignal, proxyActivities, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { Activities, CapturedLead, LeadDetails } from '../activities';

export interface LeadCaptureInput {
  details: LeadDetails;
  /** Set when the caller (the API) already stored the lead, so the first capture step is not repeated. */
  captured?: CapturedLead;
  /** How long to wait for an appointment before a follow-up task is created. */
  followUpAfterMs: number;
}

export interface LeadCaptureView {
  leadId: string | null;
  created: boolean;
  booked: boolean;
  followUpTaskId: string | null;
  detailsMerged: number;
}

/**
 * New details about the same contact (a second call, a WhatsApp message) merge into the lead.
 * `capturedLeadId` says the sender stored them already (the API, a call's own capture step):
 * the workflow only counts them, because storing them a second time, later, could bring back
 * a lead the owner deleted in between.
 */
export interface LeadDetailsUpdate extends LeadDetails {
  capturedLeadId?: string;
}
export const leadDetailsSignal = defineSignal<[LeadDetailsUpdate]>('leadDetails');
export const appointmentBookedSignal = defineSignal<[{ appointmentId: string }]>('appointmentBooked');
export const leadCaptureQuery = defineQuery<LeadCaptureView>('leadCapture');

const leadSteps = proxyActivities<Activities>({
  startToCloseTimeout: '15 seconds',
  retry: { initialInterval: '200 ms', maximumInterval: '5 seconds', maximumAttempts: 10 },
});
const messaging = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', maximumAttempts: 30 },
});

/**
 * A lead from any channel: normalize and dedupe by phone (merging details),
 * tell the owner about a new lead, and if no appointment follows in time,
 * leave a follow-up task.
 */
export async function leadCapture(input: LeadCaptureInput): Promise<LeadCaptureView> {
  const { businessId } = input.details;
  // Keys carry the first run id: the workflow id (business + phone) is reused by later contacts.
  const keyPrefix = `${workflowInfo().workflowId}/${workflowInfo().firstExecutionRunId}`;
  const view: LeadCaptureView = { leadId: null, created: false, booked: false, followUpTaskId: null, detailsMerged: 0 };
  const pending: LeadDetails[] = [];
  upsertSearchAttributes({ BusinessId: [businessId], Kind: ['lead-capture'], Channel: [input.details.source] });
  // Signal-with-start delivers the starting details a second time as a signal; capturing that copy
  // later could bring back a lead the owner deleted in between, so the first copy is dropped.
  let startCopyDropped = false;
  setHandler(leadDetailsSignal, ({ capturedLeadId, ...details }) => {
    if (details.businessId !== businessId) return;
    if (!startCopyDropped && JSON.stringify(details) === JSON.stringify(input.details)) {
      startCopyDropped = true;
      return;
    }
    if (capturedLeadId) view.detailsMerged++;
    else pending.push(details);
  });
  setHandler(appointmentBookedSignal, () => {
    view.booked = true;
  });
  setHandler(leadCaptureQuery, () => view);

  const first = input.captured ?? (await leadSteps.captureLead(input.details));
  Object.assign(view, { leadId: first.leadId, created: first.created });
  upsertSearchAttributes({ LeadId: [first.leadId] });
  if (first.created) {
    await messaging.sendNotification({
      businessId,
      idempotencyKey: `${keyPrefix}/owner-new-lead`,
      kind: 'owner_new_lead',
      to: null,
      params: { businessName: '', customerName: first.fullName, customerPhone: first.phoneE164 },
      leadId: first.leadId,
    });
  }

  const deadline = Date.now() + input.followUpAfterMs;
  for (;;) {
    const woke = await condition(() => view.booked || pending.length > 0, Math.max(1, deadline - Date.now()));
    while (pending.length > 0) {
      await leadSteps.captureLead(pending.shift()!);
      view.detailsMerged++;
    }
    if (view.booked) break;
    if (!woke || Date.now() >= deadline) {
      if (await leadSteps.leadHasAppointment({ businessId, leadId: first.leadId })) {
        view.booked = true;
      } else {
        const task = await leadSteps.createFollowUpTask({
          businessId,
          leadId: first.leadId,
          idempotencyKey: `${keyPrefix}/follow-up`,
          title: `Follow up: ${first.fullName} (${first.phoneE164})`,
          dueAt: new Date(Date.now()).toISOString(),
        });
        view.followUpTaskId = task.taskId;
      }
      break;
    }
  }
  await condition(allHandlersFinished);
  return view;
}
