import { proxyActivities, upsertSearchAttributes } from '@temporalio/workflow';
import type { Activities, PlaceOutboundCallInput, PlacedOutboundCall } from '../activities';

export type OutboundCallInput = PlaceOutboundCallInput;

const dial = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '10 seconds', maximumAttempts: 5, nonRetryableErrorTypes: ['OutboundCallRefused'] },
});

/**
 * An outbound call placed from the CRM, the API or another workflow, under
 * `outbound-call/<business>/<key>`: the business's own number is the caller id,
 * and once answered the call runs like an inbound one (voice webhook, stream,
 * call-session workflow).
 */
export async function outboundCall(input: OutboundCallInput): Promise<PlacedOutboundCall> {
  upsertSearchAttributes({ BusinessId: [input.businessId], Channel: ['voice'], Kind: ['outbound-call'], ...(input.leadId ? { LeadId: [input.leadId] } : {}) });
  const placed = await dial.placeOutboundCall(input);
  upsertSearchAttributes({ CallSid: [placed.callSid] });
  return placed;
}
