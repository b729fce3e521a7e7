import type { Client } from '@temporalio/client';
import { workflowHistoryUrl } from '../../temporal-config';

/** What the appointment and lead routes need besides the database. */
export interface BookingDeps {
  temporal: Client;
  taskQueue: string;
  namespace: string;
  temporalUiUrl: string;
  leadFollowUpMs: number;
  /** Tests shorten reminders; production takes each business's settings. */
  reminderOffsetsMs?: number[];
}

export function historyUrl(deps: BookingDeps, workflowId: string | null): string | null {
  return workflowId ? workflowHistoryUrl(deps.temporalUiUrl, deps.namespace, workflowId) : null;
}
