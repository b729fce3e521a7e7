import type { Client } from '@temporalio/client';
import { type SignalDefinition } from '@temporalio/common';
import { ID_POLICIES, workflowIds } from '../temporal-config';
import { callSession, type CallSessionInput } from '../workflows';

/**
 * Signal-with-start of a call's session workflow: the first event of a call
 * starts it, every later one is delivered to it. A call whose workflow has
 * already finalized is never started again (its late signals fail instead).
 */
export async function signalCallSession<T>(
  client: Client,
  options: { taskQueue: string; session: CallSessionInput; signal: SignalDefinition<[T]>; args: [T] },
): Promise<{ workflowId: string }> {
  const workflowId = workflowIds.call(options.session.businessId, options.session.callSid);
  await client.workflow.signalWithStart(callSession, {
    workflowId,
    taskQueue: options.taskQueue,
    args: [options.session],
    signal: options.signal as SignalDefinition<[unknown]>,
    signalArgs: options.args as [unknown],
    ...ID_POLICIES.callSession,
  });
  return { workflowId };
}
