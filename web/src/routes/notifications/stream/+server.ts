import { logger } from '$lib/server/logger';
import { requireTenant, tenantIdentity } from '$lib/server/auth';
import { db } from '$lib/server/db';
import { onBusinessAlerts } from '$lib/server/notification-events';
import { alertsSince, toBellItem } from '$lib/server/notifications';
import type { RequestHandler } from './$types';

/** How often the stream proves the connection alive (proxies close silent ones). */
const HEARTBEAT_MS = 20_000;

/**
 * Server-sent events for the notification bell: every alert of the business written after
 * `since` (the newest the page already shows), as `event: notification` with the item as JSON.
 * It reads when woken by PostgreSQL (LISTEN/NOTIFY, $lib/server/notification-events) — once at
 * the start, then once per committed alert of the business — never on a timer. It reads through
 * the tenant context like every page; the browser's EventSource
 * reconnects by itself (retry 5 s) and a reconnect is authenticated again.
 */
export const GET: RequestHandler = ({ request, url }) => {
	const auth = requireTenant('lead.read');
	const identity = tenantIdentity(auth);
	const sinceParam = new Date(url.searchParams.get('since') ?? '');
	let since = Number.isNaN(sinceParam.getTime()) ? new Date() : sinceParam;
	const sent = new Set<string>(url.searchParams.getAll('seen').slice(0, 50));
	const encoder = new TextEncoder();
	let heartbeat: ReturnType<typeof setInterval> | undefined;
	let unsubscribe: (() => void) | undefined;
	let closed = false;
	let lastWrite = Date.now();

	const stream = new ReadableStream<Uint8Array>({
		start(controller) {
			const write = (text: string) => {
				if (closed) return;
				controller.enqueue(encoder.encode(text));
				lastWrite = Date.now();
			};
			const stop = () => {
				if (closed) return;
				closed = true;
				clearInterval(heartbeat);
				unsubscribe?.();
				try {
					controller.close();
				} catch {
					// already closed by the client
				}
			};
			request.signal.addEventListener('abort', stop);
			write('retry: 5000\n: connected\n\n');

			// One read at a time; a wake during a read asks for one more read after it.
			let reading = false;
			let again = false;
			const read = async () => {
				if (closed) return;
				if (reading) {
					again = true;
					return;
				}
				reading = true;
				try {
					do {
						again = false;
						const rows = await db().withTenant(identity, () => alertsSince(since));
						for (const row of rows) {
							if (sent.has(row.id)) continue;
							sent.add(row.id);
							write(`event: notification\ndata: ${JSON.stringify(toBellItem(row))}\n\n`);
						}
						const newest = rows[rows.length - 1];
						if (newest) since = newest.createdAt;
						if (sent.size > 500) for (const id of [...sent].slice(0, 250)) sent.delete(id);
					} while (again && !closed);
				} catch (error) {
					logger.warn({ err: error, businessId: identity.businessId }, 'notification stream read failed');
				} finally {
					reading = false;
				}
			};
			heartbeat = setInterval(() => {
				if (Date.now() - lastWrite >= HEARTBEAT_MS - 1_000) write(': heartbeat\n\n');
			}, HEARTBEAT_MS);
			// Listening first, then the first read: an alert committed in between wakes a second read.
			void onBusinessAlerts(identity.businessId, () => void read())
				.then((off) => {
					if (closed) off();
					else unsubscribe = off;
				})
				.catch((error: unknown) => logger.warn({ err: error, businessId: identity.businessId }, 'notification stream could not listen'))
				.finally(() => void read());
		},
		cancel() {
			closed = true;
			clearInterval(heartbeat);
			unsubscribe?.();
		}
	});

	return new Response(stream, {
		headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform', 'x-accel-buffering': 'no' }
	});
};
