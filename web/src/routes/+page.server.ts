import { redirect } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';

/** The public home page; someone already signed in goes straight to the dashboard. */
export const load: PageServerLoad = ({ locals }) => {
	if (locals.auth) redirect(303, '/dashboard');
	return {};
};
