import { DATABASE_URL } from '$app/env/private';
import pg from 'pg';
import { NOTIFICATIONS_CHANNEL } from '$data/notification-channel';
import { logger } from './logger';

/**
 * One LISTEN connection per web process for the notification bells. The database sends
 * {businessId, id} on NOTIFICATIONS_CHANNEL when an alert is committed (migration 0013); this
 * wakes the open streams of that business, which then read the alert through the tenant context.
 * Nothing is read here: the payload names a business, row-level security decides what a stream
 * may see. After a lost connection every stream is woken once, to catch up on what it missed.
 */
type Wake = () => void;

const RECONNECT_MS = [500, 1_000, 2_000, 5_000];

const listeners = new Map<string, Set<Wake>>();
let client: pg.Client | null = null;
let connecting: Promise<void> | null = null;
let failures = 0;
let reconnectTimer: ReturnType<typeof setTimeout> | undefined;

function wakeAll(): void {
	for (const wakes of listeners.values()) for (const wake of wakes) wake();
}

function onNotification(message: pg.Notification): void {
	if (message.channel !== NOTIFICATIONS_CHANNEL || !message.payload) return;
	try {
		const { businessId } = JSON.parse(message.payload) as { businessId?: unknown };
		if (typeof businessId !== 'string') return;
		for (const wake of listeners.get(businessId) ?? []) wake();
	} catch (error) {
		logger.warn({ err: error }, 'notification event payload is not JSON');
	}
}

function scheduleReconnect(): void {
	if (reconnectTimer || listeners.size === 0) return;
	const delay = RECONNECT_MS[Math.min(failures, RECONNECT_MS.length - 1)]!;
	failures += 1;
	reconnectTimer = setTimeout(() => {
		reconnectTimer = undefined;
		void connect();
	}, delay);
}

function connect(): Promise<void> {
	if (client || connecting) return connecting ?? Promise.resolve();
	if (!DATABASE_URL) return Promise.reject(new Error('DATABASE_URL is not set'));
	const next = new pg.Client({ connectionString: DATABASE_URL, application_name: 'prosaas-web-bell' });
	const dropped = (error?: unknown) => {
		if (client !== next) return;
		client = null;
		logger.warn({ err: error }, 'notification LISTEN connection lost; reconnecting');
		next.removeAllListeners();
		next.end().catch(() => undefined);
		scheduleReconnect();
	};
	connecting = (async () => {
		try {
			await next.connect();
			next.on('notification', onNotification);
			next.on('error', dropped);
			next.on('end', () => dropped());
			await next.query(`LISTEN ${NOTIFICATIONS_CHANNEL}`);
			client = next;
			if (failures > 0) wakeAll();
			failures = 0;
		} catch (error) {
			logger.warn({ err: error }, 'notification LISTEN connection failed');
			next.end().catch(() => undefined);
			scheduleReconnect();
		} finally {
			connecting = null;
		}
	})();
	return connecting;
}

/**
 * Calls `wake` whenever an alert of the business is committed (and once after a reconnect).
 * Resolves once listening, so a caller that reads after it misses nothing; returns the unsubscribe.
 */
export async function onBusinessAlerts(businessId: string, wake: Wake): Promise<() => void> {
	let wakes = listeners.get(businessId);
	if (!wakes) listeners.set(businessId, (wakes = new Set()));
	wakes.add(wake);
	await connect();
	return () => {
		const current = listeners.get(businessId);
		current?.delete(wake);
		if (current?.size === 0) listeners.delete(businessId);
	};
}
