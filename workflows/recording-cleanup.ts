import { proxyActivities, upsertSearchAttributes } from '@temporalio/workflow';
import type { Activities } from '../activities';

const cleanup = proxyActivities<Activities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '5 seconds', maximumInterval: '2 minutes', maximumAttempts: 10 },
});

/**
 * Deletes every recording past its business's retention. Run by the
 * `recording-cleanup` Temporal Schedule; one activity per business, so one
 * business's trouble does not hold the others back.
 */
export async function recordingCleanup(): Promise<{ businesses: number; deleted: number }> {
  upsertSearchAttributes({ Kind: ['recording-cleanup'] });
  const now = new Date(Date.now()).toISOString();
  const due = await cleanup.findBusinessesWithExpiredRecordings({ now });
  let deleted = 0;
  for (const businessId of due) {
    try {
      deleted += (await cleanup.deleteExpiredRecordings({ businessId, now })).deleted;
    } catch {
      // retried on the next scheduled run
    }
  }
  return { businesses: due.length, deleted };
}
