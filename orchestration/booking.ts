import { createHash } from 'node:crypto';
import {
  WithStartWorkflowOperation,
  WorkflowExecutionAlreadyStartedError,
  WorkflowUpdateFailedError,
  type Client,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { BookingRequest, HeldAppointment, SlotRefusal } from '../activities';
import { FAILURE_TYPES, ID_POLICIES, workflowIds } from '../temporal-config';
import { appointmentBooking, bookingFingerprint, cancelUpdate, holdUpdate, rescheduleUpdate, type BookingView, type RescheduleRequest } from '../workflows';

export type { HeldAppointment };

export type BookingOutcome =
  | { kind: 'held'; appointment: HeldAppointment; workflowId: string }
  | { kind: 'unavailable'; workflowId: string; refusal: SlotRefusal }
  | { kind: 'invalid'; workflowId: string; field: string | null; message: string }
  | { kind: 'idempotency_mismatch'; workflowId: string }
  /** The workflow of this idempotency key has closed: answer from the stored appointment. */
  | { kind: 'closed'; workflowId: string };

export interface BookOptions {
  taskQueue: string;
  request: BookingRequest;
  reminderOffsetsMs?: number[];
}

/**
 * Update-with-Start: starts the booking workflow of this idempotency key (or
 * attaches to the running one) and waits only until the slot is held.
 */
export async function bookAppointment(client: Client, options: BookOptions): Promise<BookingOutcome> {
  const workflowId = workflowIds.booking(options.request.businessId, options.request.idempotencyKey);
  const start = new WithStartWorkflowOperation(appointmentBooking, {
    workflowId,
    taskQueue: options.taskQueue,
    args: [{ request: options.request, reminderOffsetsMs: options.reminderOffsetsMs }],
    ...ID_POLICIES.booking,
  });
  try {
    const appointment = await client.workflow.executeUpdateWithStart(holdUpdate, {
      args: [options.request],
      // A retry of the same request reuses the update id, which Temporal deduplicates; a different
      // request under the same key gets another id, so the workflow's validator sees and refuses it.
      updateId: `hold/${options.request.idempotencyKey}/${createHash('sha256').update(bookingFingerprint(options.request)).digest('hex').slice(0, 16)}`,
      startWorkflowOperation: start,
    });
    return { kind: 'held', appointment, workflowId };
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) return { kind: 'closed', workflowId };
    const failure = applicationFailureOf(error);
    if (failure?.type === FAILURE_TYPES.slotUnavailable) {
      return { kind: 'unavailable', workflowId, refusal: (failure.details?.[0] as SlotRefusal | undefined) ?? { reason: 'taken', alternatives: [] } };
    }
    if (failure?.type === FAILURE_TYPES.invalidBooking) {
      const details = failure.details?.[0] as { field?: string } | undefined;
      return { kind: 'invalid', workflowId, field: details?.field ?? null, message: failure.message };
    }
    if (failure?.type === FAILURE_TYPES.idempotencyMismatch) return { kind: 'idempotency_mismatch', workflowId };
    throw error;
  }
}

export async function rescheduleAppointment(client: Client, workflowId: string, change: RescheduleRequest, updateId?: string): Promise<BookingView> {
  return client.workflow.getHandle(workflowId).executeUpdate(rescheduleUpdate, { args: [change], updateId });
}

export async function cancelAppointment(client: Client, workflowId: string, reason?: string, updateId?: string): Promise<BookingView> {
  return client.workflow.getHandle(workflowId).executeUpdate(cancelUpdate, { args: [{ reason }], updateId });
}

/** The business failure (type + details) behind an update's or workflow's failure, if there is one. */
export function applicationFailureOf(error: unknown): ApplicationFailure | null {
  let cause: unknown = error;
  for (let depth = 0; depth < 5 && cause; depth++) {
    if (cause instanceof ApplicationFailure) return cause;
    cause = cause instanceof WorkflowUpdateFailedError ? cause.cause : (cause as { cause?: unknown }).cause;
  }
  return null;
}
