import { WorkflowFailedError, type Client } from '@temporalio/client';
import { type SignalDefinition } from '@temporalio/common';
import type { PlacedOutboundCall } from '../activities';
import { FAILURE_TYPES, ID_POLICIES, workflowIds } from '../temporal-config';
import { callSession, outboundCall, type CallSessionInput, type OutboundCallInput } from '../workflows';
import { applicationFailureOf } from './booking';

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

export type OutboundCallOutcome =
  | { kind: 'placed'; call: PlacedOutboundCall; workflowId: string }
  | { kind: 'refused'; reason: string; message: string };

/**
 * Places an outbound call through the `outboundCall` workflow (one per business and
 * idempotency key) and waits for Twilio's answer. A refusal (no voice number, bad
 * destination, Twilio said no, not configured) comes back as `refused` with its reason.
 */
export async function placeOutboundCall(client: Client, options: { taskQueue: string; input: OutboundCallInput }): Promise<OutboundCallOutcome> {
  const workflowId = workflowIds.outboundCall(options.input.businessId, options.input.idempotencyKey);
  try {
    // Bounded: without a worker the caller hears "unavailable" after a minute instead of waiting forever.
    const handle = await client.workflow.start(outboundCall, { workflowId, taskQueue: options.taskQueue, args: [options.input], workflowExecutionTimeout: '1 minute', ...ID_POLICIES.outboundCall }).catch(async (error: unknown) => {
      if ((error as { name?: string }).name !== 'WorkflowExecutionAlreadyStartedError') throw error;
      return client.workflow.getHandle<typeof outboundCall>(workflowId);
    });
    return { kind: 'placed', call: await handle.result(), workflowId };
  } catch (error) {
    const failure = applicationFailureOf(error);
    if (failure?.type === FAILURE_TYPES.outboundCallRefused) {
      const details = (failure.details?.[0] ?? {}) as { reason?: string };
      return { kind: 'refused', reason: details.reason ?? 'refused', message: failure.message };
    }
    if (error instanceof WorkflowFailedError) return { kind: 'refused', reason: 'unavailable', message: error.message };
    throw error;
  }
}
