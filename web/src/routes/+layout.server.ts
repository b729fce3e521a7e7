import { Business, User } from '$data';
import { can } from '$domain/policy';
import { NAV_SECTIONS } from '$lib/nav';
import { tenantIdentity } from '$lib/server/auth';
import { db } from '$lib/server/db';
import { latestAlerts, readUntil, toBellItem, unreadAlerts } from '$lib/server/notifications';
import type { LayoutServerLoad } from './$types';

/**
 * Hands the shell only what it renders: the language, who is signed in (name, role, business
 * name) and which sections the role may see. Guards are not here: each page load checks.
 */
export const load: LayoutServerLoad = async ({ locals }) => {
	const auth = locals.auth;
	const navIds = NAV_SECTIONS.filter(
		(section) =>
			(!section.permission || (auth !== null && can(auth, section.permission).allowed)) &&
			// outside any business only the platform's own sections make sense
			(auth === null || auth.businessId !== null || section.platform === true)
	).map((section) => section.id);
	if (!auth) return { locale: locals.locale, navIds, user: null, bell: null };
	const found = await db().withSystemScope(
		'show the signed-in user in the CRM shell',
		async () => {
			const [user, business, impersonator] = await Promise.all([
				User.findByPk(auth.userId, { attributes: ['fullName'] }),
				auth.businessId ? Business.findByPk(auth.businessId, { attributes: ['name'] }) : null,
				auth.impersonatorUserId ? User.findByPk(auth.impersonatorUserId, { attributes: ['fullName'] }) : null
			]);
			return { fullName: user?.fullName ?? '', businessName: business?.name ?? null, impersonatorName: impersonator?.fullName ?? null };
		},
		{ logLevel: 'debug' }
	);
	// the bell: the business's latest alerts and how many arrived since the user marked them read
	const bellAuth = auth.businessId && can(auth, 'lead.read').allowed ? { ...auth, businessId: auth.businessId } : null;
	const bell = bellAuth
		? await db().withTenant(tenantIdentity(bellAuth), async () => {
				const [items, unread] = await Promise.all([latestAlerts(8), readUntil(bellAuth.userId).then(unreadAlerts)]);
				return { items: items.map(toBellItem), unread };
			})
		: null;
	return {
		locale: locals.locale,
		navIds,
		bell,
		user: { ...found, role: auth.role, impersonating: Boolean(auth.impersonatorUserId) }
	};
};
