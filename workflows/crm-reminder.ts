import { allHandlersFinished, condition, defineQuery, defineSignal, proxyActivities, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';

export interface CrmReminderInput {
  businessId: string;
  target: { type: 'lead' | 'task'; id: string };
  /** ISO instant. */
  remindAt: string;
  title: string;
}

export interface CrmReminderView {
  remindAt: string;
  status: 'waiting' | 'sent' | 'cancelled';
}

/** Moves the reminder (signal-with-start also uses it to start or move one). */
export const moveReminderSignal = defineSignal<[{ remindAt: string; title?: string }]>('moveReminder');
export const cancelReminderSignal = defineSignal('cancelReminder');
export const reminderQuery = defineQuery<CrmReminderView>('reminder');

const messaging = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', maximumAttempts: 30 },
});

/** A reminder on a lead or task in the CRM: a durable timer that moves or stops on request. */
export async function crmReminder(input: CrmReminderInput): Promise<CrmReminderView> {
  const view: CrmReminderView = { remindAt: input.remindAt, status: 'waiting' };
  let title = input.title;
  let changed = false;
  upsertSearchAttributes({
    BusinessId: [input.businessId],
    Kind: ['crm-reminder'],
    ...(input.target.type === 'lead' ? { LeadId: [input.target.id] } : {}),
  });
  setHandler(moveReminderSignal, (move) => {
    if (!Number.isFinite(Date.parse(move.remindAt)) || view.status !== 'waiting') return;
    view.remindAt = new Date(Date.parse(move.remindAt)).toISOString();
    if (move.title) title = move.title;
    changed = true;
  });
  setHandler(cancelReminderSignal, () => {
    if (view.status === 'waiting') view.status = 'cancelled';
  });
  setHandler(reminderQuery, () => view);

  while (view.status === 'waiting') {
    changed = false;
    const due = Date.parse(view.remindAt) - Date.now();
    const interrupted = due > 0 ? await condition(() => changed || view.status !== 'waiting', due) : false;
    if (interrupted) continue;
    await messaging.sendNotification({
      businessId: input.businessId,
      idempotencyKey: `${workflowInfo().workflowId}/${workflowInfo().firstExecutionRunId}/${view.remindAt}`,
      kind: 'crm_reminder',
      to: null,
      params: { businessName: '', title },
      leadId: input.target.type === 'lead' ? input.target.id : null,
    });
    view.status = 'sent';
  }
  await condition(allHandlersFinished);
  return view;
}
