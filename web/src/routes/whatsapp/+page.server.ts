import { fail } from '@sveltejs/kit';
import QRCode from 'qrcode';
import { Conversation, Message, WhatsappAuthKey, WhatsappConnection } from '$data';
import { extractPhoneNumber } from '$domain';
import { sendHumanMessage, setConversationOwner } from '$orchestration';
import { requireTenant, tenantIdentity } from '$lib/server/auth';
import { db, temporal, temporalSettings } from '$lib/server/db';
import { isUuid } from '$lib/server/forms';
import type { Actions, PageServerLoad } from './$types';

const MAX_TEXT = 4096;

export const load: PageServerLoad = async ({ url }) => {
	const auth = requireTenant('conversation.read');
	const selectedId = url.searchParams.get('c');
	const data = await db().withTenant(tenantIdentity(auth), async () => {
		const [connection, conversations] = await Promise.all([
			WhatsappConnection.findOne(),
			Conversation.findAll({ where: { channel: 'whatsapp' }, order: [['lastMessageAt', 'DESC NULLS LAST'], ['createdAt', 'DESC']], limit: 100 })
		]);
		const selected = isUuid(selectedId) ? conversations.find((c) => c.id === selectedId) ?? null : null;
		const messages = selected ? (await Message.findAll({ where: { conversationId: selected.id }, order: [['createdAt', 'DESC']], limit: 200 })).reverse() : [];
		if (selected && selected.unreadCount > 0) await selected.update({ unreadCount: 0 });
		return { connection, conversations, selected, messages };
	});
	const { connection } = data;
	return {
		connection: {
			provider: connection?.provider ?? 'baileys',
			status: connection?.status ?? 'disconnected',
			wanted: connection?.wanted ?? false,
			qrImage: connection?.status === 'qr' && connection.qr ? await QRCode.toDataURL(connection.qr, { margin: 1, width: 260 }) : null,
			pairingCode: connection?.status === 'qr' ? (connection.pairingCode ?? null) : null,
			lastError: connection?.lastError ?? null
		},
		conversations: data.conversations.map((c) => ({
			id: c.id,
			contact: c.contactName ? `${c.contactName} (${c.contactE164})` : c.contactE164,
			unread: c.id === data.selected?.id ? 0 : c.unreadCount,
			takenOver: c.takenOverByUserId !== null,
			lastMessageAt: c.lastMessageAt?.toISOString() ?? null
		})),
		selected: data.selected
			? { id: data.selected.id, contact: data.selected.contactName ?? data.selected.contactE164, takenOver: data.selected.takenOverByUserId !== null }
			: null,
		messages: data.messages.map((m) => ({
			id: m.id,
			direction: m.direction,
			body: m.body,
			mediaType: m.mediaType,
			status: m.status,
			human: m.authorUserId !== null,
			at: m.createdAt.toISOString()
		}))
	};
};

async function conversationFrom(request: Request, permission: 'conversation.write') {
	const auth = requireTenant(permission);
	const form = await request.formData();
	const id = form.get('id');
	if (!isUuid(id)) return { auth, form, conversation: null };
	const conversation = await db().withTenant(tenantIdentity(auth), () => Conversation.findOne({ where: { id, channel: 'whatsapp' } }));
	return { auth, form, conversation };
}

const target = (conversation: Conversation, businessId: string) => ({
	taskQueue: temporalSettings.taskQueue,
	businessId,
	conversationId: conversation.id,
	contactE164: conversation.contactE164
});

export const actions: Actions = {
	connect: async () => {
		const auth = requireTenant('settings.update');
		await db().withTenant(tenantIdentity(auth), async () => {
			const [connection] = await WhatsappConnection.findOrCreate({ where: {}, defaults: { businessId: auth.businessId } });
			await connection.update({ provider: 'baileys', wanted: true, status: 'connecting', lastError: null, pairingCode: null, pairingPhoneE164: null, statusChangedAt: new Date() });
		});
		return { connected: true };
	},
	pairing: async ({ request }) => {
		const auth = requireTenant('settings.update');
		const phone = extractPhoneNumber(String((await request.formData()).get('phone') ?? '').slice(0, 40)).e164;
		if (!phone) return fail(400, { pairingError: 'phone' as const });
		await db().withTenant(tenantIdentity(auth), () => WhatsappConnection.update({ pairingPhoneE164: phone, pairingCode: null }, { where: { wanted: true } }));
		return { pairingRequested: true };
	},
	logout: async () => {
		const auth = requireTenant('settings.update');
		await db().withTenant(tenantIdentity(auth), async () => {
			await WhatsappConnection.update({ wanted: false, status: 'logged_out', qr: null, pairingCode: null, pairingPhoneE164: null, statusChangedAt: new Date() }, { where: {} });
			await WhatsappAuthKey.destroy({ where: {} });
		});
		return { loggedOut: true };
	},
	send: async ({ request }) => {
		const { auth, form, conversation } = await conversationFrom(request, 'conversation.write');
		if (!conversation) return fail(404, { sendError: 'not_found' as const });
		const text = String(form.get('text') ?? '').trim();
		if (!text || text.length > MAX_TEXT) return fail(400, { sendError: 'text' as const, text });
		const key = String(form.get('key') ?? '');
		const id = /^[A-Za-z0-9_-]{8,64}$/.test(key) ? key : `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 10)}`;
		await sendHumanMessage(await temporal(), target(conversation, auth.businessId), { id, userId: auth.userId, body: text });
		return { sent: true };
	},
	takeOver: async ({ request }) => {
		const { auth, conversation } = await conversationFrom(request, 'conversation.write');
		if (!conversation) return fail(404, { ownerError: 'not_found' as const });
		await setConversationOwner(await temporal(), target(conversation, auth.businessId), 'take_over', auth.userId);
		await db().withTenant(tenantIdentity(auth), () => Conversation.update({ takenOverByUserId: auth.userId }, { where: { id: conversation.id } }));
		return { takenOver: true };
	},
	handBack: async ({ request }) => {
		const { auth, conversation } = await conversationFrom(request, 'conversation.write');
		if (!conversation) return fail(404, { ownerError: 'not_found' as const });
		await setConversationOwner(await temporal(), target(conversation, auth.businessId), 'hand_back', auth.userId);
		await db().withTenant(tenantIdentity(auth), () => Conversation.update({ takenOverByUserId: null }, { where: { id: conversation.id } }));
		return { handedBack: true };
	}
};
