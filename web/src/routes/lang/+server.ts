import { error, redirect } from '@sveltejs/kit';
import { User } from '$data';
import { isLocale } from '$lib/i18n/locales';
import { db } from '$lib/server/db';
import { setLocaleCookie } from '$lib/server/locale-cookie';
import { sameSitePath } from '$lib/server/redirects';
import type { RequestHandler } from './$types';

/**
 * The language switch: a plain form post (works without JavaScript) that stores the choice
 * in the `lang` cookie and sends the browser back to the page it came from.
 */
export const POST: RequestHandler = async ({ request, cookies, url, locals }) => {
	const form = await request.formData().catch(() => null);
	const lang = form?.get('lang');
	if (!isLocale(lang)) error(400, 'Unsupported language');

	setLocaleCookie(cookies, lang, url);
	// remembered per user: the next sign-in, on any device, opens in this language
	const auth = locals.auth;
	if (auth) {
		await db().withSystemScope('remember the language a user chose', () => User.update({ locale: lang }, { where: { id: auth.realUserId } }), { logLevel: 'debug' });
	}
	redirect(303, sameSitePath(form?.get('redirectTo') ?? null, url));
};
