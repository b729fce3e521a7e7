import type { Cookies } from '@sveltejs/kit';
import { SESSION_COOKIE } from '$api/auth/context';
import { sessionCookieSecure, sessions } from './db';

/** The `prosaas_session` cookie with the same attributes the API sets (httpOnly, SameSite=Lax, sliding lifetime). */
export function setSessionCookie(cookies: Cookies, token: string, url: URL): void {
	cookies.set(SESSION_COOKIE, token, {
		path: '/',
		httpOnly: true,
		sameSite: 'lax',
		secure: sessionCookieSecure === 'auto' ? url.protocol === 'https:' : sessionCookieSecure === 'true',
		maxAge: sessions().ttlSeconds
	});
}
