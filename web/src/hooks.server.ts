import { randomUUID } from 'node:crypto';
import { sequence } from '@sveltejs/kit/hooks';
import type { Handle, HandleServerError } from '@sveltejs/kit/hooks';
import { LOCALE_COOKIE, resolveLocale, textDirection } from '$lib/i18n/locales';
import { SESSION_COOKIE } from '$api/auth/context';
import { sessions } from '$lib/server/db';
import { logger } from '$lib/server/logger';
import { requestIdFrom } from '$lib/server/request-id';

/** Request id in, request id out, one JSON log line per request. */
const requestContext: Handle = async ({ event, resolve }) => {
	const started = performance.now();
	const requestId = requestIdFrom(event.request.headers.get('x-request-id'));
	event.locals.requestId = requestId;

	const response = withHeader(await resolve(event), 'x-request-id', requestId);

	logger.info(
		{
			requestId,
			method: event.request.method,
			// the path as requested (event.url hides kit's own suffixes such as __data.json)
			path: new URL(event.request.url).pathname,
			status: response.status,
			ms: Math.round((performance.now() - started) * 10) / 10
		},
		'request'
	);
	return response;
};

/** The `lang` cookie decides the language; `<html lang dir>` follows it in the first chunk. */
const localization: Handle = async ({ event, resolve }) => {
	const locale = resolveLocale(event.cookies.get(LOCALE_COOKIE));
	event.locals.locale = locale;

	let htmlTagPending = true;
	return resolve(event, {
		transformPageChunk: ({ html }) => {
			// only the template's <html> tag carries the placeholders: never touch page content
			if (!htmlTagPending || !html.includes('%lang%')) return html;
			htmlTagPending = false;
			return html.replace('%lang%', locale).replace('%dir%', textDirection(locale));
		}
	});
};

const PROBES = new Set(['/health', '/ready']);

/**
 * The `prosaas_session` cookie becomes `locals.auth`, through the API's own session store:
 * one login serves the API and the CRM. An unknown or expired cookie is dropped.
 */
const session: Handle = async ({ event, resolve }) => {
	event.locals.auth = null;
	const token = event.cookies.get(SESSION_COOKIE);
	// the probes answer without touching the session store, cookie or not
	if (token && !PROBES.has(event.url.pathname)) {
		const resolved = await sessions().resolve(token);
		if (resolved) {
			const acting = resolved.impersonated ?? resolved.user;
			event.locals.auth = {
				userId: acting.id,
				role: acting.role,
				businessId: acting.businessId,
				impersonatorUserId: resolved.impersonated ? resolved.user.id : null,
				via: 'session',
				realUserId: resolved.user.id,
				sessionId: resolved.sessionId
			};
		} else {
			event.cookies.delete(SESSION_COOKIE, { path: '/' });
		}
	}
	return resolve(event);
};

export const handle = sequence(requestContext, localization, session);

/**
 * Every error passes through here (kit 3), 404s included. Unexpected ones are logged with
 * their stack; what the user sees is a generic message plus the request id to quote.
 */
export const handleError: HandleServerError = ({ kind, error, event }) => {
	const requestId = event.locals.requestId ?? randomUUID();
	const where = { requestId, method: event.request.method, path: event.url.pathname };

	if (kind === 'unknown') {
		logger.error({ ...where, err: error }, 'unhandled error');
		return { message: 'Internal Error', requestId };
	}
	if (error.status >= 500) {
		logger.warn({ ...where, kind, status: error.status, message: error.message }, 'server error');
	}
	return { requestId };
};

/** Sets a header even on responses whose headers are immutable (e.g. a proxied fetch). */
function withHeader(response: Response, name: string, value: string): Response {
	try {
		response.headers.set(name, value);
		return response;
	} catch {
		const copy = new Response(response.body, response);
		copy.headers.set(name, value);
		return copy;
	}
}
