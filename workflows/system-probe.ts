import { proxyActivities, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { Activities } from '../activities';

const { countTenantRows } = proxyActivities<Activities>({
  startToCloseTimeout: '10 seconds',
  retry: { maximumAttempts: 3 },
});

export interface SystemProbeInput {
  businessId: string;
}

export interface SystemProbeResult {
  businessId: string;
  leads: number;
  appointments: number;
  workflowId: string;
}

/**
 * End-to-end check of the worker: a workflow that runs an activity reading
 * tenant data through the tenant context. Admins can start it from the
 * Temporal UI to see a worker, its database and row-level security at work.
 */
export async function systemProbe(input: SystemProbeInput): Promise<SystemProbeResult> {
  upsertSearchAttributes({ BusinessId: [input.businessId], Kind: ['system-probe'] });
  const counts = await countTenantRows({ businessId: input.businessId });
  return { businessId: input.businessId, ...counts, workflowId: workflowInfo().workflowId };
}
