import { Op } from 'sequelize';
import { Notification } from '$data';

/** What the bell shows: the business's own alerts (new lead, new appointment, call summary, a WhatsApp customer asking for a person, CRM reminders). */
export const BELL_KINDS = ['owner_new_appointment', 'owner_new_lead', 'owner_call_summary', 'owner_whatsapp_handoff', 'crm_reminder'] as const;

/** The cookie holding the instant the user last marked the notifications read. */
export const SEEN_COOKIE = 'notif_seen';

export interface BellItem {
	id: string;
	kind: string;
	body: string;
	leadId: string | null;
	createdAt: string;
}

export function toBellItem(row: Notification): BellItem {
	return { id: row.id, kind: row.kind, body: row.body, leadId: row.leadId, createdAt: row.createdAt.toISOString() };
}

/** The latest alerts, newest first (call inside withTenant). */
export async function latestAlerts(limit: number): Promise<Notification[]> {
	return Notification.findAll({ where: { kind: [...BELL_KINDS] }, order: [['createdAt', 'DESC'], ['id', 'DESC']], limit });
}

/** Alerts at or after `since`, oldest first (call inside withTenant). */
export async function alertsSince(since: Date, limit = 50): Promise<Notification[]> {
	return Notification.findAll({ where: { kind: [...BELL_KINDS], createdAt: { [Op.gte]: since } }, order: [['createdAt', 'ASC'], ['id', 'ASC']], limit });
}

export async function unreadAlerts(seenAt: Date | null): Promise<number> {
	return Notification.count({ where: { kind: [...BELL_KINDS], ...(seenAt ? { createdAt: { [Op.gt]: seenAt } } : {}) } });
}

export function seenAtFrom(cookie: string | undefined): Date | null {
	if (!cookie) return null;
	const parsed = new Date(cookie);
	return Number.isNaN(parsed.getTime()) ? null : parsed;
}
