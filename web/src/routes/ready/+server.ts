import { pingApi } from '$lib/server/api-ping';
import { pingDatabase } from '$lib/server/db-ping';
import type { RequestHandler } from './$types';

/** Readiness: PostgreSQL answers `SELECT 1` and the API reports healthy. */
export const GET: RequestHandler = async ({ locals }) => {
	const [database, api] = await Promise.all([
		pingDatabase(locals.requestId),
		pingApi(locals.requestId)
	]);
	const checks = { database, api };
	const ready = Object.values(checks).every((result) => result === 'ok');

	return Response.json(
		{ status: ready ? 'ready' : 'not_ready', checks },
		{ status: ready ? 200 : 503, headers: { 'cache-control': 'no-store' } }
	);
};
