import { proxyActivities, upsertSearchAttributes } from '@temporalio/workflow';
import type { Activities, CallTransferResult } from '../activities';

const transfer = proxyActivities<Activities>({
  startToCloseTimeout: '10 seconds',
  retry: { initialInterval: '500 ms', maximumInterval: '2 seconds', maximumAttempts: 4 },
});

/** transfer_to_human of one call (`transfer/<business>/<callSid>`): the call is redirected to the business's transfer number. */
export async function callTransfer(input: { businessId: string; callSid: string }): Promise<CallTransferResult> {
  upsertSearchAttributes({ BusinessId: [input.businessId], CallSid: [input.callSid], Kind: ['call-transfer'] });
  return transfer.transferCallToHuman(input);
}
