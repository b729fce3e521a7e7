import { ActivityFailure, ApplicationFailure, log, proxyActivities, type RetryPolicy } from '@temporalio/workflow';
import type { Activities, SendWhatsappInput } from '../activities';
import { WHATSAPP_FAILURE_TYPES } from '../temporal-config';

const SEND_ROUTES_TRIED = 5;

export interface WhatsappSendPolicy {
  /** Finding where the send runs (a Baileys session not held by any process yet is retried). */
  route: RetryPolicy;
  /** The send itself: rate limit waits, provider hiccups. */
  send: RetryPolicy;
}

/**
 * Sends one message through the business's WhatsApp provider, in the outbound
 * queue (per-business rate limit, retries, the idempotency key); for Baileys on
 * the task queue of the process that holds the session, routing again when the
 * session moved. True when sent; false when it could not be (logged).
 */
export async function sendOnWhatsapp(input: SendWhatsappInput, policy: WhatsappSendPolicy): Promise<boolean> {
  const routing = proxyActivities<Activities>({ startToCloseTimeout: '15 seconds', retry: policy.route });
  for (let attempt = 0; attempt < SEND_ROUTES_TRIED; attempt++) {
    try {
      const route = await routing.routeWhatsappMessage({ businessId: input.businessId });
      const outbound = proxyActivities<Activities>({ startToCloseTimeout: '30 seconds', retry: policy.send, ...(route.taskQueue ? { taskQueue: route.taskQueue } : {}) });
      await outbound.sendWhatsappMessage(input);
      return true;
    } catch (error) {
      const cause = error instanceof ActivityFailure ? error.cause : error;
      if (cause instanceof ApplicationFailure && cause.type === WHATSAPP_FAILURE_TYPES.sessionMoved) continue;
      log.error('a WhatsApp message could not be sent', { conversationId: input.conversationId, idempotencyKey: input.idempotencyKey, error: String(error) });
      return false;
    }
  }
  return false;
}
