import { proxyActivities } from '@temporalio/workflow';
import type { Activities, SendNotificationInput } from '../activities';
import { sendOnWhatsapp, type WhatsappSendPolicy } from './whatsapp-outbound';

const messaging = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', maximumInterval: '1 minute', maximumAttempts: 30 },
});

// A confirmation should not wait long for WhatsApp: after these, it goes by SMS (when nothing went out).
const NOTIFICATION_ON_WHATSAPP: WhatsappSendPolicy = {
  route: { initialInterval: '1 second', maximumInterval: '10 seconds', maximumAttempts: 4 },
  send: { initialInterval: '1 second', maximumInterval: '30 seconds', maximumAttempts: 10 },
};

/**
 * A message to a customer (confirmation, reminder, change): on WhatsApp through
 * the outbound queue when the business has WhatsApp connected, by SMS
 * otherwise or when WhatsApp could not carry it. One notification row under
 * the idempotency key records it on whichever channel, so it goes out once.
 */
export async function sendToCustomer(input: SendNotificationInput): Promise<void> {
  const plan = await messaging.prepareCustomerMessage(input);
  if (plan.channel === 'whatsapp') {
    if (plan.status === 'sent' || plan.status === 'failed') return;
    const sent =
      plan.conversationId !== null &&
      (await sendOnWhatsapp(
        {
          businessId: input.businessId,
          conversationId: plan.conversationId,
          to: input.to!,
          body: plan.body,
          idempotencyKey: plan.whatsappKey!,
          authorUserId: null,
          notificationKey: input.idempotencyKey,
        },
        NOTIFICATION_ON_WHATSAPP,
      ));
    if (sent) return;
    const fallback = await messaging.fallBackToSms({ businessId: input.businessId, idempotencyKey: input.idempotencyKey });
    if (fallback.outcome !== 'sms') return;
  }
  await messaging.sendNotification(input);
}
