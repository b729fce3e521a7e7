import { error, redirect } from '@sveltejs/kit';
import { isLocale, LOCALE_COOKIE } from '$lib/i18n/locales';
import { sameSitePath } from '$lib/server/redirects';
import type { RequestHandler } from './$types';

const ONE_YEAR_SECONDS = 60 * 60 * 24 * 365;

/**
 * The language switch: a plain form post (works without JavaScript) that stores the choice
 * in the `lang` cookie and sends the browser back to the page it came from.
 */
export const POST: RequestHandler = async ({ request, cookies, url }) => {
	const form = await request.formData().catch(() => null);
	const lang = form?.get('lang');
	if (!isLocale(lang)) error(400, 'Unsupported language');

	cookies.set(LOCALE_COOKIE, lang, {
		path: '/',
		maxAge: ONE_YEAR_SECONDS,
		sameSite: 'lax',
		httpOnly: false,
		secure: url.protocol === 'https:'
	});
	redirect(303, sameSitePath(form?.get('redirectTo') ?? null, url));
};
