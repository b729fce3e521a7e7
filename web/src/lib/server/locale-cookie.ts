import type { Cookies } from '@sveltejs/kit';
import { LOCALE_COOKIE, type Locale } from '$lib/i18n/locales';

const ONE_YEAR_SECONDS = 60 * 60 * 24 * 365;

/** The `lang` cookie: read by hooks.server.ts on every request. */
export function setLocaleCookie(cookies: Cookies, locale: Locale, url: URL): void {
	cookies.set(LOCALE_COOKIE, locale, { path: '/', maxAge: ONE_YEAR_SECONDS, sameSite: 'lax', httpOnly: false, secure: url.protocol === 'https:' });
}
