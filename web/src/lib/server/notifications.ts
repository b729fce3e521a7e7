import { Op, QueryTypes } from 'sequelize';
import { Notification } from '$data';

/** What the bell shows: the business's own alerts (new lead, new appointment, call summary, a WhatsApp customer asking for a person, CRM reminders). */
export const BELL_KINDS = ['owner_new_appointment', 'owner_new_lead', 'owner_call_summary', 'owner_whatsapp_handoff', 'crm_reminder'] as const;


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

/** Up to which instant the user has read the business's alerts; null: never (call inside withTenant). */
export async function readUntil(userId: string): Promise<Date | null> {
	const [row] = await Notification.sequelize!.query<{ read_until: Date }>('SELECT read_until FROM notification_reads WHERE user_id = :userId', {
		replacements: { userId },
		type: QueryTypes.SELECT
	});
	return row ? new Date(row.read_until) : null;
}

/** Everything up to `at` counts as read for this user in this business (call inside withTenant). */
export async function markRead(businessId: string, userId: string, at: Date): Promise<void> {
	await Notification.sequelize!.query(
		`INSERT INTO notification_reads (business_id, user_id, read_until) VALUES (:businessId, :userId, :at)
		ON CONFLICT (business_id, user_id) DO UPDATE SET read_until = GREATEST(notification_reads.read_until, EXCLUDED.read_until), updated_at = now()`,
		{ replacements: { businessId, userId, at }, type: QueryTypes.INSERT }
	);
}
