import { ScheduleAlreadyRunning, ScheduleOverlapPolicy, type Client } from '@temporalio/client';
import { RECORDING_CLEANUP_SCHEDULE_ID } from './index';

/**
 * Creates the recording cleanup Schedule, or brings an existing one to the
 * configured interval, task queue and default retention (RECORDING_RETENTION_DAYS,
 * passed to every run): every worker calls it at start-up, so it must be
 * idempotent. Overlapping runs are skipped.
 */
export async function ensureRecordingCleanupSchedule(client: Client, options: { taskQueue: string; intervalSeconds: number; defaultRetentionDays: number; scheduleId?: string; businessIds?: string[] }): Promise<'created' | 'updated'> {
  const scheduleId = options.scheduleId ?? RECORDING_CLEANUP_SCHEDULE_ID;
  const spec = { intervals: [{ every: `${options.intervalSeconds}s` as const }] };
  const action = { type: 'startWorkflow' as const, workflowType: 'recordingCleanup', taskQueue: options.taskQueue, workflowId: `${scheduleId}-run`, args: [{ defaultRetentionDays: options.defaultRetentionDays, ...(options.businessIds ? { businessIds: options.businessIds } : {}) }] };
  try {
    await client.schedule.create({ scheduleId, spec, action, policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 minute' } });
    return 'created';
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
    await client.schedule.getHandle(scheduleId).update((previous) => ({ ...previous, spec, action }));
    return 'updated';
  }
}
