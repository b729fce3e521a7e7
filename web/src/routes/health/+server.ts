import type { RequestHandler } from './$types';

/** Liveness: the process answers. Touches no dependency. */
export const GET: RequestHandler = () =>
	Response.json({ status: 'ok', service: 'web' }, { headers: { 'cache-control': 'no-store' } });
