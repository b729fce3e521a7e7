import QRCode from 'qrcode';
import { z } from 'zod';
import { Conversation, Message, WhatsappAuthKey, WhatsappConnection, WHATSAPP_PROVIDERS } from '../../data';
import { actingUserId } from '../auth/context';
import { extractPhoneNumber } from '../../domain';
import { requirePermission } from '../../domain/policy';
import { sendHumanMessage, setConversationOwner, type ConversationTarget } from '../../orchestration';
import type { BookingDeps } from './booking-deps';
import { HttpError } from '../http/errors';
import { defineRoute, notFound, uuidParam, type AnyRoute } from './registry';

const CONVERSATION_NOT_FOUND = { he: 'השיחה לא נמצאה', en: 'Conversation not found' };
const INVALID_PHONE = { he: 'מספר הטלפון אינו תקין', en: 'The phone number is not valid' };
const MAX_TEXT_CHARS = 4096;

const conversationSchema = z.object({
  id: z.uuid(),
  contactE164: z.string(),
  contactName: z.string().nullable(),
  provider: z.string(),
  unreadCount: z.number(),
  takenOverByUserId: z.string().nullable(),
  lastMessageAt: z.string().nullable(),
});
const messageSchema = z.object({
  id: z.uuid(),
  direction: z.enum(['inbound', 'outbound']),
  body: z.string().nullable(),
  mediaType: z.string().nullable(),
  mediaSizeBytes: z.number().nullable(),
  status: z.string(),
  authorUserId: z.string().nullable(),
  at: z.string(),
});
const connectionSchema = z.object({
  provider: z.enum(WHATSAPP_PROVIDERS),
  wanted: z.boolean(),
  status: z.string(),
  qrImage: z.string().nullable(),
  pairingCode: z.string().nullable(),
  lastError: z.string().nullable(),
  statusChangedAt: z.string().nullable(),
});

/** Body of POST /whatsapp/conversations/:id/messages; the CRM's chat form validates with it too. */
export const whatsappSendBody = z.strictObject({
  text: z.string().trim().min(1).max(MAX_TEXT_CHARS),
  /** Chosen by the client per message, so a double submit sends once. */
  clientMessageId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/).optional(),
});

const toConversation = (c: Conversation): z.infer<typeof conversationSchema> => ({
  id: c.id,
  contactE164: c.contactE164,
  contactName: c.contactName,
  provider: c.provider,
  unreadCount: c.unreadCount,
  takenOverByUserId: c.takenOverByUserId,
  lastMessageAt: c.lastMessageAt ? c.lastMessageAt.toISOString() : null,
});

async function connectionView(connection: WhatsappConnection | null): Promise<z.infer<typeof connectionSchema>> {
  return {
    provider: connection?.provider ?? 'baileys',
    wanted: connection?.wanted ?? false,
    status: connection?.status ?? 'disconnected',
    qrImage: connection?.status === 'qr' && connection.qr ? await QRCode.toDataURL(connection.qr, { margin: 1, width: 280 }) : null,
    pairingCode: connection?.status === 'qr' ? (connection.pairingCode ?? null) : null,
    lastError: connection?.lastError ?? null,
    statusChangedAt: connection ? connection.statusChangedAt.toISOString() : null,
  };
}

/** WhatsApp in the CRM: conversations, chat, takeover, and the linked-device connection. */
export function whatsappRoutes(deps: BookingDeps): AnyRoute[] {
  const target = (conversation: Conversation, businessId: string): ConversationTarget => ({
    taskQueue: deps.taskQueue,
    businessId,
    conversationId: conversation.id,
    contactE164: conversation.contactE164,
  });
  const findConversation = async (id: string) => {
    const conversation = await Conversation.findOne({ where: { id, channel: 'whatsapp' } });
    if (!conversation) throw notFound(CONVERSATION_NOT_FOUND);
    return conversation;
  };

  return [
    defineRoute({
      id: 'whatsapp.conversations.list',
      method: 'get',
      path: '/whatsapp/conversations',
      summary: 'WhatsApp conversations, latest message first, with unread counts',
      tag: 'whatsapp',
      scope: 'tenant',
      query: z.strictObject({ limit: z.coerce.number().int().min(1).max(200).default(50), offset: z.coerce.number().int().min(0).max(100_000).default(0) }),
      response: { status: 200, description: 'Conversations', schema: z.object({ conversations: z.array(conversationSchema), total: z.number() }) },
      handler: async ({ auth, query }) => {
        requirePermission(auth, 'conversation.read');
        const { rows, count } = await Conversation.findAndCountAll({
          where: { channel: 'whatsapp' },
          order: [['lastMessageAt', 'DESC NULLS LAST'], ['createdAt', 'DESC']],
          limit: query.limit,
          offset: query.offset,
        });
        return { body: { conversations: rows.map(toConversation), total: count } };
      },
    }),
    defineRoute({
      id: 'whatsapp.conversations.messages',
      method: 'get',
      path: '/whatsapp/conversations/:id/messages',
      summary: 'The messages of one conversation, oldest first (the latest 200)',
      tag: 'whatsapp',
      scope: 'tenant',
      params: uuidParam,
      response: { status: 200, description: 'Messages', schema: z.object({ conversation: conversationSchema, messages: z.array(messageSchema) }) },
      handler: async ({ auth, params }) => {
        requirePermission(auth, 'conversation.read');
        const conversation = await findConversation(params.id);
        const recent = await Message.findAll({ where: { conversationId: conversation.id }, order: [['createdAt', 'DESC']], limit: 200 });
        const messages = recent.reverse().map((m) => ({
          id: m.id,
          direction: m.direction,
          body: m.body,
          mediaType: m.mediaType,
          mediaSizeBytes: m.mediaSizeBytes,
          status: m.status,
          authorUserId: m.authorUserId,
          at: m.createdAt.toISOString(),
        }));
        return { body: { conversation: toConversation(conversation), messages } };
      },
    }),
    defineRoute({
      id: 'whatsapp.conversations.markRead',
      method: 'post',
      path: '/whatsapp/conversations/:id/read',
      summary: 'Mark a conversation read (unread count back to zero)',
      tag: 'whatsapp',
      scope: 'tenant',
      params: uuidParam,
      response: { status: 200, description: 'Marked read', schema: z.object({ conversation: conversationSchema }) },
      handler: async ({ auth, params }) => {
        requirePermission(auth, 'conversation.read');
        const conversation = await findConversation(params.id);
        await conversation.update({ unreadCount: 0 });
        return { body: { conversation: toConversation(conversation) } };
      },
    }),
    defineRoute({
      id: 'whatsapp.conversations.send',
      method: 'post',
      path: '/whatsapp/conversations/:id/messages',
      summary: 'Send a reply written in the CRM (through the conversation workflow and the outbound queue)',
      tag: 'whatsapp',
      scope: 'tenant',
      params: uuidParam,
      body: whatsappSendBody,
      tenantTransaction: 'on-demand',
      response: { status: 202, description: 'Queued', schema: z.object({ queued: z.literal(true), clientMessageId: z.string() }) },
      handler: async ({ auth, params, body, businessId, inTenant }) => {
        requirePermission(auth, 'conversation.write');
        const conversation = await inTenant(() => findConversation(params.id));
        const clientMessageId = body.clientMessageId ?? `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 10)}`;
        await sendHumanMessage(deps.temporal, target(conversation, businessId), { id: clientMessageId, userId: actingUserId(auth), body: body.text });
        return { status: 202, body: { queued: true, clientMessageId } };
      },
    }),
    ...(['take_over', 'hand_back'] as const).map((action) =>
      defineRoute({
        id: action === 'take_over' ? 'whatsapp.conversations.takeOver' : 'whatsapp.conversations.handBack',
        method: 'post',
        path: action === 'take_over' ? '/whatsapp/conversations/:id/take-over' : '/whatsapp/conversations/:id/hand-back',
        summary: action === 'take_over' ? 'Take the conversation over: the assistant stops answering' : 'Hand the conversation back to the assistant',
        tag: 'whatsapp',
        scope: 'tenant',
        params: uuidParam,
        tenantTransaction: 'on-demand',
        response: { status: 200, description: 'The conversation', schema: z.object({ conversation: conversationSchema }) },
        handler: async ({ auth, params, businessId, inTenant }) => {
          requirePermission(auth, 'conversation.write');
          const conversation = await inTenant(() => findConversation(params.id));
          await setConversationOwner(deps.temporal, target(conversation, businessId), action, auth.userId);
          await inTenant(() => conversation.update({ takenOverByUserId: action === 'take_over' ? actingUserId(auth) : null }));
          return { body: { conversation: toConversation(conversation) } };
        },
      }),
    ),
    defineRoute({
      id: 'whatsapp.connection.get',
      method: 'get',
      path: '/whatsapp/connection',
      summary: 'The WhatsApp connection: provider, live status, the QR to scan (PNG data URL) and a pairing code',
      tag: 'whatsapp',
      scope: 'tenant',
      response: { status: 200, description: 'Connection', schema: z.object({ connection: connectionSchema }) },
      handler: async ({ auth }) => {
        requirePermission(auth, 'settings.read');
        return { body: { connection: await connectionView(await WhatsappConnection.findOne()) } };
      },
    }),
    defineRoute({
      id: 'whatsapp.connection.connect',
      method: 'post',
      path: '/whatsapp/connection',
      summary: 'Connect WhatsApp (Baileys: a whatsapp process picks the session up and shows a QR; Twilio: inbound by webhook)',
      tag: 'whatsapp',
      scope: 'tenant',
      body: z.strictObject({ provider: z.enum(WHATSAPP_PROVIDERS).default('baileys') }),
      response: { status: 200, description: 'Connection', schema: z.object({ connection: connectionSchema }) },
      handler: async ({ auth, body, businessId }) => {
        requirePermission(auth, 'settings.update');
        const [connection] = await WhatsappConnection.findOrCreate({ where: {}, defaults: { businessId } });
        await connection.update({ provider: body.provider, wanted: true, status: body.provider === 'twilio' ? 'open' : 'connecting', lastError: null, pairingCode: null, pairingPhoneE164: null, statusChangedAt: new Date() });
        return { body: { connection: await connectionView(connection) } };
      },
    }),
    defineRoute({
      id: 'whatsapp.connection.pairingCode',
      method: 'post',
      path: '/whatsapp/connection/pairing-code',
      summary: 'Ask for a pairing code for this phone instead of scanning the QR; it appears in the connection status',
      tag: 'whatsapp',
      scope: 'tenant',
      body: z.strictObject({ phone: z.string().trim().min(3).max(40) }),
      response: { status: 202, description: 'Requested', schema: z.object({ connection: connectionSchema }) },
      handler: async ({ auth, body }) => {
        requirePermission(auth, 'settings.update');
        const phone = extractPhoneNumber(body.phone).e164;
        if (!phone) throw new HttpError(400, 'validation_failed', 'The request has invalid fields', { phone: [`${INVALID_PHONE.en} / ${INVALID_PHONE.he}`] });
        const connection = await WhatsappConnection.findOne();
        if (!connection?.wanted || connection.provider !== 'baileys') throw new HttpError(409, 'not_connecting', 'Connect WhatsApp first / יש להתחיל חיבור וואטסאפ קודם');
        await connection.update({ pairingPhoneE164: phone, pairingCode: null });
        return { status: 202, body: { connection: await connectionView(connection) } };
      },
    }),
    defineRoute({
      id: 'whatsapp.connection.logout',
      method: 'post',
      path: '/whatsapp/connection/logout',
      summary: 'Log the linked device out and delete its stored keys (the next connect needs a new QR)',
      tag: 'whatsapp',
      scope: 'tenant',
      response: { status: 200, description: 'Connection', schema: z.object({ connection: connectionSchema }) },
      handler: async ({ auth }) => {
        requirePermission(auth, 'settings.update');
        const connection = await WhatsappConnection.findOne();
        if (connection) await connection.update({ wanted: false, status: 'logged_out', qr: null, pairingCode: null, pairingPhoneE164: null, statusChangedAt: new Date() });
        // The session's process logs out at WhatsApp when it lets the session go; the keys go now.
        await WhatsappAuthKey.destroy({ where: {} });
        return { body: { connection: await connectionView(connection) } };
      },
    }),
  ];
}
