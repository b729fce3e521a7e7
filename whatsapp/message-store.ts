import { QueryTypes } from 'sequelize';
import { Conversation, Message, type Database } from '../data';

/** An inbound message, whichever provider it came through. */
export interface InboundMessage {
  /** The provider's id (Baileys key.id, Twilio MessageSid): the dedup key. */
  providerMessageId: string;
  contactE164: string;
  contactName: string | null;
  body: string | null;
  mediaType: string | null;
  mediaSizeBytes: number | null;
  receivedAt: Date;
  /** JSON-safe provider payload (Baileys: the WAMessage through BufferJSON), kept for getMessage. */
  payload: unknown;
}

export interface StoredInbound {
  messageId: string;
  conversationId: string;
  providerMessageId: string;
  contactE164: string;
  body: string | null;
  mediaType: string | null;
  receivedAt: string;
  /** False when the id was seen before (a redelivery): nothing was written. */
  isNew: boolean;
}

/**
 * A new inbound message is handed to its workflow right after it is stored; the
 * inbox sweeper takes it only if that has not succeeded by this time.
 */
const SWEEP_AFTER_MS = 30_000;

/**
 * Stores a batch on the conversations of (business, contact), one transaction:
 * each message once (a redelivered id is a no-op), the conversation's unread
 * count and last-message time moved by the new ones only.
 */
export async function storeInbound(db: Database, businessId: string, provider: string, batch: InboundMessage[]): Promise<StoredInbound[]> {
  if (!batch.length) return [];
  return db.withTenant({ businessId }, async (transaction) => {
    const stored: StoredInbound[] = [];
    const conversations = new Map<string, string>();
    for (const message of batch) {
      let conversationId = conversations.get(message.contactE164);
      if (!conversationId) {
        conversationId = await conversationIdFor(db, businessId, message.contactE164, message.contactName, provider);
        conversations.set(message.contactE164, conversationId);
      }
      const inserted = await db.sequelize.query<{ id: string }>(
        `INSERT INTO messages (business_id, conversation_id, direction, provider_message_id, body, media_type, media_size_bytes, status, provider, provider_payload, next_delivery_at, created_at, updated_at)
         VALUES (:businessId, :conversationId, 'inbound', :providerMessageId, :body, :mediaType, :mediaSizeBytes, 'received', :provider, :payload::jsonb,
                 now() + make_interval(secs => :sweepAfterSeconds), :receivedAt, now())
         ON CONFLICT (business_id, provider_message_id) DO NOTHING RETURNING id`,
        {
          replacements: {
            businessId,
            conversationId,
            providerMessageId: message.providerMessageId,
            body: message.body,
            mediaType: message.mediaType,
            mediaSizeBytes: message.mediaSizeBytes,
            provider,
            payload: message.payload === undefined || message.payload === null ? null : JSON.stringify(message.payload),
            receivedAt: message.receivedAt,
            sweepAfterSeconds: SWEEP_AFTER_MS / 1000,
          },
          type: QueryTypes.SELECT,
          transaction,
        },
      );
      const isNew = inserted.length > 0;
      const messageId = isNew ? inserted[0]!.id : (await Message.findOne({ where: { providerMessageId: message.providerMessageId }, attributes: ['id'], transaction, rejectOnEmpty: true })).id;
      if (isNew) {
        await db.sequelize.query(
          'UPDATE conversations SET unread_count = unread_count + 1, last_message_at = GREATEST(COALESCE(last_message_at, :at), :at), updated_at = now() WHERE id = :id',
          { replacements: { id: conversationId, at: message.receivedAt }, transaction },
        );
      }
      stored.push({
        messageId,
        conversationId,
        providerMessageId: message.providerMessageId,
        contactE164: message.contactE164,
        body: message.body,
        mediaType: message.mediaType,
        receivedAt: message.receivedAt.toISOString(),
        isNew,
      });
    }
    return stored;
  });
}

/** The conversation of (business, whatsapp, contact), created on first contact; safe under concurrent first messages. */
export async function conversationIdFor(db: Database, businessId: string, contactE164: string, contactName: string | null, provider: string): Promise<string> {
  return db.withTenant({ businessId }, async (transaction) => {
    await db.sequelize.query(
      `INSERT INTO conversations (business_id, channel, contact_e164, contact_name, provider, created_at, updated_at)
       VALUES (:businessId, 'whatsapp', :contactE164, :contactName, :provider, now(), now())
       ON CONFLICT (business_id, channel, contact_e164) DO NOTHING`,
      { replacements: { businessId, contactE164, contactName, provider }, transaction },
    );
    const conversation = await Conversation.findOne({ where: { channel: 'whatsapp', contactE164 }, transaction, rejectOnEmpty: true });
    if (contactName && conversation.contactName !== contactName) await conversation.update({ contactName }, { transaction });
    return conversation.id;
  });
}

/** The stored provider payload of one message (inbound or sent), for Baileys' getMessage; null when unknown. */
export async function findProviderPayload(db: Database, businessId: string, providerMessageId: string): Promise<unknown> {
  const message = await db.withTenant({ businessId }, () => Message.findOne({ where: { providerMessageId }, attributes: ['providerPayload'] }));
  return message?.providerPayload ?? null;
}

/** The inbound message reached its conversation workflow: the inbox sweeper leaves it alone. */
export async function markInboundDelivered(db: Database, businessId: string, messageId: string): Promise<void> {
  await db.withTenant({ businessId }, (transaction) =>
    db.sequelize.query('UPDATE messages SET delivered_at = now(), next_delivery_at = NULL WHERE id = :id AND delivered_at IS NULL', { replacements: { id: messageId }, transaction }),
  );
}

/** WhatsApp's status of a message we sent, as in Baileys' messages.update (proto.WebMessageInfo.Status). */
export interface OutboundStatusUpdate {
  key: { id?: string | null; fromMe?: boolean | null };
  update: { status?: number | null };
}

/** proto.WebMessageInfo.Status.SERVER_ACK: WhatsApp's server has the message. */
const SERVER_ACK = 2;

/**
 * WhatsApp's server acked messages we sent: a send whose result was never
 * recorded ('sending' after a crash, or 'unconfirmed') is 'sent' after all, and
 * so is the notification it carried. Returns how many rows it settled.
 */
export async function recordOutboundAcks(db: Database, businessId: string, updates: OutboundStatusUpdate[]): Promise<number> {
  const ids = updates.filter((u) => u.key.fromMe && u.key.id && (u.update.status ?? 0) >= SERVER_ACK).map((u) => u.key.id!);
  if (!ids.length) return 0;
  return db.withTenant({ businessId }, async (transaction) => {
    const settled = await db.sequelize.query<{ idempotency_key: string | null; provider_message_id: string }>(
      `UPDATE messages SET status = 'sent', last_error = NULL, sent_at = COALESCE(sent_at, now()), updated_at = now()
       WHERE direction = 'outbound' AND provider_message_id IN (:ids) AND status IN ('sending', 'unconfirmed')
       RETURNING idempotency_key, provider_message_id`,
      { replacements: { ids }, type: QueryTypes.SELECT, transaction },
    );
    for (const row of settled) {
      if (!row.idempotency_key?.startsWith('notification/')) continue;
      await db.sequelize.query(
        "UPDATE notifications SET status = 'sent', provider_message_id = :id, sent_at = now(), last_error = NULL, updated_at = now() WHERE idempotency_key = :key AND channel = 'whatsapp' AND status <> 'sent'",
        { replacements: { id: row.provider_message_id, key: row.idempotency_key.slice('notification/'.length) }, transaction },
      );
    }
    return settled.length;
  });
}
