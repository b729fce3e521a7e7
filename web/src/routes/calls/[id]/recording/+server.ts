import { Readable } from 'node:stream';
import { error } from '@sveltejs/kit';
import { Call } from '$data';
import { parseByteRange } from '$platform/recordings/storage';
import { requireTenant, tenantIdentity } from '$lib/server/auth';
import { db } from '$lib/server/db';
import { isUuid } from '$lib/server/forms';
import { recordings } from '$lib/server/recordings';
import type { RequestHandler } from './$types';

/**
 * The call's recording for the CRM's player: signed-in users of the call's business only
 * (the call is looked up under row-level security), streamed with Range support so the
 * player can seek.
 */
export const GET: RequestHandler = async ({ params, request }) => {
	const auth = requireTenant('call.read');
	if (!isUuid(params.id)) error(404, 'call not found');
	const call = await db().withTenant(tenantIdentity(auth), () => Call.findByPk(params.id, { attributes: ['id', 'recordingPath', 'recordingDeletedAt'] }));
	if (!call) error(404, 'call not found');
	if (!call.recordingPath || call.recordingDeletedAt) error(404, 'no recording');
	const storage = recordings();
	const probe = await storage.get(call.recordingPath, { start: 0, end: 0 });
	if (!probe) error(404, 'no recording');
	probe.body.destroy();
	const range = parseByteRange(request.headers.get('range'), probe.size);
	if (range === 'unsatisfiable') return new Response(null, { status: 416, headers: { 'content-range': `bytes */${probe.size}` } });
	const recording = await storage.get(call.recordingPath, range ?? undefined);
	if (!recording) error(404, 'no recording');
	const headers: Record<string, string> = {
		'content-type': recording.contentType,
		'content-length': String(recording.range.end - recording.range.start + 1),
		'accept-ranges': 'bytes',
		'cache-control': 'private, no-store'
	};
	if (range) headers['content-range'] = `bytes ${recording.range.start}-${recording.range.end}/${recording.size}`;
	return new Response(Readable.toWeb(recording.body) as ReadableStream, { status: range ? 206 : 200, headers });
};
