import { proxyActivities, upsertSearchAttributes } from '@temporalio/workflow';
import type { Activities } from '../activities';

const cleanup = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '5 seconds', maximumInterval: '2 minutes', maximumAttempts: 10 },
});

export interface RecordingCleanupInput {
  /** RECORDING_RETENTION_DAYS: the retention of businesses without their own. */
  defaultRetentionDays?: number;
  /** Only these businesses (a run for one tenant, or a test sharing its database); absent: all. */
  businessIds?: string[];
}

/**
 * Deletes every recording past its business's retention. Run by the
 * `recording-cleanup` Temporal Schedule; one activity per business, so one
 * business's trouble does not hold the others back.
 */
export async function recordingCleanup(input: RecordingCleanupInput = {}): Promise<{ businesses: number; deleted: number }> {
  upsertSearchAttributes({ Kind: ['recording-cleanup'] });
  const now = new Date(Date.now()).toISOString();
  // Runs started before the schedule carried the default (no input) keep the historical 2 days.
  const defaultRetentionDays = input.defaultRetentionDays ?? 2;
  const due = await cleanup.findBusinessesWithExpiredRecordings({ now, defaultRetentionDays, ...(input.businessIds ? { businessIds: input.businessIds } : {}) });
  let deleted = 0;
  for (const businessId of due) {
    try {
      deleted += (await cleanup.deleteExpiredRecordings({ businessId, now, defaultRetentionDays })).deleted;
    } catch {
      // retried on the next scheduled run
    }
  }
  return { businesses: due.length, deleted };
}
