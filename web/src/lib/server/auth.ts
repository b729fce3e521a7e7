import { error, redirect } from '@sveltejs/kit';
import { getRequestEvent } from '$app/server';
import type { TenantIdentity } from '$data';
import { can, type Action, type Actor } from '$domain/policy';

/** Who is signed in, decided once per request in hooks.server.ts from the session cookie. */
export interface WebAuth extends Actor {
	via: 'session';
	/** The signed-in user behind the session (the system_admin while impersonating). */
	realUserId: string;
	sessionId: string;
}

/** A signed-in user acting in a business: what tenant pages need. */
export interface TenantAuth extends WebAuth {
	businessId: string;
}

/** The signed-in user, or a redirect to /login that comes back here afterwards. */
export function requireAuth(): WebAuth {
	const { locals, url } = getRequestEvent();
	if (!locals.auth) {
		redirect(303, `/login?redirectTo=${encodeURIComponent(url.pathname + url.search)}`);
	}
	return locals.auth;
}

/** The signed-in user if the policy lets them do `action`; a 403 page otherwise. */
export function requirePermission(action: Action): WebAuth {
	const auth = requireAuth();
	const decision = can(auth, action);
	if (!decision.allowed) error(403, decision.reason);
	return auth;
}

/** As requirePermission, for pages that work inside one business. */
export function requireTenant(action: Action): TenantAuth {
	const auth = requirePermission(action);
	if (!auth.businessId) error(403, 'no_business');
	return auth as TenantAuth;
}

/** The identity withTenant() records on every change (actor, impersonator, request id). */
export function tenantIdentity(auth: TenantAuth): TenantIdentity {
	return {
		businessId: auth.businessId,
		actorUserId: auth.userId,
		impersonatorUserId: auth.impersonatorUserId ?? null,
		requestId: getRequestEvent().locals.requestId
	};
}
