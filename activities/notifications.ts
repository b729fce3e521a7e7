import { ApplicationFailure } from '@temporalio/activity';
import { UniqueConstraintError } from 'sequelize';
import { Business, Notification, PhoneNumber, type NotificationChannel } from '../data';
import { PermanentSendError, type EmailAttachment, type OutgoingMessage } from '../platform/messaging';
import type { ActivityDependencies } from './dependencies';
import { notificationSubject, notificationText, type NotificationKind, type NotificationParams } from './notification-texts';

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
  /**
   * By email to this address instead of a text message: the same row, key and once-only rules.
   * The attachments are built by the caller on each attempt (they are not stored with the row).
   */
  email?: { to: string; attachments?: EmailAttachment[] };
}

export interface SendNotificationResult {
  notificationId: string;
  status: 'sent';
  channel: NotificationChannel;
  providerMessageId: string | null;
}

const EMAIL_SUBJECT_END = '\n\n';

export function createNotificationActivities({ db, messages, email }: ActivityDependencies) {
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
        const recipient = input.email?.to ?? input.to ?? business.alertPhoneE164;
        const channel: NotificationChannel = input.email ? 'email' : recipient ? messages.channel : 'in_app';
        const text = notificationText(input.kind, input.params, business.locale, business.timezone);
        try {
          return await Notification.create({
            businessId: input.businessId,
            idempotencyKey: input.idempotencyKey,
            kind: input.kind,
            channel,
            recipient: recipient ?? 'owner',
            sender: sender?.e164 ?? null,
            // An email keeps its subject as the first paragraph of the stored body.
            body: channel === 'email' ? `${notificationSubject(input.kind, input.params, business.locale)}${EMAIL_SUBJECT_END}${text}` : text,
            provider: channel === 'in_app' ? 'crm' : channel === 'email' ? emailProvider().name : messages.name,
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

      const body = bodyToSend(notification.body, input.credentialLink);
      if (notification.channel === 'email') {
        // No SMTP server can say whether a message went out: a retry sends again, under the same Message-ID.
        const split = body.indexOf(EMAIL_SUBJECT_END);
        return deliver(notification, () =>
          emailProvider().send({
            to: notification.recipient,
            subject: split < 0 ? '' : body.slice(0, split),
            text: split < 0 ? body : body.slice(split + EMAIL_SUBJECT_END.length),
            messageId: `<${notification.id}@prosaas.notifications>`,
            attachments: input.email?.attachments ?? [],
          }),
        );
      }
      const message: OutgoingMessage = { to: notification.recipient, from: notification.sender, body };
      if (notification.status === 'sending') {
        const since = new Date(notification.createdAt.getTime() - 24 * 3600_000);
        const found = await messages.findSent(message, since);
        if (found) {
          await markSent(notification, found.providerMessageId);
          return result(notification);
        }
      }
      return deliver(notification, () => messages.send(message));
    },
  };

  function emailProvider() {
    if (!email) throw ApplicationFailure.nonRetryable('this worker has no email provider', 'MessageRefused');
    return email;
  }

  /** Marks the row sending, sends once, and records the outcome (a refusal for good fails the row). */
  async function deliver(notification: Notification, send: () => Promise<{ providerMessageId: string }>): Promise<SendNotificationResult> {
    await update(notification, { status: 'sending', attempts: notification.attempts + 1 });
    try {
      const sent = await send();
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
  }

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
