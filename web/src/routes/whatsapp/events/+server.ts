import { WhatsappConnection } from '$data';
import { requireTenant, tenantIdentity } from '$lib/server/auth';
import { db } from '$lib/server/db';
import type { RequestHandler } from './$types';

const POLL_MS = 2_000;
const MAX_STREAM_MS = 10 * 60_000;

/**
 * Server-sent events for the WhatsApp page: the connection status (and the newest
 * message time) whenever it changes, read from the database every two seconds.
 * The browser reloads the page data on each event; the stream ends after ten
 * minutes and EventSource reconnects by itself.
 */
export const GET: RequestHandler = async ({ request }) => {
	const auth = requireTenant('conversation.read');
	const identity = tenantIdentity(auth);
	const snapshot = () =>
		db().withTenant(identity, async (transaction) => {
			const connection = await WhatsappConnection.findOne({ transaction });
			const [rows] = await db().sequelize.query("SELECT max(updated_at) AS at FROM conversations WHERE channel = 'whatsapp'", { transaction });
			const newest = (rows as Array<{ at: Date | null }>)[0]?.at;
			return JSON.stringify({ status: connection?.status ?? 'disconnected', qr: connection?.qr ?? null, pairingCode: connection?.pairingCode ?? null, newest: newest ? new Date(newest).toISOString() : null });
		});
	let timer: ReturnType<typeof setInterval> | undefined;
	let ended: ReturnType<typeof setTimeout> | undefined;
	const stream = new ReadableStream<string>({
		async start(controller) {
			let last = '';
			const push = async () => {
				try {
					const next = await snapshot();
					if (next !== last) controller.enqueue(`event: status\ndata: ${next}\n\n`);
					last = next;
				} catch {
					controller.enqueue(': retry\n\n');
				}
			};
			await push();
			timer = setInterval(() => void push(), POLL_MS);
			ended = setTimeout(() => {
				clearInterval(timer);
				controller.close();
			}, MAX_STREAM_MS);
			request.signal.addEventListener('abort', () => {
				clearInterval(timer);
				clearTimeout(ended);
			});
		},
		cancel() {
			clearInterval(timer);
			clearTimeout(ended);
		}
	});
	return new Response(stream.pipeThrough(new TextEncoderStream()), {
		headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' }
	});
};
