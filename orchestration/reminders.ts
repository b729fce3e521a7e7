import type { Client } from '@temporalio/client';
import { ID_POLICIES, workflowIds } from '../temporal-config';
import { cancelReminderSignal, crmReminder, moveReminderSignal, type CrmReminderInput } from '../workflows';

/** Sets the reminder of a lead or task: starts it, or moves the one already waiting. */
export async function setCrmReminder(client: Client, taskQueue: string, input: CrmReminderInput): Promise<{ workflowId: string }> {
  const workflowId = workflowIds.crmReminder(input.businessId, input.target.type, input.target.id);
  await client.workflow.signalWithStart(crmReminder, {
    workflowId,
    taskQueue,
    args: [input],
    signal: moveReminderSignal,
    signalArgs: [{ remindAt: input.remindAt, title: input.title }],
    ...ID_POLICIES.crmReminder,
  });
  return { workflowId };
}

/** Cancels the waiting reminder of a lead or task; false when none was waiting. */
export async function cancelCrmReminder(client: Client, businessId: string, target: CrmReminderInput['target']): Promise<boolean> {
  try {
    await client.workflow.getHandle(workflowIds.crmReminder(businessId, target.type, target.id)).signal(cancelReminderSignal);
    return true;
  } catch {
    return false;
  }
}
