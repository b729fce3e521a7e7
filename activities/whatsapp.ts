import { createHash } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/activity';
import { QueryTypes } from 'sequelize';
import { Message, PhoneNumber, WhatsappConnection, type Database } from '../data';
import { NotSentError, PermanentSendError, type WhatsappOutgoing } from '../platform/messaging';
import { jidOf } from '../whatsapp/baileys-inbound';
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
      if (message.status === 'unconfirmed') throw unconfirmed(message);

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
        // An earlier attempt was recorded but not its outcome (a crash, or a timeout while it still runs).
        const found = await sender.findSent(outgoing, new Date(message.createdAt.getTime() - RECONCILE_WINDOW_MS));
        if (found) return markSent(db, message, found.providerMessageId, undefined, input.notificationKey);
        if (!sender.findSentIsComplete) {
          const now = await db.withTenant(tenant, () => message.reload());
          if (now.status === 'sent') return { messageId: now.id, providerMessageId: now.providerMessageId, status: 'sent' };
          if (now.status !== 'pending') {
            await markUnconfirmed(db, message);
            throw unconfirmed(message);
          }
        }
      }
      // Recorded before the send: the attempt, and for Baileys the WhatsApp message id and content
      // (so a crash leaves a row that says what may have gone out, and getMessage can answer for it).
      await reserveSendSlot(db, message, provider === 'baileys' ? baileysRecordOf(outgoing) : null);
      try {
        const sent = await sender.send(outgoing);
        return await markSent(db, message, sent.providerMessageId, sent.payload, input.notificationKey);
      } catch (error) {
        if (error instanceof PermanentSendError) {
          await db.withTenant(tenant, () => message.update({ status: 'failed', lastError: error.message }));
          throw ApplicationFailure.nonRetryable(error.message, WHATSAPP_FAILURE_TYPES.messageRefused);
        }
        const notSent = error instanceof NotSentError || (error instanceof ApplicationFailure && error.type === WHATSAPP_FAILURE_TYPES.sessionMoved);
        // Nothing went out: the attempt is undone, so a retry (or another route) may send it.
        await db.withTenant(tenant, () => message.update(notSent ? { status: 'pending', lastError: (error as Error).message } : { lastError: (error as Error).message }));
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
async function reserveSendSlot(db: Database, message: Message, baileys: { id: string; payload: object } | null): Promise<void> {
  await db.withTenant({ businessId: message.businessId }, async (transaction) => {
    await db.sequelize.query("SELECT pg_advisory_xact_lock(hashtext('whatsapp-outbound:' || :businessId))", { replacements: { businessId: message.businessId }, transaction });
    const connection = await WhatsappConnection.findOne({ transaction });
    const limit = connection?.outboundPerMinute ?? 30;
    const [usage] = await db.sequelize.query<{ used: string; oldest: Date | null }>(
      `SELECT count(*) AS used, min(sent_at) AS oldest FROM messages
       WHERE direction = 'outbound' AND status IN ('sending', 'sent', 'unconfirmed') AND sent_at > now() - make_interval(secs => :windowSeconds) AND id <> :id`,
      { replacements: { windowSeconds: RATE_WINDOW_MS / 1000, id: message.id }, type: QueryTypes.SELECT, transaction },
    );
    if (Number(usage?.used ?? 0) >= limit) {
      const waitMs = usage?.oldest ? Math.max(100, new Date(usage.oldest).getTime() + RATE_WINDOW_MS - Date.now()) : RATE_WINDOW_MS;
      throw ApplicationFailure.create({ message: `outbound limit of ${limit}/min reached`, type: WHATSAPP_FAILURE_TYPES.rateLimited, nextRetryDelay: waitMs });
    }
    await message.update(
      { status: 'sending', attempts: message.attempts + 1, sentAt: new Date(), ...(baileys ? { providerMessageId: baileys.id, providerPayload: baileys.payload } : {}) },
      { transaction },
    );
  });
}

/**
 * Baileys, after a crash between "sending" and the recorded outcome: WhatsApp
 * cannot be asked whether the message arrived, and its server ack (recorded by
 * the session, see recordOutboundAcks) has not come. Sending again would risk a
 * second copy; not sending risks none arriving. We choose at most once: the row
 * becomes 'unconfirmed' and is not resent (a late server ack still turns it
 * 'sent'). The window is small: between recording the attempt and Baileys
 * writing the frame, or between writing it and recording the result.
 */
async function markUnconfirmed(db: Database, message: Message): Promise<void> {
  await db.withTenant({ businessId: message.businessId }, (transaction) =>
    db.sequelize.query(
      "UPDATE messages SET status = 'unconfirmed', last_error = 'a send attempt was cut off before its result was recorded; not sent again', updated_at = now() WHERE id = :id AND status = 'sending'",
      { replacements: { id: message.id }, transaction },
    ),
  );
}

function unconfirmed(message: Message): ApplicationFailure {
  return ApplicationFailure.nonRetryable(`WhatsApp message ${message.providerMessageId ?? message.id} may have gone out; not sent again`, WHATSAPP_FAILURE_TYPES.sendUnconfirmed);
}

/** What a Baileys send writes, as its WAMessage would be stored (for getMessage), before the socket answers. */
function baileysRecordOf(outgoing: WhatsappOutgoing): { id: string; payload: object } {
  return { id: outgoing.messageId, payload: { key: { remoteJid: jidOf(outgoing.to), fromMe: true, id: outgoing.messageId }, message: { conversation: outgoing.body } } };
}

async function markSent(db: Database, message: Message, providerMessageId: string, payload: unknown, notificationKey?: string | null): Promise<SendWhatsappResult> {
  await db.withTenant({ businessId: message.businessId }, async (transaction) => {
    await message.update({ status: 'sent', providerMessageId, providerPayload: (payload as object | undefined) ?? message.providerPayload ?? null, sentAt: message.sentAt ?? new Date(), lastError: null }, { transaction });
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
