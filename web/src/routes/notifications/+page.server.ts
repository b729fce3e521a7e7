import { requireTenant, tenantIdentity } from '$lib/server/auth';
import { businessTimeZone } from '$lib/server/business';
import { db } from '$lib/server/db';
import { latestAlerts, seenAtFrom, SEEN_COOKIE, toBellItem } from '$lib/server/notifications';
import type { Actions, PageServerLoad } from './$types';

const ONE_YEAR_SECONDS = 60 * 60 * 24 * 365;

export const load: PageServerLoad = async ({ cookies }) => {
	const auth = requireTenant('lead.read');
	const [rows, timeZone] = await db().withTenant(tenantIdentity(auth), () => Promise.all([latestAlerts(100), businessTimeZone(auth.businessId)]));
	return { items: rows.map(toBellItem), seenAt: seenAtFrom(cookies.get(SEEN_COOKIE))?.toISOString() ?? null, timeZone };
};

export const actions: Actions = {
	/** Everything up to now counts as read (kept in a cookie of this browser). */
	seen: ({ cookies, url }) => {
		requireTenant('lead.read');
		cookies.set(SEEN_COOKIE, new Date().toISOString(), { path: '/', maxAge: ONE_YEAR_SECONDS, sameSite: 'lax', httpOnly: true, secure: url.protocol === 'https:' });
		return { seen: true };
	}
};
