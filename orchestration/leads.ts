import type { Client } from '@temporalio/client';
import type { CapturedLead, LeadDetails } from '../activities';
import { extractPhoneNumber } from '../domain';
import { ID_POLICIES, workflowIds } from '../temporal-config';
import { leadCapture, leadDetailsSignal } from '../workflows';

/**
 * Signal-with-start: the contact's running lead-capture workflow gets the new
 * details, or a new one starts with them.
 */
export async function captureLead(
  client: Client,
  options: { taskQueue: string; details: LeadDetails; followUpAfterMs: number; captured?: CapturedLead },
): Promise<{ workflowId: string }> {
  const workflowId = leadWorkflowId(options.details.businessId, options.details.phone);
  await client.workflow.signalWithStart(leadCapture, {
    workflowId,
    taskQueue: options.taskQueue,
    args: [{ details: options.details, followUpAfterMs: options.followUpAfterMs, captured: options.captured }],
    signal: leadDetailsSignal,
    signalArgs: [options.captured ? { ...options.details, capturedLeadId: options.captured.leadId } : options.details],
    ...ID_POLICIES.leadCapture,
  });
  return { workflowId };
}

/** The lead-capture workflow of a contact: keyed by its E.164 phone within the business. */
export function leadWorkflowId(businessId: string, phone: string): string {
  return workflowIds.leadCapture(businessId, extractPhoneNumber(phone).e164 ?? phone.replace(/\D/g, ''));
}
