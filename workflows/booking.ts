import {
  ApplicationFailure,
  allHandlersFinished,
  condition,
  defineQuery,
  defineUpdate,
  getExternalWorkflowHandle,
  patched,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities, BookingRequest, HeldAppointment } from '../activities';
import { FAILURE_TYPES, workflowIds } from '../temporal-config';
import { sendToCustomer } from './customer-messages';
import { toClientFailure } from './failures';
import { appointmentBookedSignal } from './lead-capture';

export interface BookingWorkflowInput {
  request: BookingRequest;
  /** Reminder lead times; default the business's settings (24 h and 2 h). Tests pass seconds. */
  reminderOffsetsMs?: number[];
}

export type BookingStatus = 'pending' | 'confirmed' | 'cancelled' | 'completed' | 'rejected';

export interface BookingView {
  status: BookingStatus;
  appointmentId: string | null;
  leadId: string | null;
  startsAt: string | null;
  endsAt: string | null;
  remindersSent: string[];
}

export interface RescheduleRequest {
  startsAt: string;
  durationMinutes?: number;
}

/** Update-with-Start: answers as soon as the slot is held (early return). */
export const holdUpdate = defineUpdate<HeldAppointment, [BookingRequest]>('hold');
export const rescheduleUpdate = defineUpdate<BookingView, [RescheduleRequest]>('reschedule');
export const cancelUpdate = defineUpdate<BookingView, [{ reason?: string }]>('cancel');
export const bookingQuery = defineQuery<BookingView>('booking');

/** Patch id: the confirmation runs after the hold's answer, as a regular activity. */
const CONFIRM_AFTER_ANSWER = 'booking-confirm-after-answer';
/** Patch id: customer notifications choose WhatsApp or SMS (workflows/customer-messages.ts). */
const CUSTOMER_MESSAGES_ON_WHATSAPP = 'customer-messages-on-whatsapp';

// The hold runs as a local activity: one short database transaction inside the first workflow task,
// which saves a round trip through the server before the caller gets an answer.
const holding = proxyLocalActivities<Activities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '200 ms', maximumInterval: '5 seconds', maximumAttempts: 8 },
});
const bookingSteps = proxyActivities<Activities>({
  startToCloseTimeout: '15 seconds',
  retry: { initialInterval: '200 ms', maximumInterval: '5 seconds', maximumAttempts: 8 },
});
const messaging = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', maximumAttempts: 30 },
});

/**
 * One appointment from request to its start: hold the slot (answering the
 * caller through the hold update), confirm, notify customer and owner, remind
 * before the start, and accept reschedule and cancel updates until then.
 */
export async function appointmentBooking(input: BookingWorkflowInput): Promise<BookingView> {
  const { request } = input;
  const { workflowId } = workflowInfo();
  const view: BookingView = { status: 'pending', appointmentId: null, leadId: null, startsAt: null, endsAt: null, remindersSent: [] };
  let held: HeldAppointment | undefined;
  let refusal: ApplicationFailure | undefined;
  let planChanged = false;
  let changing = false;

  upsertSearchAttributes({ BusinessId: [request.businessId], Kind: ['booking'], Channel: [request.source] });

  setHandler(bookingQuery, () => view);
  setHandler(
    holdUpdate,
    async () => {
      await condition(() => held !== undefined || refusal !== undefined);
      if (refusal) throw refusal;
      return held!;
    },
    {
      validator: (retried) => {
        if (bookingFingerprint(retried) !== bookingFingerprint(request)) {
          throw ApplicationFailure.create({ message: 'this Idempotency-Key was used for a different request', type: FAILURE_TYPES.idempotencyMismatch, nonRetryable: true });
        }
      },
    },
  );
  setHandler(
    rescheduleUpdate,
    async (change) =>
      exclusively(async () => {
        const moved = await bookingSteps
          .rescheduleAppointment({ businessId: request.businessId, appointmentId: view.appointmentId!, ...change })
          .catch((error: unknown) => {
            throw toClientFailure(error, 'RescheduleFailed');
          });
        if (moved.startsAt !== view.startsAt) {
          view.startsAt = moved.startsAt;
          view.endsAt = moved.endsAt;
          planChanged = true;
          await notifyCustomer('appointment_rescheduled', `rescheduled/${moved.startsAt}`);
        }
        return view;
      }),
    { validator: (change) => assertInstant(change.startsAt) },
  );
  setHandler(cancelUpdate, async () =>
    exclusively(async () => {
      await bookingSteps.cancelAppointment({ businessId: request.businessId, appointmentId: view.appointmentId! });
      view.status = 'cancelled';
      await notifyCustomer('appointment_cancelled', 'cancelled');
      return view;
    }),
  );

  try {
    held = await holding.holdAppointment({ ...request, workflowId });
  } catch (error) {
    refusal = toClientFailure(error, 'BookingFailed');
    view.status = 'rejected';
    await condition(allHandlersFinished);
    return view;
  }
  Object.assign(view, { appointmentId: held.appointmentId, leadId: held.leadId, startsAt: held.startsAt, endsAt: held.endsAt });
  upsertSearchAttributes({ AppointmentId: [held.appointmentId], LeadId: [held.leadId] });

  // The update's answer reaches the caller when this workflow task completes, and an outstanding
  // local activity would hold the task open: the confirmation is a regular activity, after the
  // answer. Histories from before this change confirmed with a local activity and replay so.
  const confirming = patched(CONFIRM_AFTER_ANSWER) ? bookingSteps : holding;
  await confirming.confirmAppointment({ businessId: request.businessId, appointmentId: held.appointmentId });
  view.status = 'confirmed';
  // Independent of each other: sent together, they cost the worker one workflow task instead of three.
  await Promise.all([
    notifyCustomer('appointment_confirmed', 'confirmed'),
    messaging.sendNotification({
      businessId: request.businessId,
      idempotencyKey: `${workflowId}/owner-alert`,
      kind: 'owner_new_appointment',
      to: null,
      params: { businessName: held.businessName, customerName: held.customerName, customerPhone: held.customerPhone, startsAt: held.startsAt },
      appointmentId: held.appointmentId,
      leadId: held.leadId,
    }),
    tellLeadCapture(request.businessId, held),
  ]);

  const offsetsMs = input.reminderOffsetsMs ?? held.reminderOffsetsMinutes.map((minutes) => minutes * 60_000);
  await remindUntilStart(offsetsMs);
  if (view.status === 'confirmed') view.status = 'completed';
  await condition(allHandlersFinished);
  return view;

  /** Sends each reminder at its time; a reschedule replans, a cancel stops. Reminders already past at planning are skipped. */
  async function remindUntilStart(offsets: number[]): Promise<void> {
    while (view.status === 'confirmed') {
      planChanged = false;
      const start = Date.parse(view.startsAt!);
      const plan = offsets
        .map((offsetMs) => ({ offsetMs, at: start - offsetMs }))
        .filter((reminder) => reminder.at > Date.now())
        .sort((a, b) => a.at - b.at);
      let replan = false;
      for (const reminder of plan) {
        const interrupted = await condition(() => planChanged || view.status !== 'confirmed', Math.max(1, reminder.at - Date.now()));
        if (interrupted) {
          replan = true;
          break;
        }
        const key = `reminder/${view.startsAt}/${reminder.offsetMs}`;
        await notifyCustomer('appointment_reminder', key);
        view.remindersSent.push(key);
      }
      if (replan) continue;
      const untilStart = start - Date.now();
      if (untilStart <= 0) return;
      if (!(await condition(() => planChanged || view.status !== 'confirmed', untilStart))) return;
    }
  }

  /** Updates that change the appointment run one at a time, and only once it is confirmed. */
  async function exclusively(change: () => Promise<BookingView>): Promise<BookingView> {
    await condition(() => !changing && view.status !== 'pending');
    if (view.status !== 'confirmed') {
      throw ApplicationFailure.create({ message: `the appointment is ${view.status}`, type: 'AppointmentNotActive', nonRetryable: true });
    }
    changing = true;
    try {
      return await change();
    } finally {
      changing = false;
    }
  }

  /** On WhatsApp when the business has it connected, else (or when WhatsApp cannot carry it) by SMS; once either way. */
  async function notifyCustomer(kind: 'appointment_confirmed' | 'appointment_reminder' | 'appointment_rescheduled' | 'appointment_cancelled', step: string) {
    const notification = {
      businessId: request.businessId,
      idempotencyKey: `${workflowId}/${step}`,
      kind,
      to: held!.customerPhone,
      params: { businessName: held!.businessName, customerName: held!.customerName, startsAt: view.startsAt! },
      appointmentId: held!.appointmentId,
      leadId: held!.leadId,
    };
    // Bookings started before WhatsApp notifications replay their SMS-only steps (their history has no marker).
    if (patched(CUSTOMER_MESSAGES_ON_WHATSAPP)) await sendToCustomer(notification);
    else await messaging.sendNotification(notification);
  }
}

/** The lead's capture workflow stops waiting to create a follow-up task; a missing one is fine. */
async function tellLeadCapture(businessId: string, held: HeldAppointment): Promise<void> {
  try {
    await getExternalWorkflowHandle(workflowIds.leadCapture(businessId, held.customerPhone)).signal(appointmentBookedSignal, {
      appointmentId: held.appointmentId,
    });
  } catch {
    // no lead-capture workflow is running for this phone
  }
}

/** What makes two booking requests "the same request" for an idempotency key. */
export function bookingFingerprint(request: BookingRequest): string {
  return JSON.stringify([
    request.businessId,
    request.customer.fullName.trim(),
    request.customer.phone.replace(/\D/g, ''),
    Date.parse(request.startsAt),
    request.durationMinutes ?? null,
    request.resourceKey ?? 'default',
  ]);
}

function assertInstant(value: string): void {
  if (!Number.isFinite(Date.parse(value))) throw new Error('startsAt must be an ISO date-time');
}
