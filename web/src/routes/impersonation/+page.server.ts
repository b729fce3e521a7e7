import { error, redirect } from '@sveltejs/kit';
import { audit, clientAddress } from '$lib/server/audit';
import { requireAuth } from '$lib/server/auth';
import { sessions } from '$lib/server/db';
import { setSessionCookie } from '$lib/server/session-cookie';
import type { Actions, PageServerLoad } from './$types';

/** Nothing to show here: the banner in the layout posts to ?/stop. */
export const load: PageServerLoad = () => {
	requireAuth();
	redirect(303, '/dashboard');
};

export const actions: Actions = {
	/** DELETE /impersonation: back to the system_admin's own session (rotated), audited. */
	stop: async ({ request, cookies, url }) => {
		const auth = requireAuth();
		if (!auth.impersonatorUserId) error(409, 'not_impersonating');
		await sessions().destroy(auth.sessionId);
		const session = await sessions().create({ userId: auth.impersonatorUserId, ip: clientAddress(), userAgent: request.headers.get('user-agent') ?? undefined });
		setSessionCookie(cookies, session.token, url);
		await audit({ action: 'impersonation.stop', businessId: auth.businessId, targetType: 'user', targetId: auth.userId });
		redirect(303, '/businesses');
	}
};
