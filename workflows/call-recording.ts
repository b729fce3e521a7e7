import { proxyActivities, upsertSearchAttributes } from '@temporalio/workflow';
import type { Activities, StoreCallRecordingInput } from '../activities';

export type CallRecordingInput = StoreCallRecordingInput;

const store = proxyActivities<Activities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '2 seconds', maximumInterval: '1 minute', maximumAttempts: 20, nonRetryableErrorTypes: ['RecordingUnavailable'] },
});

/**
 * One finished Twilio recording: fetched into our storage and onto its call.
 * Started by the recording webhook under `recording/<business>/<RecordingSid>`,
 * so a replayed webhook attaches to the same run.
 */
export async function callRecording(input: CallRecordingInput): Promise<{ key: string; bytes: number }> {
  upsertSearchAttributes({ BusinessId: [input.businessId], CallSid: [input.callSid], Kind: ['recording'] });
  return store.storeCallRecording(input);
}
