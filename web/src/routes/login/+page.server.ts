import { fail, redirect } from '@sveltejs/kit';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { SESSION_COOKIE } from '$api/auth/context';
import { emailSchema } from '$api/routes/schemas';
import { User } from '$data';
import { audit, clientAddress } from '$lib/server/audit';
import { db, passwordAuthenticator, sessionCookieSecure, sessions, throttle } from '$lib/server/db';
import { sameSitePath } from '$lib/server/redirects';
import { isLocale } from '$lib/i18n/locales';
import { setLocaleCookie } from '$lib/server/locale-cookie';
import type { Actions, PageServerLoad } from './$types';

/** The body POST /api/v1/auth/login validates. */
const loginSchema = z.strictObject({ email: emailSchema, password: z.string().min(1).max(1024) });

export const load: PageServerLoad = ({ locals, url }) => {
	const redirectTo = url.searchParams.get('redirectTo');
	if (locals.auth) redirect(303, sameSitePath(redirectTo, url, '/dashboard'));
	// carried in a hidden field: the form posts to ?/login, which replaces the query
	return { redirectTo: redirectTo ?? '' };
};

export const actions: Actions = {
	/**
	 * Exactly what POST /auth/login does: lockout, password check, audit rows, rotation, cookie.
	 * The lockout text is the API's LOCKOUT_MESSAGE, kept in the dictionaries (auth.errors.locked).
	 */
	login: async ({ request, cookies, locals, url }) => {
		const form = await request.formData();
		const email = String(form.get('email') ?? '').trim();
		const parsed = loginSchema.safeParse({ email, password: String(form.get('password') ?? '') });
		if (!parsed.success) return fail(400, { email, error: 'invalid_input' as const, lockedMinutes: 0 });
		const body = parsed.data;

		const ip = clientAddress();
		const locked = await throttle().lockedFor(ip, body.email);
		if (locked > 0) {
			await audit({ action: 'auth.login_failed', businessId: null, details: { email: body.email, reason: 'locked' } });
			return fail(429, { email, error: 'locked' as const, lockedMinutes: minutes(locked) });
		}
		// passport-local reads the credentials from req.body; nothing else of express is used
		const outcome = await passwordAuthenticator()({ body } as Request, {} as Response);
		if (!outcome.user) {
			const lockedNow = await throttle().recordFailure(ip, body.email);
			await audit({
				action: 'auth.login_failed',
				businessId: outcome.knownUser?.businessId ?? null,
				targetType: outcome.knownUser ? 'user' : undefined,
				targetId: outcome.knownUser?.id,
				details: { email: body.email, reason: 'invalid_credentials' }
			});
			if (lockedNow > 0) {
				return fail(429, { email, error: 'locked' as const, lockedMinutes: minutes(lockedNow) });
			}
			return fail(401, { email, error: 'invalid_credentials' as const, lockedMinutes: 0 });
		}
		const user = outcome.user;
		await throttle().clearAccount(body.email);
		// Rotation: whatever session the browser had is ended; a new token is issued.
		if (locals.auth) await sessions().destroy(locals.auth.sessionId);
		const session = await sessions().create({ userId: user.id, ip, userAgent: request.headers.get('user-agent') ?? undefined });
		cookies.set(SESSION_COOKIE, session.token, {
			path: '/',
			httpOnly: true,
			sameSite: 'lax',
			secure: sessionCookieSecure === 'auto' ? url.protocol === 'https:' : sessionCookieSecure === 'true',
			maxAge: sessions().ttlSeconds
		});
		const chosenLocale = await db().withSystemScope('record a successful login', async () => {
			await User.update({ lastLoginAt: new Date() }, { where: { id: user.id } });
			return (await User.findByPk(user.id, { attributes: ['locale'] }))?.locale;
		});
		// the language this user chose last time (per user, whatever the device)
		if (isLocale(chosenLocale)) setLocaleCookie(cookies, chosenLocale, url);

		await audit({ action: 'auth.login', businessId: user.businessId, actorUserId: user.id, impersonatorUserId: null, targetType: 'user', targetId: user.id });
		redirect(303, sameSitePath(form.get('redirectTo'), url, '/dashboard'));
	},

	/** Ends this session (POST /auth/logout without `everywhere`). */
	logout: async ({ cookies, locals }) => {
		const auth = locals.auth;
		if (auth) {
			await sessions().destroy(auth.sessionId);
			await audit({ action: 'auth.logout', businessId: auth.businessId, targetType: 'user', targetId: auth.realUserId });
			locals.auth = null;
		}
		cookies.delete(SESSION_COOKIE, { path: '/' });
		redirect(303, '/login');
	}
};

function minutes(seconds: number): number {
	return Math.ceil(seconds / 60);
}
