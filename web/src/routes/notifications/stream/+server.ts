import { logger } from '$lib/server/logger';
import { requireTenant, tenantIdentity } from '$lib/server/auth';
import { db } from '$lib/server/db';
import { alertsSince, toBellItem } from '$lib/server/notifications';
import type { RequestHandler } from './$types';

/** How often the stream looks for new alerts, and how often it proves the connection alive. */
const POLL_MS = 2_000;
const HEARTBEAT_MS = 20_000;

/**
 * Server-sent events for the notification bell: every alert of the business written after
 * `since` (the newest the page already shows), as `event: notification` with the item as JSON.
 * The stream reads through the tenant context like every page; the browser's EventSource
 * reconnects by itself (retry 5 s) and a reconnect is authenticated again.
 */
export const GET: RequestHandler = ({ request, url }) => {
	const auth = requireTenant('lead.read');
	const identity = tenantIdentity(auth);
	const sinceParam = new Date(url.searchParams.get('since') ?? '');
	let since = Number.isNaN(sinceParam.getTime()) ? new Date() : sinceParam;
	const sent = new Set<string>(url.searchParams.getAll('seen').slice(0, 50));
	const encoder = new TextEncoder();
	let timer: ReturnType<typeof setTimeout> | undefined;
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
				clearTimeout(timer);
				try {
					controller.close();
				} catch {
					// already closed by the client
				}
			};
			request.signal.addEventListener('abort', stop);
			write('retry: 5000\n: connected\n\n');

			const poll = async () => {
				if (closed) return;
				try {
					const rows = await db().withTenant(identity, () => alertsSince(since));
					for (const row of rows) {
						if (sent.has(row.id)) continue;
						sent.add(row.id);
						write(`event: notification\ndata: ${JSON.stringify(toBellItem(row))}\n\n`);
					}
					const newest = rows[rows.length - 1];
					if (newest) since = newest.createdAt;
					if (sent.size > 500) for (const id of [...sent].slice(0, 250)) sent.delete(id);
					if (Date.now() - lastWrite > HEARTBEAT_MS) write(': heartbeat\n\n');
				} catch (error) {
					logger.warn({ err: error, businessId: identity.businessId }, 'notification stream poll failed');
				}
				if (!closed) timer = setTimeout(() => void poll(), POLL_MS);
			};
			void poll();
		},
		cancel() {
			closed = true;
			clearTimeout(timer);
		}
	});

	return new Response(stream, {
		headers: { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache, no-transform', 'x-accel-buffering': 'no' }
	});
};
