import {
	DATABASE_URL,
	LEAD_FOLLOW_UP_MINUTES,
	SESSION_COOKIE_SECURE,
	SESSION_SECRET,
	SESSION_TTL_HOURS,
	TEMPORAL_ADDRESS,
	TEMPORAL_NAMESPACE,
	TEMPORAL_TASK_QUEUE,
	TEMPORAL_UI_URL
} from '$app/env/private';
import { Client, Connection } from '@temporalio/client';
import { createPasswordAuthenticator } from '$api/auth/passport';
import { SessionStore } from '$api/auth/sessions';
import { LoginThrottleStore } from '$api/auth/throttle';
import { Database } from '$data';
import { logger } from './logger';

/**
 * The web process's connections, each created on first use (so /health answers without a
 * database): one Database, the API's SessionStore and login throttle over it, and one
 * Temporal client. These are process resources, not per-request state.
 */
let database: Database | undefined;
let sessionStore: SessionStore | undefined;
let loginThrottle: LoginThrottleStore | undefined;
let passwordCheck: ReturnType<typeof createPasswordAuthenticator> | undefined;
let temporalClient: Promise<Client> | undefined;

export function db(): Database {
	if (!DATABASE_URL) throw new Error('DATABASE_URL is not set');
	database ??= new Database({ url: DATABASE_URL, logger, poolMax: 10 });
	return database;
}

export function sessions(): SessionStore {
	sessionStore ??= new SessionStore(db(), SESSION_SECRET, SESSION_TTL_HOURS * 3_600_000);
	return sessionStore;
}

export function throttle(): LoginThrottleStore {
	loginThrottle ??= new LoginThrottleStore(db());
	return loginThrottle;
}

/** The API's passport-local check (argon2id, equal time for unknown emails). */
export function passwordAuthenticator(): ReturnType<typeof createPasswordAuthenticator> {
	passwordCheck ??= createPasswordAuthenticator(db());
	return passwordCheck;
}

export function temporal(): Promise<Client> {
	temporalClient ??= Connection.connect({ address: TEMPORAL_ADDRESS, connectTimeout: 10_000 }).then(
		(connection) => new Client({ connection, namespace: TEMPORAL_NAMESPACE }),
		(err: unknown) => {
			temporalClient = undefined;
			throw err;
		}
	);
	return temporalClient;
}

export const temporalSettings = {
	taskQueue: TEMPORAL_TASK_QUEUE,
	namespace: TEMPORAL_NAMESPACE,
	uiUrl: TEMPORAL_UI_URL,
	leadFollowUpMs: LEAD_FOLLOW_UP_MINUTES * 60_000
} as const;

export const sessionCookieSecure = SESSION_COOKIE_SECURE;
