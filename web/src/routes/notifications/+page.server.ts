import { requireTenant, tenantIdentity } from '$lib/server/auth';
import { businessTimeZone } from '$lib/server/business';
import { db } from '$lib/server/db';
import { latestAlerts, markRead, readUntil, toBellItem } from '$lib/server/notifications';
import type { Actions, PageServerLoad } from './$types';

export const load: PageServerLoad = async () => {
	const auth = requireTenant('lead.read');
	const [rows, timeZone, seenAt] = await db().withTenant(tenantIdentity(auth), () =>
		Promise.all([latestAlerts(100), businessTimeZone(auth.businessId), readUntil(auth.userId)])
	);
	return { items: rows.map(toBellItem), seenAt: seenAt?.toISOString() ?? null, timeZone };
};

export const actions: Actions = {
	/** Everything up to now counts as read, for this user on every device (notification_reads). */
	seen: async () => {
		const auth = requireTenant('lead.read');
		await db().withTenant(tenantIdentity(auth), () => markRead(auth.businessId, auth.userId, new Date()));
		return { seen: true };
	}
};
