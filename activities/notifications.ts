import { ApplicationFailure } from '@temporalio/activity';
import { UniqueConstraintError } from 'sequelize';
import { Business, Notification, PhoneNumber, type NotificationChannel } from '../data';
import { PermanentSendError, type OutgoingMessage } from '../platform/messaging';
import type { ActivityDependencies } from './dependencies';
import { notificationText, type NotificationKind, type NotificationParams } from './notification-texts';

export interface SendNotificationInput {
  businessId: string;
  /** Chosen by the workflow (its id + the step), so every retry names the same message. */
  idempotencyKey: string;
  kind: NotificationKind;
  /** E.164 number of the person; null sends the owner alert to the business's alert number or the CRM. */
  to: string | null;
  params: NotificationParams;
  appointmentId?: string | null;
  leadId?: string | null;
  /**
   * A link that carries a credential (a signing token). params.link is the link without it, and
   * that is what the stored row keeps; the real link replaces it only in the text handed to the
   * provider. The caller derives the real link again on every attempt (it is never stored).
   */
  credentialLink?: { stored: string; sent: string };
}

export interface SendNotificationResult {
  notificationId: string;
  status: 'sent';
  channel: NotificationChannel;
  providerMessageId: string | null;
}

export function createNotificationActivities({ db, messages }: ActivityDependencies) {
  return {
    /**
     * Records the message under its idempotency key, then sends it once. A retry
     * that finds it sent returns; one that finds it "sending" (a crash mid-send)
     * asks the provider whether it went out before sending again.
     */
    async sendNotification(input: SendNotificationInput): Promise<SendNotificationResult> {
      const prepared = await db.withTenant({ businessId: input.businessId }, async () => {
        const existing = await Notification.findOne({ where: { idempotencyKey: input.idempotencyKey } });
        if (existing) return existing;
        const business = await Business.findByPk(input.businessId, { rejectOnEmpty: true });
        const sender = await PhoneNumber.findOne({ where: { businessId: input.businessId }, order: [['createdAt', 'ASC']] });
        const recipient = input.to ?? business.alertPhoneE164;
        const channel: NotificationChannel = recipient ? messages.channel : 'in_app';
        try {
          return await Notification.create({
            businessId: input.businessId,
            idempotencyKey: input.idempotencyKey,
            kind: input.kind,
            channel,
            recipient: recipient ?? 'owner',
            sender: sender?.e164 ?? null,
            body: notificationText(input.kind, input.params, business.locale, business.timezone),
            provider: channel === 'in_app' ? 'crm' : messages.name,
            appointmentId: input.appointmentId ?? null,
            leadId: input.leadId ?? null,
          });
        } catch (error) {
          if (error instanceof UniqueConstraintError) return null;
          throw error;
        }
      });
      const notification =
        prepared ??
        (await db.withTenant({ businessId: input.businessId }, () =>
          Notification.findOne({ where: { idempotencyKey: input.idempotencyKey }, rejectOnEmpty: true }),
        ));
      if (notification.status === 'sent' || notification.channel === 'in_app') {
        if (notification.status !== 'sent') await markSent(notification, null);
        return result(notification);
      }
      if (notification.status === 'failed') {
        throw ApplicationFailure.nonRetryable(notification.lastError ?? 'message refused', 'MessageRefused');
      }
      if (notification.channel === 'whatsapp') {
        // Its WhatsApp copy carries it; only fallBackToSms moves it to SMS, after checking nothing went out.
        throw ApplicationFailure.nonRetryable('this notification goes out on WhatsApp', 'NotificationOnWhatsapp');
      }

      const message: OutgoingMessage = { to: notification.recipient, from: notification.sender, body: bodyToSend(notification.body, input.credentialLink) };
      if (notification.status === 'sending') {
        const since = new Date(notification.createdAt.getTime() - 24 * 3600_000);
        const found = await messages.findSent(message, since);
        if (found) {
          await markSent(notification, found.providerMessageId);
          return result(notification);
        }
      }
      await update(notification, { status: 'sending', attempts: notification.attempts + 1 });
      try {
        const sent = await messages.send(message);
        await markSent(notification, sent.providerMessageId);
        return result(notification);
      } catch (error) {
        if (error instanceof PermanentSendError) {
          await update(notification, { status: 'failed', lastError: error.message });
          throw ApplicationFailure.nonRetryable(error.message, 'MessageRefused');
        }
        await update(notification, { lastError: (error as Error).message });
        throw error;
      }
    },
  };

  function bodyToSend(stored: string, link: SendNotificationInput['credentialLink']): string {
    if (!link) return stored;
    if (!stored.includes(link.stored)) throw new Error('the stored message does not hold the link it should carry (was PUBLIC_BASE_URL changed?)');
    return stored.split(link.stored).join(link.sent);
  }

  function update(notification: Notification, changes: Partial<Pick<Notification, 'status' | 'attempts' | 'lastError' | 'providerMessageId' | 'sentAt'>>) {
    return db.withTenant({ businessId: notification.businessId }, () => notification.update(changes));
  }

  function markSent(notification: Notification, providerMessageId: string | null) {
    return update(notification, { status: 'sent', providerMessageId, sentAt: new Date() });
  }

  function result(notification: Notification): SendNotificationResult {
    return { notificationId: notification.id, status: 'sent', channel: notification.channel, providerMessageId: notification.providerMessageId };
  }
}
