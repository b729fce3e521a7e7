import { requirePermission } from '$lib/server/auth';
import type { PageServerLoad } from './$types';

/** The section's pages come in a later slice; the guard is already the policy's. */
export const load: PageServerLoad = () => {
	requirePermission('settings.read');
	return {};
};
