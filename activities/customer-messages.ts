import { UniqueConstraintError } from 'sequelize';
import { Business, Conversation, Message, Notification, PhoneNumber, WhatsappConnection, type Database } from '../data';
import type { WhatsappSender } from '../platform/messaging';
import { conversationIdFor } from '../whatsapp/message-store';
import type { ActivityDependencies } from './dependencies';
import { notificationText } from './notification-texts';
import type { SendNotificationInput } from './notifications';
import { sessionOwnerOf, whatsappMessageIdFor, whatsappNumberOf } from './whatsapp';

/** How a customer notification goes out, decided once and kept under its idempotency key. */
export interface CustomerMessagePlan {
  channel: 'whatsapp' | 'sms';
  /** 'sent' once it went out on either channel; the workflow then has nothing left to do. */
  status: 'pending' | 'sending' | 'sent' | 'failed';
  /** WhatsApp only: the conversation the message is stored on, and its key in the messages table. */
  conversationId: string | null;
  whatsappKey: string | null;
  body: string;
}

export interface SmsFallbackResult {
  /** 'sms': send it by SMS now; 'sent': it went out on WhatsApp after all; 'unconfirmed': it may have, and is not sent twice. */
  outcome: 'sms' | 'sent' | 'unconfirmed';
}

/** The messages-table key of the WhatsApp copy of a notification. */
export function whatsappKeyOfNotification(notificationKey: string): string {
  return `notification/${notificationKey}`;
}

/**
 * Confirmations and reminders to a customer: on WhatsApp when the business has
 * a connected WhatsApp channel (a Baileys session open in a live process, or
 * Twilio WhatsApp with a number), else by SMS. The choice is recorded with the
 * notification before anything is sent, so a retried workflow step keeps it,
 * and the one notification row is the message's single record on both
 * channels: it never goes out once on each.
 */
export function createCustomerMessageActivities({ db, messages, whatsappSenders }: ActivityDependencies) {
  return {
    /** Records the notification on WhatsApp when that channel is connected; answers 'sms' (nothing recorded yet) otherwise. */
    async prepareCustomerMessage(input: SendNotificationInput): Promise<CustomerMessagePlan> {
      const tenant = { businessId: input.businessId };
      const existing = await db.withTenant(tenant, () => Notification.findOne({ where: { idempotencyKey: input.idempotencyKey } }));
      if (existing) return planOf(db, existing);
      const provider = input.to ? await connectedWhatsapp(db, input.businessId, whatsappSenders) : null;
      if (!provider || !input.to) return { channel: 'sms', status: 'pending', conversationId: null, whatsappKey: null, body: '' };

      const business = await db.withTenant(tenant, () => Business.findByPk(input.businessId, { rejectOnEmpty: true }));
      const conversationId = await conversationIdFor(db, input.businessId, input.to, input.params.customerName ?? null, provider);
      try {
        const created = await db.withTenant(tenant, () =>
          Notification.create({
            businessId: input.businessId,
            idempotencyKey: input.idempotencyKey,
            kind: input.kind,
            channel: 'whatsapp',
            recipient: input.to!,
            sender: null,
            body: notificationText(input.kind, input.params, business.locale, business.timezone),
            provider,
            appointmentId: input.appointmentId ?? null,
            leadId: input.leadId ?? null,
          }),
        );
        return { ...(await planOf(db, created)), conversationId };
      } catch (error) {
        if (!(error instanceof UniqueConstraintError)) throw error;
        const raced = await db.withTenant(tenant, () => Notification.findOne({ where: { idempotencyKey: input.idempotencyKey }, rejectOnEmpty: true }));
        return planOf(db, raced);
      }
    },

    /**
     * WhatsApp could not carry the notification: switch it to SMS, but only when
     * nothing went out on WhatsApp. A copy still "sending" is looked up at Twilio;
     * a Baileys copy whose send is unconfirmed stays as it is (no second message).
     */
    async fallBackToSms(input: { businessId: string; idempotencyKey: string }): Promise<SmsFallbackResult> {
      const tenant = { businessId: input.businessId };
      const whatsappKey = whatsappKeyOfNotification(input.idempotencyKey);
      const copy = await db.withTenant(tenant, () => Message.findOne({ where: { idempotencyKey: whatsappKey } }));
      const twilio = whatsappSenders?.twilio;
      if (copy?.status === 'sending' && copy.provider === 'twilio' && twilio) {
        const found = await findAtTwilio(db, twilio, copy);
        if (found) {
          await db.withTenant(tenant, async (transaction) => {
            await copy.update({ status: 'sent', providerMessageId: found.providerMessageId, lastError: null }, { transaction });
            await Notification.update({ status: 'sent', providerMessageId: found.providerMessageId, sentAt: new Date() }, { where: { idempotencyKey: input.idempotencyKey }, transaction });
          });
          return { outcome: 'sent' };
        }
      }
      const sender = await db.withTenant(tenant, () => PhoneNumber.findOne({ where: { businessId: input.businessId }, order: [['createdAt', 'ASC']] }));
      return db.withTenant(tenant, async (transaction): Promise<SmsFallbackResult> => {
        const notification = await Notification.findOne({ where: { idempotencyKey: input.idempotencyKey }, lock: transaction.LOCK.UPDATE, transaction, rejectOnEmpty: true });
        if (notification.status === 'sent') return { outcome: 'sent' };
        if (notification.channel !== 'whatsapp') return { outcome: 'sms' };
        const message = await Message.findOne({ where: { idempotencyKey: whatsappKey }, lock: transaction.LOCK.UPDATE, transaction });
        if (message?.status === 'sent') {
          await notification.update({ status: 'sent', providerMessageId: message.providerMessageId, sentAt: message.sentAt ?? new Date() }, { transaction });
          return { outcome: 'sent' };
        }
        const twilioChecked = message?.provider === 'twilio' && twilio !== undefined;
        if (message && (message.status === 'unconfirmed' || (message.status === 'sending' && !twilioChecked))) {
          await notification.update({ status: 'failed', lastError: 'the WhatsApp send is unconfirmed; not sent again by SMS' }, { transaction });
          return { outcome: 'unconfirmed' };
        }
        const reason = message?.lastError ?? 'WhatsApp is not connected';
        // The WhatsApp copy is closed first, so a late retry of its send finds it failed and sends nothing.
        if (message) await message.update({ status: 'failed', lastError: `${reason} (sent by SMS instead)` }, { transaction });
        await notification.update(
          { channel: messages.channel, provider: messages.name, sender: sender?.e164 ?? null, status: 'pending', lastError: `WhatsApp: ${reason}` },
          { transaction },
        );
        return { outcome: 'sms' };
      });
    },
  };
}

/** The plan of a recorded notification; a WhatsApp one not yet sent names its conversation (found by the contact). */
async function planOf(db: Database, notification: Notification): Promise<CustomerMessagePlan> {
  const onWhatsapp = notification.channel === 'whatsapp';
  const conversation =
    onWhatsapp && notification.status !== 'sent'
      ? await db.withTenant({ businessId: notification.businessId }, () => Conversation.findOne({ where: { channel: 'whatsapp', contactE164: notification.recipient } }))
      : null;
  return {
    channel: onWhatsapp ? 'whatsapp' : 'sms',
    status: notification.status,
    conversationId: conversation?.id ?? null,
    whatsappKey: onWhatsapp ? whatsappKeyOfNotification(notification.idempotencyKey) : null,
    body: notification.body,
  };
}

/** Which WhatsApp provider can carry a message now, or null: Baileys needs an open session in a live process, Twilio a WhatsApp number. */
async function connectedWhatsapp(db: Database, businessId: string, senders: ActivityDependencies['whatsappSenders']): Promise<'baileys' | 'twilio' | null> {
  const connection = await db.withTenant({ businessId }, () => WhatsappConnection.findOne());
  if (!connection || connection.status !== 'open') return null;
  if (connection.provider === 'twilio') return senders?.twilio && (await whatsappNumberOf(db, businessId)) ? 'twilio' : null;
  return (await sessionOwnerOf(db, businessId)) ? 'baileys' : null;
}

async function findAtTwilio(db: Database, twilio: WhatsappSender, copy: Message) {
  const conversation = await db.withTenant({ businessId: copy.businessId }, () => Conversation.findByPk(copy.conversationId));
  const to = conversation?.contactE164;
  if (!to) return null;
  const from = await whatsappNumberOf(db, copy.businessId);
  return twilio.findSent(
    { businessId: copy.businessId, from, to, body: copy.body ?? '', messageId: whatsappMessageIdFor(copy.businessId, copy.idempotencyKey!) },
    new Date(copy.createdAt.getTime() - 24 * 3600_000),
  );
}
