import { createHash } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/activity';
import { QueryTypes } from 'sequelize';
import { Message, PhoneNumber, WhatsappConnection, type Database } from '../data';
import { PermanentSendError, type WhatsappOutgoing } from '../platform/messaging';
import { WHATSAPP_FAILURE_TYPES, whatsappSessionTaskQueue } from '../temporal-config';
import type { ActivityDependencies } from './dependencies';

export interface SendWhatsappInput {
  businessId: string;
  conversationId: string;
  /** E.164 of the contact. */
  to: string;
  body: string;
  /** Chosen by the workflow (conversation + the message it answers), so every retry names the same message. */
  idempotencyKey: string;
  /** Set when a person wrote it in the CRM; null for the assistant. */
  authorUserId?: string | null;
  /** The customer notification (confirmation, reminder) this message carries: marked sent in the same transaction. */
  notificationKey?: string | null;
}

export interface SendWhatsappResult {
  messageId: string;
  providerMessageId: string | null;
  status: 'sent';
}

export interface WhatsappRoute {
  provider: 'baileys' | 'twilio';
  /** Where the send must run: the whatsapp process holding the session (Baileys); null = this worker's queue. */
  taskQueue: string | null;
}

const RATE_WINDOW_MS = 60_000;
const RECONCILE_WINDOW_MS = 24 * 3600_000;

/** Baileys message ids are upper-case hex prefixed like WhatsApp's own; ours derive from the idempotency key. */
export function whatsappMessageIdFor(businessId: string, idempotencyKey: string): string {
  return `3EB0${createHash('sha256').update(`${businessId}|${idempotencyKey}`).digest('hex').slice(0, 20).toUpperCase()}`;
}

export function createWhatsappActivities({ db, whatsappSenders }: ActivityDependencies) {
  return {
    /** Which provider carries this business's WhatsApp, and for Baileys the process that holds its session. */
    async routeWhatsappMessage(input: { businessId: string }): Promise<WhatsappRoute> {
      const connection = await db.withTenant({ businessId: input.businessId }, () => WhatsappConnection.findOne());
      if (connection?.provider === 'twilio') return { provider: 'twilio', taskQueue: null };
      const owner = await sessionOwnerOf(db, input.businessId);
      if (!owner) throw ApplicationFailure.retryable('no whatsapp process holds this business\'s session yet', 'WhatsappNotConnected');
      return { provider: 'baileys', taskQueue: whatsappSessionTaskQueue(owner) };
    },

    /**
     * Records the message under its idempotency key, then sends it once, within
     * the business's per-minute limit. A retry that finds it sent returns; one
     * that finds it "sending" (a crash mid-send) asks the provider first (Twilio),
     * or sends again under the same message id, which WhatsApp treats as the same
     * message (Baileys).
     */
    async sendWhatsappMessage(input: SendWhatsappInput): Promise<SendWhatsappResult> {
      const tenant = { businessId: input.businessId };
      const message = await db.withTenant(tenant, async (transaction) => {
        const connection = await WhatsappConnection.findOne({ transaction });
        const provider = connection?.provider ?? 'baileys';
        await db.sequelize.query(
          `INSERT INTO messages (business_id, conversation_id, direction, body, status, idempotency_key, provider, author_user_id, created_at, updated_at)
           VALUES (:businessId, :conversationId, 'outbound', :body, 'pending', :key, :provider, :author, now(), now())
           ON CONFLICT (business_id, idempotency_key) DO NOTHING`,
          { replacements: { businessId: input.businessId, conversationId: input.conversationId, body: input.body, key: input.idempotencyKey, provider, author: input.authorUserId ?? null }, transaction },
        );
        return Message.findOne({ where: { idempotencyKey: input.idempotencyKey }, rejectOnEmpty: true, transaction });
      });
      if (message.status === 'sent') return { messageId: message.id, providerMessageId: message.providerMessageId, status: 'sent' };
      if (message.status === 'failed') throw ApplicationFailure.nonRetryable(message.lastError ?? 'message refused', WHATSAPP_FAILURE_TYPES.messageRefused);

      const provider = (message.provider ?? 'baileys') as 'baileys' | 'twilio';
      const sender = whatsappSenders?.[provider];
      if (!sender) throw ApplicationFailure.nonRetryable(`this worker cannot send through ${provider}`, WHATSAPP_FAILURE_TYPES.sessionMoved);
      const outgoing: WhatsappOutgoing = {
        businessId: input.businessId,
        from: provider === 'twilio' ? await whatsappNumberOf(db, input.businessId) : null,
        to: input.to,
        body: message.body ?? input.body,
        messageId: whatsappMessageIdFor(input.businessId, input.idempotencyKey),
      };
      if (message.status === 'sending') {
        const found = await sender.findSent(outgoing, new Date(message.createdAt.getTime() - RECONCILE_WINDOW_MS));
        if (found) return markSent(db, message, found.providerMessageId, undefined, input.notificationKey);
      }
      await reserveSendSlot(db, message);
      try {
        const sent = await sender.send(outgoing);
        return await markSent(db, message, sent.providerMessageId, sent.payload, input.notificationKey);
      } catch (error) {
        if (error instanceof PermanentSendError) {
          await db.withTenant(tenant, () => message.update({ status: 'failed', lastError: error.message }));
          throw ApplicationFailure.nonRetryable(error.message, WHATSAPP_FAILURE_TYPES.messageRefused);
        }
        if (error instanceof ApplicationFailure) throw error;
        await db.withTenant(tenant, () => message.update({ lastError: (error as Error).message }));
        throw error;
      }
    },
  };
}

/**
 * Moves the message to "sending" unless the business has used its per-minute
 * allowance: then a retryable failure asks Temporal to come back when the
 * oldest send in the window has aged out. One advisory lock per business makes
 * the count and the reservation one step across every worker.
 */
async function reserveSendSlot(db: Database, message: Message): Promise<void> {
  await db.withTenant({ businessId: message.businessId }, async (transaction) => {
    await db.sequelize.query("SELECT pg_advisory_xact_lock(hashtext('whatsapp-outbound:' || :businessId))", { replacements: { businessId: message.businessId }, transaction });
    const connection = await WhatsappConnection.findOne({ transaction });
    const limit = connection?.outboundPerMinute ?? 30;
    const [usage] = await db.sequelize.query<{ used: string; oldest: Date | null }>(
      `SELECT count(*) AS used, min(sent_at) AS oldest FROM messages
       WHERE direction = 'outbound' AND status IN ('sending', 'sent') AND sent_at > now() - make_interval(secs => :windowSeconds) AND id <> :id`,
      { replacements: { windowSeconds: RATE_WINDOW_MS / 1000, id: message.id }, type: QueryTypes.SELECT, transaction },
    );
    if (Number(usage?.used ?? 0) >= limit) {
      const waitMs = usage?.oldest ? Math.max(100, new Date(usage.oldest).getTime() + RATE_WINDOW_MS - Date.now()) : RATE_WINDOW_MS;
      throw ApplicationFailure.create({ message: `outbound limit of ${limit}/min reached`, type: WHATSAPP_FAILURE_TYPES.rateLimited, nextRetryDelay: waitMs });
    }
    await message.update({ status: 'sending', attempts: message.attempts + 1, sentAt: new Date() }, { transaction });
  });
}

async function markSent(db: Database, message: Message, providerMessageId: string, payload: unknown, notificationKey?: string | null): Promise<SendWhatsappResult> {
  await db.withTenant({ businessId: message.businessId }, async (transaction) => {
    await message.update({ status: 'sent', providerMessageId, providerPayload: (payload as object | undefined) ?? null, sentAt: message.sentAt ?? new Date(), lastError: null }, { transaction });
    await db.sequelize.query('UPDATE conversations SET last_message_at = now(), updated_at = now() WHERE id = :id', { replacements: { id: message.conversationId }, transaction });
    if (notificationKey) {
      await db.sequelize.query(
        "UPDATE notifications SET status = 'sent', provider_message_id = :providerMessageId, sent_at = now(), attempts = attempts + 1, last_error = NULL, updated_at = now() WHERE idempotency_key = :key AND channel = 'whatsapp'",
        { replacements: { key: notificationKey, providerMessageId }, transaction },
      );
    }
  });
  return { messageId: message.id, providerMessageId, status: 'sent' };
}

/** The whatsapp process that holds the business's Baileys session now (its lease is live); null when none does. */
export async function sessionOwnerOf(db: Database, businessId: string): Promise<string | null> {
  const owner = await db.withSystemScope(
    'whatsapp: find the process holding a session',
    (transaction) =>
      db.sequelize.query<{ owner_id: string }>('SELECT owner_id FROM whatsapp_session_leases WHERE business_id = :businessId AND expires_at > now()', {
        replacements: { businessId },
        type: QueryTypes.SELECT,
        transaction,
      }),
    { logLevel: 'debug' },
  );
  return owner[0]?.owner_id ?? null;
}

/** The business's number that carries WhatsApp through Twilio. */
export async function whatsappNumberOf(db: Database, businessId: string): Promise<string | null> {
  const numbers = await db.withTenant({ businessId }, () => PhoneNumber.findAll({ order: [['createdAt', 'ASC']] }));
  return numbers.find((number) => number.channels.includes('whatsapp'))?.e164 ?? null;
}
